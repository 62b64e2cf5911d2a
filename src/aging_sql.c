/*
 * aging_sql.c
 *		SQL interface of aging buckets and collection KPIs (SPEC section 2).
 *
 * The aggregates keep their totals in ar_credit.aging_state, exact sums
 * updated in place (see "The aggregates' state" below): a bucket total is
 * exactly what sum() would give, with sum()'s display scale, and partial
 * states combine for parallel query and for Citus (doc/scale-out.md).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
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
 * The aggregates' state: ar_credit.aging_state
 *
 * A real (varlena) type rather than internal, so that a distributed planner
 * such as Citus can compute partial states on the nodes holding the rows and
 * combine them where the query runs (it ships states in their text form).
 * Fixed layout: a header, the bounds (aging), then one exact sum per bucket
 * (aging) or two (amount, amount x days for the KPIs).  A sum counts units
 * of 10^-8 in 128 bits (aging.h) and is updated in place by the transition
 * functions; an amount that does not fit (more than 8 decimals, 10^28 or
 * more) is added to a numeric "spill" kept after the sums, so every total
 * is exact and has sum()'s display scale (the largest of the amounts').
 * ---------------------------------------------------------------------
 */
#define AGING_KIND_AGING	1
#define AGING_KIND_KPI		2

typedef struct AgingAcc
{
	AgingSum	sum;			/* amounts that fit, in 10^-8 units */
	int32		dscale;			/* largest display scale added; -1 = none */
	int32		spill;			/* offset of a numeric of the others, 0 = none */
} AgingAcc;

typedef struct AgingState
{
	int32		vl_len_;
	int32		kind;
	int32		nbounds;		/* 0 for the KPIs */
	int32		nacc;
	int32		bounds[FLEXIBLE_ARRAY_MEMBER];	/* then the AgingAcc array */
} AgingState;

#define STATE_ACC_OFFSET(nb)	MAXALIGN(offsetof(AgingState, bounds) + (nb) * sizeof(int32))
#define STATE_FIXED_SIZE(nb, na) (STATE_ACC_OFFSET(nb) + (na) * sizeof(AgingAcc))
#define STATE_ACCS(s)	((AgingAcc *) ((char *) (s) + STATE_ACC_OFFSET((s)->nbounds)))
#define STATE_SPILL(s, a) ((a)->spill ? (Numeric) ((char *) (s) + (a)->spill) : NULL)

static AgingState *
state_new(int kind, const AgingBounds *b)
{
	int			nb = kind == AGING_KIND_AGING ? b->n : 0;
	int			na = kind == AGING_KIND_AGING ? b->n + 2 : 2;
	AgingState *s = palloc0(STATE_FIXED_SIZE(nb, na));

	SET_VARSIZE(s, STATE_FIXED_SIZE(nb, na));
	s->kind = kind;
	s->nbounds = nb;
	s->nacc = na;
	for (int i = 0; i < nb; i++)
		s->bounds[i] = b->b[i];
	for (int i = 0; i < na; i++)
		STATE_ACCS(s)[i].dscale = -1;
	return s;
}

/* a copy of s in which accumulator k spills into numeric n (n = NULL: none) */
static AgingState *
state_with_spill(AgingState *s, int k, Numeric n)
{
	Size		fixed = STATE_FIXED_SIZE(s->nbounds, s->nacc);
	Size		size = fixed;
	AgingState *r;
	Size		off = fixed;

	for (int i = 0; i < s->nacc; i++)
	{
		Numeric		x = i == k ? n : STATE_SPILL(s, &STATE_ACCS(s)[i]);

		if (x)
			size += MAXALIGN(VARSIZE(x));
	}
	r = palloc0(size);
	memcpy(r, s, fixed);
	SET_VARSIZE(r, size);
	for (int i = 0; i < s->nacc; i++)
	{
		Numeric		x = i == k ? n : STATE_SPILL(s, &STATE_ACCS(s)[i]);

		STATE_ACCS(r)[i].spill = x ? (int32) off : 0;
		if (x)
		{
			memcpy((char *) r + off, x, VARSIZE(x));
			off += MAXALIGN(VARSIZE(x));
		}
	}
	return r;
}

/*
 * PostgreSQL's on-disk numeric format (utils/adt/numeric.c; fixed, as
 * pg_upgrade keeps stored numerics): a 2-byte header, short (sign, display
 * scale and weight in it) or long (followed by an int16 weight), then the
 * base-10000 digits.  Read here, it makes the per-row cost of an exact sum
 * a few integer operations.
 */
#define NUMHDR_SHORT			0x8000
#define NUMHDR_SHORT_NEG		0x2000
#define NUMHDR_SHORT_DSCALE(h)	(((h) & 0x1F80) >> 7)
#define NUMHDR_SHORT_WEIGHT(h)	(((h) & 0x0040) ? (int) ((h) | ~0x003F) : (int) ((h) & 0x003F))
#define NUMHDR_LONG_NEG			0x4000
#define NUMHDR_LONG_DSCALE(h)	((h) & 0x3FFF)

#define NUMHDR_SPECIAL_MASK		0xC000	/* NaN and infinities */

/* an amount as the aggregates add it */
typedef struct AgingAmount
{
	Datum		datum;			/* the numeric, possibly with a short header */
	int			dscale;			/* its display scale */
	bool		fits;			/* it is exactly sum, in 10^-8 units */
	AgingSum	sum;
} AgingAmount;

/*
 * Decode a finite numeric in place: a short (1-byte) varlena header, as
 * values come from the table, is read as it is, without the palloc'd copy
 * PG_GETARG_NUMERIC would make for each row.
 */
static void
amount_decode(struct varlena *v, AgingAmount *a)
{
	const char *p;
	int			len;
	uint16		h;
	int16		w;
	int			hdr;
	int16_t		digits[12];
	int			nd;

	if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
		v = pg_detoast_datum(v);	/* compressed or out of line */
	p = VARDATA_ANY(v);
	len = VARSIZE_ANY_EXHDR(v);
	memcpy(&h, p, sizeof(h));
	if ((h & NUMHDR_SPECIAL_MASK) == NUMHDR_SPECIAL_MASK)
		ar_check_finite_amount((Numeric) pg_detoast_datum(v), "amount");	/* raises */
	if (h & NUMHDR_SHORT)
	{
		hdr = sizeof(uint16);
		w = (int16) NUMHDR_SHORT_WEIGHT(h);
		a->dscale = NUMHDR_SHORT_DSCALE(h);
	}
	else
	{
		hdr = sizeof(uint16) + sizeof(int16);
		memcpy(&w, p + sizeof(uint16), sizeof(w));
		a->dscale = NUMHDR_LONG_DSCALE(h);
	}
	a->datum = PointerGetDatum(v);
	nd = (len - hdr) / (int) sizeof(int16);
	a->fits = nd <= (int) lengthof(digits);
	if (a->fits)
	{
		memcpy(digits, p + hdr, nd * sizeof(int16));
		a->fits = aging_sum_from_digits(digits, nd, w,
										(h & NUMHDR_SHORT) ? (h & NUMHDR_SHORT_NEG) != 0
										: (h & NUMHDR_LONG_NEG) != 0, &a->sum);
	}
}

/* add m x amount (m = 1: the amount) to accumulator k; may return a new state */
static AgingState *
state_add(AgingState *s, int k, const AgingAmount *amount, int32 m)
{
	AgingAcc   *a = &STATE_ACCS(s)[k];
	Numeric		value;
	Numeric		spill;

	if (a->dscale < amount->dscale)
		a->dscale = amount->dscale;
	if (amount->fits && (m == 1 ? aging_sum_add(&a->sum, &amount->sum)
						 : aging_sum_add_mul(&a->sum, &amount->sum, m)))
		return s;
	value = DatumGetNumeric(amount->datum);	/* a 4-byte header from here on */
	if (m != 1)
		value = DatumGetNumeric(DirectFunctionCall2(numeric_mul, NumericGetDatum(value),
													NumericGetDatum(int64_to_numeric(m))));
	spill = STATE_SPILL(s, a);
	if (spill)
		value = DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(spill),
													NumericGetDatum(value)));
	return state_with_spill(s, k, value);
}

/* add a numeric (not from a row: a total, a parsed token) */
static AgingState *
state_add_numeric(AgingState *s, int k, Numeric n)
{
	AgingAmount amount;

	amount_decode((struct varlena *) n, &amount);
	return state_add(s, k, &amount, 1);
}

/* the total of accumulator k (numeric, sum()'s display scale), NULL if none */
static Numeric
state_total(AgingState *s, int k)
{
	AgingAcc   *a = &STATE_ACCS(s)[k];
	int			buflen = 48 + a->dscale;
	char	   *buf;
	Numeric		r;
	Numeric		spill = STATE_SPILL(s, a);

	if (a->dscale < 0)
		return NULL;
	buf = palloc(buflen);
	if (aging_sum_format(&a->sum, a->dscale, buf, buflen) < 0)
		elog(ERROR, "aging sum does not fit its buffer");
	r = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
											ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	pfree(buf);
	if (spill)
		r = DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(r),
												NumericGetDatum(spill)));
	return r;
}

static Numeric
state_total_or_zero(AgingState *s, int k)
{
	Numeric		r = state_total(s, k);

	return r ? r : int64_to_numeric(0);
}

static AgingState *
state_arg(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : (AgingState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

static void
state_check_same(const AgingState *a, const AgingState *b)
{
	if (a->kind != b->kind || a->nbounds != b->nbounds ||
		memcmp(a->bounds, b->bounds, a->nbounds * sizeof(int32)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(a->kind == AGING_KIND_AGING && b->kind == AGING_KIND_AGING
						? "aging bounds must be the same for every row of a group"
						: "cannot combine aging states of different aggregates")));
}

static void check_state_type(FunctionCallInfo fcinfo);

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext ctx;

	if (!AggCheckCallContext(fcinfo, &ctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s must be called by an aggregate", fname)));
	return ctx;
}

/* ---------------------------------------------------------------------
 * Text input and output of aging_state (how Citus ships partial states):
 *   aging {30,60,90} <current> <1-30> <31-60> <61-90> <>90>
 *   kpi <amount> <amount x days>
 * each total a numeric, or - when nothing was added to it.
 * ---------------------------------------------------------------------
 */
pg_noreturn static void
state_syntax_error(const char *input, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type aging_state: \"%s\"", ar_clip_for_message(input)),
			 errdetail("%s", why),
			 errhint("Values of aging_state are written by the aggregates aging, paydex and avg_days_beyond_terms.")));
}

/* "{30,60,90}" at *p into b; advances *p */
static void
parse_state_bounds(const char *input, const char **p, AgingBounds *b)
{
	const char *q = *p;

	if (*q++ != '{')
		state_syntax_error(input, "The bounds must follow \"aging \" in braces.");
	b->n = 0;
	for (;;)
	{
		char	   *end;
		long		v;

		errno = 0;
		v = strtol(q, &end, 10);
		if (end == q || errno != 0 || v < PG_INT32_MIN || v > PG_INT32_MAX || b->n >= AGING_MAX_BOUNDS)
			state_syntax_error(input, "The bounds must be up to 64 integers.");
		b->b[b->n++] = (int32) v;
		q = end;
		if (*q == '}')
			break;
		if (*q++ != ',')
			state_syntax_error(input, "The bounds must be separated by commas.");
	}
	if (aging_check_bounds(b->b, b->n) >= 0)
		state_syntax_error(input, "The bounds must be positive and strictly increasing.");
	*p = q + 1;
}

PG_FUNCTION_INFO_V1(aging_state_in);
Datum
aging_state_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	AgingBounds b = {0, {0}};
	AgingState *s;

	if (strncmp(p, "aging ", 6) == 0)
	{
		p += 6;
		parse_state_bounds(input, &p, &b);
		s = state_new(AGING_KIND_AGING, &b);
	}
	else if (strncmp(p, "kpi", 3) == 0)
	{
		p += 3;
		s = state_new(AGING_KIND_KPI, &b);
	}
	else
		state_syntax_error(input, "It must start with \"aging\" or \"kpi\".");
	for (int k = 0; k < s->nacc; k++)
	{
		const char *end;
		char	   *tok;

		if (*p++ != ' ')
			state_syntax_error(input, psprintf("It must have %d totals separated by spaces.", s->nacc));
		end = p + strcspn(p, " ");
		tok = pnstrdup(p, end - p);
		if (strcmp(tok, "-") != 0)
		{
			Numeric		n;

			if (strspn(tok, "-0123456789.") != strlen(tok) || tok[0] == '\0')
				state_syntax_error(input, "A total must be a decimal number or -.");
			n = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(tok),
													ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
			s = state_add_numeric(s, k, n);
		}
		pfree(tok);
		p = end;
	}
	if (*p != '\0')
		state_syntax_error(input, psprintf("It must have %d totals separated by spaces.", s->nacc));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(aging_state_out);
Datum
aging_state_out(PG_FUNCTION_ARGS)
{
	AgingState *s = (AgingState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	if (s->kind == AGING_KIND_AGING)
	{
		appendStringInfoString(&buf, "aging {");
		for (int i = 0; i < s->nbounds; i++)
			appendStringInfo(&buf, "%s%d", i ? "," : "", s->bounds[i]);
		appendStringInfoChar(&buf, '}');
	}
	else
		appendStringInfoString(&buf, "kpi");
	for (int k = 0; k < s->nacc; k++)
	{
		Numeric		t = state_total(s, k);

		appendStringInfo(&buf, " %s", t ? DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(t))) : "-");
	}
	PG_RETURN_CSTRING(buf.data);
}

/* combine (both aggregates): b's totals added to a's, in place */
PG_FUNCTION_INFO_V1(aging_state_combine);
Datum
aging_state_combine(PG_FUNCTION_ARGS)
{
	AgingState *a = state_arg(fcinfo, 0);
	AgingState *b = state_arg(fcinfo, 1);

	agg_context(fcinfo, "aging_state_combine");
	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		/* a copy: the caller keeps its own */
		a = palloc(VARSIZE(b));
		memcpy(a, b, VARSIZE(b));
		PG_RETURN_POINTER(a);
	}
	state_check_same(a, b);
	for (int k = 0; k < a->nacc; k++)
	{
		AgingAcc   *x = &STATE_ACCS(a)[k];
		AgingAcc   *y = &STATE_ACCS(b)[k];
		Numeric		ys = STATE_SPILL(b, y);

		if (y->dscale < 0)
			continue;
		if (x->dscale < y->dscale)
			x->dscale = y->dscale;
		if (!aging_sum_add(&x->sum, &y->sum))
		{
			/* the fast parts overflow together: b's total goes to the spill */
			a = state_add_numeric(a, k, state_total(b, k));
			continue;
		}
		if (ys)
		{
			Numeric		xs = STATE_SPILL(a, x);

			a = state_with_spill(a, k, xs ? DatumGetNumeric(DirectFunctionCall2(numeric_add,
																				NumericGetDatum(xs), NumericGetDatum(ys)))
								 : ys);
		}
	}
	PG_RETURN_POINTER(a);
}

/* ---------------------------------------------------------------------
 * aging(amount, due, as_of [, bounds]) -> numeric[]
 * ---------------------------------------------------------------------
 */
static Datum
aging_trans(FunctionCallInfo fcinfo, bool with_bounds)
{
	AgingState *s = state_arg(fcinfo, 0);
	int64		days;

	agg_context(fcinfo, "aging_transfn");
	if (with_bounds && PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("aging bounds must not be NULL")));
	if (s == NULL)
		check_state_type(fcinfo);
	if (s == NULL)
		s = state_new(AGING_KIND_AGING,
					  with_bounds ? bounds_arg_cached(fcinfo, 4) : &default_bounds);
	else if (with_bounds)
	{
		/* bounds from a column: every row must bring the same ones */
		const AgingBounds *b = bounds_arg_cached(fcinfo, 4);

		if (b->n != s->nbounds || memcmp(b->b, s->bounds, b->n * sizeof(int32)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("aging bounds must be the same for every row of a group")));
	}

	/* like sum(): rows with a NULL amount or date add nothing */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(s);

	days = days_between(PG_GETARG_DATEADT(2), PG_GETARG_DATEADT(3));
	{
		AgingAmount amount;

		/* a NaN or infinite amount would make its bucket NaN or Infinity */
		amount_decode((struct varlena *) DatumGetPointer(PG_GETARG_DATUM(1)), &amount);
		s = state_add(s, aging_bucket_index(days, s->bounds, s->nbounds), &amount, 1);
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
	AgingState *s = state_arg(fcinfo, 0);
	Datum	   *elems;
	bool		any = false;

	agg_context(fcinfo, "aging_finalfn");
	if (s == NULL || s->kind != AGING_KIND_AGING)
		PG_RETURN_NULL();
	for (int k = 0; k < s->nacc; k++)
		any = any || STATE_ACCS(s)[k].dscale >= 0;
	if (!any)
		PG_RETURN_NULL();		/* no row counted: NULL, like sum() */
	elems = palloc(s->nacc * sizeof(Datum));
	for (int k = 0; k < s->nacc; k++)
		elems[k] = NumericGetDatum(state_total_or_zero(s, k));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, s->nacc, NUMERICOID, -1, false, TYPALIGN_INT));
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
static Datum
kpi_trans(FunctionCallInfo fcinfo, bool early_counts)
{
	AgingState *s = state_arg(fcinfo, 0);
	AgingAmount amount;
	int32		days;

	agg_context(fcinfo, "KPI transition function");
	if (s == NULL)
	{
		check_state_type(fcinfo);
		s = state_new(AGING_KIND_KPI, &default_bounds);
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(s);
	amount_decode((struct varlena *) DatumGetPointer(PG_GETARG_DATUM(1)), &amount);
	if ((amount.fits ? aging_sum_sign(&amount.sum) : ar_numeric_sign(amount.datum)) <= 0)
		PG_RETURN_POINTER(s);
	days = PG_GETARG_INT32(2);
	if (!early_counts && days < 0)
		days = 0;
	s = state_add(s, 0, &amount, 1);
	if (days != 0)
		s = state_add(s, 1, &amount, days);
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
kpi_mean_days(AgingState *s)
{
	Numeric		amount;

	if (s == NULL || s->kind != AGING_KIND_KPI || (amount = state_total(s, 0)) == NULL)
		return NULL;
	return DatumGetNumeric(DirectFunctionCall2(numeric_div,
											   NumericGetDatum(state_total_or_zero(s, 1)),
											   NumericGetDatum(amount)));
}

PG_FUNCTION_INFO_V1(kpi_avg_days_finalfn);
Datum
kpi_avg_days_finalfn(PG_FUNCTION_ARGS)
{
	Numeric		mean;

	agg_context(fcinfo, "avg_days_beyond_terms final function");
	mean = kpi_mean_days(state_arg(fcinfo, 0));
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
	mean = kpi_mean_days(state_arg(fcinfo, 0));
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

/* ---------------------------------------------------------------------
 * Symbols of the 0.2.0 internal-state support functions.  The frozen 0.2.0
 * install script still creates them (CREATE EXTENSION ... VERSION '0.2.0'
 * followed by ALTER EXTENSION UPDATE), and 0.2.0 objects may meet this
 * library between a package upgrade and ALTER EXTENSION ar_credit UPDATE.
 * ---------------------------------------------------------------------
 */
pg_noreturn static void
needs_update(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("the ar_credit aggregates in this database are older than their library"),
			 errhint("Run ALTER EXTENSION ar_credit UPDATE.")));
}

PG_FUNCTION_INFO_V1(aging_combinefn);
Datum
aging_combinefn(PG_FUNCTION_ARGS)
{
	needs_update();
}

PG_FUNCTION_INFO_V1(aging_serialfn);
Datum
aging_serialfn(PG_FUNCTION_ARGS)
{
	needs_update();
}

PG_FUNCTION_INFO_V1(aging_deserialfn);
Datum
aging_deserialfn(PG_FUNCTION_ARGS)
{
	needs_update();
}

PG_FUNCTION_INFO_V1(kpi_combinefn);
Datum
kpi_combinefn(PG_FUNCTION_ARGS)
{
	needs_update();
}

PG_FUNCTION_INFO_V1(kpi_serialfn);
Datum
kpi_serialfn(PG_FUNCTION_ARGS)
{
	needs_update();
}

PG_FUNCTION_INFO_V1(kpi_deserialfn);
Datum
kpi_deserialfn(PG_FUNCTION_ARGS)
{
	needs_update();
}

/* the first call of a group: a 0.2.0 aggregate declared with an internal state? */
static void
check_state_type(FunctionCallInfo fcinfo)
{
	if (get_fn_expr_argtype(fcinfo->flinfo, 0) == INTERNALOID)
		needs_update();
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
