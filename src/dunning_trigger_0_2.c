/*
 * dunning_trigger_0_2.c
 *		The 0.2.0 tracking trigger, kept verbatim for databases still at
 *		ar_credit 0.2.0: after the 0.3.0 library is installed and until
 *		ALTER EXTENSION ar_credit UPDATE, their triggers and track() call
 *		the C symbols dunning_trigger and dunning_resync, which must keep
 *		writing the 0.2.0 queue (SPEC section 6) so that no write to a
 *		tracked table fails in between.  0.3.0 uses tracking_trigger and
 *		tracking_resync (dunning_trigger.c).  Not to be changed: it goes
 *		when 0.2.0 is no longer supported.
 *
 * The 0.2.0 description follows.
 *
 *		ar_credit.dunning_trigger(): keeps the dunning queue in step with a
 *		user's invoices table (SPEC section 6).
 *
 * Models: PostgreSQL's contrib/tcn and PgQ's triggers (key=value arguments,
 * unknown keys refused, columns found by name so unrelated DDL is harmless,
 * per-relation cache dropped on relcache invalidation).
 *
 * ar_credit.track() attaches it as four AFTER ... FOR EACH STATEMENT
 * triggers: INSERT, UPDATE and DELETE with transition tables (REFERENCING
 * NEW TABLE AS ar_credit_new / OLD TABLE AS ar_credit_old), and TRUNCATE; so a
 * statement touching 100,000 invoices runs a handful of set-based
 * statements, prepared once per relation and kept.
 * Attached FOR EACH ROW (as SPEC section 6 describes it), the same
 * statements run over the one row, presented under the same names.
 *
 * Arguments: key=<column> (repeat it for a composite key), due=<column>,
 * amount=<column> (the open balance), and optionally status=, customer=,
 * currency=<column> and policy=<dunning policy>.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/sysattr.h"
#include "access/xact.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/async.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "compat.h"
#include "ar_credit.h"

#define NEW_TABLE	"ar_credit_new"
#define OLD_TABLE	"ar_credit_old"
#define MAX_KEYS	8


typedef enum PlanKind
{
	PLAN_UPSERT_FRESH,			/* INSERT: queue the first reminder */
	PLAN_UPSERT_HISTORY,		/* UPDATE: reconcile, resuming after the reminders sent */
	PLAN_CLOSE,					/* closed, ignored or amount <= 0: cancel and settle */
	PLAN_GONE_UPDATE,			/* UPDATE: keys that disappeared (key changed) */
	PLAN_GONE_DELETE,			/* DELETE */
	PLAN_UPDATE,				/* UPDATE: close and reconcile in one pass over the new rows */
	PLAN_TRUNCATE,				/* TRUNCATE: every invoice is gone */
	PLAN_INSERT_PLAIN,			/* INSERT without ON CONFLICT (see run_insert) */
	NPLANS
} PlanKind;

typedef struct TrackedRel
{
	Oid			relid;			/* hash key */
	bool		valid;
	char	   *args;			/* the trigger arguments the plans were built for */
	char	   *policy;
	bool		unique_key;		/* a unique index covers the key: no duplicate keys in a statement */
	int			nkeyatts;
	AttrNumber	keyatts[MAX_KEYS];
	int			natts;			/* every mapped column, for UPDATE OF detection */
	AttrNumber	atts[MAX_KEYS + 5];
	SPIPlanPtr	plans[NPLANS];
} TrackedRel;

static HTAB *tracked_rels = NULL;

static void
tracked_rel_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	TrackedRel *t;

	if (tracked_rels == NULL)
		return;
	hash_seq_init(&status, tracked_rels);
	while ((t = hash_seq_search(&status)) != NULL)
		if (relid == InvalidOid || t->relid == relid)
			t->valid = false;	/* plans are freed when next used */
}

static void
tracked_ns_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	tracked_rel_callback(arg, InvalidOid);
}

typedef struct TriggerArgs
{
	int			nkeys;
	const char *key[MAX_KEYS];
	const char *due;
	const char *amount;
	const char *status;
	const char *customer;
	const char *currency;
	const char *policy;
} TriggerArgs;

static void
parse_args(Trigger *tg, Relation rel, TriggerArgs *a)
{
	TupleDesc	desc = RelationGetDescr(rel);
	const char **cols[6];

	memset(a, 0, sizeof(*a));
	a->policy = "standard";
	for (int i = 0; i < tg->tgnargs; i++)
	{
		char	   *arg = tg->tgargs[i];
		char	   *eq = strchr(arg, '=');
		char	   *name;
		const char *value;

		if (eq == NULL || eq == arg || eq[1] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid argument \"%s\" for trigger \"%s\"", arg, tg->tgname),
					 errhint("Arguments are key=value: key, due, amount, status, customer, currency, policy.")));
		name = pnstrdup(arg, eq - arg);
		value = eq + 1;
		if (strcmp(name, "key") == 0)
		{
			if (a->nkeys >= MAX_KEYS)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("trigger \"%s\" names more than %d key columns", tg->tgname, MAX_KEYS)));
			a->key[a->nkeys++] = value;
		}
		else if (strcmp(name, "due") == 0)
			a->due = value;
		else if (strcmp(name, "amount") == 0)
			a->amount = value;
		else if (strcmp(name, "status") == 0)
			a->status = value;
		else if (strcmp(name, "customer") == 0)
			a->customer = value;
		else if (strcmp(name, "currency") == 0)
			a->currency = value;
		else if (strcmp(name, "policy") == 0)
			a->policy = value;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown argument \"%s\" for trigger \"%s\"", name, tg->tgname),
					 errhint("Arguments are key=value: key, due, amount, status, customer, currency, policy.")));
	}
	if (a->nkeys == 0 || a->due == NULL || a->amount == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" needs the arguments key=, due= and amount=", tg->tgname),
				 errhint("Attach it with ar_credit.track().")));

	/* every mapped column must exist (dropped columns do not count) */
	cols[0] = &a->due;
	cols[1] = &a->amount;
	cols[2] = &a->status;
	cols[3] = &a->customer;
	cols[4] = &a->currency;
	cols[5] = NULL;
	for (int i = 0; i < a->nkeys + 5; i++)
	{
		const char *col = i < a->nkeys ? a->key[i] : *cols[i - a->nkeys];

		if (col != NULL && SPI_fnumber(desc, col) <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" tracked by trigger \"%s\" does not exist in table \"%s\"",
							col, tg->tgname, RelationGetRelationName(rel)),
					 errhint("After renaming or dropping a tracked column, call ar_credit.track() again.")));
	}
}

/*
 * The types track() accepts, so that a hand-made trigger fails with a clear
 * message rather than in its statements.  Run when the relation's cache is
 * built: a type change invalidates the relcache, hence the cache.
 */
static void
check_arg_types(Relation rel, const TriggerArgs *a)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Oid			due_type = SPI_gettypeid(desc, SPI_fnumber(desc, a->due));
	Oid			amount_type = SPI_gettypeid(desc, SPI_fnumber(desc, a->amount));

	if (due_type != DATEOID && due_type != TIMESTAMPOID && due_type != TIMESTAMPTZOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("due column \"%s\" of table \"%s\" has type %s, not date",
						a->due, RelationGetRelationName(rel), format_type_be(due_type))));
	if (amount_type != NUMERICOID && amount_type != INT2OID && amount_type != INT4OID &&
		amount_type != INT8OID && amount_type != MONEYOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("amount column \"%s\" of table \"%s\" has type %s, not numeric",
						a->amount, RelationGetRelationName(rel), format_type_be(amount_type)),
				 errhint("Amounts must be numeric (or integer, or money); floating point is refused.")));
	if (a->status)
	{
		Oid			st = SPI_gettypeid(desc, SPI_fnumber(desc, a->status));
		char		category;
		bool		preferred;

		get_type_category_preferred(st, &category, &preferred);
		if (category != TYPCATEGORY_STRING && !type_is_enum(st))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("status column \"%s\" of table \"%s\" has type %s, not text or an enum",
							a->status, RelationGetRelationName(rel), format_type_be(st))));
	}
}

/* names the tracked table in any error raised while the trigger runs */
static void
dunning_error_context(void *arg)
{
	errcontext("ar_credit dunning trigger on table \"%s\"", (const char *) arg);
}

static void append_key(StringInfo sql, const TriggerArgs *a, const char *alias);

/*
 * SELECT k, due, amt, cls, cust, cur FROM <table> AS t [WHERE cls IN (...)]
 * [DISTINCT ON (k)]; the class filter is applied before DISTINCT ON.
 */
static void
append_source(StringInfo sql, const TriggerArgs *a, const char *table, bool distinct, const char *classes)
{
	appendStringInfoString(sql, "(SELECT ");
	if (distinct)
		appendStringInfoString(sql, "DISTINCT ON (k) ");
	appendStringInfoString(sql, "* FROM (SELECT ");
	append_key(sql, a, "t");
	appendStringInfoString(sql, " AS k");
	appendStringInfo(sql, ", (t.%s)::pg_catalog.date AS due", quote_identifier(a->due));
	appendStringInfo(sql, ", (t.%s)::pg_catalog.numeric AS amt", quote_identifier(a->amount));
	appendStringInfoString(sql, ", ar_credit.invoice_state(");
	if (a->status)
		appendStringInfo(sql, "(t.%s)::pg_catalog.text", quote_identifier(a->status));
	else
		appendStringInfoString(sql, "NULL::pg_catalog.text");
	appendStringInfo(sql, ", (t.%s)::pg_catalog.numeric, (t.%s)::pg_catalog.date) AS cls",
					 quote_identifier(a->amount), quote_identifier(a->due));
	if (a->customer)
		appendStringInfo(sql, ", (t.%s)::pg_catalog.text AS cust", quote_identifier(a->customer));
	else
		appendStringInfoString(sql, ", NULL::pg_catalog.text AS cust");
	if (a->currency)
		appendStringInfo(sql, ", (t.%s)::pg_catalog.text AS cur", quote_identifier(a->currency));
	else
		appendStringInfoString(sql, ", NULL::pg_catalog.text AS cur");
	appendStringInfo(sql, " FROM %s AS t) AS s", table);
	if (classes)
		appendStringInfo(sql, " WHERE s.cls IN %s", classes);
	if (distinct)
		appendStringInfoString(sql, " ORDER BY k");
	appendStringInfoString(sql, ")");
}

#define LIVE "('pending', 'claimed', 'suspended')"

/* the live reminder is rescheduled, except what a worker holds */
#define UPSERT_TAIL \
	" ON CONFLICT (source, invoice_key) WHERE state IN " LIVE \
	" DO UPDATE SET customer_key = EXCLUDED.customer_key," \
	" amount_due = EXCLUDED.amount_due, currency = EXCLUDED.currency," \
	" due_date = EXCLUDED.due_date, policy = EXCLUDED.policy," \
	" level = CASE WHEN q.state = 'claimed' THEN q.level ELSE EXCLUDED.level END," \
	" channel = CASE WHEN q.state = 'claimed' THEN q.channel ELSE EXCLUDED.channel END," \
	" label = CASE WHEN q.state = 'claimed' THEN q.label ELSE EXCLUDED.label END," \
	" remind_on = CASE WHEN q.state = 'claimed' THEN q.remind_on ELSE EXCLUDED.remind_on END," \
	" state = CASE WHEN EXCLUDED.state = 'suspended' THEN 'suspended'" \
	" WHEN q.state = 'claimed' THEN 'claimed' ELSE 'pending' END," \
	" updated_at = pg_catalog.now()"

/* the key of alias.* as the queue's invoice_key text */
static void
append_key(StringInfo sql, const TriggerArgs *a, const char *alias)
{
	if (a->nkeys == 1)
	{
		appendStringInfo(sql, "(%s.%s)::pg_catalog.text", alias, quote_identifier(a->key[0]));
		return;
	}
	appendStringInfoString(sql, "ROW(");
	for (int i = 0; i < a->nkeys; i++)
		appendStringInfo(sql, "%s%s.%s", i ? ", " : "", alias, quote_identifier(a->key[i]));
	appendStringInfoString(sql, ")::pg_catalog.text");
}

/*
 * table: read the invoices from it instead of the transition tables (resync).
 * invoices: the tracked table itself, read only when the key is not unique
 * (or unique but deferrable): then a key that left one row may live on in
 * another, and its reminder must stay.
 */
static char *
build_sql(PlanKind kind, const TriggerArgs *a, const char *table, bool unique_key,
		  const char *invoices)
{
	StringInfoData sql;

	initStringInfo(&sql);
	switch (kind)
	{
		case PLAN_UPSERT_FRESH:
		case PLAN_UPSERT_HISTORY:
		case PLAN_INSERT_PLAIN:
			appendStringInfoString(&sql,
								   "INSERT INTO ar_credit.dunning_queue AS q (source, invoice_key, customer_key, level,"
								   " channel, label, remind_on, due_date, amount_due, currency, policy, state)"
								   " SELECT $1, n.k, n.cust, (x.r).level, (x.r).channel, (x.r).label, (x.r).remind_on,"
								   " n.due, n.amt, n.cur, $2,"
								   " CASE WHEN n.cls = 'suspended' THEN 'suspended' ELSE 'pending' END FROM ");
			append_source(&sql, a, table ? table : NEW_TABLE, !unique_key, "('open', 'suspended')");
			if (kind == PLAN_UPSERT_HISTORY)
				appendStringInfoString(&sql,
									   " AS n LEFT JOIN LATERAL (SELECT max(h.level) AS last_level,"
									   " max(h.sent_at)::pg_catalog.date AS last_sent"
									   " FROM ar_credit.dunning_queue AS h WHERE h.source = $1"
									   " AND h.invoice_key = n.k AND h.state = 'sent') AS h ON true"
									   " CROSS JOIN LATERAL (SELECT ar_credit.next_reminder_rec(n.due, CURRENT_DATE,"
									   " COALESCE(h.last_level, 0), $2, h.last_sent, 5, n.amt) AS r) AS x");
			else
				appendStringInfoString(&sql,
									   " AS n CROSS JOIN LATERAL (SELECT ar_credit.next_reminder_rec(n.due,"
									   " CURRENT_DATE, 0, $2, NULL, 5, n.amt) AS r) AS x");
			appendStringInfoString(&sql,
								   " WHERE x.r IS NOT NULL");
			if (kind != PLAN_INSERT_PLAIN)
				appendStringInfoString(&sql, UPSERT_TAIL);
			break;
		case PLAN_UPDATE:
			/*
			 * One statement: settle the closed rows (a data-modifying CTE) and
			 * upsert the open ones.  Each part scans the new rows itself,
			 * computing only what it needs, cheaper than materialising them.
			 */
			appendStringInfoString(&sql,
								   "WITH c AS (UPDATE ar_credit.dunning_queue AS q SET state = CASE WHEN q.state IN " LIVE
								   " THEN 'cancelled' ELSE q.state END, settled = true, updated_at = pg_catalog.now()"
								   " FROM ");
			append_source(&sql, a, table ? table : NEW_TABLE, false, "('closed', 'ignored')");
			appendStringInfoString(&sql,
								   " AS n WHERE q.source = $1 AND NOT q.settled AND q.invoice_key = n.k)"
								   " INSERT INTO ar_credit.dunning_queue AS q (source, invoice_key, customer_key, level,"
								   " channel, label, remind_on, due_date, amount_due, currency, policy, state)"
								   " SELECT $1, n.k, n.cust, (x.r).level, (x.r).channel, (x.r).label, (x.r).remind_on,"
								   " n.due, n.amt, n.cur, $2,"
								   " CASE WHEN n.cls = 'suspended' THEN 'suspended' ELSE 'pending' END FROM ");
			append_source(&sql, a, table ? table : NEW_TABLE, !unique_key, "('open', 'suspended')");
			appendStringInfoString(&sql,
								   " AS n LEFT JOIN LATERAL (SELECT max(h.level) AS last_level,"
								   " max(h.sent_at)::pg_catalog.date AS last_sent"
								   " FROM ar_credit.dunning_queue AS h WHERE h.source = $1"
								   " AND h.invoice_key = n.k AND h.state = 'sent') AS h ON true"
								   " CROSS JOIN LATERAL (SELECT ar_credit.next_reminder_rec(n.due, CURRENT_DATE,"
								   " COALESCE(h.last_level, 0), $2, h.last_sent, 5, n.amt) AS r) AS x"
								   " WHERE x.r IS NOT NULL" UPSERT_TAIL);
			break;
		case PLAN_TRUNCATE:
			appendStringInfoString(&sql,
								   "UPDATE ar_credit.dunning_queue AS q SET state = CASE WHEN q.state IN " LIVE
								   " THEN 'cancelled' ELSE q.state END, settled = true, updated_at = pg_catalog.now()"
								   " WHERE q.source = $1 AND NOT q.settled AND $2 IS NOT NULL");
			break;
		case PLAN_CLOSE:
			appendStringInfoString(&sql,
								   "UPDATE ar_credit.dunning_queue AS q SET state = CASE WHEN q.state IN " LIVE
								   " THEN 'cancelled' ELSE q.state END, settled = true, updated_at = pg_catalog.now()"
								   " WHERE q.source = $1 AND NOT q.settled AND q.invoice_key IN (SELECT n.k FROM ");
			append_source(&sql, a, table ? table : NEW_TABLE, false, "('closed', 'ignored')");
			appendStringInfoString(&sql, " AS n) AND $2 IS NOT NULL");
			break;
		case PLAN_GONE_UPDATE:
		case PLAN_GONE_DELETE:
			appendStringInfoString(&sql,
								   "UPDATE ar_credit.dunning_queue AS q SET state = CASE WHEN q.state IN " LIVE
								   " THEN 'cancelled' ELSE q.state END, settled = true, updated_at = pg_catalog.now()"
								   " WHERE q.source = $1 AND NOT q.settled AND q.invoice_key IN (SELECT o.k FROM ");
			append_source(&sql, a, OLD_TABLE, false, NULL);
			appendStringInfoString(&sql, " AS o");
			if (kind == PLAN_GONE_UPDATE)
			{
				appendStringInfoString(&sql, " EXCEPT SELECT n.k FROM ");
				append_source(&sql, a, NEW_TABLE, false, NULL);
				appendStringInfoString(&sql, " AS n");
			}
			appendStringInfoString(&sql, ")");
			if (!unique_key && invoices)
			{
				appendStringInfo(&sql, " AND NOT EXISTS (SELECT 1 FROM %s AS u WHERE ", invoices);
				append_key(&sql, a, "u");
				appendStringInfoString(&sql, " = q.invoice_key)");
			}
			appendStringInfoString(&sql, " AND $2 IS NOT NULL");
			break;
		case NPLANS:
			break;
	}
	return sql.data;
}

/* does a unique, non-partial index cover exactly the key columns? */
static bool
key_is_unique(Relation rel, const AttrNumber *keyatts, int nkeys)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		unique = false;

	foreach(lc, indexes)
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index idx;

		if (!HeapTupleIsValid(tup))
			continue;
		idx = (Form_pg_index) GETSTRUCT(tup);
		/* a deferrable key may hold duplicates until commit */
		if (idx->indisunique && idx->indimmediate && idx->indnkeyatts == nkeys &&
			heap_attisnull(tup, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(tup, Anum_pg_index_indexprs, NULL))
		{
			int			found = 0;

			for (int i = 0; i < nkeys; i++)
				for (int j = 0; j < nkeys; j++)
					if (idx->indkey.values[j] == keyatts[i])
						found++;
			if (found == nkeys)
				unique = true;
		}
		ReleaseSysCache(tup);
	}
	list_free(indexes);
	return unique;
}

static TrackedRel *
tracked_rel(Trigger *tg, Relation rel, TriggerArgs *a)
{
	Oid			relid = RelationGetRelid(rel);
	StringInfoData sig;
	TrackedRel *t;
	bool		found;

	if (tracked_rels == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(TrackedRel);
		tracked_rels = hash_create("ar_credit tracked relations", 16, &ctl, HASH_ELEM | HASH_BLOBS);
		CacheRegisterRelcacheCallback(tracked_rel_callback, (Datum) 0);
		/* statements name the table: a renamed schema must rebuild them */
		CacheRegisterSyscacheCallback(NAMESPACEOID, tracked_ns_callback, (Datum) 0);
	}
	initStringInfo(&sig);
	for (int i = 0; i < tg->tgnargs; i++)
		appendStringInfo(&sig, "%s\x1f", tg->tgargs[i]);

	t = hash_search(tracked_rels, &relid, HASH_ENTER, &found);
	if (!found)
	{
		t->valid = false;
		t->args = NULL;
		t->policy = NULL;
		memset(t->plans, 0, sizeof(t->plans));
	}
	parse_args(tg, rel, a);
	if (!t->valid || t->args == NULL || strcmp(t->args, sig.data) != 0)
	{
		for (int i = 0; i < NPLANS; i++)
		{
			if (t->plans[i])
				SPI_freeplan(t->plans[i]);
			t->plans[i] = NULL;
		}
		if (t->args)
			pfree(t->args);
		if (t->policy)
			pfree(t->policy);
		t->args = MemoryContextStrdup(TopMemoryContext, sig.data);
		t->policy = MemoryContextStrdup(TopMemoryContext, a->policy);
		{
			TupleDesc	desc = RelationGetDescr(rel);
			const char *others[5] = {a->due, a->amount, a->status, a->customer, a->currency};

			t->nkeyatts = a->nkeys;
			t->natts = 0;
			for (int i = 0; i < a->nkeys; i++)
				t->atts[t->natts++] = t->keyatts[i] = SPI_fnumber(desc, a->key[i]);
			for (int i = 0; i < 5; i++)
				if (others[i])
					t->atts[t->natts++] = SPI_fnumber(desc, others[i]);
			t->unique_key = key_is_unique(rel, t->keyatts, t->nkeyatts);
		}
		check_arg_types(rel, a);
		t->valid = true;
	}
	pfree(sig.data);
	return t;
}

static void run_plan(TrackedRel *t, PlanKind kind, const TriggerArgs *a, Oid relid);

/*
 * The INSERT event.  A plain INSERT is markedly cheaper than INSERT ... ON
 * CONFLICT (no speculative insertion per row), and new invoices almost never
 * have a live reminder already; so the plain statement runs in a
 * subtransaction, and only a unique violation (a key reused while live)
 * falls back to the upsert.  Either way the user's statement goes through.
 */
static void
run_insert(TrackedRel *t, const TriggerArgs *a, Oid relid)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile bool conflict = false;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		run_plan(t, PLAN_INSERT_PLAIN, a, relid);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (edata->sqlerrcode != ERRCODE_UNIQUE_VIOLATION)
			ReThrowError(edata);
		FreeErrorData(edata);
		conflict = true;
	}
	PG_END_TRY();
	if (conflict)
		run_plan(t, PLAN_UPSERT_FRESH, a, relid);
}

static void
run_plan(TrackedRel *t, PlanKind kind, const TriggerArgs *a, Oid relid)
{
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	int			rc;

	if (t->plans[kind] == NULL)
	{
		Oid			types[2] = {REGCLASSOID, TEXTOID};
		char	   *invoices = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
															get_rel_name(relid));
		char	   *sql = build_sql(kind, a, NULL, t->unique_key, invoices);
		SPIPlanPtr	plan = SPI_prepare(sql, 2, types);

		if (plan == NULL)
			elog(ERROR, "could not prepare dunning statement: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep dunning statement");
		t->plans[kind] = plan;
		pfree(sql);
	}
	values[0] = ObjectIdGetDatum(relid);
	values[1] = CStringGetTextDatum(t->policy);
	rc = SPI_execute_plan(t->plans[kind], values, nulls, false, 0);
	if (rc < 0)
		elog(ERROR, "dunning statement failed: %s", SPI_result_code_string(rc));
	if (ar_notify && (kind == PLAN_UPSERT_FRESH || kind == PLAN_UPSERT_HISTORY ||
					  kind == PLAN_INSERT_PLAIN || kind == PLAN_UPDATE) && SPI_processed > 0)
		Async_Notify("ar_credit_dunning", get_rel_name(relid));
}

/* present one row under a transition-table name (FOR EACH ROW use) */
static void
register_row(const char *name, Relation rel, HeapTuple tuple)
{
	EphemeralNamedRelation enr = palloc0(sizeof(EphemeralNamedRelationData));
	Tuplestorestate *ts = tuplestore_begin_heap(false, false, work_mem);

	tuplestore_puttuple(ts, tuple);
	enr->md.name = (char *) name;
	enr->md.reliddesc = RelationGetRelid(rel);
	enr->md.tupdesc = NULL;
	enr->md.enrtype = ENR_NAMED_TUPLESTORE;
	enr->md.enrtuples = 1;
	enr->reldata = ts;
	if (SPI_register_relation(enr) < 0)
		elog(ERROR, "could not register the row as %s", name);
}

PG_FUNCTION_INFO_V1(dunning_trigger);
Datum
dunning_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	TriggerArgs a;
	TrackedRel *t;
	int			save_nestlevel;
	bool		is_row;
	TriggerEvent ev;
	ErrorContextCallback errcb;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("dunning_trigger: not called by the trigger manager")));
	ev = trigdata->tg_event;
	if (!TRIGGER_FIRED_AFTER(ev))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("dunning_trigger must be fired AFTER")));
	is_row = TRIGGER_FIRED_FOR_ROW(ev);
	rel = trigdata->tg_relation;

	if (!is_row && !TRIGGER_FIRED_BY_TRUNCATE(ev))
	{
		/* statement level: nothing to do for an empty transition table */
		Tuplestorestate *ts = TRIGGER_FIRED_BY_DELETE(ev) ? trigdata->tg_oldtable : trigdata->tg_newtable;

		/* UPDATE needs both: the old keys tell which invoices changed key */
		if (ts == NULL || (TRIGGER_FIRED_BY_UPDATE(ev) && trigdata->tg_oldtable == NULL))
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("dunning_trigger FOR EACH STATEMENT needs REFERENCING NEW TABLE AS %s / OLD TABLE AS %s",
							NEW_TABLE, OLD_TABLE),
					 errhint("Attach it with ar_credit.track().")));
		if (tuplestore_tuple_count(ts) == 0)
			return PointerGetDatum(NULL);
	}

	errcb.callback = dunning_error_context;
	errcb.arg = RelationGetRelationName(rel);
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	t = tracked_rel(trigdata->tg_trigger, rel, &a);

	if (is_row)
	{
		if (TRIGGER_FIRED_BY_INSERT(ev))
			register_row(NEW_TABLE, rel, trigdata->tg_trigtuple);
		else if (TRIGGER_FIRED_BY_UPDATE(ev))
		{
			register_row(OLD_TABLE, rel, trigdata->tg_trigtuple);
			register_row(NEW_TABLE, rel, trigdata->tg_newtuple);
		}
		else if (TRIGGER_FIRED_BY_DELETE(ev))
			register_row(OLD_TABLE, rel, trigdata->tg_trigtuple);
	}
	else if (SPI_register_trigger_data(trigdata) != SPI_OK_TD_REGISTER)
		elog(ERROR, "could not register the transition tables");

	/*
	 * Statements are schema-qualified; pin search_path anyway while they run.
	 * The planner cannot estimate how many transition rows are closed or
	 * open (a CASE over the user's columns): steer it away from nested loops
	 * over thousands of keys, which are the wrong guess for bulk statements.
	 */
	save_nestlevel = ar_pin_search_path();
	if (!is_row)
		(void) set_config_option("enable_nestloop", "off",
								 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	/* the costs above would also talk the planner into JIT-compiling statements that run once */
	(void) set_config_option("jit", "off",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);

	if (TRIGGER_FIRED_BY_INSERT(ev))
		run_insert(t, &a, RelationGetRelid(rel));
	else if (TRIGGER_FIRED_BY_UPDATE(ev))
	{
		/* UPDATE ... SET of columns we do not map changes nothing for us */
		const Bitmapset *cols = trigdata->tg_updatedcols;
		bool		key_changed;
		bool		any_changed;

		/* a BEFORE UPDATE row trigger may change columns the SET list does not name */
		if (rel->trigdesc && rel->trigdesc->trig_update_before_row)
			cols = NULL;
		key_changed = any_changed = (cols == NULL);

		for (int i = 0; cols && i < t->natts; i++)
		{
			bool		hit = bms_is_member(t->atts[i] - FirstLowInvalidHeapAttributeNumber, cols);

			any_changed |= hit;
			if (i < t->nkeyatts)
				key_changed |= hit;
		}
		if (key_changed)
			run_plan(t, PLAN_GONE_UPDATE, &a, RelationGetRelid(rel));
		if (any_changed)
			run_plan(t, PLAN_UPDATE, &a, RelationGetRelid(rel));
	}
	else if (TRIGGER_FIRED_BY_DELETE(ev))
		run_plan(t, PLAN_GONE_DELETE, &a, RelationGetRelid(rel));
	else if (TRIGGER_FIRED_BY_TRUNCATE(ev))
		run_plan(t, PLAN_TRUNCATE, &a, RelationGetRelid(rel));

	AtEOXact_GUC(true, save_nestlevel);
	SPI_finish();
	error_context_stack = errcb.previous;
	return PointerGetDatum(NULL);
}

/*
 * ar_credit.dunning_resync(invoices regclass, trigger name): queue the
 * existing rows of a tracked table (called by track()), with the arguments
 * of the named trigger, as if every row had just been updated.
 */
PG_FUNCTION_INFO_V1(dunning_resync);
Datum
dunning_resync(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	char	   *tgname = NameStr(*PG_GETARG_NAME(1));
	Relation	rel;
	TriggerDesc *td;
	Trigger    *tg = NULL;
	TriggerArgs a;
	char	   *table;
	char	   *sql;
	Oid			types[2] = {REGCLASSOID, TEXTOID};
	Datum		values[2];
	int			save_nestlevel;
	int64		queued;

	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	rel = relation_open(relid, AccessShareLock);
	td = rel->trigdesc;
	for (int i = 0; td && i < td->numtriggers; i++)
		if (strcmp(td->triggers[i].tgname, tgname) == 0)
			tg = &td->triggers[i];
	if (tg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("trigger \"%s\" of table \"%s\" does not exist", tgname, RelationGetRelationName(rel))));
	parse_args(tg, rel, &a);
	table = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
									   RelationGetRelationName(rel));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	save_nestlevel = ar_pin_search_path();
	values[0] = ObjectIdGetDatum(relid);
	values[1] = CStringGetTextDatum(a.policy);
	sql = build_sql(PLAN_CLOSE, &a, table, false, NULL);
	if (SPI_execute_with_args(sql, 2, types, values, NULL, false, 0) < 0)
		elog(ERROR, "could not settle closed invoices");
	sql = build_sql(PLAN_UPSERT_HISTORY, &a, table, false, NULL);
	if (SPI_execute_with_args(sql, 2, types, values, NULL, false, 0) < 0)
		elog(ERROR, "could not queue existing invoices");
	queued = SPI_processed;
	AtEOXact_GUC(true, save_nestlevel);
	SPI_finish();
	relation_close(rel, AccessShareLock);
	PG_RETURN_INT64(queued);
}
