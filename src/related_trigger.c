/*
 * related_trigger.c
 *		ar_credit.related_trigger(): attached by track_related() to a table
 *		whose rows change what a tracked invoice owes or is (payments,
 *		credit notes, invoice lines, a move's state for its lines); every
 *		change re-evaluates the tracked rows it names, in the same
 *		transaction (SPEC sections 7 and 12).
 *
 * Three passes per link (a row of ar_credit.tracked_related): the keys the
 * related rows name, computed as the related table's owner (ar_credit_keys);
 * the tracked rows with those keys, mapped as the tracked table's owner
 * (ar_credit_mapped); then, as the extension's owner, the same upsert and
 * queue reconciliation as a write to the tracked table itself.  An UPDATE
 * re-evaluates the invoices its old and its new rows name (a payment moved
 * from one invoice to another changes both).
 */
#include "postgres.h"

#include "access/relation.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

#include "compat.h"
#include "ar_credit.h"
#include "tracking.h"

typedef struct RelatedLink
{
	Oid			invoices;
	char	   *invoice_key;	/* expression over the related row */
	char	   *filter;			/* expression over the related row, or NULL */
	char	   *tracked;		/* expression over the tracked row it is compared with */
} RelatedLink;

typedef struct RelatedRel
{
	Oid			relid;			/* hash key */
	bool		valid;
	Oid			owner;
	char	   *alias;
	List	   *links;
} RelatedRel;

static HTAB *related_rels = NULL;

static void
related_rel_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	RelatedRel *r;

	if (related_rels == NULL)
		return;
	/*
	 * The links live in ar_credit.tracked_related, whose changes send a
	 * relcache invalidation of their own: any invalidation rebuilds, which
	 * costs one small query at the next write.
	 */
	hash_seq_init(&status, related_rels);
	while ((r = hash_seq_search(&status)) != NULL)
		r->valid = false;
}

static char *
dup_or_null(HeapTuple tup, TupleDesc desc, int col)
{
	char	   *v = SPI_getvalue(tup, desc, col);

	return v ? MemoryContextStrdup(TopMemoryContext, v) : NULL;
}

static RelatedRel *
related_rel(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);
	RelatedRel *r;
	bool		found;
	Datum		arg = ObjectIdGetDatum(relid);
	Oid			argtype = OIDOID;
	MemoryContext old;

	if (related_rels == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(RelatedRel);
		related_rels = hash_create("ar_credit related relations", 16, &ctl, HASH_ELEM | HASH_BLOBS);
		CacheRegisterRelcacheCallback(related_rel_callback, (Datum) 0);
	}
	r = hash_search(related_rels, &relid, HASH_ENTER, &found);
	if (found && r->valid)
		return r;
	r->relid = relid;
	r->links = NIL;				/* the old list is small, and rebuilt on DDL only */
	r->owner = rel->rd_rel->relowner;
	r->alias = MemoryContextStrdup(TopMemoryContext, quote_identifier(RelationGetRelationName(rel)));
	if (SPI_execute_with_args("SELECT invoices::pg_catalog.oid, invoice_key, filter, tracked_column"
							  " FROM ar_credit.tracked_related WHERE related = $1 ORDER BY invoices",
							  1, &argtype, &arg, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read ar_credit.tracked_related");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		RelatedLink *l = MemoryContextAllocZero(TopMemoryContext, sizeof(RelatedLink));
		bool		isnull;

		l->invoices = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		l->invoice_key = dup_or_null(tup, desc, 2);
		l->filter = dup_or_null(tup, desc, 3);
		l->tracked = dup_or_null(tup, desc, 4);
		old = MemoryContextSwitchTo(TopMemoryContext);
		r->links = lappend(r->links, l);
		MemoryContextSwitchTo(old);
	}
	r->valid = true;
	return r;
}

/* SELECT the keys the related rows of one transition table name */
static void
append_keys(StringInfo sql, RelatedRel *r, RelatedLink *l, const char *table)
{
	appendStringInfo(sql, "SELECT (%s) AS rk FROM %s AS %s", l->invoice_key, table, r->alias);
	if (l->filter)
		appendStringInfo(sql, " WHERE (%s)", l->filter);
}

/* pass 1: the keys, as the related table's owner; false when none */
static bool
related_keys(RelatedRel *r, RelatedLink *l, TriggerEvent ev)
{
	bool		has_new = TRIGGER_FIRED_BY_INSERT(ev) || TRIGGER_FIRED_BY_UPDATE(ev);
	bool		has_old = TRIGGER_FIRED_BY_DELETE(ev) || TRIGGER_FIRED_BY_UPDATE(ev);
	StringInfoData sql;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT DISTINCT x.rk FROM (");
	if (has_new)
		append_keys(&sql, r, l, TR_NEW);
	if (has_new && has_old)
		appendStringInfoString(&sql, " UNION ALL ");
	if (has_old)
		append_keys(&sql, r, l, TR_OLD);
	appendStringInfoString(&sql, ") AS x WHERE x.rk IS NOT NULL");
	return ar_track_query_as(r->owner, sql.data, TR_KEYS) > 0;
}

/* passes 2 and 3 for one tracked table; all_rows: every row of it (TRUNCATE) */
static void
reevaluate(RelatedLink *l, bool all_rows)
{
	Relation	inv = relation_open(l->invoices, AccessShareLock);
	TrackedRel *t = ar_tracked_rel(inv, NULL);
	char	   *rows;

	if (all_rows)
		rows = t->root_qualified;
	else
		rows = psprintf("(SELECT %s.* FROM %s AS %s WHERE (%s) IN (SELECT k.rk FROM " TR_KEYS " AS k))",
						t->alias, t->root_qualified, t->alias, l->tracked ? l->tracked : t->key);
	if (ar_track_query_as(t->owner,
						  psprintf("SELECT DISTINCT ON (m.k) * FROM (%s) AS m ORDER BY m.k",
								   ar_track_map_sql(t, rows, false, false)),
						  TR_MAPPED) > 0)
		ar_track_apply_new(t, false, true);
	relation_close(inv, AccessShareLock);
}

typedef struct RelatedFiring
{
	RelatedRel *r;
	TriggerEvent ev;
} RelatedFiring;

/* each invoice table the changed rows point at: its invoices re-evaluated */
static void
reevaluate_links(void *arg)
{
	RelatedFiring *f = (RelatedFiring *) arg;
	ListCell   *lc;

	foreach(lc, f->r->links)
	{
		RelatedLink *l = lfirst(lc);

		if (TRIGGER_FIRED_BY_TRUNCATE(f->ev))
			reevaluate(l, true);
		else if (related_keys(f->r, l, f->ev))
			reevaluate(l, false);
	}
}

PG_FUNCTION_INFO_V1(related_trigger);
Datum
related_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerEvent ev;
	RelatedRel *r;
	int			level;
	Oid			save_user;
	int			save_sec;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("related_trigger must be fired AFTER by the trigger manager"),
				 errhint("Attach it with ar_credit.track_related().")));
	ev = trigdata->tg_event;
	if (!TRIGGER_FIRED_FOR_ROW(ev) && !TRIGGER_FIRED_BY_TRUNCATE(ev))
	{
		Tuplestorestate *ts = TRIGGER_FIRED_BY_DELETE(ev) ? trigdata->tg_oldtable : trigdata->tg_newtable;

		if (ts == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("related_trigger FOR EACH STATEMENT needs its transition tables"),
					 errhint("Attach it with ar_credit.track_related().")));
		if (tuplestore_tuple_count(ts) == 0)
			return PointerGetDatum(NULL);
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	{
		Tuplestorestate *ts = trigdata->tg_newtable ? trigdata->tg_newtable : trigdata->tg_oldtable;

		level = ar_track_pin_settings(TRIGGER_FIRED_BY_TRUNCATE(ev) ? 1e9 :
									  TRIGGER_FIRED_FOR_ROW(ev) || ts == NULL ? 1 : (double) tuplestore_tuple_count(ts));
	}
	ar_track_become_owner(&save_user, &save_sec);
	r = related_rel(trigdata->tg_relation);
	if (TRIGGER_FIRED_FOR_ROW(ev))
	{
		if (!TRIGGER_FIRED_BY_DELETE(ev))
			ar_track_register_row(TR_NEW, trigdata->tg_relation,
								  TRIGGER_FIRED_BY_UPDATE(ev) ? trigdata->tg_newtuple : trigdata->tg_trigtuple);
		if (!TRIGGER_FIRED_BY_INSERT(ev))
			ar_track_register_row(TR_OLD, trigdata->tg_relation, trigdata->tg_trigtuple);
	}
	else if (!TRIGGER_FIRED_BY_TRUNCATE(ev) && SPI_register_trigger_data(trigdata) != SPI_OK_TD_REGISTER)
		elog(ERROR, "could not register the transition tables");

	{
		RelatedFiring f = {r, ev};

		ar_track_with_stores(reevaluate_links, &f);
	}
	ar_track_restore_user(save_user, save_sec);
	AtEOXact_GUC(true, level);
	SPI_finish();
	return PointerGetDatum(NULL);
}
