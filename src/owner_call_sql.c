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
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
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

static const char *const actions[] = {"track", "untrack", "track_related", "untrack_related", "guard", "unguard"};

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

/* runs ar_credit.<action>_internal(rel, other, args) as the extension's owner */
static void
run_internal(const char *action, Datum rel, bool other_null, Datum other, bool args_null, Datum args)
{
	Oid			save_user;
	int			save_sec;
	Oid			types[3] = {REGCLASSOID, REGCLASSOID, JSONBOID};
	Datum		values[3] = {rel, other, args};
	char		nulls[3] = {' ', other_null ? 'n' : ' ', args_null ? 'n' : ' '};
	bool		was_busy;
	char	   *sql = psprintf("SELECT ar_credit.%s_internal($1, $2, $3)", action);

	check_owner(DatumGetObjectId(rel), "the table");
	if (!other_null)
		check_owner(DatumGetObjectId(other), "the other table");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ar_track_become_owner(&save_user, &save_sec);
	was_busy = set_busy(true);
	/* an error caught by the caller (a savepoint) must not leave the flag set */
	PG_TRY();
	{
		if (SPI_execute_with_args(sql, 3, types, values, nulls, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "ar_credit.%s_internal failed", action);
	}
	PG_FINALLY();
	{
		(void) set_busy(was_busy);
	}
	PG_END_TRY();
	ar_track_restore_user(save_user, save_sec);
	SPI_finish();
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
	run_internal(action, PG_GETARG_DATUM(1), PG_ARGISNULL(2), PG_ARGISNULL(2) ? (Datum) 0 : PG_GETARG_DATUM(2),
				 PG_ARGISNULL(3), PG_ARGISNULL(3) ? (Datum) 0 : PG_GETARG_DATUM(3));
	PG_RETURN_VOID();
}

/*
 * The arguments of a public function as a jsonb object, named as in names,
 * plus the caller's search_path: the mappings' names are resolved with it
 * (then written back qualified).  Arguments first..n are text or jsonb.
 */
static Datum
args_object(FunctionCallInfo fcinfo, const char *const *names, int first, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * 2 * (n + 1));
	bool	   *nulls = palloc0(sizeof(bool) * 2 * (n + 1));
	int			dims[1] = {2 * (n + 1)};
	int			lbs[1] = {1};

	for (int i = 0; i < n; i++)
	{
		int			a = first + i;

		elems[2 * i] = CStringGetTextDatum(names[i]);
		nulls[2 * i + 1] = PG_ARGISNULL(a);
		if (PG_ARGISNULL(a))
			continue;
		if (get_fn_expr_argtype(fcinfo->flinfo, a) == JSONBOID)
			elems[2 * i + 1] = CStringGetTextDatum(DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(a))));
		else
			elems[2 * i + 1] = PG_GETARG_DATUM(a);
	}
	elems[2 * n] = CStringGetTextDatum("search_path");
	elems[2 * n + 1] = CStringGetTextDatum(GetConfigOptionByName("search_path", NULL, false));
	return DirectFunctionCall1(jsonb_object,
							   PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT)));
}

/*
 * ar_credit.track(invoices regclass, key_column text, ...): C rather than
 * SQL so that it can hand the caller's search_path over while running
 * nothing in it.
 */
PG_FUNCTION_INFO_V1(track_entry);
Datum
track_entry(PG_FUNCTION_ARGS)
{
	static const char *const names[] = {
		"key_column", "due_column", "amount_column", "status_column", "customer_column", "currency_column",
		"policy", "filter", "status_map", "amount_unit", "regime", "paid_on_column", "issued_column"
	};

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("invoices, due_column, amount_column and policy must not be NULL")));
	run_internal("track", PG_GETARG_DATUM(0), true, (Datum) 0, false,
				 args_object(fcinfo, names, 1, lengthof(names)));
	PG_RETURN_VOID();
}

/* ar_credit.track_related(related regclass, invoices regclass, invoice_key text, ...) */
PG_FUNCTION_INFO_V1(track_related_entry);
Datum
track_related_entry(PG_FUNCTION_ARGS)
{
	static const char *const names[] = {"invoice_key", "filter", "tracked_column"};

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("related, invoices and invoice_key must not be NULL")));
	run_internal("track_related", PG_GETARG_DATUM(0), false, PG_GETARG_DATUM(1), false,
				 args_object(fcinfo, names, 2, lengthof(names)));
	PG_RETURN_VOID();
}
