/*
 * letters_sql.c
 *		SQL interface of the dunning letters' renderer (src/letters.c):
 *		ar_credit.render_letter(template text, lang text, fields jsonb).
 *
 * fields is a JSON object whose keys are placeholder names: amounts as JSON
 * numbers (or numeric text), dates as "YYYY-MM-DD" (what to_json writes for
 * a date whatever DateStyle says), text as strings; a missing key or a JSON
 * null is "no value".  Keys that are not placeholders are ignored, so a
 * caller may pass a whole row.  The amounts take the decimals of the
 * "currency" field's minor unit (ISO 4217; 2 without a currency).
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "compat.h"
#include "ar_credit.h"
#include "letters.h"
#include "receivable.h"

/* a JSON scalar as text: a string's characters, a number as numeric_out */
static char *
scalar_text(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		default:
			return NULL;
	}
}

static JsonbValue *
field_value(Jsonb *jb, const char *name)
{
	JsonbValue	key;
	JsonbValue *v;

	key.type = jbvString;
	key.val.string.val = (char *) name;
	key.val.string.len = strlen(name);
	v = findJsonbValueFromContainer(&jb->root, JB_FOBJECT, &key);
	return (v == NULL || v->type == jbvNull) ? NULL : v;
}

static void
bad_field(const char *name, const char *raw, const char *wants, int sqlstate)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("letter field \"%s\" must be %s, not \"%s\"", name, wants,
					ar_clip_for_message(raw ? raw : "(an array or object)"))));
}

/* the written form of one field of the given kind */
static char *
format_field(const char *name, LetterKind kind, JsonbValue *v, const char *currency,
			 int decimals, LetterLang lang)
{
	char	   *raw = scalar_text(v);
	size_t		len = raw ? strlen(raw) : 0;
	size_t		cap = 2 * len + (currency ? strlen(currency) : 0) + 32;
	char	   *buf = palloc(cap);
	int			n = -1;

	if (kind == LETTER_TEXT)
	{
		if (raw == NULL)
			bad_field(name, raw, "a string", ERRCODE_INVALID_PARAMETER_VALUE);
		return raw;
	}
	if (raw != NULL && kind == LETTER_MONEY)
		n = letters_format_money(raw, len, currency, decimals, lang, buf, cap);
	else if (raw != NULL && kind == LETTER_COUNT)
		n = letters_format_number(raw, len, 0, lang, buf, cap);
	else if (raw != NULL && kind == LETTER_DATE && v->type == jbvString)
		n = letters_format_date(raw, len, lang, buf, cap);
	if (n < 0 && kind == LETTER_DATE)
		bad_field(name, raw, "a date written YYYY-MM-DD", ERRCODE_INVALID_DATETIME_FORMAT);
	if (n < 0)
		bad_field(name, raw, "a finite number", ERRCODE_INVALID_PARAMETER_VALUE);
	return buf;
}

/* a section shows a value that is not empty, and for numbers not zero */
static bool
field_shown(LetterKind kind, const char *value)
{
	if (kind == LETTER_TEXT || kind == LETTER_DATE)
		return value[0] != '\0';
	return strpbrk(value, "123456789") != NULL;
}

static void
report_template(const char *t, const LetterError *err)
{
	StringInfoData names;
	LetterKind	k;
	const char *name;

	/* the tag was cut at a byte count: show whole characters only */
	int			taglen = pg_mbcliplen(err->tag, strlen(err->tag), strlen(err->tag));

	initStringInfo(&names);
	for (int i = 0; (name = letters_placeholder(i, &k)) != NULL; i++)
		appendStringInfo(&names, "%s%s", i ? ", " : "", name);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid letter template: %s %.*s at byte %d",
					letters_status_message(err->status), taglen, err->tag, (int) err->offset),
			 errdetail("The template begins \"%s\".", ar_clip_for_message(t)),
			 errhint("Tags are {{name}}, {{#name}}...{{/name}} (shown when the field is neither empty nor zero), {{^name}}...{{/name}} (shown when it is); the names are %s.",
					 names.data)));
}

PG_FUNCTION_INFO_V1(letters_render_letter);
Datum
letters_render_letter(PG_FUNCTION_ARGS)
{
	text	   *tmpl = PG_GETARG_TEXT_PP(0);
	char	   *langcode = text_to_cstring(PG_GETARG_TEXT_PP(1));
	Jsonb	   *jb = PG_GETARG_JSONB_P(2);
	int			lang = letters_lang(langcode, strlen(langcode));
	LetterField fields[32];
	int			nfields = 0;
	JsonbValue *cv;
	char	   *currency = NULL;
	LetterKind	kind;
	const char *name;
	LetterError err;
	long		n;
	char	   *out;

	if (lang < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unsupported letter language: \"%s\"", ar_clip_for_message(langcode)),
				 errhint("Letters are written in en, fr, de, es, it or nl.")));
	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("letter fields must be a JSON object")));
	if ((cv = field_value(jb, "currency")) != NULL)
		currency = scalar_text(cv);
	for (int i = 0; (name = letters_placeholder(i, &kind)) != NULL && nfields < 32; i++)
	{
		JsonbValue *v = field_value(jb, name);

		if (v == NULL)
			continue;
		fields[nfields].name = name;
		fields[nfields].value = format_field(name, kind, v, currency,
											 currency ? receivable_currency_exponent(currency, strlen(currency)) : 2,
											 (LetterLang) lang);
		fields[nfields].shown = field_shown(kind, fields[nfields].value);
		nfields++;
	}
	n = letters_render(VARDATA_ANY(tmpl), VARSIZE_ANY_EXHDR(tmpl), fields, nfields, NULL, 0, &err);
	if (n < 0)
		report_template(text_to_cstring(tmpl), &err);
	out = palloc(n + 1);
	(void) letters_render(VARDATA_ANY(tmpl), VARSIZE_ANY_EXHDR(tmpl), fields, nfields, out, n + 1, &err);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, n));
}
