/*
 * dunning_sql.c
 *		SQL interface of dunning policies and the next reminder (SPEC
 *		section 5), the GUCs of the dunning queue, and the role a worker
 *		function was called by.
 *
 * Policies (ar_credit.dunning_step) are cached per backend like the interest
 * rates: a statement trigger sends a relcache invalidation for the table
 * and a relcache callback marks the cache stale.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "access/htup_details.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "pgtime.h"

#include "compat.h"
#include "ar_credit.h"
#include "dunning.h"

typedef struct Policy
{
	char	   *name;
	int			nsteps;
	DunningStep *steps;
	char	  **channel;
	char	  **label;
	text	  **channel_text;	/* the same as text values, built once */
	text	  **label_text;
	bool		any_min_amount; /* some step has min_amount > 0 */
	bool		any_catch_up;	/* some step is marked catch_up */
} Policy;

static MemoryContext policy_cxt = NULL;
static bool policy_cache_valid = false;
static Oid	step_relid = InvalidOid;
static Policy *policies = NULL;
static int	npolicies = 0;
static uint32 policy_generation = 0;	/* bumped at each load */

int			ar_max_attempts = 5;
bool		ar_notify = false;
char	   *ar_timezone = NULL;

static void
policy_cache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == step_relid)
		policy_cache_valid = false;
}

void		ar_dunning_init(void);

/* ar_credit.timezone must name a zone PostgreSQL knows */
static bool
check_timezone_name(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || pg_tzset(*newval) == NULL)
	{
		GUC_check_errdetail("\"%s\" is not a time zone PostgreSQL knows.", *newval ? *newval : "");
		return false;
	}
	return true;
}

void
ar_dunning_init(void)
{
	DefineCustomIntVariable("ar_credit.max_attempts",
							"Attempts at sending a reminder before it is marked failed.",
							"fail_reminder() retries with exponential backoff until then.",
							&ar_max_attempts, 5, 1, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("ar_credit.notify",
							 "Send NOTIFY ar_credit_dunning when the tracking trigger queues reminders.",
							 "Off by default: a pending NOTIFY serialises commits.",
							 &ar_notify, false,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("ar_credit.timezone",
							   "Time zone in which the tracking trigger reads timestamptz due dates as dates.",
							   "Fixed per database (ALTER DATABASE ... SET, superuser), so that the writer's session "
							   "TimeZone never changes an invoice's due date.",
							   &ar_timezone, "UTC",
							   PGC_SUSET, 0, check_timezone_name, NULL, NULL);
	MarkGUCPrefixReserved("ar_credit");
	CacheRegisterRelcacheCallback(policy_cache_callback, (Datum) 0);
}

static void
load_policy_cache(void)
{
	MemoryContext old;
	int			save_nestlevel;

	if (policy_cxt == NULL)
		policy_cxt = AllocSetContextCreate(CacheMemoryContext, "ar_credit policy cache",
										   ALLOCSET_SMALL_SIZES);
	MemoryContextReset(policy_cxt);
	policies = NULL;
	npolicies = 0;
	step_relid = get_relname_relid("dunning_step", get_namespace_oid("ar_credit", false));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	save_nestlevel = ar_pin_search_path();
	/*
	 * min_amount beyond float8's range means "never": clamp it rather than
	 * let one huge value fail every policy (NaN is refused by a CHECK).
	 */
	/*
	 * catch_up is new in 0.3.0: a database not updated yet (ALTER EXTENSION
	 * pending) runs this library with 0.2.0's table, and 0.2.0's rules.  A
	 * catch-up never starts at a handover to collection: that follows a
	 * formal notice the debtor received.
	 */
	if (SPI_execute(get_attnum(step_relid, "catch_up") != InvalidAttrNumber ?
					"SELECT policy, level, offset_days, channel, label, "
					"CASE WHEN min_amount > 1e308 THEN 'Infinity'::float8 "
					"ELSE min_amount::float8 END, catch_up AND channel <> 'collection' "
					"FROM ar_credit.dunning_step ORDER BY policy, level" :
					"SELECT policy, level, offset_days, channel, label, "
					"CASE WHEN min_amount > 1e308 THEN 'Infinity'::float8 "
					"ELSE min_amount::float8 END, false "
					"FROM ar_credit.dunning_step ORDER BY policy, level", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read ar_credit.dunning_step");
	old = MemoryContextSwitchTo(policy_cxt);
	policies = palloc0(sizeof(Policy) * (SPI_processed + 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *name = SPI_getvalue(tup, desc, 1);
		Policy	   *p;
		bool		isnull;
		int			k;

		if (npolicies == 0 || strcmp(policies[npolicies - 1].name, name) != 0)
		{
			p = &policies[npolicies++];
			p->name = pstrdup(name);
			p->steps = palloc(sizeof(DunningStep) * (SPI_processed - i));
			p->channel = palloc(sizeof(char *) * (SPI_processed - i));
			p->label = palloc(sizeof(char *) * (SPI_processed - i));
			p->channel_text = palloc(sizeof(text *) * (SPI_processed - i));
			p->label_text = palloc(sizeof(text *) * (SPI_processed - i));
		}
		p = &policies[npolicies - 1];
		k = p->nsteps++;
		p->steps[k].level = DatumGetInt32(SPI_getbinval(tup, desc, 2, &isnull));
		p->steps[k].offset_days = DatumGetInt32(SPI_getbinval(tup, desc, 3, &isnull));
		p->channel[k] = pstrdup(SPI_getvalue(tup, desc, 4));
		p->label[k] = pstrdup(SPI_getvalue(tup, desc, 5));
		p->steps[k].min_amount = DatumGetFloat8(SPI_getbinval(tup, desc, 6, &isnull));
		p->steps[k].catch_up = DatumGetBool(SPI_getbinval(tup, desc, 7, &isnull));
		if (p->steps[k].catch_up)
			p->any_catch_up = true;
		p->channel_text[k] = cstring_to_text(p->channel[k]);
		p->label_text[k] = cstring_to_text(p->label[k]);
		if (p->steps[k].min_amount > 0)
			p->any_min_amount = true;
	}
	MemoryContextSwitchTo(old);
	AtEOXact_GUC(true, save_nestlevel);
	SPI_finish();
	policy_cache_valid = true;
	policy_generation++;
}

static const Policy *
find_policy(const char *name)
{
	if (!policy_cache_valid)
		load_policy_cache();
	for (int i = 0; i < npolicies; i++)
		if (strcmp(policies[i].name, name) == 0)
			return &policies[i];
	/* names are case-sensitive keys; point at a near miss */
	for (int i = 0; i < npolicies; i++)
		if (pg_strcasecmp(policies[i].name, name) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown dunning policy: \"%s\"", name),
					 errhint("Policy names are case-sensitive: did you mean \"%s\"?", policies[i].name)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown dunning policy: \"%s\"", ar_clip_for_message(name)),
			 errhint("Policies are the rows of ar_credit.dunning_step (shipped: standard, strict).")));
	return NULL;
}

/*
 * The checks next_reminder and next_reminder_rec share: finite dates (due,
 * as_of non-NULL here), a level and a gap that are not negative.
 */
static void
check_reminder_args(FunctionCallInfo fcinfo, int last_level, int gap)
{
	ar_check_finite_date(PG_GETARG_DATEADT(0), "due");
	ar_check_finite_date(PG_GETARG_DATEADT(1), "as_of");
	if (!PG_ARGISNULL(4))
		ar_check_finite_date(PG_GETARG_DATEADT(4), "last_sent");
	if (last_level < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("last_level must not be negative, not %d", last_level),
				 errhint("Give 0 when no reminder was sent yet.")));
	if (gap < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_gap_days must not be negative, not %d", gap)));
}

/*
 * next_reminder(due, as_of, last_level, policy, last_sent, min_gap_days
 * [, amount]): zero or one row.  Not strict: last_sent and amount may be
 * NULL; a NULL due or as_of gives no row.
 */
PG_FUNCTION_INFO_V1(dunning_next_reminder);
Datum
dunning_next_reminder(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const Policy *p;
	NextReminder nr;
	DateADT		due,
				as_of;
	int			last_level,
				gap;
	bool		has_amount = false;
	double		amount = 0;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("dunning policy must not be NULL")));
	due = PG_GETARG_DATEADT(0);
	as_of = PG_GETARG_DATEADT(1);
	last_level = PG_ARGISNULL(2) ? 0 : PG_GETARG_INT32(2);
	gap = PG_ARGISNULL(5) ? 0 : PG_GETARG_INT32(5);
	check_reminder_args(fcinfo, last_level, gap);
	if (PG_NARGS() > 6 && !PG_ARGISNULL(6))
	{
		has_amount = true;
		amount = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, PG_GETARG_DATUM(6)));
	}
	p = find_policy(text_to_cstring(PG_GETARG_TEXT_PP(3)));
	if (dunning_next(p->steps, p->nsteps, due, as_of, last_level,
					 !PG_ARGISNULL(4), PG_ARGISNULL(4) ? 0 : PG_GETARG_DATEADT(4), gap,
					 has_amount, amount, &nr))
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = Int32GetDatum(p->steps[nr.step].level);
		values[1] = DateADTGetDatum(ar_date_result(nr.remind_on, "reminder date"));
		values[2] = CStringGetTextDatum(p->channel[nr.step]);
		values[3] = CStringGetTextDatum(p->label[nr.step]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* 'open', 'closed', 'suspended' or 'ignored' for an invoice status word */
PG_FUNCTION_INFO_V1(dunning_invoice_class);
Datum
dunning_invoice_class(PG_FUNCTION_ARGS)
{
	/* called once per tracked row: answer with constants, allocate nothing */
	static text *names[4];
	InvoiceClass c;

	if (names[0] == NULL)
	{
		for (int i = 0; i < 4; i++)
			names[i] = (text *) MemoryContextAlloc(TopMemoryContext, VARHDRSZ + 16);
		for (int i = 0; i < 4; i++)
		{
			const char *n = dunning_class_name((InvoiceClass) i);

			SET_VARSIZE(names[i], VARHDRSZ + strlen(n));
			memcpy(VARDATA(names[i]), n, strlen(n));
		}
	}
	if (PG_ARGISNULL(0))
		c = INV_OPEN;
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		c = dunning_classify_len(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	PG_RETURN_TEXT_P(names[c]);
}

/*
 * invoice_state(status, amount, due): the class the tracking trigger acts
 * on, in one call per row: closed when the amount is NULL or <= 0, ignored
 * without a due date, else the class of the status word.
 */
PG_FUNCTION_INFO_V1(dunning_invoice_state);
Datum
dunning_invoice_state(PG_FUNCTION_ARGS)
{
	static text *names[4];
	InvoiceClass c;

	if (names[0] == NULL)
	{
		for (int i = 0; i < 4; i++)
		{
			const char *n = dunning_class_name((InvoiceClass) i);

			names[i] = (text *) MemoryContextAlloc(TopMemoryContext, VARHDRSZ + strlen(n));
			SET_VARSIZE(names[i], VARHDRSZ + strlen(n));
			memcpy(VARDATA(names[i]), n, strlen(n));
		}
	}
	/* a NaN or infinite balance cannot be dunned: say so rather than queue it */
	if (!PG_ARGISNULL(1))
		ar_check_finite_amount(PG_GETARG_NUMERIC(1), "invoice amount");
	/* -infinity would be overdue since forever: no reminder makes sense */
	if (!PG_ARGISNULL(2) && DATE_IS_NOBEGIN(PG_GETARG_DATEADT(2)))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("invoice due date must not be -infinity"),
				 errhint("Use NULL (or infinity) for an invoice with no due date yet.")));
	if (PG_ARGISNULL(1) || ar_numeric_sign(PG_GETARG_DATUM(1)) <= 0)
		c = INV_CLOSED;
	/* no due date yet, or "some day" (infinity): nothing to remind of */
	else if (PG_ARGISNULL(2) || DATE_IS_NOEND(PG_GETARG_DATEADT(2)))
		c = INV_IGNORED;
	else if (PG_ARGISNULL(0))
		c = INV_OPEN;
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		c = dunning_classify_len(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	PG_RETURN_TEXT_P(names[c]);
}

/*
 * next_reminder as one composite value (ar_credit.reminder) or NULL: what
 * the tracking trigger's set-based statements call once per invoice, a
 * cheaper call than a set-returning function.  One rule more than
 * next_reminder: an invoice to which nothing was sent (last_level 0,
 * last_sent NULL) catches up, starting at the level its age calls for
 * (dunning_catch_up, the steps marked catch_up).
 */
PG_FUNCTION_INFO_V1(dunning_next_reminder_rec);

/* per call site: the result descriptor and the last policy looked up */
typedef struct RecCache
{
	TupleDesc	desc;
	uint32		generation;
	int			len;
	char		name[NAMEDATALEN];
	const Policy *policy;
} RecCache;

Datum
dunning_next_reminder_rec(PG_FUNCTION_ARGS)
{
	RecCache   *c = (RecCache *) fcinfo->flinfo->fn_extra;
	const Policy *p;
	NextReminder nr;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	bool		has_amount = !PG_ARGISNULL(6);
	double		amount = 0;
	int			last_level;
	text	   *pname;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	check_reminder_args(fcinfo, PG_ARGISNULL(2) ? 0 : PG_GETARG_INT32(2),
						PG_ARGISNULL(5) ? 0 : PG_GETARG_INT32(5));
	if (c == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		TupleDesc	desc;

		c = palloc0(sizeof(RecCache));
		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		c->desc = BlessTupleDesc(CreateTupleDescCopy(desc));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = c;
	}
	if (!policy_cache_valid)
		load_policy_cache();
	pname = PG_GETARG_TEXT_PP(3);
	if (c->policy && c->generation == policy_generation &&
		c->len == (int) VARSIZE_ANY_EXHDR(pname) &&
		memcmp(c->name, VARDATA_ANY(pname), c->len) == 0)
		p = c->policy;
	else
	{
		p = find_policy(text_to_cstring(pname));
		c->policy = NULL;
		if (VARSIZE_ANY_EXHDR(pname) < NAMEDATALEN)
		{
			c->len = VARSIZE_ANY_EXHDR(pname);
			memcpy(c->name, VARDATA_ANY(pname), c->len);
			c->generation = policy_generation;
			c->policy = p;
		}
	}
	has_amount = has_amount && p->any_min_amount;
	if (has_amount)
		amount = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, PG_GETARG_DATUM(6)));
	last_level = PG_ARGISNULL(2) ? 0 : PG_GETARG_INT32(2);
	/* nothing sent yet (no level, no date): the level its age calls for */
	if (last_level == 0 && PG_ARGISNULL(4) && p->any_catch_up)
		last_level = dunning_catch_up(p->steps, p->nsteps, PG_GETARG_DATEADT(0), PG_GETARG_DATEADT(1),
									  has_amount, amount);
	if (!dunning_next(p->steps, p->nsteps, PG_GETARG_DATEADT(0), PG_GETARG_DATEADT(1), last_level,
					  !PG_ARGISNULL(4), PG_ARGISNULL(4) ? 0 : PG_GETARG_DATEADT(4),
					  PG_ARGISNULL(5) ? 0 : PG_GETARG_INT32(5),
					  has_amount, amount, &nr))
		PG_RETURN_NULL();
	values[0] = Int32GetDatum(p->steps[nr.step].level);
	values[1] = DateADTGetDatum(ar_date_result(nr.remind_on, "reminder date"));
	values[2] = PointerGetDatum(p->channel_text[nr.step]);
	values[3] = PointerGetDatum(p->label_text[nr.step]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(c->desc, values, nulls)));
}

/*
 * ar_credit.invoking_role(): the role a worker function was called by.
 * Inside a SECURITY DEFINER function the current user is the extension's
 * owner; the caller is the role of SET ROLE, else the session's user, which
 * is what PostgreSQL keeps as the "outer" user.  In C rather than SQL: the
 * SQL version looked the name up in pg_roles and was parsed and planned again
 * in each transaction, a tenth of a claim of ten reminders.
 */
PG_FUNCTION_INFO_V1(ar_invoking_role);
Datum
ar_invoking_role(PG_FUNCTION_ARGS)
{
	PG_RETURN_OID(GetOuterUserId());
}
