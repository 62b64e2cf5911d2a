/*
 * owner_call_sql.c
 *		ar_credit.owner_call(): what lets a table's owner track its own
 *		table (SPEC section 7: "track() may be called by the table's
 *		owner") without any grant on ar_credit's tables.
 *
 * A SECURITY DEFINER function cannot tell who called it, so the check and
 * the change of role are done here, in C: the caller must have the
 * privileges of the owner of every table named; then one of a fixed list
 * of internal functions runs as the extension's owner, the role that owns
 * ar_credit's tables.  Nothing else can be run this way.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "compat.h"
#include "ar_credit.h"
#include "tracking.h"

/* ar_credit is running DDL of its own: its event triggers stand aside */
static bool ddl_busy = false;

static void
busy_xact_callback(XactEvent event, void *arg)
{
	ddl_busy = false;
}

static bool
set_busy(bool busy)
{
	static bool registered = false;
	bool		was = ddl_busy;

	if (!registered)
	{
		RegisterXactCallback(busy_xact_callback, NULL);
		registered = true;
	}
	ddl_busy = busy;
	return was;
}

/* ar_credit.ddl_guard(busy) → bool: sets the flag, returns what it was */
PG_FUNCTION_INFO_V1(ddl_guard);
Datum
ddl_guard(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(set_busy(PG_GETARG_BOOL(0)));
}

static const char *const actions[] = {"track", "untrack", "track_related", "untrack_related"};

static void
check_owner(Oid relid, const char *what)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errdetail("It was given as %s.", what)));
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	if (!has_privs_of_role(GetUserId(), owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s", get_rel_name(relid)),
				 errdetail("Only the owner of a table (or a member of its role) may track it or link it.")));
}

/*
 * ar_credit.owner_call(action text, rel regclass, other regclass, args jsonb)
 * → void: runs ar_credit.<action>_internal(rel, other, args) as the
 * extension's owner, once the caller is found to own rel (and other).
 */
PG_FUNCTION_INFO_V1(owner_call);
Datum
owner_call(PG_FUNCTION_ARGS)
{
	const char *action;
	bool		known = false;
	Oid			save_user;
	int			save_sec;
	Oid			types[3] = {REGCLASSOID, REGCLASSOID, JSONBOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	char	   *sql;
	bool		was_busy;

	if (PG_ARGISNULL(0))
		elog(ERROR, "owner_call: no action");
	action = text_to_cstring(PG_GETARG_TEXT_PP(0));
	for (int i = 0; i < (int) lengthof(actions); i++)
		known = known || strcmp(action, actions[i]) == 0;
	if (!known)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown action \"%s\"", ar_clip_for_message(action))));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the table must not be NULL")));
	check_owner(PG_GETARG_OID(1), "the table");
	if (!PG_ARGISNULL(2))
		check_owner(PG_GETARG_OID(2), "the other table");

	values[0] = PG_GETARG_DATUM(1);
	values[1] = PG_ARGISNULL(2) ? (Datum) 0 : PG_GETARG_DATUM(2);
	nulls[1] = PG_ARGISNULL(2) ? 'n' : ' ';
	values[2] = PG_ARGISNULL(3) ? (Datum) 0 : PG_GETARG_DATUM(3);
	nulls[2] = PG_ARGISNULL(3) ? 'n' : ' ';
	sql = psprintf("SELECT ar_credit.%s_internal($1, $2, $3)", action);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ar_track_become_owner(&save_user, &save_sec);
	was_busy = set_busy(true);
	if (SPI_execute_with_args(sql, 3, types, values, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "ar_credit.%s_internal failed", action);
	(void) set_busy(was_busy);
	ar_track_restore_user(save_user, save_sec);
	SPI_finish();
	PG_RETURN_VOID();
}
