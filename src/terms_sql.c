/*
 * terms_sql.c
 *		SQL interface of ar_credit.payment_terms (SPEC section 1).
 *
 * The type is a varlena holding the compact binary form of src/terms.c
 * (terms_encode), so functions never re-parse text.  Functions called once
 * per row with the same terms (a constant, or a column with few distinct
 * values) keep the decoded form in fn_extra and only compare bytes.
 */
#include "postgres.h"

#include "access/hash.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"

#include "compat.h"
#include "glue.h"
#include "dates.h"
#include "terms.h"

/* binary send/recv format: a version byte, then the canonical text */
#define TERMS_WIRE_VERSION 1

typedef struct PaymentTerms
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		data[FLEXIBLE_ARRAY_MEMBER];	/* terms_encode() output */
} PaymentTerms;

/*
 * Decoded terms remembered across calls of one function in one query, with
 * a small memo of due dates: invoice dates repeat (a few thousand distinct
 * days cover a decade), and the function is immutable, so a due date once
 * computed for a date is reused.  Direct-mapped by the low bits of the date,
 * so consecutive dates never collide within DUE_MEMO_SIZE days.
 */
#define DUE_MEMO_SIZE 4096

typedef struct DueMemo
{
	int32		date[DUE_MEMO_SIZE];	/* DATEVAL_NOBEGIN = empty slot */
	int32		due[DUE_MEMO_SIZE];
} DueMemo;

typedef struct TermsCache
{
	int			len;
	uint8		bytes[TERMS_MAX_ENCODED];
	Terms		terms;
	bool		fixed_offset;	/* single line of day/week adders only */
	int64		offset;
	DueMemo    *memo;			/* allocated on first use */
} TermsCache;

static void date_out_of_range(const Terms *t, DateADT invoice_date, const char *what);

static void
decode_or_error(const uint8 *bytes, int len, Terms *out)
{
	if (!terms_decode(bytes, len, out))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted payment_terms value")));
}

/* terms argument argno, decoded, without caching */
static void
terms_arg(FunctionCallInfo fcinfo, int argno, Terms *out)
{
	struct varlena *v = PG_GETARG_VARLENA_PP(argno);

	decode_or_error((const uint8 *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), out);
}

/*
 * Terms argument argno through the fn_extra cache: a constant terms argument
 * is decoded once per query, not once per row.  Not for set-returning
 * functions, whose fn_extra belongs to the SRF machinery.
 */
static const Terms *
terms_arg_cached(FunctionCallInfo fcinfo, int argno)
{
	struct varlena *v = PG_GETARG_VARLENA_PP(argno);
	const uint8 *bytes = (const uint8 *) VARDATA_ANY(v);
	int			len = VARSIZE_ANY_EXHDR(v);
	TermsCache *cache = (TermsCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TermsCache));
		cache->len = -1;
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->len != len || memcmp(cache->bytes, bytes, len) != 0)
	{
		cache->len = -1;
		if (len > TERMS_MAX_ENCODED)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("corrupted payment_terms value")));
		decode_or_error(bytes, len, &cache->terms);
		memcpy(cache->bytes, bytes, len);
		cache->len = len;
		cache->fixed_offset = (cache->terms.nlines == 1);
		cache->offset = 0;
		for (int i = 0; i < cache->terms.lines[0].due.nsteps; i++)
		{
			const TermsStep *st = &cache->terms.lines[0].due.steps[i];

			if (st->kind == TS_ADD_DAYS)
				cache->offset += st->n;
			else if (st->kind == TS_ADD_WEEKS)
				cache->offset += 7 * st->n;
			else
				cache->fixed_offset = false;
		}
		if (cache->memo)
		{
			for (int i = 0; i < DUE_MEMO_SIZE; i++)
				cache->memo->date[i] = DATEVAL_NOBEGIN;
		}
	}
	return &cache->terms;
}

/* due date through the fn_extra cache (see TermsCache) */
static DateADT
cached_due_date(FunctionCallInfo fcinfo, DateADT d)
{
	const Terms *t = terms_arg_cached(fcinfo, 0);
	TermsCache *cache = (TermsCache *) fcinfo->flinfo->fn_extra;
	DueMemo    *memo = cache->memo;
	int			slot = d & (DUE_MEMO_SIZE - 1);
	int64_t		due;

	if (cache->fixed_offset)
	{
		due = (int64_t) d + cache->offset;
		if (!ard_date_in_range(due))
			date_out_of_range(t, d, "due date");
		return (DateADT) due;
	}
	if (memo == NULL)
	{
		memo = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(DueMemo));
		for (int i = 0; i < DUE_MEMO_SIZE; i++)
			memo->date[i] = DATEVAL_NOBEGIN;
		cache->memo = memo;
	}
	else if (memo->date[slot] == d)
		return memo->due[slot];
	if (!terms_due_date(t, d, &due))
		date_out_of_range(t, d, "due date");
	memo->date[slot] = d;
	memo->due[slot] = (int32) due;
	return (DateADT) due;
}

static Datum
terms_to_datum(const Terms *t)
{
	uint8		buf[TERMS_MAX_ENCODED];
	int			len = terms_encode(t, buf, sizeof(buf));
	PaymentTerms *result = (PaymentTerms *) palloc(VARHDRSZ + len);

	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(result->data, buf, len);
	PG_RETURN_POINTER(result);
}

/* parse text, reporting errors softly where the caller allows (PG 16+) */
static bool
parse_terms_text(const char *str, Terms *t, Node *escontext)
{
	TermsError	err;

	const char *shown;

	if (terms_parse(str, t, &err))
		return true;
	/* echo a very long input only in part */
	shown = ar_clip_for_message(str);
	ereturn(escontext, false,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "payment_terms", shown),
			 errdetail("%s", err.detail),
			 err.kind == TERMS_ERR_SYNTAX ?
			 errhint("Write terms as a formula such as \"30D\", \"45D+CM\" or \"30%% 15D, 70%% 45D\", "
					 "or in words such as \"net 30\" or \"45 jours fin de mois\".") : 0));
}

/* 22008 for a computed date beyond PostgreSQL's range, naming terms and date */
static void
date_out_of_range(const Terms *t, DateADT invoice_date, const char *what)
{
	char		buf[TERMS_TEXT_BUFSIZE];

	terms_format(t, buf, sizeof(buf));
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("%s of payment terms \"%s\" for invoice date %s is out of range for type date",
					what, buf,
					DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(invoice_date))))));
}

static DateADT
date_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	DateADT		d = PG_GETARG_DATEADT(argno);

	ar_check_finite_date(d, name);
	return d;
}

/* ---------------------------------------------------------------------
 * I/O
 * ---------------------------------------------------------------------
 */
PG_FUNCTION_INFO_V1(payment_terms_in);
Datum
payment_terms_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Terms		t;

	if (!parse_terms_text(str, &t, fcinfo->context))
		PG_RETURN_NULL();
	return terms_to_datum(&t);
}

PG_FUNCTION_INFO_V1(payment_terms_out);
Datum
payment_terms_out(PG_FUNCTION_ARGS)
{
	Terms		t;
	char		buf[TERMS_TEXT_BUFSIZE];

	terms_arg(fcinfo, 0, &t);
	terms_format(&t, buf, sizeof(buf));
	PG_RETURN_CSTRING(pstrdup(buf));
}

PG_FUNCTION_INFO_V1(payment_terms_recv);
Datum
payment_terms_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(msg);
	char	   *str;
	int			nbytes;
	Terms		t;

	if (version != TERMS_WIRE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported payment_terms binary format version %d", version),
				 errhint("This server understands version %d.", TERMS_WIRE_VERSION)));
	str = pq_getmsgtext(msg, msg->len - msg->cursor, &nbytes);
	parse_terms_text(str, &t, NULL);
	pfree(str);
	return terms_to_datum(&t);
}

PG_FUNCTION_INFO_V1(payment_terms_send);
Datum
payment_terms_send(PG_FUNCTION_ARGS)
{
	Terms		t;
	char		buf[TERMS_TEXT_BUFSIZE];
	int			len;
	StringInfoData msg;

	terms_arg(fcinfo, 0, &t);
	len = terms_format(&t, buf, sizeof(buf));
	pq_begintypsend(&msg);
	pq_sendbyte(&msg, TERMS_WIRE_VERSION);
	pq_sendtext(&msg, buf, len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&msg));
}

/* ---------------------------------------------------------------------
 * Comparison: by max_term_days, then canonical text
 * ---------------------------------------------------------------------
 */
static int
compare_args(FunctionCallInfo fcinfo)
{
	Terms		a,
				b;

	terms_arg(fcinfo, 0, &a);
	terms_arg(fcinfo, 1, &b);
	return terms_compare(&a, &b);
}

/* equal terms have equal binary forms, so equality never formats text */
static bool
equal_args(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_GETARG_VARLENA_PP(0);
	struct varlena *b = PG_GETARG_VARLENA_PP(1);

	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

PG_FUNCTION_INFO_V1(payment_terms_eq);
Datum
payment_terms_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(equal_args(fcinfo));
}

PG_FUNCTION_INFO_V1(payment_terms_ne);
Datum
payment_terms_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!equal_args(fcinfo));
}

PG_FUNCTION_INFO_V1(payment_terms_lt);
Datum
payment_terms_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_args(fcinfo) < 0);
}

PG_FUNCTION_INFO_V1(payment_terms_le);
Datum
payment_terms_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_args(fcinfo) <= 0);
}

PG_FUNCTION_INFO_V1(payment_terms_gt);
Datum
payment_terms_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_args(fcinfo) > 0);
}

PG_FUNCTION_INFO_V1(payment_terms_ge);
Datum
payment_terms_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_args(fcinfo) >= 0);
}

PG_FUNCTION_INFO_V1(payment_terms_cmp);
Datum
payment_terms_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(compare_args(fcinfo));
}

PG_FUNCTION_INFO_V1(payment_terms_hash);
Datum
payment_terms_hash(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_VARLENA_PP(0);

	return hash_any((const unsigned char *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}

PG_FUNCTION_INFO_V1(payment_terms_hash_extended);
Datum
payment_terms_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_VARLENA_PP(0);

	return hash_any_extended((const unsigned char *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
							 PG_GETARG_INT64(1));
}

/* ---------------------------------------------------------------------
 * Functions
 * ---------------------------------------------------------------------
 */
PG_FUNCTION_INFO_V1(payment_terms_due_date);
Datum
payment_terms_due_date(PG_FUNCTION_ARGS)
{
	DateADT		d = date_arg(fcinfo, 1, "invoice_date");

	PG_RETURN_DATEADT(cached_due_date(fcinfo, d));
}

/* the discount deadline, or false when the terms have no discount */
static bool
discount_deadline(const Terms *t, DateADT d, DateADT *out)
{
	int64_t		r;

	if (!t->has_discount)
		return false;
	if (!terms_eval(&t->discount, d, &r))
		date_out_of_range(t, d, "discount date");
	*out = (DateADT) r;
	return true;
}

PG_FUNCTION_INFO_V1(payment_terms_discount_date);
Datum
payment_terms_discount_date(PG_FUNCTION_ARGS)
{
	const Terms *t = terms_arg_cached(fcinfo, 0);
	DateADT		d = date_arg(fcinfo, 1, "invoice_date");
	DateADT		r;

	if (!discount_deadline(t, d, &r))
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(r);
}

/* amount x (hundredths of a percent) / 10000, rounded half away from zero to cents */
static Numeric
share_of(Numeric amount, int32 hundredths_pct)
{
	/* the rate as an exact numeric with 4 decimals: 200 -> 0.0200 */
	Datum		r = NumericGetDatum(int64_div_fast_to_numeric(hundredths_pct, 4));

	r = DirectFunctionCall2(numeric_mul, NumericGetDatum(amount), r);
	return DatumGetNumeric(DirectFunctionCall2(numeric_round, r, Int32GetDatum(2)));
}

static Numeric
round_cents(Numeric n)
{
	return DatumGetNumeric(DirectFunctionCall2(numeric_round, NumericGetDatum(n), Int32GetDatum(2)));
}

PG_FUNCTION_INFO_V1(payment_terms_discount_amount);
Datum
payment_terms_discount_amount(PG_FUNCTION_ARGS)
{
	const Terms *t = terms_arg_cached(fcinfo, 0);
	Numeric		amount = PG_GETARG_NUMERIC(1);
	DateADT		d = date_arg(fcinfo, 2, "invoice_date");
	DateADT		paid = date_arg(fcinfo, 3, "paid_on");
	DateADT		deadline;

	ar_check_finite_amount(amount, "amount");
	if (!discount_deadline(t, d, &deadline) || paid > deadline)
		PG_RETURN_NUMERIC(int64_to_numeric(0));
	PG_RETURN_NUMERIC(share_of(amount, t->discount_rate));
}

PG_FUNCTION_INFO_V1(payment_terms_installments);
Datum
payment_terms_installments(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Terms		t;
	DateADT		d;
	Numeric		amount;
	Datum		remainder;

	terms_arg(fcinfo, 0, &t);
	d = date_arg(fcinfo, 1, "invoice_date");
	amount = PG_GETARG_NUMERIC(2);
	ar_check_finite_amount(amount, "amount");
	/* every instalment is in whole cents: split the amount rounded to cents */
	amount = round_cents(amount);
	remainder = NumericGetDatum(amount);

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < t.nlines; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		int64_t		due;

		if (!terms_eval(&t.lines[i].due, d, &due))
			date_out_of_range(&t, d, "instalment due date");
		values[0] = Int32GetDatum(i + 1);
		values[1] = DateADTGetDatum((DateADT) due);
		if (i == t.nlines - 1)
			values[2] = remainder;	/* the last instalment takes the rounding */
		else
		{
			values[2] = NumericGetDatum(share_of(amount, t.lines[i].share));
			remainder = DirectFunctionCall2(numeric_sub, remainder, values[2]);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(payment_terms_describe);
Datum
payment_terms_describe(PG_FUNCTION_ARGS)
{
	Terms		t;
	char	   *lang = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char		buf[TERMS_TEXT_BUFSIZE];
	TermsLang	l;

	terms_arg(fcinfo, 0, &t);
	/* "fr", "FR", "fr_FR", "fr-CA" ... */
	if (pg_strncasecmp(lang, "en", 2) == 0 && (lang[2] == '\0' || lang[2] == '_' || lang[2] == '-'))
		l = TERMS_LANG_EN;
	else if (pg_strncasecmp(lang, "fr", 2) == 0 && (lang[2] == '\0' || lang[2] == '_' || lang[2] == '-'))
		l = TERMS_LANG_FR;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unsupported language for payment terms: \"%s\"", ar_clip_for_message(lang)),
				 errhint("Use \"en\" or \"fr\".")));
	if (terms_describe(&t, l, buf, sizeof(buf)) < 0)
		elog(ERROR, "description of payment terms exceeds %d bytes", (int) sizeof(buf));
	PG_RETURN_TEXT_P(cstring_to_text(buf));
}

PG_FUNCTION_INFO_V1(payment_terms_max_term_days);
Datum
payment_terms_max_term_days(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(terms_arg_cached(fcinfo, 0)->max_days);
}

PG_FUNCTION_INFO_V1(payment_terms_violations);
Datum
payment_terms_violations(PG_FUNCTION_ARGS)
{
	Terms		t;
	char	   *regime = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char		upper[64];
	char		msgs[8][256];
	Datum		elems[8];
	int			n;

	terms_arg(fcinfo, 0, &t);
	strlcpy(upper, regime, sizeof(upper));
	for (char *c = upper; *c; c++)
		*c = pg_toupper((unsigned char) *c);
	n = (strlen(regime) < sizeof(upper)) ? terms_violations(&t, upper, msgs, lengthof(msgs)) : -1;
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown payment terms regime: \"%s\"", ar_clip_for_message(regime)),
				 errhint("Known regimes: %s.", terms_known_regimes())));
	for (int i = 0; i < n; i++)
		elems[i] = PointerGetDatum(cstring_to_text(msgs[i]));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* min()/max() support: the smaller or larger of two terms */
PG_FUNCTION_INFO_V1(payment_terms_smaller);
Datum
payment_terms_smaller(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(compare_args(fcinfo) <= 0 ? PG_GETARG_DATUM(0) : PG_GETARG_DATUM(1));
}

PG_FUNCTION_INFO_V1(payment_terms_larger);
Datum
payment_terms_larger(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(compare_args(fcinfo) >= 0 ? PG_GETARG_DATUM(0) : PG_GETARG_DATUM(1));
}
