/*
 * ar_credit.c
 *		Module entry point and the helpers every glue file shares.
 */
#include "postgres.h"

#include "commands/trigger.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "ar_credit.h"
#include "dates.h"

PG_MODULE_MAGIC;

void		_PG_init(void);
extern void ar_interest_init(void);
extern void ar_dunning_init(void);
extern void ar_credit_init(void);

void
_PG_init(void)
{
	/* areas that need GUCs or cache callbacks register them here */
	ar_interest_init();
	ar_credit_init();		/* before ar_dunning_init reserves the prefix */
	ar_dunning_init();
}

void
ar_check_finite_date(DateADT d, const char *argname)
{
	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be a finite date, not %s",
						argname, DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity")));
}

DateADT
ar_date_result(int64 d, const char *what)
{
	if (!ard_date_in_range(d))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range for type date", what)));
	return (DateADT) d;
}

void
ar_check_finite_amount(Numeric amount, const char *argname)
{
	bool		bad = numeric_is_nan(amount);

#if PG_VERSION_NUM >= 140000
	bad = bad || numeric_is_inf(amount);
#endif
	if (bad)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, not %s", argname,
						DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(amount))))));
}

Datum
ar_numeric(const char *s)
{
	return DirectFunctionCall3(numeric_in, CStringGetDatum(s),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

int
ar_numeric_sign(Datum n)
{
	/* compared once per row by aggregates and triggers: build zero once */
	static Numeric zero = NULL;

	if (zero == NULL)
	{
		Numeric		z = int64_to_numeric(0);

		zero = MemoryContextAlloc(TopMemoryContext, VARSIZE(z));
		memcpy(zero, z, VARSIZE(z));
	}
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, n, NumericGetDatum(zero)));
}

const char *
ar_clip_for_message(const char *s)
{
	int			len = strlen(s);

	if (len <= 120)
		return s;
	return psprintf("%.*s...", pg_mbcliplen(s, len, 100), s);
}

int
ar_pin_search_path(void)
{
	int			level = NewGUCNestLevel();

	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return level;
}

/*
 * ar_credit.config_cache_invalidate(): statement trigger of the tables that
 * backends cache (reference_rate, interest_regime, dunning_step).  The
 * relcache invalidation reaches this session at the next command and the
 * others at commit; their relcache callbacks mark the caches stale.
 */
PG_FUNCTION_INFO_V1(ar_config_cache_invalidate);
Datum
ar_config_cache_invalidate(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("config_cache_invalidate must be called as a trigger")));
	CacheInvalidateRelcache(((TriggerData *) fcinfo->context)->tg_relation);
	PG_RETURN_POINTER(NULL);
}
