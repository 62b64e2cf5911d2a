/*
 * tracking.h
 *		The tracking trigger's machinery, shared by the trigger of tracked
 *		tables (dunning_trigger.c) and the trigger of related tables
 *		(related_trigger.c): per-table cache of the mapping and of prepared
 *		statements, and the passes that bring the receivables mirror and the
 *		dunning queue in step with a set of rows.
 */
#ifndef AR_CREDIT_TRACKING_H
#define AR_CREDIT_TRACKING_H

#include "postgres.h"
#include "executor/spi.h"
#include "nodes/bitmapset.h"
#include "utils/rel.h"

/* names under which rows are presented to the statements */
#define TR_NEW		"ar_credit_new"		/* transition table: new rows */
#define TR_OLD		"ar_credit_old"		/* transition table: old rows */
#define TR_MAPPED	"ar_credit_mapped"	/* mapped new rows (expression mappings) */
#define TR_MAPPED_OLD "ar_credit_mapped_old"	/* mapped old rows */
#define TR_CHANGED	"ar_credit_changed"	/* receivables changed by a pass */
#define TR_RENAMED	"ar_credit_renamed"	/* receivables whose key changed, with the new key */
#define TR_KEYS		"ar_credit_keys"	/* invoice keys a related table's rows name */

typedef enum TrackPlan
{
	TP_MAP_NEW,					/* map the new rows (as the table owner) */
	TP_MAP_OLD,					/* map the old rows' keys (as the table owner) */
	TP_INSERT,					/* new receivables and their first reminders */
	TP_UPSERT,					/* receivables upserted from mapped rows, changed ones returned */
	TP_UPSERT_JOIN,				/* for a large share of the mirror: receivables updated through a join */
	TP_UPSERT_MISSING,			/* ... then the keys the mirror does not have inserted */
	TP_GONE,					/* receivables of rows deleted, returned */
	TP_RENAME_MARK,				/* receivables whose key changed, set aside */
	TP_RENAME_APPLY,			/* ... and renamed */
	TP_TRUNCATE,				/* every receivable of the table gone */
	TP_VANISHED,				/* receivables whose row is no longer in the table */
	TP_VANISHED_MAPPED,			/* receivables whose key no mapped row has (resync) */
	TP_RECONCILE,				/* the dunning queue follows the changed receivables */
	TP_EVENTS,					/* payments and alerts the changed receivables show */
	TP_PLANS,					/* invoices under a payment plan: the plan's reminders */
	TP_NPLANS
} TrackPlan;

typedef struct TrackedRel
{
	Oid			relid;			/* hash key: the table the trigger fires on */
	bool		valid;
	Oid			root;			/* the tracked table (relid, or its tracked ancestor) */
	Oid			owner;			/* owner of the tracked table: evaluates expressions */
	char	   *alias;			/* the tracked table's name: rows are read under it */
	char	   *qualified;		/* the table the trigger fires on, schema-qualified */
	char	   *root_qualified;
	char	   *policy;
	/* the mapping, as SQL text over a row named alias */
	char	   *key;
	char	   *due;
	char	   *amount;
	char	   *status;			/* with the status_map applied: a status word */
	char	   *status_raw;		/* the status mapping itself */
	char	   *customer;
	char	   *currency;
	char	   *filter;
	char	   *paid_on;
	char	   *issued;
	bool		minor;			/* amounts in the currency's minor unit */
	bool		plain;			/* every mapping is a column: no user code to run */
	bool		unique_key;		/* a unique, immediate index covers exactly the key columns */
	bool		key_is_columns;
	Bitmapset  *mapped_atts;	/* columns the mapping reads; NULL: any may matter */
	Bitmapset  *key_atts;
	List	   *depends;		/* other relations the statements read (OIDs) */
	/* [0] planned for a few rows, [1] for bulk statements (no nested loops) */
	SPIPlanPtr	plans[2][TP_NPLANS];
	SPIPlanPtr	mapped_plans[2][TP_NPLANS];	/* the same, reading rows already mapped */
} TrackedRel;

/* the cache entry of a table fired on (an SPI connection must be open) */
extern TrackedRel *ar_tracked_rel(Relation rel, Trigger *tg);

/*
 * Runs one of the statements; with into set, the rows it returns are kept
 * as the named relation of the current SPI connection.  Returns the number
 * of rows processed.
 */
extern uint64 ar_track_run(TrackedRel *t, TrackPlan kind, const char *into);
/* the same statement reading rows mapped beforehand (TR_MAPPED, TR_MAPPED_OLD) */
extern uint64 ar_track_run_mapped(TrackedRel *t, TrackPlan kind, const char *into);

/* the mapping SELECT over input (a relation name or a parenthesised query) */
extern char *ar_track_map_sql(TrackedRel *t, const char *input, bool keys_only, bool kept);

/*
 * The passes over new rows: receivables upserted, queue reconciled.  fresh:
 * the rows were just inserted; mapped: they were mapped beforehand.
 */
extern void ar_track_apply_new(TrackedRel *t, bool fresh, bool mapped);

/*
 * The receivables of new rows upserted with plan kind (TP_UPSERT, or
 * TP_UPSERT_JOIN and the missing keys), the changed ones kept as
 * TR_CHANGED; rows: how many rows the source has.  Returns how many changed.
 */
extern uint64 ar_track_upsert(TrackedRel *t, bool mapped, TrackPlan kind, uint64 rows);

/* run a query as role, its rows kept as relation into of the SPI connection */
extern uint64 ar_track_query_as(Oid role, const char *sql, const char *into);

/* the map pass of new or old rows, when the mapping is more than columns */
extern void ar_track_map(TrackedRel *t, bool old);

/* run a query as the tracked table's owner, its rows kept as relation into */
extern uint64 ar_track_run_as_owner(TrackedRel *t, const char *sql, const char *into);

/*
 * Runs body(arg), the passes of one firing, and ends the tuplestores they
 * kept when it returns (an SPI connection must be open until then).
 */
extern void ar_track_with_stores(void (*body) (void *arg), void *arg);

/* present one row under a relation name (row-level firing) */
extern void ar_track_register_row(const char *name, Relation rel, HeapTuple tuple);

/*
 * Session settings that decide how keys and dates read as text, pinned;
 * rows: how many rows the firing brings (a bulk statement is planned
 * without nested loops, which are the planner's wrong guess for thousands
 * of keys, while a few rows are best found by index).
 */
extern int	ar_track_pin_settings(double rows);

/* run SQL as the extension's owner: the role that owns the queue */
extern void ar_track_become_owner(Oid *save_user, int *save_sec);
extern void ar_track_restore_user(Oid save_user, int save_sec);

#endif							/* AR_CREDIT_TRACKING_H */
