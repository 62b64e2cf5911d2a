/*
 * customer_policy_sql.c
 *		The dunning policy of a customer's invoices (SPEC section 8): the
 *		customer's own (credit_account.policy), else the one its risk class
 *		names (credit_policy.dunning_policy of credit_account.risk_class),
 *		else the tracked table's.
 *
 * The tracking trigger asks once per invoice it writes, so the answers are
 * cached per backend like the dunning policies: the customers that have a
 * policy of their own or by class, sorted, searched by bisection.  The
 * statement triggers of credit_account and credit_policy send a relcache
 * invalidation; the callback marks the cache stale.  In a database whose
 * catalogue predates credit control (0.2.0, or an update still running)
 * there is no account: the table's policy is the answer.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "ar_credit.h"

typedef struct CustomerPolicy
{
	char	   *key;			/* customer_key, NUL-terminated */
	int			len;
	text	   *policy;
} CustomerPolicy;

static MemoryContext cache_cxt = NULL;
static bool cache_valid = false;
static bool callback_registered = false;
static Oid	account_relid = InvalidOid;
static Oid	class_relid = InvalidOid;
static CustomerPolicy *entries = NULL;
static int	nentries = 0;

static void
invalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == account_relid || relid == class_relid)
		cache_valid = false;
}

/* byte order, the order of COLLATE "C" in the query below */
static int
compare_key(const char *a, int alen, const char *b, int blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	return c != 0 ? c : (alen > blen) - (alen < blen);
}

static void
load_cache(void)
{
	Oid			nsp = get_namespace_oid("ar_credit", false);
	int			save_nestlevel;
	MemoryContext old;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(invalidate, (Datum) 0);
		callback_registered = true;
	}
	if (cache_cxt == NULL)
		cache_cxt = AllocSetContextCreate(CacheMemoryContext, "ar_credit customer policies",
										  ALLOCSET_SMALL_SIZES);
	MemoryContextReset(cache_cxt);
	entries = NULL;
	nentries = 0;
	account_relid = get_relname_relid("credit_account", nsp);
	class_relid = get_relname_relid("credit_policy", nsp);
	cache_valid = true;
	if (!OidIsValid(account_relid) || !OidIsValid(class_relid) ||
		get_attnum(class_relid, "dunning_policy") == InvalidAttrNumber)
		return;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	save_nestlevel = ar_pin_search_path();
	if (SPI_execute("SELECT a.customer_key, COALESCE(a.policy, c.dunning_policy)"
					" FROM ar_credit.credit_account AS a"
					" LEFT JOIN ar_credit.credit_policy AS c ON c.risk_class = a.risk_class"
					" WHERE COALESCE(a.policy, c.dunning_policy) IS NOT NULL"
					" ORDER BY a.customer_key COLLATE \"C\"", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read ar_credit.credit_account");
	old = MemoryContextSwitchTo(cache_cxt);
	entries = palloc(sizeof(CustomerPolicy) * (SPI_processed + 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		CustomerPolicy *e = &entries[nentries++];

		e->key = pstrdup(SPI_getvalue(tup, desc, 1));
		e->len = strlen(e->key);
		e->policy = cstring_to_text(SPI_getvalue(tup, desc, 2));
	}
	MemoryContextSwitchTo(old);
	AtEOXact_GUC(true, save_nestlevel);
	SPI_finish();
}

static const CustomerPolicy *
find(const char *key, int len)
{
	int			lo = 0,
				hi = nentries - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = compare_key(key, len, entries[mid].key, entries[mid].len);

		if (c == 0)
			return &entries[mid];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * policy_for(customer_key text, table_policy text) -> text: the customer's
 * policy when it has one (of its own or by risk class), else table_policy.
 * Not strict: a NULL customer has the table's policy.
 */
PG_FUNCTION_INFO_V1(ar_policy_for);
Datum
ar_policy_for(PG_FUNCTION_ARGS)
{
	text	   *key;
	const CustomerPolicy *e;

	if (!cache_valid)
		load_cache();
	if (nentries > 0 && !PG_ARGISNULL(0))
	{
		key = PG_GETARG_TEXT_PP(0);
		e = find(VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key));
		/* a copy: an invalidation may reset the cache before it is used */
		if (e != NULL)
			PG_RETURN_DATUM(datumCopy(PointerGetDatum(e->policy), false, -1));
	}
	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(PG_GETARG_DATUM(1));
}
