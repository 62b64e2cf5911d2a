/*
 * identity_sql.c
 *		SQL interface of SIREN, SIRET and EU VAT numbers (src/identity.c).
 *
 * The *_valid functions answer false for anything that is not a valid
 * number, so they fit a CHECK constraint; the *_normalize functions and
 * vat_fr_key return the canonical form or raise 22P02 naming the (clipped)
 * value, with the reason from the pure-C core as the detail.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "compat.h"
#include "ar_credit.h"
#include "identity.h"

typedef IdStatus (*IdCheckFn) (const char *s, size_t len, IdResult *r);

static IdStatus
check_text(text *t, IdCheckFn fn, IdResult *r)
{
	return fn(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), r);
}

/* 22P02 for an invalid number: what kind, the value, why, what to do */
static void
report_invalid(text *t, const char *what, const IdResult *r)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid %s: \"%s\"", what, ar_clip_for_message(text_to_cstring(t))),
			 errdetail("%s", r->detail),
			 r->hint ? errhint("%s", r->hint) : 0));
}

static Datum
valid(FunctionCallInfo fcinfo, IdCheckFn fn)
{
	IdResult	r;

	PG_RETURN_BOOL(check_text(PG_GETARG_TEXT_PP(0), fn, &r) == ID_OK);
}

static Datum
normalize(FunctionCallInfo fcinfo, IdCheckFn fn, const char *what)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	IdResult	r;

	if (check_text(t, fn, &r) != ID_OK)
		report_invalid(t, what, &r);
	PG_RETURN_TEXT_P(cstring_to_text(r.value));
}

PG_FUNCTION_INFO_V1(identity_siren_valid);
Datum
identity_siren_valid(PG_FUNCTION_ARGS)
{
	return valid(fcinfo, siren_check);
}

PG_FUNCTION_INFO_V1(identity_siret_valid);
Datum
identity_siret_valid(PG_FUNCTION_ARGS)
{
	return valid(fcinfo, siret_check);
}

PG_FUNCTION_INFO_V1(identity_vat_valid);
Datum
identity_vat_valid(PG_FUNCTION_ARGS)
{
	return valid(fcinfo, vat_check);
}

PG_FUNCTION_INFO_V1(identity_siren_normalize);
Datum
identity_siren_normalize(PG_FUNCTION_ARGS)
{
	return normalize(fcinfo, siren_check, "SIREN");
}

PG_FUNCTION_INFO_V1(identity_siret_normalize);
Datum
identity_siret_normalize(PG_FUNCTION_ARGS)
{
	return normalize(fcinfo, siret_check, "SIRET");
}

PG_FUNCTION_INFO_V1(identity_vat_normalize);
Datum
identity_vat_normalize(PG_FUNCTION_ARGS)
{
	return normalize(fcinfo, vat_check, "VAT number");
}

/* vat_fr_key(siren text): the 2-digit key of a valid SIREN */
PG_FUNCTION_INFO_V1(identity_vat_fr_key);
Datum
identity_vat_fr_key(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	IdResult	r;
	char		key[3];

	if (check_text(t, siren_check, &r) != ID_OK)
		report_invalid(t, "SIREN", &r);
	vat_fr_key_of(r.value, key);
	PG_RETURN_TEXT_P(cstring_to_text(key));
}

/* the shapes "A|B" as text[] {A,B} */
static Datum
shapes_array(const char *shapes)
{
	Datum		elems[16];
	int			n = 0;

	for (const char *s = shapes; *s && n < 16;)
	{
		int			l = (int) strcspn(s, "|");

		elems[n++] = PointerGetDatum(cstring_to_text_with_len(s, l));
		s += l;
		s += (*s == '|');
	}
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* vat_rules(): prefix, country, formats, checks of each member state */
PG_FUNCTION_INFO_V1(identity_vat_rules);
Datum
identity_vat_rules(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < vat_rule_count(); i++)
	{
		const VatRule *v = vat_rule_at(i);
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = CStringGetTextDatum(v->code);
		values[1] = CStringGetTextDatum(v->country);
		values[2] = shapes_array(v->shapes);
		values[3] = CStringGetTextDatum(v->checked);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
