/*
 * ar_credit.h
 *		Module-wide declarations: what _PG_init (ar_credit.c) calls and the
 *		variables behind the module's GUCs.  Includes glue.h, the helpers
 *		every glue file shares.
 */
#ifndef AR_CREDIT_H
#define AR_CREDIT_H

#include "postgres.h"

#include "glue.h"

/* called once by _PG_init: GUCs and cache callbacks of each area */
extern void ar_interest_init(void);
extern void ar_dunning_init(void);
extern void ar_credit_init(void);

/* GUCs ar_credit.max_attempts, notify and timezone (dunning_sql.c) */
extern int	ar_max_attempts;
extern bool ar_notify;
extern char *ar_timezone;

#endif							/* AR_CREDIT_H */
