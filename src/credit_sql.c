/*
 * credit_sql.c
 *		Credit control glue (SPEC section 8): the settings, the check's
 *		decision, the open orders of guarded tables and the guard's triggers.
 *
 * The guard is set-based.  guard() attaches to the user's table
 *
 *	 - statement triggers (AFTER INSERT, AFTER UPDATE, with transition tables)
 *	   that map the statement's rows once and note, per customer, how much
 *	   the open orders grew (guard_collect);
 *	 - one constraint trigger, AFTER INSERT OR UPDATE, DEFERRABLE INITIALLY
 *	   DEFERRED, FOR EACH ROW, whose WHEN clause (guard_armed) is true for
 *	   the first row of the transaction only: one event is queued per table
 *	   and transaction, not one per row, and when it fires (at commit, or
 *	   at SET CONSTRAINTS ... IMMEDIATE) it checks every customer noted so
 *	   far in one statement (guard_check -> ar_credit.guard_verify).
 *
 * The notes and the "armed" flag live in the transaction's memory and
 * follow its savepoints: a rolled-back savepoint takes its notes with it,
 * and the event it queued, so the flag is cleared to queue another one.
 * When the constraint is IMMEDIATE its event fires before the statement
 * triggers: the statement trigger then finds the table unarmed and checks
 * at once.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"

#include "compat.h"
#include "ar_credit.h"
#include "credit.h"
#include "tracking.h"

void		ar_credit_init(void);

static int	block_overdue_days = 30;
static char *credit_override = NULL;
static int	paydex_drop_threshold = 10;

/*
 * One customer whose open orders grew in a statement.  A note is marked
 * checked (with the subtransaction that checked it) rather than dropped, and
 * a table's armed flag marked fired: when that subtransaction rolls back,
 * PostgreSQL puts the constraint event back in the queue, and the note and
 * the flag come back with it.
 */
typedef struct GuardNote
{
	Oid			relid;
	SubTransactionId subid;		/* written in */
	SubTransactionId checked;	/* checked in; InvalidSubTransactionId: not yet */
	char	   *customer;
	char	   *delta;			/* numeric, as text */
} GuardNote;

/* a table whose constraint event is queued */
typedef struct GuardArm
{
	Oid			relid;
	SubTransactionId subid;		/* queued in */
	SubTransactionId fired;		/* fired in; InvalidSubTransactionId: pending */
} GuardArm;

static List *notes = NIL;		/* of GuardNote *, in TopTransactionContext */
static List *arms = NIL;		/* of GuardArm * */

/*
 * At commit every note must have been checked: the deferred constraint
 * events fire before XACT_EVENT_PRE_COMMIT.  A note left means the check
 * was skipped (guard_armed called by hand to suppress the event, say): the
 * transaction fails rather than commit unchecked orders.
 */
static void
credit_xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;

	if (event == XACT_EVENT_PRE_COMMIT || event == XACT_EVENT_PARALLEL_PRE_COMMIT ||
		event == XACT_EVENT_PRE_PREPARE)
	{
		foreach(lc, notes)
		{
			GuardNote  *n = lfirst(lc);
			char	   *rel;

			if (n->checked != InvalidSubTransactionId)
				continue;
			rel = get_rel_name(n->relid);
			notes = NIL;
			arms = NIL;
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("the credit check of table \"%s\" did not run", rel ? rel : "?"),
					 errdetail("Orders of customer \"%s\" were written but the guard's constraint trigger did not fire.",
							   ar_clip_for_message(n->customer)),
					 errhint("Do not call ar_credit.guard_armed() by hand; guard the table again with ar_credit.guard().")));
		}
		return;
	}
	/* the memory goes with TopTransactionContext */
	notes = NIL;
	arms = NIL;
}

static void
credit_subxact_callback(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid, void *arg)
{
	ListCell   *lc;

	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		foreach(lc, notes)
		{
			GuardNote  *n = lfirst(lc);

			if (n->subid == mySubid)
				notes = foreach_delete_current(notes, lc);
			else if (n->checked == mySubid)
				n->checked = InvalidSubTransactionId;
		}
		/* an event queued in the savepoint is gone; one fired in it is back */
		foreach(lc, arms)
		{
			GuardArm   *a = lfirst(lc);

			if (a->subid == mySubid)
				arms = foreach_delete_current(arms, lc);
			else if (a->fired == mySubid)
				a->fired = InvalidSubTransactionId;
		}
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		foreach(lc, notes)
		{
			GuardNote  *n = lfirst(lc);

			if (n->subid == mySubid)
				n->subid = parentSubid;
			if (n->checked == mySubid)
				n->checked = parentSubid;
		}
		foreach(lc, arms)
		{
			GuardArm   *a = lfirst(lc);

			if (a->subid == mySubid)
				a->subid = parentSubid;
			if (a->fired == mySubid)
				a->fired = parentSubid;
		}
	}
}

void
ar_credit_init(void)
{
	DefineCustomIntVariable("ar_credit.block_overdue_days",
							"Days past due after which an open invoice blocks its customer's new orders.",
							"credit_check() and guard() refuse an order while an open invoice of the customer "
							"is more than this many days past due; -1 disables the rule.",
							&block_overdue_days, 30, -1, 36500,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("ar_credit.credit_override",
							   "Reason for letting this transaction's orders exceed the credit check.",
							   "SET LOCAL by a member of ar_credit_credit_manager; every override is "
							   "recorded in ar_credit.credit_event.",
							   &credit_override, "",
							   PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("ar_credit.paydex_drop_threshold",
							"Paydex points lost (last 90 days against the 12 months before) that raise a paydex_drop alert.",
							"Read by refresh_risk(); 0 disables the alert.",
							&paydex_drop_threshold, 10, 0, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	RegisterXactCallback(credit_xact_callback, NULL);
	RegisterSubXactCallback(credit_subxact_callback, NULL);
}

/* ---------------------------------------------------------------------
 * the decision
 * --------------------------------------------------------------------- */

/*
 * ar_credit.credit_decision(has_account bool, on_hold bool,
 *   max_days_past_due int, exposure numeric, amount numeric,
 *   credit_limit numeric) -> text: ok, no_account, no_limit, on_hold,
 *   overdue or over_limit.  NULL exposure or amount count as 0, a NULL
 *   limit as no limit, a NULL max_days_past_due as no open invoice.
 */
PG_FUNCTION_INFO_V1(credit_decision);
Datum
credit_decision(PG_FUNCTION_ARGS)
{
	CreditFacts f = {0};

	f.has_account = !PG_ARGISNULL(0) && PG_GETARG_BOOL(0);
	f.on_hold = !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
	f.has_overdue = !PG_ARGISNULL(2);
	f.max_days_past_due = f.has_overdue ? PG_GETARG_INT32(2) : 0;
	f.block_overdue_days = block_overdue_days;
	f.has_limit = !PG_ARGISNULL(5);
	if (f.has_limit)
	{
		Datum		total = PG_ARGISNULL(3) ? ar_numeric("0") : PG_GETARG_DATUM(3);

		if (!PG_ARGISNULL(4))
			total = DirectFunctionCall2(numeric_add, total, PG_GETARG_DATUM(4));
		f.over_limit_cmp = DatumGetInt32(DirectFunctionCall2(numeric_cmp, total, PG_GETARG_DATUM(5)));
	}
	PG_RETURN_TEXT_P(cstring_to_text(credit_outcome_name(credit_outcome(&f))));
}

/* ar_credit.risk_class_worse(now text, before text) -> bool */
PG_FUNCTION_INFO_V1(credit_risk_class_worse);
Datum
credit_risk_class_worse(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(risk_class_worse(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1))));
}

/* ar_credit.paydex_dropped(recent int, before int) -> bool, threshold from the GUC */
PG_FUNCTION_INFO_V1(credit_paydex_dropped);
Datum
credit_paydex_dropped(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(paydex_dropped(!PG_ARGISNULL(0), PG_ARGISNULL(0) ? 0 : PG_GETARG_INT32(0),
								  !PG_ARGISNULL(1), PG_ARGISNULL(1) ? 0 : PG_GETARG_INT32(1),
								  paydex_drop_threshold));
}

/* ---------------------------------------------------------------------
 * guarded tables: their mapping, read as the extension's owner
 * --------------------------------------------------------------------- */

typedef struct GuardConf
{
	Oid			relid;
	Oid			owner;
	char	   *qualified;		/* schema.table */
	char	   *alias;			/* the table's name: mappings read the row under it */
	char	   *customer;
	char	   *amount;
	char	   *currency;		/* NULL: the account's currency */
	char	   *filter;			/* NULL: every row */
	char	   *customer_type;	/* the customer mapping's type when built in, else NULL */
} GuardConf;

/*
 * search_path pinned, and plans fit for bulk statements: the orders a bulk
 * INSERT just wrote are not in the statistics yet (transition tables have
 * none), and a plan sorting 100,000 rows it believes are 300 costs far
 * more than hashing them.  Returns the GUC nest level to pop.
 */
static int
pin_settings(void)
{
	int			level = ar_pin_search_path();

	(void) set_config_option("enable_sort", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return level;
}

static char *
spi_text(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

/* the guarded tables, all ($1 = 0) or one */
#define CONFS_SQL \
	"SELECT g.relid::pg_catalog.oid, c.relowner," \
	" pg_catalog.format('%I.%I', n.nspname, c.relname), pg_catalog.quote_ident(c.relname)," \
	" g.customer_column, g.amount_column, g.currency_column, g.filter," \
	" CASE WHEN t.typnamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace" \
	"      THEN pg_catalog.format_type(t.oid, NULL) END" \
	" FROM ar_credit.guarded_table AS g" \
	" JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) g.relid::pg_catalog.oid" \
	" JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace" \
	" LEFT JOIN pg_catalog.pg_type AS t" \
	"   ON t.oid OPERATOR(pg_catalog.=) ar_credit.mapping_type(g.relid, g.customer_column)::pg_catalog.oid" \
	" WHERE $1 OPERATOR(pg_catalog.=) 0 OR g.relid::pg_catalog.oid OPERATOR(pg_catalog.=) $1" \
	" ORDER BY 3"

static SPIPlanPtr plan_for(const char *sql, int nargs, Oid *types);

/* the guarded tables (relid, or all with InvalidOid); an SPI connection is open */
static List *
guard_confs(Oid relid)
{
	Oid			save_user;
	int			save_sec;
	Oid			argtype = OIDOID;
	Datum		arg = ObjectIdGetDatum(relid);
	List	   *out = NIL;

	ar_track_become_owner(&save_user, &save_sec);
	if (SPI_execute_plan(plan_for(CONFS_SQL, 1, &argtype), &arg, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read ar_credit.guarded_table");
	ar_track_restore_user(save_user, save_sec);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		GuardConf  *g = palloc0(sizeof(GuardConf));
		bool		isnull;

		g->relid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		g->owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
		g->qualified = spi_text(i, 3);
		g->alias = spi_text(i, 4);
		g->customer = spi_text(i, 5);
		g->amount = spi_text(i, 6);
		g->currency = spi_text(i, 7);
		g->filter = spi_text(i, 8);
		g->customer_type = spi_text(i, 9);
		out = lappend(out, g);
	}
	return out;
}

/* one side of a statement's rows: customer, open-order amount (signed) */
static void
append_side(StringInfo s, GuardConf *g, const char *input, bool minus)
{
	appendStringInfo(s, "SELECT (%s)%s AS c, %sCOALESCE((%s)::pg_catalog.numeric, 0) AS a FROM %s AS %s",
					 g->customer, g->customer_type ? "" : "::pg_catalog.text", minus ? "-" : "", g->amount,
					 input, g->alias);
	if (g->filter)
		appendStringInfo(s, " WHERE (%s)", g->filter);
}

/*
 * The statements' plans, kept for the session and found by their text: a
 * changed mapping is a new text, and PostgreSQL's plan cache replans a kept
 * plan after DDL on what it reads.  An order-entry transaction runs the
 * same few statements at every order.
 */
typedef struct KeptPlan
{
	char	   *sql;
	SPIPlanPtr	plan;
} KeptPlan;

#define MAX_KEPT_PLANS 64
static KeptPlan kept[MAX_KEPT_PLANS];
static int	nkept = 0;

static SPIPlanPtr
plan_for(const char *sql, int nargs, Oid *types)
{
	SPIPlanPtr	plan;

	for (int i = 0; i < nkept; i++)
		if (strcmp(kept[i].sql, sql) == 0)
			return kept[i].plan;
	plan = SPI_prepare(sql, nargs, types);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("an ar_credit guard statement does not compile: %s", SPI_result_code_string(SPI_result)),
				 errdetail("The statement was: %s", ar_clip_for_message(sql)),
				 errhint("Check ar_credit.guarded_table; guard the table again.")));
	if (nkept < MAX_KEPT_PLANS && SPI_keepplan(plan) == 0)
	{
		kept[nkept].sql = MemoryContextStrdup(TopMemoryContext, sql);
		kept[nkept].plan = plan;
		nkept++;
	}
	return plan;
}

/* run sql as role; rows in SPI_tuptable */
static void
run_as(Oid role, const char *sql, int nargs, Oid *types, Datum *values)
{
	Oid			save_user;
	int			save_sec;
	int			rc;
	SPIPlanPtr	plan = plan_for(sql, nargs, types);

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(role, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	rc = SPI_execute_plan(plan, values, NULL, false, 0);
	SetUserIdAndSecContext(save_user, save_sec);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "ar_credit guard statement failed: %s", SPI_result_code_string(rc));
}

/* ---------------------------------------------------------------------
 * ar_credit.open_orders(customers text[]) -> TABLE(source, customer_key,
 * currency, amount): the open orders of every guarded table, summed per
 * customer and currency; NULL customers: all.  Each table's mapping runs
 * as that table's owner.
 * --------------------------------------------------------------------- */
PG_FUNCTION_INFO_V1(credit_open_orders);
Datum
credit_open_orders(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			level;
	List	   *confs;
	ListCell   *lc;
	Oid			argtype = TEXTARRAYOID;
	Datum		arg = PG_ARGISNULL(0) ? (Datum) 0 : PG_GETARG_DATUM(0);

	InitMaterializedSRF(fcinfo, 0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	level = pin_settings();
	confs = guard_confs(InvalidOid);
	foreach(lc, confs)
	{
		GuardConf  *g = lfirst(lc);
		StringInfoData s;

		initStringInfo(&s);
		/* grouped by the customer's own type when built in: cheaper than its text */
		appendStringInfo(&s, "SELECT o.c::pg_catalog.text, o.cur, o.a FROM (SELECT (%s)%s AS c, %s%s%s AS cur,"
						 " pg_catalog.sum((%s)::pg_catalog.numeric) AS a FROM %s AS %s WHERE (%s) IS NOT NULL",
						 g->customer, g->customer_type ? "" : "::pg_catalog.text",
						 g->currency ? "(" : "", g->currency ? g->currency : "NULL::pg_catalog.text",
						 g->currency ? ")::pg_catalog.text" : "", g->amount, g->qualified, g->alias, g->customer);
		if (g->filter)
			appendStringInfo(&s, " AND (%s)", g->filter);
		if (!PG_ARGISNULL(0))
		{
			/* by the column's own type when built in, so that its index serves */
			if (g->customer_type)
				appendStringInfo(&s, " AND (%s) IN (SELECT pg_catalog.unnest($1::%s[]))", g->customer, g->customer_type);
			else
				appendStringInfo(&s, " AND (%s)::pg_catalog.text IN (SELECT pg_catalog.unnest($1))", g->customer);
		}
		appendStringInfoString(&s, " GROUP BY 1, 2) AS o");
		run_as(g->owner, s.data, PG_ARGISNULL(0) ? 0 : 1, &argtype, &arg);
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			Datum		values[4];
			bool		nulls[4];

			values[0] = ObjectIdGetDatum(g->relid);
			nulls[0] = false;
			for (int c = 0; c < 3; c++)
				values[c + 1] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, c + 1, &nulls[c + 1]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	AtEOXact_GUC(true, level);
	SPI_finish();
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * the guard's triggers
 * --------------------------------------------------------------------- */

static bool
is_armed(Oid relid)
{
	ListCell   *lc;

	foreach(lc, arms)
	{
		GuardArm   *a = lfirst(lc);

		if (a->relid == relid && a->fired == InvalidSubTransactionId)
			return true;
	}
	return false;
}

/*
 * ar_credit.guard_armed(orders regclass) -> bool: the WHEN clause of the
 * guard's constraint trigger.  True (and the table armed) when no check
 * of the table is queued in this transaction yet.
 */
PG_FUNCTION_INFO_V1(credit_guard_armed);
Datum
credit_guard_armed(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	GuardArm   *a;
	MemoryContext old;

	if (is_armed(relid))
		PG_RETURN_BOOL(false);
	old = MemoryContextSwitchTo(TopTransactionContext);
	a = palloc(sizeof(GuardArm));
	a->relid = relid;
	a->subid = GetCurrentSubTransactionId();
	a->fired = InvalidSubTransactionId;
	arms = lappend(arms, a);
	MemoryContextSwitchTo(old);
	PG_RETURN_BOOL(true);
}

/* the override reason in force, or NULL; 42501 for a role that may not override */
static char *
override_reason(void)
{
	Oid			manager;

	if (credit_override == NULL || credit_override[0] == '\0')
		return NULL;
	manager = get_role_oid("ar_credit_credit_manager", true);
	if (!OidIsValid(manager) || !is_member_of_role(GetUserId(), manager))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to override the credit check"),
				 errdetail("ar_credit.credit_override is set (\"%s\") but role \"%s\" is not a member of ar_credit_credit_manager.",
						   ar_clip_for_message(credit_override), GetUserNameFromId(GetUserId(), false)),
				 errhint("RESET ar_credit.credit_override, or have a credit manager place the order.")));
	return credit_override;
}

/* checks the customers noted for relid: ar_credit.guard_verify as the extension's owner */
static void
run_check(Oid relid)
{
	ListCell   *lc;
	ArrayBuildState *cust = NULL;
	ArrayBuildState *delta = NULL;
	char	   *reason;
	Oid			writer = GetUserId();
	Oid			types[5] = {REGCLASSOID, TEXTARRAYOID, TEXTARRAYOID, OIDOID, TEXTOID};
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	Oid			save_user;
	int			save_sec;
	int			level;

	foreach(lc, arms)
	{
		GuardArm   *a = lfirst(lc);

		if (a->relid == relid && a->fired == InvalidSubTransactionId)
			a->fired = GetCurrentSubTransactionId();
	}
	foreach(lc, notes)
	{
		GuardNote  *n = lfirst(lc);

		if (n->relid != relid || n->checked != InvalidSubTransactionId)
			continue;
		cust = accumArrayResult(cust, CStringGetTextDatum(n->customer), false, TEXTOID, CurrentMemoryContext);
		delta = accumArrayResult(delta, CStringGetTextDatum(n->delta), false, TEXTOID, CurrentMemoryContext);
		n->checked = GetCurrentSubTransactionId();
	}
	if (cust == NULL)
		return;
	reason = override_reason();
	values[0] = ObjectIdGetDatum(relid);
	values[1] = makeArrayResult(cust, CurrentMemoryContext);
	values[2] = makeArrayResult(delta, CurrentMemoryContext);
	values[3] = ObjectIdGetDatum(writer);
	values[4] = reason ? CStringGetTextDatum(reason) : (Datum) 0;
	nulls[4] = reason ? ' ' : 'n';

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	level = ar_pin_search_path();
	ar_track_become_owner(&save_user, &save_sec);
	if (SPI_execute_plan(plan_for("SELECT ar_credit.guard_verify($1, $2, $3::pg_catalog.numeric[], $4::pg_catalog.regrole, $5)",
								  5, types), values, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "ar_credit.guard_verify failed");
	ar_track_restore_user(save_user, save_sec);
	AtEOXact_GUC(true, level);
	SPI_finish();
}

/* notes the customers whose open orders the statement grew */
static void
collect(TriggerData *td, GuardConf *g)
{
	StringInfoData s;
	bool		ins = TRIGGER_FIRED_BY_INSERT(td->tg_event);
	MemoryContext old;

	initStringInfo(&s);
	appendStringInfoString(&s, "SELECT s.c::pg_catalog.text, pg_catalog.sum(s.a)::pg_catalog.text FROM (");
	append_side(&s, g, "ar_credit_new", false);
	if (!ins)
	{
		appendStringInfoString(&s, " UNION ALL ");
		append_side(&s, g, "ar_credit_old", true);
	}
	appendStringInfoString(&s, ") AS s WHERE s.c IS NOT NULL GROUP BY s.c"
						   " HAVING pg_catalog.sum(s.a) OPERATOR(pg_catalog.>) 0");
	run_as(g->owner, s.data, 0, NULL, NULL);

	old = MemoryContextSwitchTo(TopTransactionContext);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		GuardNote  *n = palloc(sizeof(GuardNote));

		n->relid = g->relid;
		n->subid = GetCurrentSubTransactionId();
		n->checked = InvalidSubTransactionId;
		n->customer = spi_text(i, 1);
		n->delta = spi_text(i, 2);
		notes = lappend(notes, n);
	}
	MemoryContextSwitchTo(old);
}

static TriggerData *
trigger_data(FunctionCallInfo fcinfo, const char *name)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must be called as a trigger", name),
				 errhint("Attach it with ar_credit.guard().")));
	return (TriggerData *) fcinfo->context;
}

/*
 * ar_credit.guard_collect(): AFTER INSERT / AFTER UPDATE statement trigger
 * (transition tables ar_credit_new, ar_credit_old) of a guarded table.
 */
PG_FUNCTION_INFO_V1(credit_guard_collect);
Datum
credit_guard_collect(PG_FUNCTION_ARGS)
{
	TriggerData *td = trigger_data(fcinfo, "guard_collect");
	Oid			relid = RelationGetRelid(td->tg_relation);
	List	   *confs;
	int			level;
	bool		noted;

	if (!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(td->tg_event) || TRIGGER_FIRED_BY_TRUNCATE(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("guard_collect must fire AFTER INSERT or UPDATE FOR EACH STATEMENT")));
	/* a role that may not override fails the statement itself */
	(void) override_reason();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	level = pin_settings();
	confs = guard_confs(relid);
	noted = false;
	if (confs != NIL)
	{
		if (SPI_register_trigger_data(td) != SPI_OK_TD_REGISTER)
			elog(ERROR, "SPI_register_trigger_data failed");
		collect(td, linitial(confs));
		noted = SPI_processed > 0;
	}
	AtEOXact_GUC(true, level);
	SPI_finish();
	/* the constraint's event already fired (IMMEDIATE): check now */
	if (noted && !is_armed(relid))
		run_check(relid);
	return PointerGetDatum(NULL);
}

/*
 * ar_credit.guard_check(): the guard's constraint trigger (AFTER INSERT
 * OR UPDATE, DEFERRABLE INITIALLY DEFERRED, FOR EACH ROW, WHEN
 * guard_armed): checks every customer noted for the table.
 */
PG_FUNCTION_INFO_V1(credit_guard_check);
Datum
credit_guard_check(PG_FUNCTION_ARGS)
{
	TriggerData *td = trigger_data(fcinfo, "guard_check");

	run_check(RelationGetRelid(td->tg_relation));
	return PointerGetDatum(NULL);
}
