/*
 * dunning_trigger.c
 *		ar_credit.dunning_trigger(): keeps the receivables mirror and the
 *		dunning queue in step with a user's invoices table (SPEC sections 6
 *		and 7), and ar_credit.dunning_resync(), which brings them in step
 *		with the rows already there.
 *
 * Models: PostgreSQL's contrib/tcn and PgQ's triggers.  ar_credit.track()
 * attaches it as AFTER ... FOR EACH STATEMENT triggers with transition
 * tables (REFERENCING NEW TABLE AS ar_credit_new / OLD TABLE AS
 * ar_credit_old) for INSERT, UPDATE and DELETE, and for TRUNCATE, so a
 * statement touching 100,000 invoices runs a handful of set-based
 * statements prepared once per table (tracking_sql.c).  It also attaches it
 * FOR EACH ROW, enabled only on a logical-replication subscriber's apply
 * worker (ENABLE REPLICA), which fires row triggers only: the same
 * statements then run over the one row, presented under the same names.
 *
 * The mapping comes from the table's row in ar_credit.tracked_table; a
 * hand-made trigger may give it as arguments instead: key=<column> (repeat
 * it for a composite key), due=, amount=, and optionally status=,
 * customer=, currency=<column> and policy=<dunning policy>.
 */
#include "postgres.h"

/* C symbols tracking_trigger and tracking_resync: 0.2.0's live on in dunning_trigger_0_2.c */
#include "access/relation.h"
#include "access/sysattr.h"
#include "commands/async.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "compat.h"
#include "ar_credit.h"
#include "tracking.h"


/* names the tracked table in any error raised while the trigger runs */
static void
dunning_error_context(void *arg)
{
	errcontext("ar_credit dunning trigger on table \"%s\"", (const char *) arg);
}

static void
on_update(TrackedRel *t, TriggerData *trigdata, bool is_row)
{
	/* UPDATE ... SET of columns the mapping does not read changes nothing for us */
	const Bitmapset *cols = is_row ? NULL : trigdata->tg_updatedcols;
	Relation	rel = trigdata->tg_relation;
	bool		key_changed;
	bool		any_changed;

	/* a BEFORE UPDATE row trigger may change columns the SET list does not name */
	if (rel->trigdesc && rel->trigdesc->trig_update_before_row)
		cols = NULL;
	if (cols == NULL || t->mapped_atts == NULL)
		any_changed = true;
	else
		any_changed = bms_overlap(cols, t->mapped_atts);
	key_changed = cols == NULL || t->key_atts == NULL || bms_overlap(cols, t->key_atts);
	if (!any_changed)
		return;

	ar_track_map(t, false);
	if (key_changed)
	{
		/* renamed keys keep their receivable, hence their history */
		ar_track_map(t, true);
		if (ar_track_run(t, TP_RENAME_MARK, TR_RENAMED) > 0)
			(void) ar_track_run(t, TP_RENAME_APPLY, NULL);
	}
	ar_track_apply_new(t, false, false);
}

static void
on_event(TrackedRel *t, TriggerData *trigdata, bool is_row)
{
	TriggerEvent ev = trigdata->tg_event;

	if (TRIGGER_FIRED_BY_INSERT(ev))
	{
		ar_track_map(t, false);
		ar_track_apply_new(t, true, false);
	}
	else if (TRIGGER_FIRED_BY_UPDATE(ev))
		on_update(t, trigdata, is_row);
	else if (TRIGGER_FIRED_BY_DELETE(ev))
	{
		ar_track_map(t, true);
		if (ar_track_run(t, TP_GONE, TR_CHANGED) > 0)
			(void) ar_track_run(t, TP_RECONCILE, NULL);
	}
	else if (TRIGGER_FIRED_BY_TRUNCATE(ev))
	{
		/* the tracked table emptied, or one of its partitions or children */
		TrackPlan	p = t->relid == t->root ? TP_TRUNCATE : TP_VANISHED;

		if (ar_track_run(t, p, TR_CHANGED) > 0)
			(void) ar_track_run(t, TP_RECONCILE, NULL);
	}
}

static void
check_protocol(FunctionCallInfo fcinfo)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("dunning_trigger: not called by the trigger manager")));
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("dunning_trigger must be fired AFTER")));
}

/* what a firing's passes need (ar_track_with_stores runs them) */
typedef struct Firing
{
	TrackedRel *t;
	TriggerData *trigdata;
	bool		is_row;
	uint64		n;				/* resync: receivables written */
} Firing;

static void
run_event(void *arg)
{
	Firing	   *f = (Firing *) arg;

	on_event(f->t, f->trigdata, f->is_row);
}

PG_FUNCTION_INFO_V1(tracking_trigger);
Datum
tracking_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerEvent ev;
	Relation	rel;
	TrackedRel *t;
	bool		is_row;
	int			level;
	Oid			save_user;
	int			save_sec;
	ErrorContextCallback errcb;

	check_protocol(fcinfo);
	ev = trigdata->tg_event;
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
							TR_NEW, TR_OLD),
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
	{
		Tuplestorestate *ts = trigdata->tg_newtable ? trigdata->tg_newtable : trigdata->tg_oldtable;

		level = ar_track_pin_settings(is_row || ts == NULL ? 1 : (double) tuplestore_tuple_count(ts));
	}
	/* the queue is written as the extension's owner: the writer needs no grant */
	ar_track_become_owner(&save_user, &save_sec);
	t = ar_tracked_rel(rel, trigdata->tg_trigger);

	if (is_row)
	{
		if (TRIGGER_FIRED_BY_INSERT(ev))
			ar_track_register_row(TR_NEW, rel, trigdata->tg_trigtuple);
		else if (TRIGGER_FIRED_BY_UPDATE(ev))
		{
			ar_track_register_row(TR_OLD, rel, trigdata->tg_trigtuple);
			ar_track_register_row(TR_NEW, rel, trigdata->tg_newtuple);
		}
		else if (TRIGGER_FIRED_BY_DELETE(ev))
			ar_track_register_row(TR_OLD, rel, trigdata->tg_trigtuple);
	}
	else if (SPI_register_trigger_data(trigdata) != SPI_OK_TD_REGISTER)
		elog(ERROR, "could not register the transition tables");

	{
		Firing		f = {t, trigdata, is_row, 0};

		ar_track_with_stores(run_event, &f);
	}
	if (ar_notify && !TRIGGER_FIRED_BY_DELETE(ev) && !TRIGGER_FIRED_BY_TRUNCATE(ev))
		Async_Notify("ar_credit_dunning", get_rel_name(t->root));

	ar_track_restore_user(save_user, save_sec);
	AtEOXact_GUC(true, level);
	SPI_finish();
	error_context_stack = errcb.previous;
	return PointerGetDatum(NULL);
}

/*
 * ar_credit.dunning_resync(invoices regclass) → bigint: bring the
 * receivables of a tracked table in step with its rows (called by track()):
 * every row mapped as the table's owner, upserted, the queue reconciled,
 * and the receivables whose row is no longer there set gone.  Returns the
 * number of receivables written.
 */
/* the whole table mapped as its owner, then the passes over the mapped rows */
static void
run_resync(void *arg)
{
	Firing	   *f = (Firing *) arg;
	TrackedRel *t = f->t;

	uint64		rows;

	rows = ar_track_query_as(t->owner,
							 psprintf("SELECT DISTINCT ON (m.k) * FROM (%s) AS m ORDER BY m.k",
									  ar_track_map_sql(t, t->root_qualified, false, false)),
							 TR_MAPPED);
	if (ar_track_run(t, TP_VANISHED_MAPPED, TR_CHANGED) > 0)
		(void) ar_track_run(t, TP_RECONCILE, NULL);
	/* mapped rows are distinct keys: the insert runs only if one is missing */
	f->n = ar_track_upsert(t, true, TP_UPSERT_JOIN, t->unique_key ? rows : UINT64_MAX);
	if (f->n > 0)
	{
		(void) ar_track_run(t, TP_RECONCILE, NULL);
		(void) ar_track_run(t, TP_EVENTS, NULL);
		(void) ar_track_run(t, TP_PLANS, NULL);
	}
}

PG_FUNCTION_INFO_V1(tracking_resync);
Datum
tracking_resync(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Relation	rel;
	TrackedRel *t;
	int			level;
	Oid			save_user;
	int			save_sec;
	uint64		n;

	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	rel = relation_open(relid, AccessShareLock);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* the whole table: bulk plans */
	level = ar_track_pin_settings(1e9);
	ar_track_become_owner(&save_user, &save_sec);
	t = ar_tracked_rel(rel, NULL);

	{
		Firing		f = {t, NULL, false, 0};

		ar_track_with_stores(run_resync, &f);
		n = f.n;
	}

	ar_track_restore_user(save_user, save_sec);
	AtEOXact_GUC(true, level);
	SPI_finish();
	relation_close(rel, AccessShareLock);
	PG_RETURN_INT64((int64) n);
}
