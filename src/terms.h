/*
 * terms.h
 *		Payment terms: parsing, canonical text, evaluation and legal checks.
 *
 * Pure C (no PostgreSQL headers): the parser is unit-tested and fuzzed alone
 * (test/unit/test_terms.c, fuzz/fuzz_terms.c); src/terms_sql.c is the glue.
 *
 * A payment term is one or more instalment lines, each a share of the amount
 * and a date formula, plus an optional early-payment discount.  A formula is
 * a list of steps applied left to right to the invoice date, after Business
 * Central's date formulas: nD nW nM nQ nY add (n may be negative), CW CM CQ
 * CY jump to the end of the week/month/quarter/year, Dn goes to the next day
 * n strictly after the current date.
 */
#ifndef AR_CREDIT_TERMS_H
#define AR_CREDIT_TERMS_H

#include <stdbool.h>
#include <stdint.h>

#define TERMS_MAX_STEPS		16		/* steps in one formula */
#define TERMS_MAX_LINES		12		/* instalment lines */
#define TERMS_MAX_N			9999	/* |n| of an adding step */
/*
 * Limits are sized so that the canonical text and both descriptions of the
 * largest value (12 lines of 16 steps and a discount) fit the buffer and are
 * accepted back as input: every value the type holds can be dumped and
 * restored.  test/unit/test_terms.c checks that worst case.
 */
#define TERMS_MAX_INPUT		8192	/* bytes of text input */
#define TERMS_FULL_SHARE	10000	/* shares and rates are in 1/100 of a percent */
#define TERMS_MAX_ENCODED	(7 + 4 + 1 + 3 * TERMS_MAX_STEPS + \
							 TERMS_MAX_LINES * (4 + 1 + 3 * TERMS_MAX_STEPS))
#define TERMS_TEXT_BUFSIZE	(TERMS_MAX_INPUT + 1)	/* canonical text and descriptions */

typedef enum TermsStepKind
{
	TS_ADD_DAYS = 1,
	TS_ADD_WEEKS,
	TS_ADD_MONTHS,
	TS_ADD_QUARTERS,
	TS_ADD_YEARS,
	TS_END_WEEK,
	TS_END_MONTH,
	TS_END_QUARTER,
	TS_END_YEAR,
	TS_DAY_OF_MONTH
} TermsStepKind;

typedef struct TermsStep
{
	uint8_t		kind;			/* TermsStepKind */
	int16_t		n;				/* amount to add, or the day for Dn */
} TermsStep;

typedef struct TermsFormula
{
	int			nsteps;			/* 0 = due on the invoice date */
	TermsStep	steps[TERMS_MAX_STEPS];
} TermsFormula;

typedef struct TermsLine
{
	int32_t		share;			/* 1/100 %: 3000 = 30 % */
	TermsFormula due;
} TermsLine;

typedef struct Terms
{
	int			nlines;
	bool		has_discount;
	int32_t		discount_rate;	/* 1/100 %: 200 = 2 % */
	TermsFormula discount;		/* last day the discount applies */
	TermsLine	lines[TERMS_MAX_LINES];
	int32_t		max_days;		/* worst case of due - invoice date */
} Terms;

typedef enum TermsErrorKind
{
	TERMS_OK = 0,
	TERMS_ERR_SYNTAX,			/* unparsable: 22P02 */
	TERMS_ERR_SHARES			/* shares do not sum to 100 %: 22P02 */
} TermsErrorKind;

typedef struct TermsError
{
	TermsErrorKind kind;
	int			position;		/* 1-based character position, 0 if none */
	char		token[64];		/* the offending token as written */
	char		detail[256];	/* a full sentence */
} TermsError;

typedef enum TermsLang
{
	TERMS_LANG_EN,
	TERMS_LANG_FR
} TermsLang;

/* parse text; on failure fill *err and return false */
extern bool terms_parse(const char *str, Terms *out, TermsError *err);

/* canonical text ("45D+CM", "30D discount 2% 10D"); returns its length */
extern int	terms_format(const Terms *t, char *buf, int buflen);

/* words for invoices; they parse back to the same terms (-1 if they would not fit) */
extern int	terms_describe(const Terms *t, TermsLang lang, char *buf, int buflen);

/* apply a formula to a date; false when the result leaves the date range */
extern bool terms_eval(const TermsFormula *f, int64_t date, int64_t *result);

/* due date of the last instalment (the latest line) */
extern bool terms_due_date(const Terms *t, int64_t date, int64_t *result);

/* worst case of due_date(d) - d over every invoice date d */
extern int32_t terms_compute_max_days(const Terms *t);

/* compact binary form stored in the varlena, and back */
extern int	terms_encode(const Terms *t, uint8_t *buf, int buflen);
extern bool terms_decode(const uint8_t *buf, int len, Terms *t);

/* total order: max_days, then canonical text */
extern int	terms_compare(const Terms *a, const Terms *b);

/*
 * Legal checks.  Fills up to maxmsgs messages (each msglen bytes) and returns
 * their count, or -1 for an unknown regime.
 */
extern int	terms_violations(const Terms *t, const char *regime,
							 char (*msgs)[256], int maxmsgs);
extern const char *terms_known_regimes(void);

#endif							/* AR_CREDIT_TERMS_H */
