/*
 * receivable_sql.c
 *		SQL interface of the receivables mirror's rules (SPEC section 7):
 *		item_class(), is_status_word(), currency_exponent(), minor_to_major()
 *		and qualified_name().
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "compat.h"
#include "ar_credit.h"
#include "receivable.h"

/* the class names as text values, built once: called once per tracked row */
static text *
class_text(ItemClass c)
{
	static text *names[ITEM_NCLASSES];

	if (names[c] == NULL)
	{
		const char *n = receivable_class_name(c);
		text	   *t = MemoryContextAlloc(TopMemoryContext, VARHDRSZ + strlen(n));

		SET_VARSIZE(t, VARHDRSZ + strlen(n));
		memcpy(VARDATA(t), n, strlen(n));
		names[c] = t;
	}
	return names[c];
}

/*
 * item_class(status text, amount numeric, due date): the class the tracking
 * trigger stores for a row: open, suspended, credit, paid, closed, ignored.
 * NaN or infinite amounts and a -infinity due date are refused (SPEC 6:
 * nothing sensible can be dunned from them).
 */
PG_FUNCTION_INFO_V1(receivable_item_class);
Datum
receivable_item_class(PG_FUNCTION_ARGS)
{
	StatusKind	kind = STATUS_OPEN;
	bool		has_amount = !PG_ARGISNULL(1);
	int			sign = 0;
	bool		has_due;

	if (has_amount)
	{
		ar_check_finite_amount(PG_GETARG_NUMERIC(1), "invoice amount");
		sign = ar_numeric_sign(PG_GETARG_DATUM(1));
	}
	if (!PG_ARGISNULL(2) && DATE_IS_NOBEGIN(PG_GETARG_DATEADT(2)))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("invoice due date must not be -infinity"),
				 errhint("Use NULL (or infinity) for an invoice with no due date yet.")));
	/* no due date yet, or "some day" (infinity) */
	has_due = !PG_ARGISNULL(2) && !DATE_IS_NOEND(PG_GETARG_DATEADT(2));
	if (!PG_ARGISNULL(0))
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		kind = receivable_status_kind(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	PG_RETURN_TEXT_P(class_text(receivable_class(kind, has_amount, sign, has_due)));
}

/*
 * is_status_word(w): a word of the status vocabulary, class names included
 * (open, closed, suspended, ignored, paid).  Not "credit": a credit is what
 * a negative amount is, not something a status can say.
 */
PG_FUNCTION_INFO_V1(receivable_is_status_word);
Datum
receivable_is_status_word(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(receivable_known_word(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
}

static int
exponent_of(FunctionCallInfo fcinfo, int argno)
{
	text	   *t;

	if (PG_ARGISNULL(argno))
		return 2;
	t = PG_GETARG_TEXT_PP(argno);
	return receivable_currency_exponent(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* currency_exponent(code): decimal places of its minor unit, 2 when unknown or NULL */
PG_FUNCTION_INFO_V1(receivable_currency_exponent_sql);
Datum
receivable_currency_exponent_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(exponent_of(fcinfo, 0));
}

/*
 * minor_to_major(amount, currency): an amount in the currency's minor unit
 * (cents) in major units, exactly: 12000 EUR cents = 120.00, 12000 JPY =
 * 12000, 12000 KWD fils = 12.000.  The scale is the exponent's, so the
 * result prints like a money amount.
 */
PG_FUNCTION_INFO_V1(receivable_minor_to_major);
Datum
receivable_minor_to_major(PG_FUNCTION_ARGS)
{
	/* 10^-e for e = 0..4, built once */
	static Datum factors[5];
	int			e;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	e = exponent_of(fcinfo, 1);
	if (factors[e] == (Datum) 0)
	{
		static const char *const f[5] = {"1", "0.1", "0.01", "0.001", "0.0001"};
		Numeric		n = DatumGetNumeric(ar_numeric(f[e]));
		Numeric		keep = MemoryContextAlloc(TopMemoryContext, VARSIZE(n));

		memcpy(keep, n, VARSIZE(n));
		factors[e] = NumericGetDatum(keep);
	}
	PG_RETURN_DATUM(DirectFunctionCall2(numeric_mul, PG_GETARG_DATUM(0), factors[e]));
}

/*
 * qualified_name(regclass): schema.table, quoted where needed, whatever the
 * search_path (regclass output drops the schema when it is visible): what
 * the views show as source, so that WHERE source = 'public.inv' works in
 * any session (SPEC sections 11, 12).  NULL for a relation that is gone.
 */
PG_FUNCTION_INFO_V1(receivable_qualified_name);
Datum
receivable_qualified_name(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	char	   *rel = get_rel_name(relid);
	char	   *nsp;

	if (rel == NULL)
		PG_RETURN_NULL();
	nsp = get_namespace_name(get_rel_namespace(relid));
	if (nsp == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(quote_qualified_identifier(nsp, rel)));
}

/* ar_credit.timezone (dunning_sql.c) */
extern char *ar_timezone;

/*
 * as_date(timestamptz): the date of an instant in ar_credit.timezone, a zone
 * fixed per database, so that the session's TimeZone never moves a due date.
 */
PG_FUNCTION_INFO_V1(receivable_as_date_tz);
Datum
receivable_as_date_tz(PG_FUNCTION_ARGS)
{
	Datum		local = DirectFunctionCall2(timestamptz_zone,
											CStringGetTextDatum(ar_timezone ? ar_timezone : "UTC"),
											PG_GETARG_DATUM(0));

	PG_RETURN_DATUM(DirectFunctionCall1(timestamp_date, local));
}
