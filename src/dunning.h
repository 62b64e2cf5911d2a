/*
 * dunning.h
 *		Dunning rules: invoice status classes and the next reminder
 *		(SPEC sections 5 and 6).  Pure C.
 */
#ifndef AR_CREDIT_DUNNING_H
#define AR_CREDIT_DUNNING_H

#include <stdbool.h>
#include <stdint.h>

typedef enum InvoiceClass
{
	INV_OPEN,
	INV_CLOSED,
	INV_SUSPENDED,
	INV_IGNORED
} InvoiceClass;

/* class of a status word, case-insensitive; NULL or unknown words are open */
extern InvoiceClass dunning_classify(const char *status);
/* the same for a word of len bytes, not NUL-terminated */
extern InvoiceClass dunning_classify_len(const char *status, int len);
extern const char *dunning_class_name(InvoiceClass c);

typedef struct DunningStep
{
	int			level;
	int			offset_days;	/* relative to the due date; negative = before */
	double		min_amount;		/* the step is skipped below this amount due */
	bool		catch_up;		/* an invoice never reminded may start here */
} DunningStep;

typedef struct NextReminder
{
	int			step;			/* index into the steps */
	int64_t		remind_on;
} NextReminder;

/*
 * The first step with level > last_level that is still meaningful: a
 * pre-due step whose date has passed (before as_of) is skipped; post-due
 * steps advance one level at a time; remind_on = greatest(due + offset,
 * as_of, last_sent + min_gap_days).  Steps must be sorted by level.  With
 * has_amount, steps whose min_amount exceeds amount are skipped.  Returns
 * false after the last level.
 */
extern bool dunning_next(const DunningStep *steps, int nsteps, int64_t due, int64_t as_of,
						 int last_level, bool has_last_sent, int64_t last_sent, int min_gap_days,
						 bool has_amount, double amount, NextReminder *out);

/*
 * Catch-up: the level after which an invoice to which nothing was sent yet
 * resumes, so that dunning_next gives the level its age calls for.  That
 * is the highest post-due step (offset_days >= 0) marked catch_up whose
 * date (due + offset_days) is on or before as_of and whose min_amount the
 * amount reaches; the level of the step before it is returned, 0 when no
 * step qualifies (the first post-due step, as dunning_next alone gives).
 */
extern int	dunning_catch_up(const DunningStep *steps, int nsteps, int64_t due, int64_t as_of,
							 bool has_amount, double amount);

#endif							/* AR_CREDIT_DUNNING_H */
