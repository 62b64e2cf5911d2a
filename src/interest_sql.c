/*
 * interest_sql.c
 *		SQL interface of statutory late-payment interest (SPEC section 4).
 *
 * Rates and regimes are read from ar_credit.reference_rate and
 * ar_credit.interest_regime once per backend into a cache, never once per
 * row.  Both tables carry a statement trigger that sends a relcache
 * invalidation for the table (ar_credit.config_cache_invalidate), and a relcache
 * callback marks the cache stale: the next call reloads, in this session
 * from the next command on, in others once the change commits.
 *
 * Under Citus (doc/scale-out.md) both tables may be reference tables: their
 * rows then live in shards (ar_credit.reference_rate_<shardid>) on every
 * node, a change made through any node runs the trigger on each node's
 * shard, and the cache also listens to the invalidations of those shards.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "compat.h"
#include "ar_credit.h"
#include "dates.h"
#include "interest.h"

/*
 * Fast path.  Almost every amount has at most two decimals and every rate at
 * most four, so interest can be computed exactly in 128-bit integers:
 * interest in cents = round(cents x rate_e4 x days / (basis x 1 000 000)).
 * The numeric path below gives the same result and serves the rest.
 */
typedef struct FixedPoint
{
	bool		ok;
	int64		v;				/* value x 10^scale */
} FixedPoint;

/*
 * value x 10^scale as an int64, if exact and not larger than 10^15.  Goes
 * through numeric_out's text to stay clear of numeric's internal layout;
 * called once per row for the amount, and at cache load for rates.
 */
static FixedPoint
to_fixed(Numeric n, int scale)
{
	FixedPoint	r = {false, 0};
	char	   *s;
	char	   *p;
	int64		v = 0;
	int			digits = 0,
				decimals = -1;
	bool		neg = false;

	if (numeric_is_nan(n) || numeric_is_inf(n))
		return r;
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
	p = s;
	if (*p == '-')
	{
		neg = true;
		p++;
	}
	for (; *p; p++)
	{
		if (*p == '.')
		{
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return r;
		if (decimals >= 0 && ++decimals > scale)
		{
			if (*p != '0')
				return r;		/* more decimals than the scale: not exact */
			continue;
		}
		v = v * 10 + (*p - '0');
		/* at most 15 digits once scaled: products stay far inside int128 */
		if (++digits + (scale - (decimals < 0 ? 0 : decimals)) > 15)
			return r;
	}
	for (int i = (decimals < 0 ? 0 : decimals); i < scale; i++)
		v *= 10;
	pfree(s);
	r.ok = true;
	r.v = neg ? -v : v;
	return r;
}

typedef struct RateRow
{
	DateADT		valid_from;
	Datum		rate;			/* numeric, percent per year */
	FixedPoint	rate_e4;		/* rate x 10^4 */
} RateRow;

typedef struct RateIndex
{
	char	   *name;
	int			n;
	RateRow    *rows;			/* sorted by valid_from */
} RateIndex;

typedef enum IndemnityRule
{
	IND_NONE,
	IND_FIXED,
	IND_UK_BANDS
} IndemnityRule;

typedef struct Regime
{
	char	   *name;
	char	   *rate_index;
	const struct RateIndex *ix; /* resolved at load, NULL if no such index */
	const struct RateIndex *floor_ix;
	FixedPoint	margin_e4;
	FixedPoint	legacy_margin_e4;
	Datum		margin;
	InterestFixing fixing;
	DayCount	day_count;
	bool		per_period;		/* the index publishes one rate per half-year */
	IndemnityRule indemnity;
	Datum		indemnity_amount;
	char	   *floor_index;	/* contract rates must be >= floor_factor x this index */
	Datum		floor_factor;
	bool		has_legacy;
	DateADT		legacy_due_before;	/* debts due before this date ... */
	Datum		legacy_margin;	/* ... use this margin and no indemnity */
} Regime;

static MemoryContext rate_cxt = NULL;
static bool rate_cache_valid = false;
static Oid	rate_relid = InvalidOid;
static Oid	regime_relid = InvalidOid;
static RateIndex *indexes = NULL;
static int	nindexes = 0;
static Regime *regimes = NULL;
static int	nregimes = 0;
static uint32 rate_cache_generation = 0;	/* bumped at each load */

/* this node's shards of the two tables when Citus made them reference tables */
#define MAX_SHARD_RELIDS 16
static Oid	shard_relids[MAX_SHARD_RELIDS];
static int	nshard_relids = 0;

static void
rate_cache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == rate_relid || relid == regime_relid)
		rate_cache_valid = false;
	for (int i = 0; i < nshard_relids; i++)
		if (relid == shard_relids[i])
			rate_cache_valid = false;
}

/*
 * Citus: reading a reference table from a function that runs inside a
 * query on a shard is "nested distributed execution", which Citus refuses
 * unless citus.allow_nested_distributed_execution is on.  For a reference
 * table it is safe (every node holds a complete, synchronously replicated
 * copy, read locally), so the setting is turned on while the cache loads;
 * the caller's GUC nest level undoes it.  Then remember the local shards,
 * whose invalidations mean the table changed.  Without Citus: nothing.
 */
static void
citus_prepare_reads(void)
{
	if (GetConfigOption("citus.allow_nested_distributed_execution", true, false) != NULL)
		(void) set_config_option("citus.allow_nested_distributed_execution", "on",
								 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

static void
citus_find_shards(void)
{
	char	   *q;

	nshard_relids = 0;
	if (!OidIsValid(get_relname_relid("pg_dist_shard", PG_CATALOG_NAMESPACE)))
		return;
	q = psprintf("SELECT pg_catalog.to_regclass(pg_catalog.format('%%I.%%I', n.nspname, "
				 "c.relname OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) s.shardid::pg_catalog.text))::pg_catalog.oid "
				 "FROM pg_catalog.pg_dist_shard s "
				 "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) s.logicalrelid "
				 "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
				 "WHERE s.logicalrelid OPERATOR(pg_catalog.=) ANY (ARRAY[%u, %u]::pg_catalog.oid[])",
				 rate_relid, regime_relid);
	if (SPI_execute(q, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the Citus shards of the interest tables");
	for (uint64 i = 0; i < SPI_processed && nshard_relids < MAX_SHARD_RELIDS; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			shard_relids[nshard_relids++] = DatumGetObjectId(d);
	}
}

void		ar_interest_init(void);

void
ar_interest_init(void)
{
	CacheRegisterRelcacheCallback(rate_cache_callback, (Datum) 0);
}

static char *
cache_text(HeapTuple tup, TupleDesc desc, int col)
{
	char	   *v = SPI_getvalue(tup, desc, col);

	return v ? MemoryContextStrdup(rate_cxt, v) : NULL;
}

static Datum
cache_numeric(HeapTuple tup, TupleDesc desc, int col, bool *isnull)
{
	Datum		d = SPI_getbinval(tup, desc, col, isnull);

	return *isnull ? (Datum) 0 : datumCopy(d, false, -1);
}

static void
load_rate_cache(void)
{
	Oid			nsp = get_namespace_oid("ar_credit", false);
	MemoryContext old;
	bool		isnull;
	int			save_nestlevel;

	if (rate_cxt == NULL)
		rate_cxt = AllocSetContextCreate(CacheMemoryContext, "ar_credit rate cache",
										 ALLOCSET_SMALL_SIZES);
	MemoryContextReset(rate_cxt);
	indexes = NULL;
	regimes = NULL;
	nindexes = nregimes = 0;
	rate_relid = get_relname_relid("reference_rate", nsp);
	regime_relid = get_relname_relid("interest_regime", nsp);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* the queries are qualified; pin search_path anyway while they run */
	save_nestlevel = ar_pin_search_path();
	citus_prepare_reads();
	citus_find_shards();
	if (SPI_execute("SELECT rate_index, valid_from, rate FROM ar_credit.reference_rate "
					"ORDER BY rate_index, valid_from", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read ar_credit.reference_rate");

	old = MemoryContextSwitchTo(rate_cxt);
	indexes = palloc0(sizeof(RateIndex) * (SPI_processed + 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *name = SPI_getvalue(tup, desc, 1);
		RateIndex  *ix;

		if (nindexes == 0 || strcmp(indexes[nindexes - 1].name, name) != 0)
		{
			ix = &indexes[nindexes++];
			ix->name = pstrdup(name);
			ix->rows = palloc(sizeof(RateRow) * (SPI_processed - i));
			ix->n = 0;
		}
		ix = &indexes[nindexes - 1];
		ix->rows[ix->n].valid_from = DatumGetDateADT(SPI_getbinval(tup, desc, 2, &isnull));
		ix->rows[ix->n].rate = cache_numeric(tup, desc, 3, &isnull);
		ix->rows[ix->n].rate_e4 = to_fixed(DatumGetNumeric(ix->rows[ix->n].rate), 4);
		ix->n++;
	}
	MemoryContextSwitchTo(old);

	if (SPI_execute("SELECT regime, rate_index, margin, fixing, day_count, per_period, "
					"indemnity_rule, indemnity_amount, floor_index, floor_factor, "
					"legacy_due_before, legacy_margin FROM ar_credit.interest_regime",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read ar_credit.interest_regime");
	old = MemoryContextSwitchTo(rate_cxt);
	regimes = palloc0(sizeof(Regime) * (SPI_processed + 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		Regime	   *r = &regimes[nregimes++];
		char	   *s;

		r->name = cache_text(tup, desc, 1);
		r->rate_index = cache_text(tup, desc, 2);
		r->margin = cache_numeric(tup, desc, 3, &isnull);
		s = SPI_getvalue(tup, desc, 4);
		if (!interest_fixing_from(s, &r->fixing))
			elog(ERROR, "invalid fixing \"%s\" in interest regime %s", s, r->name);
		s = SPI_getvalue(tup, desc, 5);
		if (!interest_day_count_from(s, &r->day_count))
			elog(ERROR, "invalid day count \"%s\" in interest regime %s", s, r->name);
		r->per_period = DatumGetBool(SPI_getbinval(tup, desc, 6, &isnull));
		s = SPI_getvalue(tup, desc, 7);
		r->indemnity = strcmp(s, "fixed") == 0 ? IND_FIXED :
			strcmp(s, "uk_bands") == 0 ? IND_UK_BANDS : IND_NONE;
		r->indemnity_amount = cache_numeric(tup, desc, 8, &isnull);
		r->floor_index = cache_text(tup, desc, 9);
		r->floor_factor = cache_numeric(tup, desc, 10, &isnull);
		r->legacy_due_before = DatumGetDateADT(SPI_getbinval(tup, desc, 11, &isnull));
		r->has_legacy = !isnull;
		r->legacy_margin = cache_numeric(tup, desc, 12, &isnull);
		r->margin_e4 = to_fixed(DatumGetNumeric(r->margin), 4);
		if (r->has_legacy)
			r->legacy_margin_e4 = to_fixed(DatumGetNumeric(r->legacy_margin), 4);
		r->ix = NULL;
		r->floor_ix = NULL;
		for (int k = 0; k < nindexes; k++)
		{
			if (strcmp(indexes[k].name, r->rate_index) == 0)
				r->ix = &indexes[k];
			if (r->floor_index && strcmp(indexes[k].name, r->floor_index) == 0)
				r->floor_ix = &indexes[k];
		}
	}
	MemoryContextSwitchTo(old);
	rate_cache_generation++;
	AtEOXact_GUC(true, save_nestlevel);
	SPI_finish();
	rate_cache_valid = true;
}

static const Regime *
find_regime(const char *name)
{
	if (!rate_cache_valid)
		load_rate_cache();
	for (int i = 0; i < nregimes; i++)
		if (strcmp(regimes[i].name, name) == 0)
			return &regimes[i];
	/* names are case-sensitive keys; point at a near miss */
	for (int i = 0; i < nregimes; i++)
		if (pg_strcasecmp(regimes[i].name, name) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown interest regime: \"%s\"", name),
					 errhint("Regime names are case-sensitive: did you mean \"%s\"?", regimes[i].name)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown interest regime: \"%s\"", ar_clip_for_message(name)),
			 errhint("The regimes are the rows of ar_credit.interest_regime; add one with INSERT.")));
	return NULL;
}

/* the regime argument through fn_extra: looked up once per query and cache load */
typedef struct RegimeArgCache
{
	uint32		generation;
	int			len;
	char		name[NAMEDATALEN * 2];
	const Regime *regime;
} RegimeArgCache;

static const Regime *
regime_arg(FunctionCallInfo fcinfo, int argno)
{
	text	   *t = PG_GETARG_TEXT_PP(argno);
	int			len = VARSIZE_ANY_EXHDR(t);
	RegimeArgCache *c = (RegimeArgCache *) fcinfo->flinfo->fn_extra;

	if (!rate_cache_valid)
		load_rate_cache();
	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RegimeArgCache));
		fcinfo->flinfo->fn_extra = c;
	}
	if (c->regime && c->generation == rate_cache_generation && c->len == len &&
		memcmp(c->name, VARDATA_ANY(t), len) == 0)
		return c->regime;
	c->regime = find_regime(text_to_cstring(t));
	c->generation = rate_cache_generation;
	if (len < (int) sizeof(c->name))
	{
		memcpy(c->name, VARDATA_ANY(t), len);
		c->len = len;
	}
	else
		c->regime = NULL;		/* too long to remember: look it up each time */
	return c->regime ? c->regime : find_regime(text_to_cstring(t));
}

static const char *
date_str(DateADT d)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(d)));
}

/*
 * The row of index ix (named name) in force on date: the latest valid_from
 * on or before it.  With exact, the row must start on that very date (an
 * index published once per half-year, such as the French taux legal).
 */
static const RateRow *
rate_on(const RateIndex *ix, const char *name, DateADT date, bool exact)
{
	int			lo = 0,
				hi;

	if (ix == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no reference rate for index %s on %s", name, date_str(date)),
				 errdetail("ar_credit.reference_rate has no row for index %s.", name)));
	hi = ix->n - 1;
	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (ix->rows[mid].valid_from <= date)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	if (hi < 0 || (exact && ix->rows[hi].valid_from != date))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no reference rate for index %s on %s", name, date_str(date)),
				 errhint("Add the published rate with INSERT INTO ar_credit.reference_rate.")));
	return &ix->rows[hi];
}

/*
 * amount x rate% x days / (100 x basis), rounded half away from zero to
 * cents, exactly whatever the magnitude: cents = amount x rate x days x 100
 * / (100 x basis) by integer division with the remainder deciding the
 * rounding (numeric_div alone would choose its own scale for huge values).
 */
static Datum
segment_interest(Datum amount, Datum rate, int64 days, int basis)
{
	Datum		n = DirectFunctionCall2(numeric_mul, amount, rate);
	Datum		d = NumericGetDatum(int64_to_numeric(100 * (int64) basis));
	Datum		q,
				r,
				twice_r;

	n = DirectFunctionCall2(numeric_mul, n, NumericGetDatum(int64_to_numeric(days * 100)));
	q = DirectFunctionCall2(numeric_div_trunc, n, d);
	r = DirectFunctionCall2(numeric_sub, n, DirectFunctionCall2(numeric_mul, q, d));
	twice_r = DirectFunctionCall1(numeric_abs, DirectFunctionCall2(numeric_add, r, r));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, twice_r, d)) >= 0)
		q = DirectFunctionCall2(numeric_add, q,
								NumericGetDatum(int64_to_numeric(ar_numeric_sign(n) < 0 ? -1 : 1)));
	return DirectFunctionCall2(numeric_mul, q, NumericGetDatum(int64_div_fast_to_numeric(1, 2)));
}

/* the same in integers: cents x rate_e4 x days / (basis x 10^6), half away from zero */
static int64
segment_interest_cents(int64 cents, int64 rate_e4, int64 days, int basis)
{
	int128		n = (int128) cents * rate_e4 * days;
	int128		d = (int128) basis * 1000000;
	int128		q = n / d;
	int128		r = n % d;

	if (r < 0)
		r = -r;
	if (2 * r >= d)
		q += (n < 0) ? -1 : 1;
	return (int64) q;
}

typedef struct SegmentOut
{
	DateADT		start;
	DateADT		end;
	int64		days;
	Datum		rate;			/* filled only when want_numeric */
	Datum		interest;		/* idem */
} SegmentOut;

typedef struct InterestResult
{
	int			n;
	SegmentOut *segs;			/* with want_numeric */
	bool		exact_cents;	/* total_cents holds the total */
	int64		total_cents;
	Datum		total;			/* numeric total otherwise */
} InterestResult;

/*
 * Compute the interest of one debt.  contract_rate, if not 0, replaces the
 * statutory rate (one rate for the whole debt) after the regime's floor
 * check.  want_numeric asks for every segment as numeric (the detail
 * function); otherwise only the total is kept.
 */
static void
compute_interest(const Regime *r, Datum amount, DateADT due, DateADT paid,
				 Datum contract_rate, bool want_numeric, InterestResult *res)
{
	InterestIter it;
	InterestSegment seg;
	int			cap = 0;
	Datum		margin;
	FixedPoint	margin_e4;
	FixedPoint	cents = {false, 0};
	FixedPoint	contract_e4 = {false, 0};

	ar_check_finite_date(due, "due");
	ar_check_finite_date(paid, "paid");
	ar_check_finite_amount(DatumGetNumeric(amount), "amount");
	memset(res, 0, sizeof(*res));
	res->exact_cents = true;
	/* a credit note or a zero balance accrues nothing; so does paying on time */
	if (paid <= due || ar_numeric_sign(amount) <= 0)
		return;

	margin = r->margin;
	margin_e4 = r->margin_e4;
	if (r->has_legacy && due < r->legacy_due_before)
	{
		margin = r->legacy_margin;
		margin_e4 = r->legacy_margin_e4;
	}

	if (contract_rate != (Datum) 0)
	{
		ar_check_finite_amount(DatumGetNumeric(contract_rate), "contract_rate");
		if (ar_numeric_sign(contract_rate) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("contract_rate must not be negative, not %s",
							ar_clip_for_message(DatumGetCString(DirectFunctionCall1(numeric_out, contract_rate))))));
		if (r->floor_index)
		{
			/* the floor applies in every half-year of the period */
			interest_iter_init(&it, due, paid, FIX_HALF_YEAR, DC_ACT_365);
			while (interest_iter_next(&it, &seg))
			{
				Datum		legal;
				Datum		floor;

				/* a period across the whole date range is millions of segments */
				CHECK_FOR_INTERRUPTS();
				legal = rate_on(r->floor_ix, r->floor_index, (DateADT) seg.rate_date, true)->rate;
				floor = DirectFunctionCall2(numeric_mul, r->floor_factor, legal);

				if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, contract_rate, floor)) < 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("contract rate %s%% is below the legal minimum of %s%% for regime %s",
									ar_clip_for_message(DatumGetCString(DirectFunctionCall1(numeric_out, contract_rate))),
									DatumGetCString(DirectFunctionCall1(numeric_out, floor)),
									r->name),
							 errdetail("The minimum is %s x %s (%s%% for the half-year starting %s).",
									   DatumGetCString(DirectFunctionCall1(numeric_out, r->floor_factor)),
									   r->floor_index,
									   DatumGetCString(DirectFunctionCall1(numeric_out, legal)),
									   date_str((DateADT) seg.rate_date))));
			}
		}
		contract_e4 = to_fixed(DatumGetNumeric(contract_rate), 4);
		interest_iter_init(&it, due, paid, FIX_START_HALF_YEAR, r->day_count);
	}
	else
		interest_iter_init(&it, due, paid, r->fixing, r->day_count);

	if (!want_numeric)
		cents = to_fixed(DatumGetNumeric(amount), 2);
	res->exact_cents = cents.ok;
	if (!res->exact_cents)
		res->total = NumericGetDatum(int64_div_fast_to_numeric(0, 2));

	while (interest_iter_next(&it, &seg))
	{
		const RateRow *row = NULL;
		FixedPoint	rate_e4;

		CHECK_FOR_INTERRUPTS();

		if (contract_rate != (Datum) 0)
			rate_e4 = contract_e4;
		else
		{
			row = rate_on(r->ix, r->rate_index, (DateADT) seg.rate_date, r->per_period);
			rate_e4.ok = row->rate_e4.ok && margin_e4.ok;
			rate_e4.v = row->rate_e4.v + margin_e4.v;
		}

		if (res->exact_cents && rate_e4.ok)
		{
			res->total_cents += segment_interest_cents(cents.v, rate_e4.v, seg.days, seg.basis);
		}
		else
		{
			Datum		rate = (contract_rate != (Datum) 0) ? contract_rate :
				DirectFunctionCall2(numeric_add, row->rate, margin);
			Datum		interest = segment_interest(amount, rate, seg.days, seg.basis);

			if (res->exact_cents)
			{
				/* leave the integer path: carry what it summed so far */
				res->exact_cents = false;
				res->total = NumericGetDatum(int64_div_fast_to_numeric(res->total_cents, 2));
			}
			res->total = DirectFunctionCall2(numeric_add, res->total, interest);
			if (want_numeric)
			{
				if (res->n == cap)
				{
					cap = cap ? cap * 2 : 8;
					res->segs = res->segs ? repalloc(res->segs, sizeof(SegmentOut) * cap)
						: palloc(sizeof(SegmentOut) * cap);
				}
				res->segs[res->n].start = (DateADT) seg.start;
				res->segs[res->n].end = (DateADT) seg.end;
				res->segs[res->n].days = seg.days;
				res->segs[res->n].rate = rate;
				res->segs[res->n].interest = interest;
			}
		}
		res->n++;
	}
}

static Datum
result_total(InterestResult *res)
{
	if (res->exact_cents)
		return NumericGetDatum(int64_div_fast_to_numeric(res->total_cents, 2));
	return res->total;
}

PG_FUNCTION_INFO_V1(interest_late_interest);
Datum
interest_late_interest(PG_FUNCTION_ARGS)
{
	InterestResult res;

	compute_interest(regime_arg(fcinfo, 3), PG_GETARG_DATUM(0), PG_GETARG_DATEADT(1),
					 PG_GETARG_DATEADT(2), (Datum) 0, false, &res);
	PG_RETURN_DATUM(result_total(&res));
}

PG_FUNCTION_INFO_V1(interest_late_interest_contract);
Datum
interest_late_interest_contract(PG_FUNCTION_ARGS)
{
	InterestResult res;

	compute_interest(regime_arg(fcinfo, 3), PG_GETARG_DATUM(0), PG_GETARG_DATEADT(1),
					 PG_GETARG_DATEADT(2), PG_GETARG_DATUM(4), false, &res);
	PG_RETURN_DATUM(result_total(&res));
}

PG_FUNCTION_INFO_V1(interest_late_interest_detail);
Datum
interest_late_interest_detail(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	InterestResult res;

	compute_interest(find_regime(text_to_cstring(PG_GETARG_TEXT_PP(3))), PG_GETARG_DATUM(0),
					 PG_GETARG_DATEADT(1), PG_GETARG_DATEADT(2), (Datum) 0, true, &res);
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < res.n; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = DateADTGetDatum(res.segs[i].start);
		values[1] = DateADTGetDatum(res.segs[i].end);
		values[2] = Int32GetDatum((int32) res.segs[i].days);
		values[3] = res.segs[i].rate;
		values[4] = res.segs[i].interest;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * Fixed recovery compensation.  EU / FR / DE: EUR 40 per late invoice
 * (Directive 2011/7/EU art. 6, C. com. D441-5, BGB 288(5); CJEU C-78/22:
 * due for each late payment).  UK: Late Payment of Commercial Debts
 * (Interest) Act 1998 s.5A: GBP 40 below 1,000, 70 below 10,000, 100 from
 * 10,000.
 */
PG_FUNCTION_INFO_V1(interest_recovery_indemnity);
Datum
interest_recovery_indemnity(PG_FUNCTION_ARGS)
{
	Datum		amount = PG_GETARG_DATUM(0);
	const Regime *r;

	ar_check_finite_amount(DatumGetNumeric(amount), "amount");
	r = find_regime(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	if (ar_numeric_sign(amount) <= 0)
		PG_RETURN_DATUM(NumericGetDatum(int64_div_fast_to_numeric(0, 2)));
	switch (r->indemnity)
	{
		case IND_FIXED:
			PG_RETURN_DATUM(DirectFunctionCall2(numeric_round, r->indemnity_amount, Int32GetDatum(2)));
		case IND_UK_BANDS:
			if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, amount, NumericGetDatum(int64_to_numeric(1000)))) < 0)
				PG_RETURN_DATUM(NumericGetDatum(int64_div_fast_to_numeric(4000, 2)));
			if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, amount, NumericGetDatum(int64_to_numeric(10000)))) < 0)
				PG_RETURN_DATUM(NumericGetDatum(int64_div_fast_to_numeric(7000, 2)));
			PG_RETURN_DATUM(NumericGetDatum(int64_div_fast_to_numeric(10000, 2)));
		case IND_NONE:
			break;
	}
	PG_RETURN_DATUM(NumericGetDatum(int64_div_fast_to_numeric(0, 2)));
}
