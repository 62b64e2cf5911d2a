/*
 * fuzz_letters.c
 *		libFuzzer target for the dunning letters' core (src/letters.c).
 *
 * The first byte picks a language and a number of decimals; the rest is fed,
 * as an exact-size copy (not NUL-terminated, as a text datum is not), to
 * three consumers:
 *   letters_render: a sizing call and a writing call agree on the length;
 *     a buffer one byte short still reports the full length; a template
 *     without "{{" comes out unchanged; an error is at an offset inside
 *     the template;
 *   letters_format_number: a number it accepts is written with exactly the
 *     decimals asked, and writing it again (separators taken out) gives the
 *     same text (rounding is idempotent);
 *   letters_format_date: a date it accepts reads back to the same ISO text
 *     (fr: DD/MM/YYYY) and fits 24 bytes.
 */
#include "fuzz.h"

#include "letters.h"

static const LetterField fields[] = {
	{"customer", "ACME", true},
	{"invoice", "F-1", true},
	{"amount_due", "1 234,56 EUR", true},
	{"fees", "0,00 EUR", false},
	{"total", "", false},
	{"terms", NULL, false},
};

static bool
has_tag(const char *t, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (t[i] == '{' && t[i + 1] == '{')
			return true;
	return false;
}

static void
check_render(const char *t, size_t n)
{
	LetterError err;
	long		need = letters_render(t, n, fields, 6, NULL, 0, &err);
	char	   *out;

	if (need < 0)
	{
		FUZZ_CHECK(err.status != LETTER_OK && err.offset < n);
		FUZZ_CHECK(memchr(err.tag, '\0', sizeof(err.tag)) != NULL);
		return;
	}
	out = malloc((size_t) need + 1);
	FUZZ_CHECK(letters_render(t, n, fields, 6, out, (size_t) need + 1, &err) == need);
	FUZZ_CHECK(out[need] == '\0');
	if (!has_tag(t, n))
		FUZZ_CHECK((size_t) need == n && memcmp(out, t, n) == 0);
	if (need > 0)
		FUZZ_CHECK(letters_render(t, n, fields, 6, out, (size_t) need, &err) == need);
	free(out);
}

/* the formatted number back to plain: separators out, decimal point '.' */
static size_t
unformat(const char *f, LetterLang lang, char *plain)
{
	size_t		k = 0;

	for (const char *c = f; *c; c++)
	{
		if ((unsigned char) *c == 0xC2 && (unsigned char) c[1] == 0xA0)
			c++;
		else if (*c == '-' || (*c >= '0' && *c <= '9'))
			plain[k++] = *c;
		else if (*c == (lang == LETTER_EN ? '.' : ','))
			plain[k++] = '.';
	}
	plain[k] = '\0';
	return k;
}

static void
check_number(const char *s, size_t n, int decimals, LetterLang lang)
{
	size_t		cap = 2 * n + 16;
	char	   *a = malloc(cap),
			   *b = malloc(cap),
			   *plain = malloc(cap);
	int			len = letters_format_number(s, n, decimals, lang, a, cap);
	const char *dec;

	if (len >= 0)
	{
		FUZZ_CHECK((size_t) len == strlen(a));
		dec = strrchr(a, lang == LETTER_EN ? '.' : ',');
		FUZZ_CHECK(decimals == 0 || (dec != NULL && strlen(dec + 1) == (size_t) decimals));
		FUZZ_CHECK(letters_format_number(plain, unformat(a, lang, plain), decimals, lang, b, cap) == len);
		FUZZ_CHECK(strcmp(a, b) == 0);
	}
	else
		FUZZ_CHECK(len == -1);
	free(a);
	free(b);
	free(plain);
}

static void
check_date(const char *s, size_t n)
{
	char		out[64],
				iso[32];
	int			len = letters_format_date(s, n, LETTER_FR, out, sizeof(out));

	if (len < 0)
		return;
	FUZZ_CHECK(len <= 23 && out[2] == '/' && out[5] == '/');
	snprintf(iso, sizeof(iso), "%s-%.2s-%.2s", out + 6, out + 3, out);
	FUZZ_CHECK(strlen(iso) == n && memcmp(iso, s, n) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LetterLang	lang;
	int			decimals;
	char	   *copy;

	if (size < 1 || size > 4096)
		return 0;
	lang = (LetterLang) (data[0] % LETTER_NLANGS);
	decimals = (data[0] / LETTER_NLANGS) % 7;
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	check_render(copy, size - 1);
	check_number(copy, size - 1, decimals, lang);
	check_date(copy, size - 1);
	free(copy);
	return 0;
}
