/*
 * glue.h
 *		The helpers shared by the fmgr glue files (glue.c).
 */
#ifndef AR_CREDIT_GLUE_H
#define AR_CREDIT_GLUE_H

#include "postgres.h"
#include "utils/date.h"
#include "utils/numeric.h"

/*
 * Reject a PostgreSQL date ar_credit cannot compute with (+-infinity), with
 * SQLSTATE 22008; argname names the argument in the message.
 */
extern void ar_check_finite_date(DateADT d, const char *argname);

/* 22023 for NaN and +-Infinity: a money amount must be a finite number */
extern void ar_check_finite_amount(Numeric amount, const char *argname);

/* a numeric constant from its text, and the sign (-1, 0, 1) of a numeric */
extern Datum ar_numeric(const char *s);
extern int	ar_numeric_sign(Datum n);

/*
 * Pin search_path to pg_catalog, pg_temp while the caller runs SQL through
 * SPI; returns the GUC nest level to pass to AtEOXact_GUC(true, level).
 */
extern int	ar_pin_search_path(void);

/*
 * A user-supplied string as an error message shows it: unchanged up to 120
 * bytes, else its first 100 bytes (whole characters) followed by "...", so a
 * 100,000-character argument does not flood the message and the log.
 */
extern const char *ar_clip_for_message(const char *s);

/* raise 22008 for a computed date outside PostgreSQL's range */
extern DateADT ar_date_result(int64 d, const char *what);

#endif							/* AR_CREDIT_GLUE_H */
