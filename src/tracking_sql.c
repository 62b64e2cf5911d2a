/*
 * tracking_sql.c
 *		The tracking trigger's machinery (see tracking.h): what a tracked
 *		table's mapping is, the set-based statements that keep the
 *		receivables mirror (ar_credit.receivable) and the dunning queue in
 *		step with rows, and who runs them.
 *
 * Two roles run the statements.  The mapping's expressions are the table
 * owner's code, so when a mapping is more than plain columns the rows are
 * first mapped as the table owner (TP_MAP_NEW / TP_MAP_OLD), into a
 * tuplestore; everything that writes ar_credit's tables runs as the
 * extension's owner, so the role that writes the invoices needs no grant
 * on ar_credit (SPEC section 7).
 *
 * Locking: every pass that decides a reminder first writes the receivable
 * row (TP_UPSERT, TP_GONE, TP_TRUNCATE ...), then reconciles the queue in
 * a later statement (TP_RECONCILE): under READ COMMITTED that statement
 * sees whatever a worker's complete_reminder committed while the receivable
 * was locked by it, since complete_reminder locks the receivable first too.
 * So the trigger and the workers can never both decide the next level.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_index.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "catalog/namespace.h"
#include "rewrite/rewriteManip.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "compat.h"
#include "ar_credit.h"
#include "mapping_sql.h"
#include "tracking.h"


static HTAB *tracked_rels = NULL;
static Oid	tracked_table_relid = InvalidOid;

/* ---------------------------------------------------------------------
 * cache invalidation
 * --------------------------------------------------------------------- */

static void
tracked_rel_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	TrackedRel *t;

	if (tracked_rels == NULL)
		return;
	hash_seq_init(&status, tracked_rels);
	while ((t = hash_seq_search(&status)) != NULL)
	{
		if (relid == InvalidOid || t->relid == relid || t->root == relid ||
			relid == tracked_table_relid || list_member_oid(t->depends, relid))
			t->valid = false;	/* rebuilt when next used */
	}
}

static void
tracked_ns_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	tracked_rel_callback(arg, InvalidOid);
}

/* ---------------------------------------------------------------------
 * session independence and roles
 * --------------------------------------------------------------------- */

/*
 * Keys are compared as text and dates read from timestamps: pin every
 * setting that changes those (SPEC section 7; a writer's DateStyle or
 * TimeZone must not change which invoice a row is).
 */
/*
 * Today, as the session sees it when the trigger starts: the day reminders
 * are computed for ($3 of every statement), as complete_reminders computes
 * them; pinning TimeZone below must not move it.
 */
static DateADT track_today;

/* the firing brings many rows: bulk plans */
#define BULK_ROWS 1000
static int	track_bulk;
static double track_rows;

int
ar_track_pin_settings(double rows)
{
	int			level;

	track_today = GetSQLCurrentDate();
	track_bulk = rows >= BULK_ROWS ? 1 : 0;
	track_rows = rows;
	level = ar_pin_search_path();
	if (track_bulk)
		(void) set_config_option("enable_nestloop", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);

	(void) set_config_option("datestyle", "ISO, MDY", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("intervalstyle", "postgres", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	/* keys in UTC; timestamptz dates are read in ar_credit.timezone by ar_credit.as_date */
	(void) set_config_option("timezone", "UTC", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("extra_float_digits", "1", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("bytea_output", "hex", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	/* statements that run once per write: JIT would cost more than it saves */
	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return level;
}

/* looked up once per transaction: cheap, and follows ALTER EXTENSION ... OWNER */
static Oid	ext_owner = InvalidOid;

static void
ext_owner_xact_callback(XactEvent event, void *arg)
{
	ext_owner = InvalidOid;
}

static Oid
extension_owner(void)
{
	static bool registered = false;

	if (!registered)
	{
		RegisterXactCallback(ext_owner_xact_callback, NULL);
		registered = true;
	}
	if (!OidIsValid(ext_owner))
	{
		Datum		arg = CStringGetTextDatum("ar_credit");
		Oid			argtype = TEXTOID;
		bool		isnull;

		if (SPI_execute_with_args("SELECT extowner FROM pg_catalog.pg_extension WHERE extname = $1",
								  1, &argtype, &arg, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "could not find the owner of extension ar_credit");
		ext_owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	return ext_owner;
}

void
ar_track_become_owner(Oid *save_user, int *save_sec)
{
	Oid			owner = extension_owner();

	GetUserIdAndSecContext(save_user, save_sec);
	SetUserIdAndSecContext(owner, *save_sec | SECURITY_LOCAL_USERID_CHANGE);
}

void
ar_track_restore_user(Oid save_user, int save_sec)
{
	SetUserIdAndSecContext(save_user, save_sec);
}

/* ---------------------------------------------------------------------
 * the mapping
 * --------------------------------------------------------------------- */

/* the tracked table: relid itself, or its nearest tracked ancestor (partitions, inheritance) */
static Oid
tracked_root(Oid relid, bool *found)
{
	Oid			cur = relid;

	for (int depth = 0; depth < 64; depth++)
	{
		Datum		arg = ObjectIdGetDatum(cur);
		Oid			argtype = OIDOID;
		List	   *parents;

		if (SPI_execute_with_args("SELECT 1 FROM ar_credit.tracked_table WHERE relid = $1",
								  1, &argtype, &arg, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read ar_credit.tracked_table");
		if (SPI_processed == 1)
		{
			*found = true;
			return cur;
		}
		parents = NIL;
		{
			Datum		a2 = ObjectIdGetDatum(cur);

			if (SPI_execute_with_args("SELECT inhparent FROM pg_catalog.pg_inherits WHERE inhrelid = $1",
									  1, &argtype, &a2, NULL, true, 1) != SPI_OK_SELECT)
				elog(ERROR, "could not read pg_inherits");
			if (SPI_processed == 1)
			{
				bool		isnull;

				parents = lappend_oid(parents,
									  DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
																	 SPI_tuptable->tupdesc, 1, &isnull)));
			}
		}
		if (parents == NIL)
			break;
		cur = linitial_oid(parents);
	}
	*found = false;
	return relid;
}

static char *
getstr(HeapTuple tup, TupleDesc desc, const char *col)
{
	char	   *v = SPI_getvalue(tup, desc, SPI_fnumber(desc, col));

	return v ? MemoryContextStrdup(TopMemoryContext, v) : NULL;
}

/*
 * status_map → a CASE over the status text, then the built-in vocabulary.
 * Keys are compared exactly (they are the status value's text form); the
 * values were checked by track() to be classes or vocabulary words.
 */
static char *
status_sql(const char *status, const char *map_json)
{
	StringInfoData s;
	int			n = 0;

	if (status == NULL)
		return NULL;
	initStringInfo(&s);
	if (map_json == NULL)
	{
		appendStringInfo(&s, "(%s)::pg_catalog.text", status);
		return s.data;
	}
	appendStringInfo(&s, "CASE (%s)::pg_catalog.text", status);
	{
		Datum		arg = CStringGetTextDatum(map_json);
		Oid			argtype = TEXTOID;

		if (SPI_execute_with_args("SELECT key, value FROM pg_catalog.jsonb_each_text($1::pg_catalog.jsonb)",
								  1, &argtype, &arg, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read a status_map");
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			char	   *k = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
			char	   *v = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);

			if (k == NULL || v == NULL)
				continue;
			appendStringInfo(&s, " WHEN %s THEN %s", quote_literal_cstr(k), quote_literal_cstr(v));
			n++;
		}
	}
	appendStringInfo(&s, " ELSE (%s)::pg_catalog.text END", status);
	if (n == 0)
	{
		resetStringInfo(&s);
		appendStringInfo(&s, "(%s)::pg_catalog.text", status);
	}
	return MemoryContextStrdup(TopMemoryContext, s.data);
}

/* a mapping text that is just one of the table's columns */
static AttrNumber
column_of(TupleDesc desc, const char *text)
{
	for (int i = 0; text && i < desc->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(desc, i);

		if (!a->attisdropped && strcmp(quote_identifier(NameStr(a->attname)), text) == 0)
			return a->attnum;
	}
	return InvalidAttrNumber;
}

/*
 * Which columns matter, and whether everything is plain columns.  A mapping
 * with a subquery may read anything: mapped_atts NULL then.
 */
static void
analyse_columns(TrackedRel *t, Relation rel)
{
	const char *texts[9] = {t->key, t->due, t->amount, t->status_raw, t->customer, t->currency,
	t->filter, t->paid_on, t->issued};
	TupleDesc	desc = RelationGetDescr(rel);
	Bitmapset  *atts = NULL;
	bool		any = false;
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

	t->plain = true;
	t->key_is_columns = true;
	for (int i = 0; i < 9; i++)
	{
		AttrNumber	a;
		Oid			type;
		Node	   *node;
		Bitmapset  *vars = NULL;

		if (texts[i] == NULL)
			continue;
		a = column_of(desc, texts[i]);
		if (a != InvalidAttrNumber)
		{
			atts = bms_add_member(atts, a - FirstLowInvalidHeapAttributeNumber);
			if (i == 0)
				t->key_atts = bms_add_member(t->key_atts, a - FirstLowInvalidHeapAttributeNumber);
			continue;
		}
		/* an expression: the trigger fires on this relation, the mapping names the root */
		node = ar_mapping_analyze(RelationGetRelid(rel), "mapping", texts[i], MAP_TEXT, NULL, InvalidOid, &type);
		pull_varattnos(node, 1, &vars);
		atts = bms_union(atts, vars);
		if (i == 0)
			t->key_atts = bms_union(t->key_atts, vars);
		if (i == 0 && IsA(node, RowExpr))
		{
			ListCell   *lc;
			bool		cols = true;

			foreach(lc, ((RowExpr *) node)->args)
				cols = cols && IsA(lfirst(lc), Var);
			if (cols)
				continue;		/* a composite key of columns is still plain */
		}
		t->plain = false;
		if (i == 0)
			t->key_is_columns = false;
		if (checkExprHasSubLink(node))
			any = true;
	}
	t->mapped_atts = any ? NULL : atts;
	MemoryContextSwitchTo(old);
}

/* does a unique, immediate, non-partial index cover exactly the key columns? */
static bool
key_is_unique(Relation rel, Bitmapset *keyatts)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		unique = false;

	foreach(lc, indexes)
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index idx;
		Bitmapset  *cols = NULL;

		if (!HeapTupleIsValid(tup))
			continue;
		idx = (Form_pg_index) GETSTRUCT(tup);
		for (int j = 0; j < idx->indnkeyatts; j++)
			cols = bms_add_member(cols, idx->indkey.values[j] - FirstLowInvalidHeapAttributeNumber);
		/* a deferrable key may hold duplicates until commit */
		if (idx->indisunique && idx->indimmediate &&
			heap_attisnull(tup, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(tup, Anum_pg_index_indexprs, NULL) &&
			keyatts != NULL && bms_equal(cols, keyatts))
			unique = true;
		ReleaseSysCache(tup);
	}
	list_free(indexes);
	return unique;
}

/* an argument of a hand-made trigger must name a column of the right type */
static char *
arg_column(Relation rel, Trigger *tg, const char *name, const char *col, MappingWant want)
{
	Oid			type;

	if (get_attnum(RelationGetRelid(rel), col) <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" tracked by trigger \"%s\" does not exist in table \"%s\"",
						ar_clip_for_message(col), tg->tgname, RelationGetRelationName(rel)),
				 errhint("Attach the trigger with ar_credit.track(): its mapping follows renames.")));
	(void) ar_mapping_analyze(RelationGetRelid(rel), psprintf("%s= argument of trigger \"%s\"", name, tg->tgname),
							  quote_identifier(col), want, NULL, InvalidOid, &type);
	return MemoryContextStrdup(TopMemoryContext, quote_identifier(col));
}

/* a hand-made trigger's key=value arguments (SPEC section 6; column names) */
static void
mapping_from_args(TrackedRel *t, Trigger *tg, Relation rel)
{
	StringInfoData key;
	int			nkeys = 0;

	initStringInfo(&key);
	t->policy = "standard";
	for (int i = 0; i < tg->tgnargs; i++)
	{
		char	   *arg = tg->tgargs[i];
		char	   *eq = strchr(arg, '=');
		char	   *name;
		char	   *col;

		if (eq == NULL || eq == arg || eq[1] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid argument \"%s\" for trigger \"%s\"", ar_clip_for_message(arg), tg->tgname),
					 errhint("Arguments are key=value: key, due, amount, status, customer, currency, policy.")));
		name = pnstrdup(arg, eq - arg);
		col = NULL;
		if (strcmp(name, "policy") != 0 && (strcmp(name, "key") == 0 || strcmp(name, "due") == 0 ||
											strcmp(name, "amount") == 0 || strcmp(name, "status") == 0 ||
											strcmp(name, "customer") == 0 || strcmp(name, "currency") == 0))
			col = arg_column(rel, tg, name, eq + 1,
							 strcmp(name, "due") == 0 ? MAP_DATE :
							 strcmp(name, "amount") == 0 ? MAP_AMOUNT :
							 strcmp(name, "key") == 0 ? MAP_KEY : MAP_TEXT);
		if (strcmp(name, "key") == 0)
			appendStringInfo(&key, "%s%s", nkeys++ ? ", " : "", col);
		else if (strcmp(name, "due") == 0)
			t->due = col;
		else if (strcmp(name, "amount") == 0)
			t->amount = col;
		else if (strcmp(name, "status") == 0)
			t->status = col;
		else if (strcmp(name, "customer") == 0)
			t->customer = col;
		else if (strcmp(name, "currency") == 0)
			t->currency = col;
		else if (strcmp(name, "policy") == 0)
			t->policy = MemoryContextStrdup(TopMemoryContext, eq + 1);
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown argument \"%s\" for trigger \"%s\"", ar_clip_for_message(name), tg->tgname),
					 errhint("Arguments are key=value: key, due, amount, status, customer, currency, policy.")));
	}
	if (nkeys == 0 || t->due == NULL || t->amount == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" needs the arguments key=, due= and amount=", tg->tgname),
				 errhint("Attach it with ar_credit.track().")));
	t->key = MemoryContextStrdup(TopMemoryContext, nkeys == 1 ? key.data : psprintf("ROW(%s)", key.data));
	t->status_raw = t->status;
	if (t->status)
		t->status = MemoryContextStrdup(TopMemoryContext, status_sql(t->status, NULL));
}

/* the mapping of a tracked table, from its ar_credit.tracked_table row */
static bool
mapping_from_table(TrackedRel *t)
{
	Datum		arg = ObjectIdGetDatum(t->root);
	Oid			argtype = OIDOID;
	HeapTuple	tup;
	TupleDesc	desc;
	char	   *map;

	if (SPI_execute_with_args("SELECT key_column, due_column, amount_column, status_column, customer_column,"
							  " currency_column, filter, status_map::pg_catalog.text AS status_map, amount_unit,"
							  " paid_on_column, issued_column, policy"
							  " FROM ar_credit.tracked_table WHERE relid = $1",
							  1, &argtype, &arg, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read ar_credit.tracked_table");
	if (SPI_processed != 1)
		return false;
	tup = SPI_copytuple(SPI_tuptable->vals[0]);
	desc = CreateTupleDescCopy(SPI_tuptable->tupdesc);
	t->key = getstr(tup, desc, "key_column");
	t->due = getstr(tup, desc, "due_column");
	t->amount = getstr(tup, desc, "amount_column");
	t->customer = getstr(tup, desc, "customer_column");
	t->currency = getstr(tup, desc, "currency_column");
	t->filter = getstr(tup, desc, "filter");
	t->paid_on = getstr(tup, desc, "paid_on_column");
	t->issued = getstr(tup, desc, "issued_column");
	t->policy = getstr(tup, desc, "policy");
	t->minor = strcmp(SPI_getvalue(tup, desc, SPI_fnumber(desc, "amount_unit")), "minor") == 0;
	map = SPI_getvalue(tup, desc, SPI_fnumber(desc, "status_map"));
	{
		char	   *st = SPI_getvalue(tup, desc, SPI_fnumber(desc, "status_column"));

		t->status_raw = st ? MemoryContextStrdup(TopMemoryContext, st) : NULL;
		t->status = st ? MemoryContextStrdup(TopMemoryContext, status_sql(st, map)) : NULL;
	}
	return true;
}

static void
free_entry(TrackedRel *t)
{
	for (int b = 0; b < 2; b++)
		for (int i = 0; i < TP_NPLANS; i++)
		{
			if (t->plans[b][i])
				SPI_freeplan(t->plans[b][i]);
			if (t->mapped_plans[b][i])
				SPI_freeplan(t->mapped_plans[b][i]);
			t->plans[b][i] = t->mapped_plans[b][i] = NULL;
		}
	list_free(t->depends);
	t->depends = NIL;
	/* the strings are small and rebuilt rarely (DDL): let them go */
}

TrackedRel *
ar_tracked_rel(Relation rel, Trigger *tg)
{
	Oid			relid = RelationGetRelid(rel);
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
	/* looked up each time: an update of the extension may replace the table */
	tracked_table_relid = get_relname_relid("tracked_table", get_namespace_oid("ar_credit", false));

	t = hash_search(tracked_rels, &relid, HASH_ENTER, &found);
	if (found && t->valid)
		return t;
	if (found)
		free_entry(t);
	memset(t, 0, sizeof(TrackedRel));
	t->relid = relid;
	t->root = tracked_root(relid, &found);
	if (found)
		(void) mapping_from_table(t);
	else if (tg != NULL && tg->tgnargs > 0)
		mapping_from_args(t, tg, rel);
	else
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" is not tracked by ar_credit", RelationGetRelationName(rel)),
				 errhint("Call ar_credit.track() for it, or drop the trigger.")));
	{
		HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(t->root));

		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for relation %u", t->root);
		t->owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
		t->alias = MemoryContextStrdup(TopMemoryContext, quote_identifier(NameStr(((Form_pg_class) GETSTRUCT(tup))->relname)));
		ReleaseSysCache(tup);
	}
	t->qualified = MemoryContextStrdup(TopMemoryContext,
									   quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
																  RelationGetRelationName(rel)));
	t->root_qualified = MemoryContextStrdup(TopMemoryContext,
											quote_qualified_identifier(get_namespace_name(get_rel_namespace(t->root)),
																	   get_rel_name(t->root)));
	analyse_columns(t, rel);
	t->unique_key = t->key_is_columns && key_is_unique(rel, t->key_atts);
	t->valid = true;
	return t;
}

/* ---------------------------------------------------------------------
 * statements
 * --------------------------------------------------------------------- */

#define LIVE "('pending', 'claimed', 'suspended')"

/*
 * The mapping over input: k (the key as text), due, amt (major units), st
 * (the status word), cust, cur, incl (the filter), paid, issued; with kept,
 * whether another row of the table still has the key (non-unique keys).
 */
char *
ar_track_map_sql(TrackedRel *t, const char *input, bool keys_only, bool kept)
{
	StringInfoData s;

	initStringInfo(&s);
	appendStringInfo(&s, "SELECT (%s)::pg_catalog.text AS k", t->key);
	if (!keys_only)
	{
		appendStringInfo(&s, ", ar_credit.as_date(%s) AS due", t->due);
		if (t->minor)
			appendStringInfo(&s, ", ar_credit.minor_to_major((%s)::pg_catalog.numeric, %s) AS amt",
							 t->amount, t->currency ? psprintf("(%s)::pg_catalog.text", t->currency) : "NULL");
		else
			appendStringInfo(&s, ", (%s)::pg_catalog.numeric AS amt", t->amount);
		appendStringInfo(&s, ", %s::pg_catalog.text AS st", t->status ? t->status : "NULL");
		appendStringInfo(&s, ", (%s)::pg_catalog.text AS cust", t->customer ? t->customer : "NULL");
		appendStringInfo(&s, ", (%s)::pg_catalog.text AS cur", t->currency ? t->currency : "NULL");
		appendStringInfo(&s, ", %s AS incl", t->filter ? psprintf("COALESCE((%s)::pg_catalog.bool, false)", t->filter) : "true");
		if (t->paid_on)
			appendStringInfo(&s, ", ar_credit.as_date(%s) AS paid", t->paid_on);
		else
			appendStringInfoString(&s, ", NULL::pg_catalog.date AS paid");
		if (t->issued)
			appendStringInfo(&s, ", ar_credit.as_date(%s) AS issued", t->issued);
		else
			appendStringInfoString(&s, ", NULL::pg_catalog.date AS issued");
	}
	appendStringInfo(&s, " FROM %s AS %s", input, t->alias);
	if (kept)
	{
		/* another row of the table may still hold the key */
		char	   *inner = s.data;

		initStringInfo(&s);
		appendStringInfo(&s, "SELECT o.*, EXISTS (SELECT 1 FROM %s AS %s WHERE (%s)::pg_catalog.text"
						 " OPERATOR(pg_catalog.=) o.k) AS kept FROM (%s) AS o",
						 t->root_qualified, t->alias, t->key, inner);
	}
	return s.data;
}

/* the rows a pass reads: the mapped relation, or the mapping inline (plain) */
static char *
source(TrackedRel *t, bool old, bool distinct)
{
	char	   *src;

	if (t->plain)
		src = psprintf("(%s)", ar_track_map_sql(t, old ? TR_OLD : TR_NEW, old, old && !t->unique_key));
	else
		src = old ? TR_MAPPED_OLD : TR_MAPPED;
	if (distinct)
		return psprintf("(SELECT DISTINCT ON (k) * FROM %s AS d ORDER BY k)", src);
	return src;
}

#define CLASS_OF(s) \
	"CASE WHEN " s ".incl THEN ar_credit.item_class(" s ".st, " s ".amt, " s ".due) ELSE 'ignored' END"

#define RECEIVABLE_COLS \
	"(source, item_key, customer_key, currency, issued_on, due_date, amount, status, class, paid_on, first_amount)"

/* the receivable of a mapped row s, in RECEIVABLE_COLS order ($1: the table) */
#define RECEIVABLE_VALUES \
	" SELECT $1, s.k, s.cust, s.cur, s.issued, s.due, s.amt, s.st, " CLASS_OF("s") "," \
	" CASE WHEN s.paid IS NOT NULL AND " CLASS_OF("s") " = 'paid' THEN s.paid END, s.amt"

#define CHANGED_COLS \
	"r.id, r.item_key, r.customer_key, r.currency, r.due_date, r.amount, r.class, r.last_level, r.last_sent_on," \
	" (r.class IN ('open', 'suspended') AND NOT r.gone) AS live, r.prev_class, r.prev_due, r.first_amount, r.paid_on," \
	" r.on_hold, r.plan_id"

/* what the first reminders of new receivables need */
#define INSERTED_COLS \
	"r.id, r.item_key, r.customer_key, r.currency, r.due_date, r.amount, r.class," \
	" (r.class IN ('open', 'suspended')) AS live"

/*
 * The payments the changed receivables show (SPEC section 8): an invoice
 * that closed as paid, or one first seen paid with its payment date, gives
 * one row of ar_credit.payment_event.
 */
#define PAYMENT_EVENT_INSERT(c) \
	"INSERT INTO ar_credit.payment_event (receivable_id, source, invoice_key, customer_key, currency, amount," \
	" due_date, paid_on, days_late)" \
	" SELECT " c ".id, $1, " c ".item_key, " c ".customer_key, " c ".currency, " c ".first_amount, " c ".due_date," \
	" " c ".paid_on, " c ".paid_on - " c ".due_date FROM " c \
	" WHERE " c ".class = 'paid' AND " c ".paid_on IS NOT NULL AND pg_catalog.isfinite(" c ".due_date)" \
	" AND (" c ".prev_class IS NULL OR " c ".prev_class IN ('open', 'suspended'))"

static void
build_insert(StringInfo sql, TrackedRel *t)
{
	/* a new key: its receivable, and its first reminder while it is owed */
	appendStringInfo(sql,
					 "WITH r AS (INSERT INTO ar_credit.receivable AS r " RECEIVABLE_COLS
					 RECEIVABLE_VALUES
					 " FROM %s AS s WHERE s.incl RETURNING %s)%s"
					 " INSERT INTO ar_credit.dunning_queue (receivable_id, source, invoice_key, customer_key, level,"
					 " channel, label, remind_on, due_date, amount_due, currency, policy, state)"
					 " SELECT x.id, $1, x.item_key, x.customer_key, (x.n).level, (x.n).channel, (x.n).label,"
					 " (x.n).remind_on, x.due_date, x.amount, x.currency, x.policy,"
					 " CASE WHEN x.class = 'suspended' THEN 'suspended' ELSE 'pending' END"
	/*
	 * OFFSET 0 keeps each a subquery: pulled up, the function would run
	 * once per field of its result read (five times a row)
	 */
					 " FROM (SELECT p.*, ar_credit.next_reminder_rec(p.due_date, $3, 0, p.policy, NULL, 5, p.amount)"
					 " AS n FROM (SELECT r.*, ar_credit.policy_for(r.customer_key, $2) AS policy FROM r WHERE r.live"
					 " OFFSET 0) AS p OFFSET 0) AS x WHERE x.n IS NOT NULL",
					 source(t, false, !t->unique_key),
	/* only what the queue needs, and a payment's figures when there can be one */
					 t->paid_on ? CHANGED_COLS : INSERTED_COLS,
	/* a row inserted paid is a payment only with its date (paid_on mapped) */
					 t->paid_on ? ", e AS (" PAYMENT_EVENT_INSERT("r") ")" : "");
}

/* a receivable whose key is already live takes the new values, if they differ */
#define RECEIVABLE_ON_CONFLICT \
	" ON CONFLICT (source, item_key) WHERE NOT gone DO UPDATE SET" \
	" customer_key = EXCLUDED.customer_key, currency = EXCLUDED.currency," \
	" issued_on = EXCLUDED.issued_on, due_date = EXCLUDED.due_date, amount = EXCLUDED.amount," \
	" status = EXCLUDED.status, class = EXCLUDED.class, prev_class = r.class, prev_due = r.due_date," \
	" paid_on = CASE WHEN EXCLUDED.class = 'paid' THEN COALESCE(EXCLUDED.paid_on," \
	" CASE WHEN r.class <> 'paid' THEN $3 ELSE r.paid_on END) END," \
	" updated_at = pg_catalog.now()" \
	" WHERE (r.customer_key, r.currency, r.issued_on, r.due_date, r.amount, r.status, r.class)" \
	" IS DISTINCT FROM (EXCLUDED.customer_key, EXCLUDED.currency, EXCLUDED.issued_on," \
	" EXCLUDED.due_date, EXCLUDED.amount, EXCLUDED.status, EXCLUDED.class)"

static void
build_upsert(StringInfo sql, TrackedRel *t)
{
	/*
	 * Rows the filter leaves out become receivables only if they were one:
	 * a vendor bill never enters the mirror, an invoice that leaves the
	 * filter is ignored from then on.  Receivables the mapping gives nothing
	 * new are left alone.  This form is for a few rows, each found by one
	 * probe of the unique index; build_upsert_join is for a large share of the
	 * mirror.
	 */
	appendStringInfo(sql,
					 "INSERT INTO ar_credit.receivable AS r " RECEIVABLE_COLS
					 RECEIVABLE_VALUES
					 " FROM %s AS s", source(t, false, !t->unique_key));
	if (t->filter)
		appendStringInfoString(sql,
							   " WHERE s.incl OR EXISTS (SELECT 1 FROM ar_credit.receivable AS e"
							   " WHERE e.source = $1 AND e.item_key = s.k AND NOT e.gone)");
	appendStringInfoString(sql,
						   RECEIVABLE_ON_CONFLICT
						   " RETURNING " CHANGED_COLS);
}

/*
 * The same for a statement that brings a large share of the mirror's rows
 * (upsert_plan), in two statements whose rows go to the same store: the
 * receivables already mirrored updated through a hash join, then the keys
 * not mirrored yet inserted (ON CONFLICT only for a writer of the same new
 * key in another session), a statement skipped when the update already
 * found every key.  ON CONFLICT alone
 * probes the unique index with collation-aware comparisons, locks each row
 * and draws an id from the sequence for every row it then updates: for
 * 100,000 invoices marked paid in a mirror of 100,000, the join costs
 * 1.4 G instructions less in a C database and 3 G less where keys compare
 * with strcoll (callgrind, as bench/bench_dunning_instr.sh counts).  The
 * insert runs after the update and sees it: a key is written once.
 */
static void
build_upsert_join(StringInfo sql, TrackedRel *t)
{
	appendStringInfo(sql,
					 "UPDATE ar_credit.receivable AS r SET customer_key = s.cust, currency = s.cur,"
					 " issued_on = s.issued, due_date = s.due, amount = s.amt, status = s.st, class = s.cls,"
					 " prev_class = r.class, prev_due = r.due_date, paid_on = CASE WHEN s.cls = 'paid' THEN"
					 " COALESCE(s.paid, CASE WHEN r.class <> 'paid' THEN $3 ELSE r.paid_on END) END,"
					 " updated_at = pg_catalog.now()"
					 " FROM (SELECT s.*, " CLASS_OF("s") " AS cls FROM %s AS s) AS s"
					 " WHERE r.source = $1 AND NOT r.gone AND r.item_key = s.k"
					 " AND (r.customer_key, r.currency, r.issued_on, r.due_date, r.amount, r.status, r.class)"
					 " IS DISTINCT FROM (s.cust, s.cur, s.issued, s.due, s.amt, s.st, s.cls)"
					 " RETURNING " CHANGED_COLS, source(t, false, !t->unique_key));
}

/* the keys the mirror does not have yet, after build_upsert_join */
static void
build_upsert_missing(StringInfo sql, TrackedRel *t)
{
	appendStringInfo(sql,
					 "INSERT INTO ar_credit.receivable AS r " RECEIVABLE_COLS
					 RECEIVABLE_VALUES
					 " FROM %s AS s WHERE s.incl AND NOT EXISTS (SELECT 1 FROM ar_credit.receivable AS e"
					 " WHERE e.source = $1 AND e.item_key = s.k AND NOT e.gone)"
	/*
	 * in key order, whatever the anti-join's plan (PostgreSQL 16 may hash
	 * the rows): a resync numbers receivables and reminders as the keys sort
	 */
					 " ORDER BY s.k"
	/* a writer of the same new key in another session got there first */
					 RECEIVABLE_ON_CONFLICT
					 " RETURNING " CHANGED_COLS, source(t, false, !t->unique_key));
}

/*
 * A reminder a worker holds: claimed, or suspended while its lease runs (a
 * dispute raised and withdrawn while the worker sends it).  The trigger
 * never takes it back: its level stays, and it stays claimed, so no other
 * worker can claim it meanwhile.
 */
#define HELD \
	"(q.state = 'claimed' OR (q.claimed_by IS NOT NULL AND q.sent_at IS NULL" \
	" AND q.claimed_until > pg_catalog.now()))"

static void
build_reconcile(StringInfo sql)
{
	/*
	 * The live reminder of each changed receivable: cancelled when nothing
	 * is owed or no level is left; else rescheduled after the levels sent
	 * (the receivable's last_level, read after it was locked), except what
	 * a worker holds; suspended while disputed.  A reminder cancelled or
	 * suspended while claimed keeps claimed_by: the worker may still be
	 * sending it, and complete_reminder records it as sent.
	 */
	appendStringInfoString(sql,
						   "WITH c AS MATERIALIZED (SELECT c.*, CASE WHEN c.plan_id IS NULL THEN"
						   " ar_credit.next_reminder_rec(c.due_date, $3, c.last_level, c.policy, c.last_sent_on, 5,"
						   " c.amount) END AS n FROM (SELECT c.*, ar_credit.policy_for(c.customer_key, $2) AS policy"
						   " FROM " TR_CHANGED " AS c WHERE c.live) AS c),"
						   /*
							* Only the ids of the reminders to cancel are joined to the
							* queue (OFFSET 0 keeps them a subquery): an UPDATE carries a
							* copy of each joined row, and a receivable that closed needs
							* no next reminder computed.
							*/
						   " x AS (UPDATE ar_credit.dunning_queue AS q SET state = 'cancelled',"
						   " updated_at = pg_catalog.now() FROM (SELECT e.id FROM (SELECT c.id FROM " TR_CHANGED " AS c"
						   " WHERE NOT c.live UNION ALL SELECT c.id FROM c WHERE c.n IS NULL AND c.plan_id IS NULL) AS e"
						   " OFFSET 0) AS e WHERE q.receivable_id = e.id AND q.state IN " LIVE "),"
						   /*
							* An invoice owed again (reopened) while a worker still holds the
							* reminder its closing cancelled: that reminder is live again,
							* still the worker's, rather than a new one of the same level
							* that another worker could send too (at the last level nothing
							* would move that one on: the level was sent twice).  Whatever
							* the lease: completion does not look at it, so a late worker
							* still records its reminder; one whose lease ran out comes back
							* pending, at the level due, for any worker to claim, but it is
							* the same row, sent once.  The row is checked again as it is
							* updated: a worker that let it go meanwhile (fail_reminders,
							* which does not lock the receivable) leaves it cancelled and
							* the level is queued anew below, not revived as 'claimed' by
							* nobody, which no worker could ever claim.
							*/
						   " rv AS (UPDATE ar_credit.dunning_queue AS q SET state = CASE WHEN h.suspend THEN 'suspended'"
						   " WHEN q.claimed_until > pg_catalog.now() THEN 'claimed' ELSE 'pending' END,"
						   " level = CASE WHEN q.claimed_until > pg_catalog.now() THEN q.level ELSE (h.n).level END,"
						   " channel = CASE WHEN q.claimed_until > pg_catalog.now() THEN q.channel ELSE (h.n).channel END,"
						   " label = CASE WHEN q.claimed_until > pg_catalog.now() THEN q.label ELSE (h.n).label END,"
						   " remind_on = CASE WHEN q.claimed_until > pg_catalog.now() THEN q.remind_on ELSE (h.n).remind_on END,"
						   " invoice_key = h.item_key, customer_key = h.customer_key, currency = h.currency,"
						   " amount_due = h.amount, due_date = h.due_date, updated_at = pg_catalog.now()"
						   " FROM (SELECT DISTINCT ON (k.receivable_id) k.id, c.n, c.item_key, c.customer_key, c.currency,"
						   " c.amount, c.due_date, (c.class = 'suspended' OR c.on_hold) AS suspend"
						   " FROM c JOIN ar_credit.dunning_queue AS k ON k.receivable_id = c.id"
						   " WHERE c.n IS NOT NULL AND c.prev_class NOT IN ('open', 'suspended')"
						   " AND k.state = 'cancelled' AND k.claimed_by IS NOT NULL AND k.sent_at IS NULL"
						   " AND NOT EXISTS (SELECT 1 FROM ar_credit.dunning_queue AS l"
						   " WHERE l.receivable_id = c.id AND l.state IN " LIVE ")"
						   " ORDER BY k.receivable_id, k.id DESC) AS h WHERE q.id = h.id"
						   " AND q.state = 'cancelled' AND q.claimed_by IS NOT NULL AND q.sent_at IS NULL"
						   " RETURNING q.receivable_id)"
						   " INSERT INTO ar_credit.dunning_queue AS q (receivable_id, source, invoice_key, customer_key,"
						   " level, channel, label, remind_on, due_date, amount_due, currency, policy, state)"
						   " SELECT c.id, $1, c.item_key, c.customer_key, (c.n).level, (c.n).channel, (c.n).label,"
						   " (c.n).remind_on, c.due_date, c.amount, c.currency, c.policy,"
						   " CASE WHEN c.class = 'suspended' OR c.on_hold THEN 'suspended' ELSE 'pending' END"
						   " FROM c WHERE c.n IS NOT NULL AND c.id NOT IN (SELECT rv.receivable_id FROM rv)"
						   " ON CONFLICT (receivable_id) WHERE state IN " LIVE
						   " DO UPDATE SET invoice_key = EXCLUDED.invoice_key, customer_key = EXCLUDED.customer_key,"
						   " amount_due = EXCLUDED.amount_due, currency = EXCLUDED.currency,"
						   " due_date = EXCLUDED.due_date, policy = EXCLUDED.policy,"
						   " level = CASE WHEN " HELD " THEN q.level ELSE EXCLUDED.level END,"
						   " channel = CASE WHEN " HELD " THEN q.channel ELSE EXCLUDED.channel END,"
						   " label = CASE WHEN " HELD " THEN q.label ELSE EXCLUDED.label END,"
						   " remind_on = CASE WHEN " HELD " THEN q.remind_on ELSE EXCLUDED.remind_on END,"
						   " state = CASE WHEN EXCLUDED.state = 'suspended' THEN 'suspended'"
						   " WHEN " HELD " THEN 'claimed' ELSE 'pending' END,"
						   " updated_at = pg_catalog.now()");
}

static void
build_events(StringInfo sql)
{
	/*
	 * Payments, and the alerts a change of habit raises where it happens
	 * (SPEC section 9): a customer's first late payment, an open invoice's
	 * due date moved later (a delay granted or asked for).  Each alert is
	 * announced with NOTIFY ar_credit_alert, its id as payload.
	 */
	/*
	 * The late payments are read again from the changed receivables rather
	 * than from the insert's RETURNING, which would keep a copy of every
	 * payment; the payment history probed is the one before this
	 * statement's payments, as it was.
	 */
	appendStringInfoString(sql,
						   "WITH p AS (" PAYMENT_EVENT_INSERT(TR_CHANGED) "),"
						   " a AS (INSERT INTO ar_credit.alert (customer_key, kind, source, invoice_key, detail)"
						   /* one probe of the payment history per customer, not per payment */
						   " SELECT f.customer_key, 'first_late_payment', $1, f.item_key,"
						   " pg_catalog.jsonb_build_object('days_late', f.paid_on - f.due_date, 'amount', f.first_amount,"
						   " 'currency', f.currency, 'due_date', f.due_date, 'paid_on', f.paid_on)"
						   " FROM (SELECT DISTINCT ON (c.customer_key) c.* FROM " TR_CHANGED " AS c"
						   " WHERE c.class = 'paid' AND c.paid_on IS NOT NULL AND pg_catalog.isfinite(c.due_date)"
						   " AND (c.prev_class IS NULL OR c.prev_class IN ('open', 'suspended'))"
						   " AND c.paid_on - c.due_date > 0 AND c.customer_key IS NOT NULL"
						   " ORDER BY c.customer_key, c.paid_on, c.item_key) AS f WHERE NOT EXISTS"
						   " (SELECT 1 FROM ar_credit.payment_event AS e WHERE e.customer_key = f.customer_key AND e.days_late > 0)"
						   " UNION ALL"
						   " SELECT c.customer_key, 'due_date_pushed', $1, c.item_key,"
						   " pg_catalog.jsonb_build_object('from', c.prev_due, 'to', c.due_date, 'days', c.due_date - c.prev_due,"
						   " 'amount', c.amount, 'currency', c.currency)"
						   " FROM " TR_CHANGED " AS c WHERE c.live AND c.prev_class IN ('open', 'suspended')"
						   " AND c.due_date > c.prev_due AND pg_catalog.isfinite(c.due_date)"
						   " RETURNING id)"
						   " SELECT pg_catalog.pg_notify('ar_credit_alert', a.id::pg_catalog.text) FROM a WHERE $2 IS NOT NULL");
}

static void
build_gone(StringInfo sql, TrackedRel *t)
{
	/* receivables of deleted rows; with a non-unique key, only keys no row keeps */
	appendStringInfo(sql,
					 "UPDATE ar_credit.receivable AS r SET gone = true, updated_at = pg_catalog.now()"
					 " FROM (SELECT DISTINCT o.k FROM %s AS o%s) AS o"
					 " WHERE r.source = $1 AND NOT r.gone AND r.item_key = o.k AND $2 IS NOT NULL"
					 " RETURNING " CHANGED_COLS,
					 source(t, true, false), t->unique_key ? "" : " WHERE NOT o.kept");
}

static void
build_rename(StringInfo sql, TrackedRel *t, bool apply)
{
	/*
	 * Which old key became which new one: the transition tables list the
	 * old and the new version of each updated row at the same position
	 * (PostgreSQL appends both when it queues the row's event).  Renamed
	 * receivables are first set aside (gone), so that keys swapped within
	 * a statement never collide; then each takes its new key unless another
	 * live receivable has it.  With a key that is not unique, a key another
	 * row still has keeps its receivable.
	 */
	if (!apply)
		appendStringInfo(sql,
						 "WITH o AS (SELECT row_number() OVER () AS n, m.k, %s AS kept FROM %s AS m),"
						 " w AS (SELECT row_number() OVER () AS n, m.k FROM %s AS m),"
						 " pr AS (SELECT o.n, o.k AS ok, w.k AS nk, o.kept FROM o JOIN w USING (n) WHERE o.k IS DISTINCT FROM w.k),"
						 /* a key "kept" only by a row renamed into it (a swap) is not kept */
						 " p AS (SELECT DISTINCT ON (pr.ok) pr.ok, pr.nk FROM pr"
						 " WHERE NOT pr.kept OR EXISTS (SELECT 1 FROM pr AS x WHERE x.nk = pr.ok) ORDER BY pr.ok, pr.n)"
						 " UPDATE ar_credit.receivable AS r SET gone = true FROM p"
						 " WHERE r.source = $1 AND NOT r.gone AND r.item_key = p.ok AND $2 IS NOT NULL"
						 " RETURNING r.id, p.nk",
						 t->unique_key ? "false" : "m.kept",
						 source(t, true, false), source(t, false, false));
	else
		appendStringInfo(sql,
						 "WITH m AS (UPDATE ar_credit.receivable AS r SET item_key = x.nk, gone = false,"
						 " updated_at = pg_catalog.now()"
						 " FROM (SELECT DISTINCT ON (c.nk) c.id, c.nk FROM " TR_RENAMED " AS c"
						 " WHERE c.nk IS NOT NULL ORDER BY c.nk, c.id) AS x"
						 " WHERE r.id = x.id AND NOT EXISTS (SELECT 1 FROM ar_credit.receivable AS e"
						 " WHERE e.source = $1 AND e.item_key = x.nk AND NOT e.gone) RETURNING r.id, r.item_key),"
						 " q AS (UPDATE ar_credit.dunning_queue AS q SET invoice_key = m.item_key,"
						 " updated_at = pg_catalog.now() FROM m WHERE q.receivable_id = m.id AND q.state IN " LIVE ")"
						 " UPDATE ar_credit.dunning_queue AS q SET state = 'cancelled', claimed_until = NULL,"
						 " updated_at = pg_catalog.now() FROM " TR_RENAMED " AS c"
						 " WHERE q.receivable_id = c.id AND q.state IN " LIVE
						 " AND c.id NOT IN (SELECT m.id FROM m) AND $2 IS NOT NULL");
	(void) t;
}

static char *
build_sql(TrackedRel *t, TrackPlan kind)
{
	StringInfoData sql;

	initStringInfo(&sql);
	switch (kind)
	{
		case TP_MAP_NEW:
			appendStringInfoString(&sql, ar_track_map_sql(t, TR_NEW, false, false));
			break;
		case TP_MAP_OLD:
			appendStringInfoString(&sql, ar_track_map_sql(t, TR_OLD, true, !t->unique_key));
			break;
		case TP_INSERT:
			build_insert(&sql, t);
			break;
		case TP_UPSERT:
			build_upsert(&sql, t);
			break;
		case TP_UPSERT_JOIN:
			build_upsert_join(&sql, t);
			break;
		case TP_UPSERT_MISSING:
			build_upsert_missing(&sql, t);
			break;
		case TP_GONE:
			build_gone(&sql, t);
			break;
		case TP_RENAME_MARK:
			build_rename(&sql, t, false);
			break;
		case TP_RENAME_APPLY:
			build_rename(&sql, t, true);
			break;
		case TP_TRUNCATE:
			appendStringInfoString(&sql,
								   "UPDATE ar_credit.receivable AS r SET gone = true, updated_at = pg_catalog.now()"
								   " WHERE r.source = $1 AND NOT r.gone AND $2 IS NOT NULL RETURNING " CHANGED_COLS);
			break;
		case TP_VANISHED:
			/* a partition or child truncated or detached: keys no row of the table has */
			appendStringInfo(&sql,
							 "UPDATE ar_credit.receivable AS r SET gone = true, updated_at = pg_catalog.now()"
							 " WHERE r.source = $1 AND NOT r.gone AND $2 IS NOT NULL AND NOT EXISTS"
							 " (SELECT 1 FROM %s AS %s WHERE (%s)::pg_catalog.text OPERATOR(pg_catalog.=) r.item_key)"
							 " RETURNING " CHANGED_COLS, t->root_qualified, t->alias, t->key);
			break;
		case TP_VANISHED_MAPPED:
			appendStringInfoString(&sql,
								   "UPDATE ar_credit.receivable AS r SET gone = true, updated_at = pg_catalog.now()"
								   " WHERE r.source = $1 AND NOT r.gone AND $2 IS NOT NULL AND NOT EXISTS"
								   " (SELECT 1 FROM " TR_MAPPED " AS m WHERE m.k OPERATOR(pg_catalog.=) r.item_key)"
								   " RETURNING " CHANGED_COLS);
			break;
		case TP_EVENTS:
			build_events(&sql);
			break;
		case TP_PLANS:
			/* invoices under a payment plan: the plan's reminders (56_holds.sql) */
			appendStringInfoString(&sql,
								   "SELECT ar_credit.plan_requeue(pg_catalog.array_agg(c.id), $3) FROM " TR_CHANGED " AS c"
								   " WHERE c.plan_id IS NOT NULL AND $1 IS NOT NULL AND $2 IS NOT NULL"
								   " HAVING pg_catalog.count(*) > 0");
			break;
		case TP_RECONCILE:
			build_reconcile(&sql);
			break;
		case TP_NPLANS:
			break;
	}
	return sql.data;
}

/* ---------------------------------------------------------------------
 * running statements
 * --------------------------------------------------------------------- */

/* a DestReceiver that keeps the rows and their descriptor */
typedef struct KeepDest
{
	DestReceiver pub;
	Tuplestorestate *ts;
	TupleDesc	desc;
	MemoryContext cxt;
} KeepDest;

static bool
keep_receive(TupleTableSlot *slot, DestReceiver *self)
{
	tuplestore_puttupleslot(((KeepDest *) self)->ts, slot);
	return true;
}

static void
keep_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	KeepDest   *d = (KeepDest *) self;
	MemoryContext old = MemoryContextSwitchTo(d->cxt);

	d->desc = CreateTupleDescCopy(typeinfo);
	MemoryContextSwitchTo(old);
}

static void
keep_noop(DestReceiver *self)
{
}

/*
 * The tuplestores the passes of one firing keep (the rows a pass returns,
 * read by the next ones).  They are ended when the firing is done: one that
 * spilled to a temporary file closes it then, instead of the end of the
 * user's statement closing it with a "temporary file leak" warning.  On
 * error, the resource owner closes the files and the memory goes with the
 * SPI connection.  A frame per firing: a firing may nest in another.
 */
typedef struct KeptStores
{
	List	   *stores;
	struct KeptStores *outer;
} KeptStores;

static KeptStores *kept_stores = NULL;

void
ar_track_with_stores(void (*body) (void *arg), void *arg)
{
	KeptStores	frame;
	ListCell   *lc;

	frame.stores = NIL;
	frame.outer = kept_stores;
	kept_stores = &frame;
	PG_TRY();
	{
		body(arg);
	}
	PG_CATCH();
	{
		kept_stores = frame.outer;
		PG_RE_THROW();
	}
	PG_END_TRY();
	kept_stores = frame.outer;
	foreach(lc, frame.stores)
		tuplestore_end((Tuplestorestate *) lfirst(lc));
	list_free(frame.stores);
}

static void
register_store(const char *name, Tuplestorestate *ts, TupleDesc desc)
{
	EphemeralNamedRelation enr = palloc0(sizeof(EphemeralNamedRelationData));

	/* a name registered before in this connection is replaced */
	(void) SPI_unregister_relation(name);
	enr->md.name = pstrdup(name);
	enr->md.reliddesc = InvalidOid;
	enr->md.tupdesc = desc;
	enr->md.enrtype = ENR_NAMED_TUPLESTORE;
	enr->md.enrtuples = tuplestore_tuple_count(ts);
	enr->reldata = ts;
	if (SPI_register_relation(enr) < 0)
		elog(ERROR, "could not register %s", name);
}

void
ar_track_register_row(const char *name, Relation rel, HeapTuple tuple)
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

static SPIPlanPtr
prepare(TrackedRel *t, const char *sql, int nargs)
{
	Oid			types[3] = {REGCLASSOID, TEXTOID, DATEOID};
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, types);
	ListCell   *lc;

	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("the ar_credit mapping of table %s no longer compiles: %s",
						t->root_qualified, SPI_result_code_string(SPI_result)),
				 errhint("Check the table's row in ar_credit.tracked_table; ar_credit.track() it again.")));
	/* the other tables a mapping reads: their DDL must rebuild the statements */
	foreach(lc, SPI_plan_get_plan_sources(plan))
	{
		CachedPlanSource *ps = lfirst(lc);
		ListCell   *lo;

		foreach(lo, ps->relationOids)
		{
			MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

			t->depends = list_append_unique_oid(t->depends, lfirst_oid(lo));
			MemoryContextSwitchTo(old);
		}
	}
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "could not keep a tracking statement");
	return plan;
}

/*
 * The store the next statement's rows are added to (set just before it,
 * taken at once), the last store kept, and the rows of the last mapping.
 */
static Tuplestorestate *append_to = NULL;
static Tuplestorestate *last_kept = NULL;
static uint64 mapped_rows = 0;

static uint64
run_sql_plan(SPIPlanPtr plan, Oid relid, const char *policy, const char *into)
{
	ParamListInfo params = NULL;
	SPIExecuteOptions opts;
	KeepDest	dest;
	int			rc;
	Tuplestorestate *append = append_to;

	append_to = NULL;

	if (OidIsValid(relid))
	{
		params = makeParamList(3);
		params->numParams = 3;
		params->params[2].value = DateADTGetDatum(track_today);
		params->params[2].ptype = DATEOID;
		params->params[2].isnull = false;
		params->params[2].pflags = PARAM_FLAG_CONST;
		params->params[0].value = ObjectIdGetDatum(relid);
		params->params[0].ptype = REGCLASSOID;
		params->params[0].isnull = false;
		params->params[0].pflags = PARAM_FLAG_CONST;
		params->params[1].value = CStringGetTextDatum(policy ? policy : "standard");
		params->params[1].ptype = TEXTOID;
		params->params[1].isnull = false;
		params->params[1].pflags = PARAM_FLAG_CONST;
	}
	memset(&opts, 0, sizeof(opts));
	opts.params = params;
	if (into)
	{
		memset(&dest, 0, sizeof(dest));
		dest.pub.receiveSlot = keep_receive;
		dest.pub.rStartup = keep_startup;
		dest.pub.rShutdown = keep_noop;
		dest.pub.rDestroy = keep_noop;
		dest.pub.mydest = DestNone;
		dest.cxt = CurrentMemoryContext;
		dest.ts = append ? append : tuplestore_begin_heap(false, false, work_mem);
		opts.dest = &dest.pub;
	}
	rc = SPI_execute_plan_extended(plan, &opts);
	if (rc < 0)
		elog(ERROR, "tracking statement failed: %s", SPI_result_code_string(rc));
	if (into)
	{
		if (dest.desc == NULL)
			elog(ERROR, "tracking statement returned no row description");
		register_store(into, dest.ts, dest.desc);
		if (kept_stores != NULL && append == NULL)
			kept_stores->stores = lappend(kept_stores->stores, dest.ts);
		last_kept = dest.ts;
		if (strcmp(into, TR_MAPPED) == 0)
			mapped_rows = tuplestore_tuple_count(dest.ts);
		return append ? SPI_processed : tuplestore_tuple_count(dest.ts);
	}
	return SPI_processed;
}

uint64
ar_track_run(TrackedRel *t, TrackPlan kind, const char *into)
{
	if (t->plans[track_bulk][kind] == NULL)
	{
		char	   *sql = build_sql(t, kind);

		t->plans[track_bulk][kind] = prepare(t, sql, 3);
		pfree(sql);
	}
	return run_sql_plan(t->plans[track_bulk][kind], t->root, t->policy, into);
}

uint64
ar_track_run_mapped(TrackedRel *t, TrackPlan kind, const char *into)
{
	if (!t->plain)
		return ar_track_run(t, kind, into);
	if (t->mapped_plans[track_bulk][kind] == NULL)
	{
		char	   *sql;

		t->plain = false;
		sql = build_sql(t, kind);
		t->plain = true;
		t->mapped_plans[track_bulk][kind] = prepare(t, sql, 3);
		pfree(sql);
	}
	return run_sql_plan(t->mapped_plans[track_bulk][kind], t->root, t->policy, into);
}

/* the mapping passes run as the table's owner: its expressions are its code */
static uint64
run_as_owner(TrackedRel *t, TrackPlan kind, const char *into)
{
	Oid			save_user;
	int			save_sec;
	uint64		n;

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(t->owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	n = ar_track_run(t, kind, into);
	SetUserIdAndSecContext(save_user, save_sec);
	return n;
}

uint64
ar_track_query_as(Oid role, const char *sql, const char *into)
{
	Oid			save_user;
	int			save_sec;
	SPIPlanPtr	plan;
	uint64		n;

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(role, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	plan = SPI_prepare(sql, 0, NULL);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("an ar_credit mapping no longer compiles: %s", SPI_result_code_string(SPI_result)),
				 errdetail("The statement was: %s", ar_clip_for_message(sql)),
				 errhint("Check ar_credit.tracked_table and ar_credit.tracked_related; track the table again.")));
	n = run_sql_plan(plan, InvalidOid, NULL, into);
	SPI_freeplan(plan);
	SetUserIdAndSecContext(save_user, save_sec);
	return n;
}

void
ar_track_map(TrackedRel *t, bool old)
{
	if (!t->plain)
		(void) run_as_owner(t, old ? TP_MAP_OLD : TP_MAP_NEW, old ? TR_MAPPED_OLD : TR_MAPPED);
}

/*
 * New rows (INSERT, the rows of an UPDATE, rows a related table points
 * at): upsert their receivables, then reconcile the queue.  fresh: the rows
 * were just inserted, so their keys are almost always new: a plain INSERT
 * is much cheaper than INSERT ... ON CONFLICT, and runs in a subtransaction
 * whose unique violation (a key reused while live) falls back to the upsert.
 */
/* the statements of a mapping that reads other tables run as the table's owner */
static uint64
run_new(TrackedRel *t, bool mapped, TrackPlan kind, const char *into)
{
	return mapped ? ar_track_run_mapped(t, kind, into) : ar_track_run(t, kind, into);
}

/*
 * The upsert for this firing: through a join when it brings at least a
 * tenth of the mirror's rows (the join reads the whole mirror once: for a
 * thousand invoices among millions of receivables, a thousand probes of the
 * unique index cost less).
 */
static TrackPlan
upsert_plan(double rows)
{
	Oid			nsp;
	Oid			relid;
	HeapTuple	tup;
	double		mirror = 0;

	if (!track_bulk)
		return TP_UPSERT;
	nsp = get_namespace_oid("ar_credit", false);
	relid = get_relname_relid("receivable", nsp);
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tup))
	{
		mirror = ((Form_pg_class) GETSTRUCT(tup))->reltuples;
		ReleaseSysCache(tup);
	}
	/* never analysed (-1), or small: the join */
	return rows * 10 >= mirror ? TP_UPSERT_JOIN : TP_UPSERT;
}

/*
 * The receivables of new rows upserted, the changed ones kept as
 * TR_CHANGED; rows: how many the source has (join: whether a key can be
 * missing).  Returns how many changed.
 */
uint64
ar_track_upsert(TrackedRel *t, bool mapped, TrackPlan kind, uint64 rows)
{
	uint64		n;

	if (kind != TP_UPSERT_JOIN)
		return run_new(t, mapped, kind, TR_CHANGED);
	n = run_new(t, mapped, TP_UPSERT_JOIN, TR_CHANGED);
	/* a unique key each of whose rows updated its receivable: none missing */
	if (t->unique_key && n >= rows)
		return n;
	append_to = last_kept;
	return n + run_new(t, mapped, TP_UPSERT_MISSING, TR_CHANGED);
}

/* the upsert of new rows, then the passes over the receivables it changed */
static void
upsert_new(TrackedRel *t, bool mapped)
{
	/* the rows the upsert reads: the statement's, or those mapped before */
	uint64		rows = t->plain && !mapped ? (uint64) track_rows : mapped_rows;

	if (ar_track_upsert(t, mapped, upsert_plan((double) rows), rows) > 0)
	{
		(void) ar_track_run(t, TP_RECONCILE, NULL);
		(void) ar_track_run(t, TP_EVENTS, NULL);
		(void) ar_track_run(t, TP_PLANS, NULL);
	}
}

void
ar_track_apply_new(TrackedRel *t, bool fresh, bool mapped)
{
	if (fresh)
	{
		MemoryContext oldcxt = CurrentMemoryContext;
		ResourceOwner oldowner = CurrentResourceOwner;
		volatile bool conflict = false;

		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(oldcxt);
		PG_TRY();
		{
			(void) run_new(t, mapped, TP_INSERT, NULL);
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
		if (!conflict)
			return;
	}
	upsert_new(t, mapped);
}
