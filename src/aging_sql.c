/*
 * aging_sql.c
 *		SQL interface of aging buckets and collection KPIs (SPEC section 2).
 *
 * Money is summed with PostgreSQL's own numeric accumulator, the one behind
 * sum(numeric): the transition functions below call numeric_avg_accum() and
 * friends with the aggregate's context, so a bucket total is exactly what
 * sum() would give, at sum()'s speed, and partial states serialise and
 * combine the way sum()'s do for parallel query.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "compat.h"
#include "glue.h"
#include "aging.h"

/* ---------------------------------------------------------------------
 * Bounds arrays
 * ---------------------------------------------------------------------
 */
typedef struct AgingBounds
{
	int			n;
	int32		b[AGING_MAX_BOUNDS];
} AgingBounds;

static const AgingBounds default_bounds = {3, {30, 60, 90}};

/* read and validate an int[] of bucket bounds (22023 naming the element) */
static void
read_bounds(ArrayType *arr, AgingBounds *out)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			bad;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("aging bounds must be a one-dimensional array")));
	deconstruct_array(arr, INT4OID, 4, true, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("aging bounds must not be empty"),
				 errhint("Give the upper day of each bucket after \"current\", e.g. '{30,60,90}'.")));
	if (n > AGING_MAX_BOUNDS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("too many aging bounds: %d", n),
				 errdetail("At most %d bounds are allowed.", AGING_MAX_BOUNDS)));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid aging bounds: element %d is NULL", i + 1)));
		out->b[i] = DatumGetInt32(elems[i]);
	}
	out->n = n;
	bad = aging_check_bounds(out->b, n);
	if (bad >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid aging bounds: element %d (%d) must be %s",
						bad + 1, out->b[bad],
						out->b[bad] <= 0 ? "positive" : "greater than the element before it"),
				 errhint("Bounds must be positive and strictly increasing, e.g. '{30,60,90}'.")));
	pfree(elems);
	pfree(nulls);
}

/* bounds argument argno through fn_extra: validated once per distinct array */
typedef struct BoundsCache
{
	int			len;
	char	   *bytes;
	AgingBounds bounds;
} BoundsCache;

static const AgingBounds *
bounds_arg_cached(FunctionCallInfo fcinfo, int argno)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(argno);
	int			len = VARSIZE(arr);
	BoundsCache *c = (BoundsCache *) fcinfo->flinfo->fn_extra;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(BoundsCache));
		c->len = -1;
		fcinfo->flinfo->fn_extra = c;
	}
	if (c->len != len || memcmp(c->bytes, arr, len) != 0)
	{
		c->len = -1;
		read_bounds(arr, &c->bounds);
		if (c->bytes)
			pfree(c->bytes);
		c->bytes = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len);
		memcpy(c->bytes, arr, len);
		c->len = len;
	}
	return &c->bounds;
}

static int64
days_between(DateADT due, DateADT as_of)
{
	ar_check_finite_date(due, "due");
	ar_check_finite_date(as_of, "as_of");
	return (int64) as_of - (int64) due;
}

/* ---------------------------------------------------------------------
 * Scalar functions
 * ---------------------------------------------------------------------
 */
PG_FUNCTION_INFO_V1(aging_days_past_due);
Datum
aging_days_past_due(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32((int32) days_between(PG_GETARG_DATEADT(0), PG_GETARG_DATEADT(1)));
}

PG_FUNCTION_INFO_V1(aging_bucket_no);
Datum
aging_bucket_no(PG_FUNCTION_ARGS)
{
	int64		days = days_between(PG_GETARG_DATEADT(0), PG_GETARG_DATEADT(1));
	const AgingBounds *b = bounds_arg_cached(fcinfo, 2);

	PG_RETURN_INT32(aging_bucket_index(days, b->b, b->n));
}

PG_FUNCTION_INFO_V1(aging_bucket);
Datum
aging_bucket(PG_FUNCTION_ARGS)
{
	int64		days = days_between(PG_GETARG_DATEADT(0), PG_GETARG_DATEADT(1));
	const AgingBounds *b = bounds_arg_cached(fcinfo, 2);
	char		label[32];

	aging_bucket_label(aging_bucket_index(days, b->b, b->n), b->b, b->n, label, sizeof(label));
	PG_RETURN_TEXT_P(cstring_to_text(label));
}

/* ---------------------------------------------------------------------
 * Exact numeric accumulation with sum()'s own machinery
 * ---------------------------------------------------------------------
 */

/* add value to accumulator acc (NULL = empty); the aggregate context owns it */
static Pointer
acc_add(FunctionCallInfo outer, Pointer acc, Datum value)
{
	LOCAL_FCINFO(inner, 2);

	InitFunctionCallInfoData(*inner, NULL, 2, InvalidOid, outer->context, NULL);
	inner->args[0].value = PointerGetDatum(acc);
	inner->args[0].isnull = (acc == NULL);
	inner->args[1].value = value;
	inner->args[1].isnull = false;
	return DatumGetPointer(numeric_avg_accum(inner));
}

static Pointer
acc_combine(FunctionCallInfo outer, Pointer a, Pointer b)
{
	LOCAL_FCINFO(inner, 2);

	if (b == NULL)
		return a;
	InitFunctionCallInfoData(*inner, NULL, 2, InvalidOid, outer->context, NULL);
	inner->args[0].value = PointerGetDatum(a);
	inner->args[0].isnull = (a == NULL);
	inner->args[1].value = PointerGetDatum(b);
	inner->args[1].isnull = false;
	return DatumGetPointer(numeric_avg_combine(inner));
}

/* the accumulated sum, or 0 for an empty accumulator */
static Numeric
acc_sum(FunctionCallInfo outer, Pointer acc)
{
	LOCAL_FCINFO(inner, 1);
	Datum		r;

	if (acc == NULL)
		return int64_to_numeric(0);
	InitFunctionCallInfoData(*inner, NULL, 1, InvalidOid, outer->context, NULL);
	inner->args[0].value = PointerGetDatum(acc);
	inner->args[0].isnull = false;
	r = numeric_sum(inner);
	return inner->isnull ? int64_to_numeric(0) : DatumGetNumeric(r);
}

static void
acc_serialize(FunctionCallInfo outer, Pointer acc, StringInfo buf)
{
	LOCAL_FCINFO(inner, 1);
	bytea	   *b;

	if (acc == NULL)
	{
		pq_sendint32(buf, -1);
		return;
	}
	InitFunctionCallInfoData(*inner, NULL, 1, InvalidOid, outer->context, NULL);
	inner->args[0].value = PointerGetDatum(acc);
	inner->args[0].isnull = false;
	b = DatumGetByteaPP(numeric_avg_serialize(inner));
	pq_sendint32(buf, VARSIZE_ANY_EXHDR(b));
	pq_sendbytes(buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
}

static Pointer
acc_deserialize(FunctionCallInfo outer, StringInfo buf)
{
	LOCAL_FCINFO(inner, 2);
	int32		len = pq_getmsgint(buf, 4);
	bytea	   *b;

	if (len < 0)
		return NULL;
	b = (bytea *) palloc(VARHDRSZ + len);
	SET_VARSIZE(b, VARHDRSZ + len);
	pq_copymsgbytes(buf, VARDATA(b), len);
	InitFunctionCallInfoData(*inner, NULL, 2, InvalidOid, outer->context, NULL);
	inner->args[0].value = PointerGetDatum(b);
	inner->args[0].isnull = false;
	inner->args[1].value = (Datum) 0;
	inner->args[1].isnull = true;
	return DatumGetPointer(numeric_avg_deserialize(inner));
}

/* a read-only StringInfo over a bytea (initReadOnlyStringInfo is PG 17+) */
static void
read_only_buf(StringInfo buf, bytea *b)
{
	buf->data = VARDATA_ANY(b);
	buf->len = VARSIZE_ANY_EXHDR(b);
	buf->maxlen = buf->len;
	buf->cursor = 0;
}

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext ctx;

	if (!AggCheckCallContext(fcinfo, &ctx))
		elog(ERROR, "%s called in non-aggregate context", fname);
	return ctx;
}

/* ---------------------------------------------------------------------
 * aging(amount, due, as_of [, bounds]) -> numeric[]
 * ---------------------------------------------------------------------
 */
typedef struct AgingState
{
	AgingBounds bounds;
	bool		bounds_stable;	/* the bounds argument is a constant */
	Pointer		acc[AGING_MAX_BOUNDS + 2];
} AgingState;

static AgingState *
aging_state_new(MemoryContext ctx, const AgingBounds *b)
{
	AgingState *s = MemoryContextAllocZero(ctx, sizeof(AgingState));

	s->bounds = *b;
	return s;
}

static bool
same_bounds(const AgingBounds *a, const AgingBounds *b)
{
	return a->n == b->n && memcmp(a->b, b->b, a->n * sizeof(int32)) == 0;
}

static Datum
aging_trans(FunctionCallInfo fcinfo, bool with_bounds)
{
	MemoryContext ctx = agg_context(fcinfo, "aging transition function");
	AgingState *s = PG_ARGISNULL(0) ? NULL : (AgingState *) PG_GETARG_POINTER(0);
	int64		days;

	if (s == NULL)
	{
		AgingBounds b = default_bounds;

		if (with_bounds)
		{
			if (PG_ARGISNULL(4))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("aging bounds must not be NULL")));
			read_bounds(PG_GETARG_ARRAYTYPE_P(4), &b);
		}
		s = aging_state_new(ctx, &b);
		s->bounds_stable = !with_bounds || get_fn_expr_arg_stable(fcinfo->flinfo, 4);
	}
	else if (with_bounds && !s->bounds_stable)
	{
		/* bounds from a column: every row must bring the same ones */
		AgingBounds b;

		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("aging bounds must not be NULL")));
		read_bounds(PG_GETARG_ARRAYTYPE_P(4), &b);
		if (!same_bounds(&b, &s->bounds))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("aging bounds must be the same for every row of a group")));
	}

	/* like sum(): rows with a NULL amount or date add nothing */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(s);

	days = days_between(PG_GETARG_DATEADT(2), PG_GETARG_DATEADT(3));
	{
		int			i = aging_bucket_index(days, s->bounds.b, s->bounds.n);
		/* detoasted once, here: the accumulator then takes it as it is */
		Numeric		amount = PG_GETARG_NUMERIC(1);

		/* a NaN or infinite amount would make its bucket NaN or Infinity */
		ar_check_finite_amount(amount, "amount");
		s->acc[i] = acc_add(fcinfo, s->acc[i], NumericGetDatum(amount));
	}
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(aging_transfn);
Datum
aging_transfn(PG_FUNCTION_ARGS)
{
	return aging_trans(fcinfo, true);
}

PG_FUNCTION_INFO_V1(aging_transfn_default);
Datum
aging_transfn_default(PG_FUNCTION_ARGS)
{
	return aging_trans(fcinfo, false);
}

PG_FUNCTION_INFO_V1(aging_finalfn);
Datum
aging_finalfn(PG_FUNCTION_ARGS)
{
	AgingState *s = PG_ARGISNULL(0) ? NULL : (AgingState *) PG_GETARG_POINTER(0);
	int			nb;
	Datum	   *elems;
	bool		any = false;

	agg_context(fcinfo, "aging final function");
	if (s == NULL)
		PG_RETURN_NULL();
	nb = s->bounds.n + 2;
	for (int i = 0; i < nb; i++)
		any = any || s->acc[i] != NULL;
	if (!any)
		PG_RETURN_NULL();		/* no row counted: NULL, like sum() */
	elems = palloc(nb * sizeof(Datum));
	for (int i = 0; i < nb; i++)
		elems[i] = NumericGetDatum(acc_sum(fcinfo, s->acc[i]));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, nb, NUMERICOID, -1, false, TYPALIGN_INT));
}

PG_FUNCTION_INFO_V1(aging_combinefn);
Datum
aging_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = agg_context(fcinfo, "aging combine function");
	AgingState *a = PG_ARGISNULL(0) ? NULL : (AgingState *) PG_GETARG_POINTER(0);
	AgingState *b = PG_ARGISNULL(1) ? NULL : (AgingState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = aging_state_new(ctx, &b->bounds);
	else if (!same_bounds(&a->bounds, &b->bounds))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("aging bounds must be the same for every row of a group")));
	for (int i = 0; i < a->bounds.n + 2; i++)
		a->acc[i] = acc_combine(fcinfo, a->acc[i], b->acc[i]);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(aging_serialfn);
Datum
aging_serialfn(PG_FUNCTION_ARGS)
{
	AgingState *s = (AgingState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	agg_context(fcinfo, "aging serialization function");
	pq_begintypsend(&buf);
	pq_sendint32(&buf, s->bounds.n);
	for (int i = 0; i < s->bounds.n; i++)
		pq_sendint32(&buf, s->bounds.b[i]);
	for (int i = 0; i < s->bounds.n + 2; i++)
		acc_serialize(fcinfo, s->acc[i], &buf);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(aging_deserialfn);
Datum
aging_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = agg_context(fcinfo, "aging deserialization function");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	AgingBounds bounds;
	AgingState *s;

	read_only_buf(&buf, b);
	bounds.n = pq_getmsgint(&buf, 4);
	if (bounds.n < 1 || bounds.n > AGING_MAX_BOUNDS)
		elog(ERROR, "corrupted aging state");
	for (int i = 0; i < bounds.n; i++)
		bounds.b[i] = pq_getmsgint(&buf, 4);
	s = aging_state_new(ctx, &bounds);
	s->bounds_stable = true;
	for (int i = 0; i < bounds.n + 2; i++)
		s->acc[i] = acc_deserialize(fcinfo, &buf);
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(s);
}

/* ---------------------------------------------------------------------
 * avg_days_beyond_terms(amount, days_late) and paydex(amount, days_late)
 *
 * Both are amount-weighted means of days late: the state is two sums,
 * amount and amount x days (days clamped at 0 for avg_days_beyond_terms,
 * signed for paydex).  Rows with a NULL or a non-positive amount count for
 * nothing: a credit note says nothing about how a customer pays.
 * ---------------------------------------------------------------------
 */
typedef struct KpiState
{
	Pointer		amount;
	Pointer		weighted;
} KpiState;

static Datum
kpi_trans(FunctionCallInfo fcinfo, bool early_counts)
{
	MemoryContext ctx = agg_context(fcinfo, "KPI transition function");
	KpiState   *s = PG_ARGISNULL(0) ? NULL : (KpiState *) PG_GETARG_POINTER(0);
	Numeric		amount;
	int32		days;

	if (s == NULL)
		s = MemoryContextAllocZero(ctx, sizeof(KpiState));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(s);
	amount = PG_GETARG_NUMERIC(1);
	ar_check_finite_amount(amount, "amount");
	if (ar_numeric_sign(NumericGetDatum(amount)) <= 0)
		PG_RETURN_POINTER(s);
	days = PG_GETARG_INT32(2);
	if (!early_counts && days < 0)
		days = 0;
	s->amount = acc_add(fcinfo, s->amount, NumericGetDatum(amount));
	if (days != 0)
		s->weighted = acc_add(fcinfo, s->weighted,
							  DirectFunctionCall2(numeric_mul, NumericGetDatum(amount),
												  NumericGetDatum(int64_to_numeric(days))));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(kpi_beyond_terms_transfn);
Datum
kpi_beyond_terms_transfn(PG_FUNCTION_ARGS)
{
	return kpi_trans(fcinfo, false);
}

PG_FUNCTION_INFO_V1(kpi_signed_days_transfn);
Datum
kpi_signed_days_transfn(PG_FUNCTION_ARGS)
{
	return kpi_trans(fcinfo, true);
}

/* amount-weighted mean days, or NULL when no row counted */
static Numeric
kpi_mean_days(FunctionCallInfo fcinfo, KpiState *s)
{
	if (s == NULL || s->amount == NULL)
		return NULL;
	return DatumGetNumeric(DirectFunctionCall2(numeric_div,
											   NumericGetDatum(acc_sum(fcinfo, s->weighted)),
											   NumericGetDatum(acc_sum(fcinfo, s->amount))));
}

PG_FUNCTION_INFO_V1(kpi_avg_days_finalfn);
Datum
kpi_avg_days_finalfn(PG_FUNCTION_ARGS)
{
	Numeric		mean;

	agg_context(fcinfo, "avg_days_beyond_terms final function");
	mean = kpi_mean_days(fcinfo, PG_ARGISNULL(0) ? NULL : (KpiState *) PG_GETARG_POINTER(0));
	if (mean == NULL)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(DirectFunctionCall2(numeric_round, NumericGetDatum(mean), Int32GetDatum(2)));
}

PG_FUNCTION_INFO_V1(kpi_paydex_finalfn);
Datum
kpi_paydex_finalfn(PG_FUNCTION_ARGS)
{
	Numeric		mean;
	double		days;
	double		idx;

	agg_context(fcinfo, "paydex final function");
	mean = kpi_mean_days(fcinfo, PG_ARGISNULL(0) ? NULL : (KpiState *) PG_GETARG_POINTER(0));
	if (mean == NULL)
		PG_RETURN_NULL();
	/*
	 * An index, not money: interpolate on the mean (to double precision, far
	 * finer than the index); round half up, with a tolerance far below the
	 * index's resolution so that an exact .5 in decimals is not lost to
	 * binary fractions (8.25 days is exactly 74.5, hence 75).
	 */
	days = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, NumericGetDatum(mean)));
	idx = paydex_from_days(days);
	PG_RETURN_INT32((int32) floor(idx + 0.5 + 1e-9));
}

PG_FUNCTION_INFO_V1(kpi_combinefn);
Datum
kpi_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = agg_context(fcinfo, "KPI combine function");
	KpiState   *a = PG_ARGISNULL(0) ? NULL : (KpiState *) PG_GETARG_POINTER(0);
	KpiState   *b = PG_ARGISNULL(1) ? NULL : (KpiState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = MemoryContextAllocZero(ctx, sizeof(KpiState));
	a->amount = acc_combine(fcinfo, a->amount, b->amount);
	a->weighted = acc_combine(fcinfo, a->weighted, b->weighted);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(kpi_serialfn);
Datum
kpi_serialfn(PG_FUNCTION_ARGS)
{
	KpiState   *s = (KpiState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	agg_context(fcinfo, "KPI serialization function");
	pq_begintypsend(&buf);
	acc_serialize(fcinfo, s->amount, &buf);
	acc_serialize(fcinfo, s->weighted, &buf);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(kpi_deserialfn);
Datum
kpi_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = agg_context(fcinfo, "KPI deserialization function");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	KpiState   *s = MemoryContextAllocZero(ctx, sizeof(KpiState));

	read_only_buf(&buf, b);
	s->amount = acc_deserialize(fcinfo, &buf);
	s->weighted = acc_deserialize(fcinfo, &buf);
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(s);
}

/* ---------------------------------------------------------------------
 * dso and cei
 * ---------------------------------------------------------------------
 */
static Datum
round2(Datum n)
{
	return DirectFunctionCall2(numeric_round, n, Int32GetDatum(2));
}

PG_FUNCTION_INFO_V1(kpi_dso);
Datum
kpi_dso(PG_FUNCTION_ARGS)
{
	Numeric		receivables = PG_GETARG_NUMERIC(0);
	Numeric		sales = PG_GETARG_NUMERIC(1);
	int32		days = PG_GETARG_INT32(2);
	Datum		r;

	ar_check_finite_amount(receivables, "receivables");
	ar_check_finite_amount(sales, "credit_sales");
	if (days <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period_days must be positive, not %d", days)));
	if (ar_numeric_sign(NumericGetDatum(sales)) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DIVISION_BY_ZERO),
				 errmsg("DSO is undefined when credit_sales is zero"),
				 errdetail("DSO = receivables / credit_sales x period_days.")));
	r = DirectFunctionCall2(numeric_mul, NumericGetDatum(receivables),
							NumericGetDatum(int64_to_numeric(days)));
	r = DirectFunctionCall2(numeric_div, r, NumericGetDatum(sales));
	PG_RETURN_DATUM(round2(r));
}

PG_FUNCTION_INFO_V1(kpi_cei);
Datum
kpi_cei(PG_FUNCTION_ARGS)
{
	static const char *const names[4] = {"begin_receivables", "credit_sales", "end_receivables",
	"end_current_receivables"};
	Datum		begin = PG_GETARG_DATUM(0);
	Datum		sales = PG_GETARG_DATUM(1);
	Datum		end_total = PG_GETARG_DATUM(2);
	Datum		end_current = PG_GETARG_DATUM(3);
	Datum		collectible,
				num,
				den;

	for (int i = 0; i < 4; i++)
		ar_check_finite_amount(PG_GETARG_NUMERIC(i), names[i]);
	collectible = DirectFunctionCall2(numeric_add, begin, sales);
	num = DirectFunctionCall2(numeric_sub, collectible, end_total);
	den = DirectFunctionCall2(numeric_sub, collectible, end_current);

	if (ar_numeric_sign(den) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DIVISION_BY_ZERO),
				 errmsg("CEI is undefined when begin_receivables + credit_sales - end_current_receivables is zero")));
	num = DirectFunctionCall2(numeric_mul, num, NumericGetDatum(int64_to_numeric(100)));
	PG_RETURN_DATUM(round2(DirectFunctionCall2(numeric_div, num, den)));
}
