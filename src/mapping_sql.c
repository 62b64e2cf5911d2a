/*
 * mapping_sql.c
 *		Mapping expressions of tracked tables (SPEC section 7, see
 *		mapping_sql.h): ar_credit.mapping_check(), used by track() and
 *		track_related() before anything is created, and the event-trigger
 *		half that makes mappings follow renames, as a view or a CHECK
 *		constraint would.
 *
 * A mapping is analysed as the target of "SELECT (expr) FROM table AS name",
 * so it may name the row's columns bare or qualified by the table's own
 * name, and reach other tables through subqueries.  It is stored as the
 * text ruleutils writes back for it with search_path pinned: every object
 * but the row's columns schema-qualified, so the text means the same thing
 * whatever the session that later reads it.
 *
 * Renames: at ddl_command_start of a RENAME or SET SCHEMA the stored texts
 * still parse, so they are analysed then (names resolved to OIDs and column
 * numbers); at ddl_command_end the same trees are written back as text,
 * now with the new names.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "access/sysattr.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "compat.h"
#include "ar_credit.h"
#include "mapping_sql.h"

MappingWant
ar_mapping_want(const char *name)
{
	if (strcmp(name, "key") == 0)
		return MAP_KEY;
	if (strcmp(name, "date") == 0)
		return MAP_DATE;
	if (strcmp(name, "amount") == 0)
		return MAP_AMOUNT;
	if (strcmp(name, "bool") == 0)
		return MAP_BOOL;
	if (strcmp(name, "text") == 0)
		return MAP_TEXT;
	elog(ERROR, "unknown mapping kind \"%s\"", name);
	return MAP_TEXT;			/* keep the compiler quiet */
}

static char *
qualified_rel(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid));
}

/* re-raise the error being handled with the parameter and table named */
static void
rethrow_named(MemoryContext cxt, const char *param, Oid relid, const char *expr)
{
	ErrorData  *e;

	MemoryContextSwitchTo(cxt);
	e = CopyErrorData();
	FlushErrorState();
	ereport(ERROR,
			(errcode(e->sqlerrcode),
			 errmsg("invalid %s for table %s: %s", param, qualified_rel(relid), e->message),
			 errdetail("The %s given was: %s", param, ar_clip_for_message(expr)),
			 e->hint ? errhint("%s", e->hint) :
			 errhint("A mapping is a column name or an SQL expression over the table's columns.")));
}

/* the raw statement must be exactly SELECT (<one expression>) FROM <our table> */
static void
check_shape(List *raw, const char *param, Oid relid, const char *expr)
{
	SelectStmt *s = NULL;

	if (list_length(raw) == 1 && IsA(((RawStmt *) linitial(raw))->stmt, SelectStmt))
		s = (SelectStmt *) ((RawStmt *) linitial(raw))->stmt;
	if (s == NULL || s->op != SETOP_NONE || list_length(s->targetList) != 1 ||
		list_length(s->fromClause) != 1 || !IsA(linitial(s->fromClause), RangeVar) ||
		s->whereClause || s->groupClause || s->havingClause || s->windowClause ||
		s->sortClause || s->limitCount || s->limitOffset || s->distinctClause ||
		s->withClause || s->intoClause || s->lockingClause || s->valuesLists)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("invalid %s for table %s: not one expression", param, qualified_rel(relid)),
				 errdetail("The %s given was: %s", param, ar_clip_for_message(expr)),
				 errhint("A mapping is a column name or one SQL expression over the table's columns.")));
}

typedef struct RelWalk
{
	Oid			owner;
	Oid			relid;
	const char *param;
} RelWalk;

/* every other table the expression reads must be readable by the table's owner */
static bool
check_relations_walker(Node *node, RelWalk *w)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
	{
		ListCell   *lc;

		foreach(lc, ((Query *) node)->rtable)
		{
			RangeTblEntry *rte = lfirst(lc);

			if (rte->rtekind == RTE_RELATION && rte->relid != w->relid &&
				pg_class_aclcheck(rte->relid, w->owner, ACL_SELECT) != ACLCHECK_OK)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("invalid %s for table %s: its owner %s may not read table %s",
								w->param, qualified_rel(w->relid), GetUserNameFromId(w->owner, false),
								qualified_rel(rte->relid)),
						 errhint("The trigger evaluates mappings as the tracked table's owner: grant it SELECT on %s.",
								 qualified_rel(rte->relid))));
		}
		return query_tree_walker((Query *) node, check_relations_walker, w, 0);
	}
	return expression_tree_walker(node, check_relations_walker, w);
}

static void
check_type(Oid type, MappingWant want, const char *param, Oid relid)
{
	Oid			base = getBaseType(type);
	const char *need = NULL;
	const char *hint = NULL;

	switch (want)
	{
		case MAP_DATE:
			if (base != DATEOID && base != TIMESTAMPOID && base != TIMESTAMPTZOID)
				need = "a date, timestamp or timestamptz";
			break;
		case MAP_AMOUNT:
			if (base != NUMERICOID && base != INT2OID && base != INT4OID && base != INT8OID &&
				base != MONEYOID)
			{
				need = "numeric, an integer or money";
				hint = "Amounts must be exact: floating point is refused; cast to numeric in the expression if you must.";
			}
			break;
		case MAP_BOOL:
			if (base != BOOLOID)
				need = "boolean";
			break;
		case MAP_KEY:
			if (!OidIsValid(lookup_type_cache(type, TYPECACHE_EQ_OPR)->eq_opr))
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_FUNCTION),
						 errmsg("invalid %s for table %s: type %s has no equality operator",
								param, qualified_rel(relid), format_type_be(type))));
			break;
		case MAP_TEXT:
			break;
	}
	if (need)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("invalid %s for table %s: it has type %s, not %s",
						param, qualified_rel(relid), format_type_be(type), need),
				 hint ? errhint("%s", hint) : 0));
}

/* parse and analyse "SELECT (expr) FROM table AS name" under the current search_path */
static Query *
analyze_mapping(Oid relid, const char *param, const char *expr)
{
	MemoryContext cxt = CurrentMemoryContext;
	StringInfoData sql;
	List	   *raw = NIL;
	Query	   *volatile query = NULL;

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT (%s\n) FROM %s AS %s", expr, qualified_rel(relid),
					 quote_identifier(get_rel_name(relid)));
	PG_TRY();
	{
		raw = raw_parser(sql.data, RAW_PARSE_DEFAULT);
		check_shape(raw, param, relid, expr);
		query = parse_analyze_fixedparams(linitial(raw), sql.data, NULL, 0, NULL);
	}
	PG_CATCH();
	{
		rethrow_named(cxt, param, relid, expr);
	}
	PG_END_TRY();
	return query;
}

Node *
ar_mapping_analyze(Oid relid, const char *param, const char *expr, MappingWant want,
				   const char *search_path, Oid owner, Oid *type)
{
	int			level = NewGUCNestLevel();
	Query	   *query;
	Node	   *node;

	if (search_path)
		(void) set_config_option("search_path", search_path, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	query = analyze_mapping(relid, param, expr);
	AtEOXact_GUC(true, level);

	node = (Node *) ((TargetEntry *) linitial(query->targetList))->expr;
	if (query->hasAggs)
		ereport(ERROR,
				(errcode(ERRCODE_GROUPING_ERROR),
				 errmsg("invalid %s for table %s: an aggregate over the table's rows", param, qualified_rel(relid)),
				 errhint("A mapping is computed for one row; aggregate other tables inside a subquery.")));
	if (query->hasWindowFuncs || query->hasTargetSRFs)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("invalid %s for table %s: window and set-returning functions give no single value per row",
						param, qualified_rel(relid))));
	{
		Bitmapset  *vars = NULL;

		/* a system column or the whole row changes with every write: no key, no figure */
		pull_varattnos(node, 1, &vars);
		if (bms_next_member(vars, -1) >= 0 &&
			bms_next_member(vars, -1) + FirstLowInvalidHeapAttributeNumber <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
					 errmsg("invalid %s for table %s: a system column or the whole row cannot be mapped",
							param, qualified_rel(relid)),
					 errdetail("The %s given was: %s", param, ar_clip_for_message(expr))));
	}
	if (contain_volatile_functions(node))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("invalid %s for table %s: it calls a volatile function", param, qualified_rel(relid)),
				 errdetail("The %s given was: %s", param, ar_clip_for_message(expr)),
				 errhint("The trigger evaluates mappings whenever a row changes: use immutable or stable functions only.")));
	if (OidIsValid(owner))
	{
		RelWalk		w = {owner, relid, param};

		(void) check_relations_walker(node, &w);
	}
	*type = exprType(node);
	check_type(*type, want, param, relid);
	return node;
}

char *
ar_mapping_deparse(Oid relid, Node *expr)
{
	int			level = ar_pin_search_path();
	char	   *s = deparse_expression(expr, deparse_context_for(get_rel_name(relid), relid), false, false);

	AtEOXact_GUC(true, level);
	return s;
}

/*
 * ar_credit.mapping_check(rel regclass, param text, expr text, kind text,
 * search_path text) → text: the canonical text of a mapping, or an error
 * naming param.  kind: key, date, amount, text or bool.
 */
PG_FUNCTION_INFO_V1(mapping_check);
Datum
mapping_check(PG_FUNCTION_ARGS)
{
	Oid			relid;
	char	   *param;
	char	   *expr;
	MappingWant want;
	char	   *path;
	Oid			owner;
	Oid			type;
	Node	   *node;
	HeapTuple	tup;

	/* an optional mapping left out */
	if (PG_ARGISNULL(2))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("rel, param and kind must not be NULL")));
	relid = PG_GETARG_OID(0);
	param = text_to_cstring(PG_GETARG_TEXT_PP(1));
	expr = text_to_cstring(PG_GETARG_TEXT_PP(2));
	want = ar_mapping_want(text_to_cstring(PG_GETARG_TEXT_PP(3)));
	path = PG_ARGISNULL(4) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(4));
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	if (strspn(expr, " \t\r\n") == strlen(expr))
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("invalid %s for table %s: empty", param, qualified_rel(relid))));
	/* a column's exact name, however it is spelt ("InvNo", "due date") */
	if (get_attnum(relid, expr) > 0)
		expr = (char *) quote_identifier(expr);
	node = ar_mapping_analyze(relid, param, expr, want, path, owner, &type);
	PG_RETURN_TEXT_P(cstring_to_text(ar_mapping_deparse(relid, node)));
}

/*
 * ar_credit.mapping_type(rel regclass, expr text) → regtype: the type of a
 * stored mapping (track_related compares the keys of two tables).
 */
PG_FUNCTION_INFO_V1(mapping_type);
Datum
mapping_type(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	char	   *expr = text_to_cstring(PG_GETARG_TEXT_PP(1));
	Oid			type;
	int			level = ar_pin_search_path();

	(void) ar_mapping_analyze(relid, "mapping", expr, MAP_TEXT, NULL, InvalidOid, &type);
	AtEOXact_GUC(true, level);
	PG_RETURN_OID(type);
}

/* ---------------------------------------------------------------------
 * Renames (event triggers)
 * --------------------------------------------------------------------- */

typedef struct Stashed
{
	Oid			relid;			/* the table whose row the mapping reads */
	char	   *where;			/* which stored text: "tracked_table.due_column of 12345" */
	char	   *update;			/* UPDATE statement with $1 = the new text */
	Oid			keyrel;			/* the tracked_table / tracked_related row's key */
	Oid			keyrel2;
	Node	   *expr;
	char	   *old;
} Stashed;

static MemoryContext stash_cxt = NULL;
static List *stash = NIL;

/* a stash lives for the DDL command that made it, never past its transaction */
static void
stash_xact_callback(XactEvent event, void *arg)
{
	stash = NIL;
	if (stash_cxt)
		MemoryContextReset(stash_cxt);
}

/* the text columns of the tables that keep mappings, and the table each reads */
static const char *const stored_sql =
"SELECT t.relid::pg_catalog.oid, 0::pg_catalog.oid, m.col, m.expr, t.relid::pg_catalog.oid"
"  FROM ar_credit.tracked_table AS t,"
"       LATERAL (VALUES ('key_column', t.key_column), ('due_column', t.due_column),"
"                       ('amount_column', t.amount_column), ('status_column', t.status_column),"
"                       ('customer_column', t.customer_column), ('currency_column', t.currency_column),"
"                       ('filter', t.filter), ('paid_on_column', t.paid_on_column),"
"                       ('issued_column', t.issued_column)) AS m(col, expr)"
" WHERE m.expr IS NOT NULL"
" UNION ALL "
"SELECT r.related::pg_catalog.oid, r.invoices::pg_catalog.oid, m.col, m.expr,"
"       CASE m.col WHEN 'tracked_column' THEN r.invoices ELSE r.related END::pg_catalog.oid"
"  FROM ar_credit.tracked_related AS r,"
"       LATERAL (VALUES ('invoice_key', r.invoice_key), ('filter', r.filter),"
"                       ('tracked_column', r.tracked_column)) AS m(col, expr)"
" WHERE m.expr IS NOT NULL";

static void
stash_one(Oid key1, Oid key2, const char *col, const char *expr, Oid readrel)
{
	MemoryContext old = MemoryContextSwitchTo(stash_cxt);
	Stashed    *s = palloc0(sizeof(Stashed));
	Oid			type;

	s->relid = readrel;
	s->keyrel = key1;
	s->keyrel2 = key2;
	s->old = pstrdup(expr);
	if (OidIsValid(key2))
		s->update = psprintf("UPDATE ar_credit.tracked_related SET %s = $1"
							 " WHERE related = %u AND invoices = %u", quote_identifier(col), key1, key2);
	else
		s->update = psprintf("UPDATE ar_credit.tracked_table SET %s = $1 WHERE relid = %u",
							 quote_identifier(col), key1);
	s->expr = ar_mapping_analyze(readrel, col, expr, MAP_TEXT, NULL, InvalidOid, &type);
	stash = lappend(stash, s);
	MemoryContextSwitchTo(old);
}

/*
 * ar_credit.mapping_stash(): at ddl_command_start of a RENAME or SET SCHEMA,
 * analyse every stored mapping while its names still resolve.  A mapping
 * that no longer analyses is left alone (the DDL is not ours to refuse).
 */
PG_FUNCTION_INFO_V1(mapping_stash);
Datum
mapping_stash(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	int			level;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "mapping_stash: not fired by an event trigger");
	trigdata = (EventTriggerData *) fcinfo->context;
	if (!IsA(trigdata->parsetree, RenameStmt) && !IsA(trigdata->parsetree, AlterObjectSchemaStmt))
		PG_RETURN_VOID();
	if (stash_cxt == NULL)
	{
		stash_cxt = AllocSetContextCreate(TopMemoryContext, "ar_credit mapping stash", ALLOCSET_SMALL_SIZES);
		RegisterXactCallback(stash_xact_callback, NULL);
	}
	MemoryContextReset(stash_cxt);
	stash = NIL;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	level = ar_pin_search_path();
	if (SPI_execute(stored_sql, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the stored mappings");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		TupleDesc	d = SPI_tuptable->tupdesc;
		bool		isnull;
		Oid			key1 = DatumGetObjectId(SPI_getbinval(t, d, 1, &isnull));
		Oid			key2 = DatumGetObjectId(SPI_getbinval(t, d, 2, &isnull));
		Oid			readrel = DatumGetObjectId(SPI_getbinval(t, d, 5, &isnull));
		char	   *col = SPI_getvalue(t, d, 3);
		char	   *expr = SPI_getvalue(t, d, 4);
		MemoryContext cxt = CurrentMemoryContext;

		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(readrel)))
			continue;
		/* a mapping that no longer parses stays as it is; the DDL goes on */
		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(cxt);
		PG_TRY();
		{
			stash_one(key1, key2, col, expr, readrel);
			ReleaseCurrentSubTransaction();
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(cxt);
			FlushErrorState();
			RollbackAndReleaseCurrentSubTransaction();
		}
		PG_END_TRY();
		MemoryContextSwitchTo(cxt);
	}
	AtEOXact_GUC(true, level);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * ar_credit.mapping_follow(): at ddl_command_end, write the stashed
 * mappings back as text with the names they have now; the tables whose
 * mappings changed get a relcache invalidation so every backend's trigger
 * rebuilds its statements.  Returns how many texts changed.
 */
PG_FUNCTION_INFO_V1(mapping_follow);
Datum
mapping_follow(PG_FUNCTION_ARGS)
{
	ListCell   *lc;
	int			changed = 0;
	int			level;

	if (stash == NIL)
		PG_RETURN_INT32(0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	level = ar_pin_search_path();
	foreach(lc, stash)
	{
		Stashed    *s = lfirst(lc);
		char	   *now;
		Oid			argtypes[1] = {TEXTOID};
		Datum		values[1];

		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(s->relid)))
			continue;
		now = ar_mapping_deparse(s->relid, s->expr);
		if (strcmp(now, s->old) == 0)
			continue;
		values[0] = CStringGetTextDatum(now);
		if (SPI_execute_with_args(s->update, 1, argtypes, values, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "could not update a stored mapping");
		CacheInvalidateRelcacheByRelid(s->keyrel);
		if (OidIsValid(s->keyrel2))
			CacheInvalidateRelcacheByRelid(s->keyrel2);
		changed++;
	}
	AtEOXact_GUC(true, level);
	SPI_finish();
	stash = NIL;
	MemoryContextReset(stash_cxt);
	PG_RETURN_INT32(changed);
}
