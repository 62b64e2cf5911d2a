/*
 * scores_sql.c
 *		SQL interface of solvency scores (SPEC section 3).
 *
 * Model scores are computed in exact numeric arithmetic from the published
 * coefficients of src/scores.c; a zero or negative denominator raises an
 * error naming the ratio, never NaN or Infinity.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "compat.h"
#include "glue.h"
#include "scores.h"

static const ScoreModel *
model_arg(text *t)
{
	char	   *name = text_to_cstring(t);
	const ScoreModel *m;

	for (char *c = name; *c; c++)
		*c = pg_tolower((unsigned char) *c);
	m = score_model(name);

	if (m == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown score model: \"%s\"", ar_clip_for_message(name)),
				 errhint("Known models: %s.", score_model_names())));
	return m;
}

/*
 * numerator / denominator for ratio `ratio` ("X1 = working_capital /
 * total_assets"): 22012 for a zero denominator, 22023 for a negative one.
 */
static Datum
ratio(FunctionCallInfo fcinfo, int num_arg, int den_arg, const char *ratio_name,
	  const char *num_name, const char *den_name)
{
	Datum		den = PG_GETARG_DATUM(den_arg);
	int			sign;

	ar_check_finite_amount(PG_GETARG_NUMERIC(num_arg), num_name);
	ar_check_finite_amount(DatumGetNumeric(den), den_name);
	sign = ar_numeric_sign(den);
	if (sign == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DIVISION_BY_ZERO),
				 errmsg("ratio %s is undefined: %s is zero", ratio_name, den_name)));
	if (sign < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ratio %s is undefined: %s is negative", ratio_name, den_name),
				 errdetail("%s = %s.", den_name,
						   DatumGetCString(DirectFunctionCall1(numeric_out, den)))));
	return DirectFunctionCall2(numeric_div, PG_GETARG_DATUM(num_arg), den);
}

/* sum of coef[i] x ratios[i], rounded to 4 decimals */
static Datum
weighted(const ScoreModel *m, const Datum *ratios)
{
	Datum		z = ar_numeric("0");

	for (int i = 0; i < m->nratios; i++)
		z = DirectFunctionCall2(numeric_add, z,
								DirectFunctionCall2(numeric_mul, ar_numeric(m->coef[i]), ratios[i]));
	return DirectFunctionCall2(numeric_round, z, Int32GetDatum(4));
}

/*
 * Altman Z (1968) and Z' (1983): args working_capital, retained_earnings,
 * ebit, equity (market or book), sales, total_assets, total_liabilities.
 */
static Datum
altman5(FunctionCallInfo fcinfo, const char *model, const char *equity)
{
	Datum		x[5];
	char		x4[96];

	snprintf(x4, sizeof(x4), "X4 = %s / total_liabilities", equity);
	x[0] = ratio(fcinfo, 0, 5, "X1 = working_capital / total_assets", "working_capital", "total_assets");
	x[1] = ratio(fcinfo, 1, 5, "X2 = retained_earnings / total_assets", "retained_earnings", "total_assets");
	x[2] = ratio(fcinfo, 2, 5, "X3 = ebit / total_assets", "ebit", "total_assets");
	x[3] = ratio(fcinfo, 3, 6, x4, equity, "total_liabilities");
	x[4] = ratio(fcinfo, 4, 5, "X5 = sales / total_assets", "sales", "total_assets");
	return weighted(score_model(model), x);
}

PG_FUNCTION_INFO_V1(scores_altman_z);
Datum
scores_altman_z(PG_FUNCTION_ARGS)
{
	return altman5(fcinfo, "z", "market_value_equity");
}

PG_FUNCTION_INFO_V1(scores_altman_z_prime);
Datum
scores_altman_z_prime(PG_FUNCTION_ARGS)
{
	return altman5(fcinfo, "z_prime", "book_value_equity");
}

/* Z'' (1995): working_capital, retained_earnings, ebit, book_value_equity, total_assets, total_liabilities */
PG_FUNCTION_INFO_V1(scores_altman_z_double_prime);
Datum
scores_altman_z_double_prime(PG_FUNCTION_ARGS)
{
	Datum		x[4];

	x[0] = ratio(fcinfo, 0, 4, "X1 = working_capital / total_assets", "working_capital", "total_assets");
	x[1] = ratio(fcinfo, 1, 4, "X2 = retained_earnings / total_assets", "retained_earnings", "total_assets");
	x[2] = ratio(fcinfo, 2, 4, "X3 = ebit / total_assets", "ebit", "total_assets");
	x[3] = ratio(fcinfo, 3, 5, "X4 = book_value_equity / total_liabilities", "book_value_equity",
				 "total_liabilities");
	return weighted(score_model("z_double_prime"), x);
}

/* Conan-Holder (1979) from its five ratios, in published order */
PG_FUNCTION_INFO_V1(scores_conan_holder);
Datum
scores_conan_holder(PG_FUNCTION_ARGS)
{
	static const char *const names[5] = {"r1", "r2", "r3", "r4", "r5"};
	Datum		r[5];

	for (int i = 0; i < 5; i++)
	{
		ar_check_finite_amount(PG_GETARG_NUMERIC(i), names[i]);
		r[i] = PG_GETARG_DATUM(i);
	}
	return weighted(score_model("conan_holder"), r);
}

/* zone of a model score: above upper, between (inclusive), below lower */
PG_FUNCTION_INFO_V1(scores_zone);
Datum
scores_zone(PG_FUNCTION_ARGS)
{
	Datum		z = PG_GETARG_DATUM(0);
	const ScoreModel *m = model_arg(PG_GETARG_TEXT_PP(1));
	const char *zone;

	ar_check_finite_amount(DatumGetNumeric(z), "score");
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, z, ar_numeric(m->upper))) > 0)
		zone = m->zones[0];
	else if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, z, ar_numeric(m->lower))) < 0)
		zone = m->zones[2];
	else
		zone = m->zones[1];
	PG_RETURN_TEXT_P(cstring_to_text(zone));
}

static double
to_double(Datum n)
{
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, n));
}

/*
 * A model score on the 0-100 scale solvency_score expects, 2 decimals:
 * 30 + (score - distress cut-off) x 40 / (safe - distress cut-off), clamped
 * to 0..100 (the mapping of scores.h), in numeric so that no score, however
 * large, overflows.
 */
PG_FUNCTION_INFO_V1(scores_financial_score);
Datum
scores_financial_score(PG_FUNCTION_ARGS)
{
	Datum		z = PG_GETARG_DATUM(0);
	const ScoreModel *m = model_arg(PG_GETARG_TEXT_PP(1));
	Datum		v;

	ar_check_finite_amount(DatumGetNumeric(z), "score");
	v = DirectFunctionCall2(numeric_sub, z, ar_numeric(m->lower));
	v = DirectFunctionCall2(numeric_mul, v, ar_numeric("40"));
	v = DirectFunctionCall2(numeric_div, v, DirectFunctionCall2(numeric_sub, ar_numeric(m->upper), ar_numeric(m->lower)));
	v = DirectFunctionCall2(numeric_add, v, ar_numeric("30"));
	if (ar_numeric_sign(v) < 0)
		v = ar_numeric("0");
	else if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, v, ar_numeric("100"))) > 0)
		v = ar_numeric("100");
	PG_RETURN_DATUM(DirectFunctionCall2(numeric_round, v, Int32GetDatum(2)));
}

static bool
num_between(Datum v, const char *lo, const char *hi)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, v, ar_numeric(lo))) >= 0 &&
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, v, ar_numeric(hi))) <= 0;
}

/*
 * solvency_score(financial_score, paydex, exposure, credit_limit): not
 * strict, a NULL part is left out (see scores.c for the weights).
 */
PG_FUNCTION_INFO_V1(scores_solvency_score);
Datum
scores_solvency_score(PG_FUNCTION_ARGS)
{
	SolvencyInput in = {0};
	int			score;

	if (!PG_ARGISNULL(0))
	{
		Datum		f = PG_GETARG_DATUM(0);

		ar_check_finite_amount(DatumGetNumeric(f), "financial_score");
		if (!num_between(f, "0", "100"))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("financial_score must be between 0 and 100, not %s",
							DatumGetCString(DirectFunctionCall1(numeric_out, f))),
					 errhint("Map a model score with ar_credit.financial_score(score, model).")));
		in.financial = to_double(f);
		in.has_financial = true;
	}
	if (!PG_ARGISNULL(1))
	{
		int32		p = PG_GETARG_INT32(1);

		if (p < 1 || p > 100)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("paydex must be between 1 and 100, not %d", p)));
		in.paydex = p;
		in.has_paydex = true;
	}
	if (!PG_ARGISNULL(2))
		ar_check_finite_amount(PG_GETARG_NUMERIC(2), "exposure");
	if (!PG_ARGISNULL(3))
		ar_check_finite_amount(PG_GETARG_NUMERIC(3), "credit_limit");
	if (!PG_ARGISNULL(2) && !PG_ARGISNULL(3))
	{
		Datum		exposure = PG_GETARG_DATUM(2);
		Datum		limit = PG_GETARG_DATUM(3);

		if (ar_numeric_sign(limit) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("credit_limit must not be negative, not %s",
							DatumGetCString(DirectFunctionCall1(numeric_out, limit)))));
		in.has_exposure = true;
		if (ar_numeric_sign(exposure) <= 0)
			in.utilisation = 0;		/* nothing owed, or a credit balance */
		else if (ar_numeric_sign(limit) == 0)
			in.utilisation = 1e9;	/* owing without any credit granted */
		else
		{
			/* clamp in numeric first: the exposure part is flat beyond 0.5 and 1.5 */
			Datum		u = DirectFunctionCall2(numeric_div, exposure, limit);

			if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, u, ar_numeric("2"))) > 0)
				in.utilisation = 2;
			else if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, u, ar_numeric("0.5"))) < 0)
				in.utilisation = 0;
			else
				in.utilisation = to_double(u);
		}
	}
	if (!solvency_score_compute(&in, &score))
		PG_RETURN_NULL();
	PG_RETURN_INT32(score);
}

PG_FUNCTION_INFO_V1(scores_risk_class);
Datum
scores_risk_class(PG_FUNCTION_ARGS)
{
	int32		score = PG_GETARG_INT32(0);

	if (score < 0 || score > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("solvency score must be between 0 and 100, not %d", score)));
	PG_RETURN_TEXT_P(cstring_to_text(risk_class_of(score)));
}
