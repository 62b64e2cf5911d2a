/*
 * ar_credit.c
 *		Module entry point and the helpers every glue file shares.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "ar_credit.h"
#include "dates.h"

PG_MODULE_MAGIC;

void		_PG_init(void);
extern void ar_interest_init(void);
extern void ar_dunning_init(void);

void
_PG_init(void)
{
	/* areas that need GUCs or cache callbacks register them here */
	ar_interest_init();
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
