/*
 * scores.h
 *		Solvency scores: published models, zones, the 0-100 solvency score
 *		and risk classes (SPEC section 3).
 *
 * Pure C.  Coefficients and cut-offs are kept as decimal strings so the
 * glue computes scores in exact numeric arithmetic; the blend into a 0-100
 * solvency score is an index, not money, and is computed in double.
 */
#ifndef AR_CREDIT_SCORES_H
#define AR_CREDIT_SCORES_H

#include <stdbool.h>

typedef struct ScoreModel
{
	const char *name;			/* "z", "z_prime", "z_double_prime", "conan_holder" */
	int			nratios;
	const char *coef[5];		/* coefficient of each ratio, in published order */
	const char *upper;			/* above: safe zone */
	const char *lower;			/* below: distress zone */
	const char *zones[3];		/* names: above upper, between, below lower */
	const char *source;
} ScoreModel;

/* the model of that name, or NULL */
extern const ScoreModel *score_model(const char *name);
extern const char *score_model_names(void);

/*
 * The 0-100 solvency score.  Any of the three parts may be missing
 * (has_* false); returns false when none is present.
 */
typedef struct SolvencyInput
{
	bool		has_financial;
	double		financial;		/* 0..100 */
	bool		has_paydex;
	double		paydex;			/* 1..100 */
	bool		has_exposure;
	double		utilisation;	/* exposure / credit_limit; >= 0 */
} SolvencyInput;

extern bool solvency_score_compute(const SolvencyInput *in, int *score);

/* exposure part: 100 up to half the limit used, 60 at the limit, 0 at 150 % */
extern double exposure_score(double utilisation);

/* "A".."E" for a 0-100 score */
extern const char *risk_class_of(int score);

#endif							/* AR_CREDIT_SCORES_H */
