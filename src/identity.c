/*
 * identity.c
 *		SIREN, SIRET, the French VAT key, and the parts of every VAT check
 *		that do not depend on the member state (identity.h).
 *
 * Sources:
 * SIREN and SIRET: INSEE, "Numéro SIREN, numéro SIRET" and the SIRET XML
 *	  schema notes (xml.insee.fr/schema/siret.html, "Contrôles"): a SIREN
 *	  has 9 digits, a SIRET 14 (the SIREN then the 5-digit NIC), and "les
 *	  numéros SIREN, NIC et SIRET intègrent le mécanisme de contrôle de
 *	  parité connu sous le nom de formule de Luhn".
 * La Poste: INSEE, Lettre Sirene no 16, November 2013: since La Poste became
 *	  a société anonyme its establishments all carry the SIREN 356 000 000,
 *	  too many for Luhn-valid NICs, so their SIRETs are valid when the sum of
 *	  the 14 digits is a multiple of 5; the head office's SIRET
 *	  356 000 000 00048 is the one that passes the Luhn check (its digits sum
 *	  to 26).  Example from the SIRENE register: 356 000 000 09075 (sum 35).
 * French VAT key: DGFiP / INSEE, "numéro de TVA intracommunautaire": FR, a
 *	  2-digit key, the SIREN; key = (12 + 3 x (SIREN mod 97)) mod 97; e.g.
 *	  SIREN 404 833 048 gives (12 + 3 x 56) mod 97 = 83, FR83404833048.
 */
#include "identity.h"

#include <stdio.h>
#include <string.h>

static const char *const hint_typing =
"Spaces, dots and dashes are ignored and letters may be in either case; check that no character is missing, extra or mistyped.";
static const char *const hint_check_fr =
"A wrong check digit usually means a mistyped or swapped digit: check the number against the SIRENE register.";
static const char *const hint_check_vat =
"A wrong check digit usually means a mistyped or swapped digit: check the number against VIES, the Commission's VAT number register.";
static const char *const hint_country =
"An EU VAT number starts with its member state's prefix: AT, BE, BG, CY, CZ, DE, DK, EE, EL (Greece), ES, FI, FR, HR, HU, IE, IT, LT, LU, LV, MT, NL, PL, PT, RO, SE, SI or SK.";

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* where each kept character came from: its 1-based position and as typed */
typedef struct IdSource
{
	int			pos[ID_MAX_LEN];
	char		raw[ID_MAX_LEN];
} IdSource;

static IdStatus
fail(IdResult *r, IdStatus st, const char *hint)
{
	r->status = st;
	r->value[0] = '\0';
	r->hint = hint;
	return st;
}

/*
 * Strip separators (space, dot, dash) and upper-case ASCII letters into
 * r->value (at most ID_MAX_LEN kept), recording where each kept character
 * came from in src.  *n gets the count of significant
 * characters, kept or not.  Digits, letters, '+' and '*' (old Irish VAT
 * numbers) are significant; anything else is an error.
 */
static IdStatus
id_normalize(const char *s, size_t len, IdResult *r, IdSource *src, int *n)
{
	int			chars = 0;

	*n = 0;
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if ((c & 0xC0) != 0x80)
			chars++;			/* not a UTF-8 continuation byte */
		if (c == ' ' || c == '.' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (unsigned char) (c - 'a' + 'A');
		if (!is_digit((char) c) && !is_upper((char) c) && c != '+' && c != '*')
		{
			if (c >= 0x21 && c < 0x7F)
				snprintf(r->detail, sizeof(r->detail),
						 "Character \"%c\" at position %d is neither a digit, a letter nor a separator (space, dot, dash).",
						 c, chars);
			else
				snprintf(r->detail, sizeof(r->detail),
						 "The character at position %d is not a printable ASCII character.", chars);
			return fail(r, ID_CHARACTER, hint_typing);
		}
		if (*n < ID_MAX_LEN)
		{
			r->value[*n] = (char) c;
			src->pos[*n] = chars;
			src->raw[*n] = s[i];
		}
		(*n)++;
	}
	r->value[*n < ID_MAX_LEN ? *n : ID_MAX_LEN] = '\0';
	if (*n == 0)
	{
		snprintf(r->detail, sizeof(r->detail), "The value holds no digit or letter.");
		return fail(r, ID_EMPTY, hint_typing);
	}
	return ID_OK;
}

bool
id_luhn_ok(const char *d, int n)
{
	int			sum = 0;

	for (int i = 0; i < n; i++)
	{
		int			v = d[n - 1 - i] - '0';

		if (i % 2 == 1)
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return sum % 10 == 0;
}

/* normalise, then require exactly `want` digits */
static IdStatus
digits_only(const char *s, size_t len, IdResult *r, int want, const char *what)
{
	IdSource	src;
	int			n;

	if (id_normalize(s, len, r, &src, &n) != ID_OK)
		return r->status;
	for (int i = 0; i < n && i < ID_MAX_LEN; i++)
		if (!is_digit(r->value[i]))
		{
			snprintf(r->detail, sizeof(r->detail),
					 "Character \"%c\" at position %d is not a digit: a %s has digits only.",
					 src.raw[i], src.pos[i], what);
			return fail(r, ID_FORMAT, hint_typing);
		}
	if (n != want)
	{
		snprintf(r->detail, sizeof(r->detail), "A %s has %d digits; this one has %d.", what, want, n);
		return fail(r, ID_LENGTH, hint_typing);
	}
	if (strspn(r->value, "0") == (size_t) n)
	{
		snprintf(r->detail, sizeof(r->detail), "A %s is not all zeros.", what);
		return fail(r, ID_FORMAT, hint_typing);
	}
	return ID_OK;
}

IdStatus
siren_check(const char *s, size_t len, IdResult *r)
{
	if (digits_only(s, len, r, 9, "SIREN") != ID_OK)
		return r->status;
	if (!id_luhn_ok(r->value, 9))
	{
		snprintf(r->detail, sizeof(r->detail),
				 "The check digit of SIREN %s does not match (Luhn formula).", r->value);
		return fail(r, ID_CHECK, hint_check_fr);
	}
	r->status = ID_OK;
	r->detail[0] = '\0';
	r->hint = NULL;
	return ID_OK;
}

/* La Poste's establishments: SIREN 356000000, digits summing to a multiple of 5 */
static bool
la_poste_ok(const char *d)
{
	int			sum = 0;

	if (strncmp(d, "356000000", 9) != 0)
		return false;
	for (int i = 0; i < 14; i++)
		sum += d[i] - '0';
	return sum % 5 == 0;
}

IdStatus
siret_check(const char *s, size_t len, IdResult *r)
{
	if (digits_only(s, len, r, 14, "SIRET") != ID_OK)
		return r->status;
	if (strspn(r->value, "0") >= 9)
	{
		snprintf(r->detail, sizeof(r->detail), "Its first 9 digits, the SIREN, are all zeros.");
		return fail(r, ID_FORMAT, hint_typing);
	}
	if (!id_luhn_ok(r->value, 9))
	{
		snprintf(r->detail, sizeof(r->detail),
				 "Its first 9 digits, SIREN %.9s, fail the SIREN's check digit (Luhn formula).", r->value);
		return fail(r, ID_CHECK, hint_check_fr);
	}
	if (!id_luhn_ok(r->value, 14) && !la_poste_ok(r->value))
	{
		snprintf(r->detail, sizeof(r->detail),
				 strncmp(r->value, "356000000", 9) == 0
				 ? "The SIRET %s fails both the Luhn formula and La Poste's rule (digits summing to a multiple of 5)."
				 : "The check digit of SIRET %s does not match (Luhn formula).", r->value);
		return fail(r, ID_CHECK, hint_check_fr);
	}
	r->status = ID_OK;
	r->detail[0] = '\0';
	r->hint = NULL;
	return ID_OK;
}

void
vat_fr_key_of(const char *siren9, char key[3])
{
	long		siren = 0;
	int			k;

	for (int i = 0; i < 9; i++)
		siren = siren * 10 + (siren9[i] - '0');
	k = (int) ((12 + 3 * (siren % 97)) % 97);
	key[0] = (char) ('0' + k / 10);
	key[1] = (char) ('0' + k % 10);
	key[2] = '\0';
}

/* does part p (n chars) fit shape sh (shlen chars)?  -1 if so, else the first misfit */
static int
shape_misfit(const char *p, int n, const char *sh, int shlen)
{
	for (int i = 0; i < n && i < shlen; i++)
	{
		char		c = p[i];
		bool		ok;

		switch (sh[i])
		{
			case '9':
				ok = is_digit(c);
				break;
			case 'A':
				ok = is_upper(c);
				break;
			case 'X':
				ok = is_digit(c) || is_upper(c);
				break;
			case 'S':
				ok = is_upper(c) || c == '+' || c == '*';
				break;
			default:
				ok = c == sh[i];
		}
		if (!ok)
			return i;
	}
	return -1;
}

static const char *
shape_word(char s)
{
	switch (s)
	{
		case '9':
			return "a digit";
		case 'A':
			return "a letter";
		case 'X':
			return "a letter or a digit";
		case 'S':
			return "a letter, \"+\" or \"*\"";
	}
	return NULL;
}

/* "8, 9 or 10": the distinct lengths of a rule's shapes */
static void
shape_lengths(const VatRule *rule, char *out, size_t outsz)
{
	int			lens[8],
				k = 0;

	for (const char *sh = rule->shapes; *sh && k < 8;)
	{
		int			l = (int) strcspn(sh, "|");
		bool		seen = false;

		for (int i = 0; i < k; i++)
			seen = seen || lens[i] == l;
		if (!seen)
			lens[k++] = l;
		sh += l;
		sh += (*sh == '|');
	}
	out[0] = '\0';
	for (int i = 0; i < k; i++)
	{
		size_t		used = strlen(out);

		snprintf(out + used, outsz - used, "%s%d",
				 i == 0 ? "" : (i == k - 1 ? " or " : ", "), lens[i]);
	}
}

static IdStatus
length_error(const VatRule *rule, int n, IdResult *r)
{
	char		lens[48];

	shape_lengths(rule, lens, sizeof(lens));
	snprintf(r->detail, sizeof(r->detail),
			 "A VAT number of %s (%s) has %s characters after the prefix; this one has %d.",
			 rule->country, rule->code, lens, n);
	return fail(r, ID_LENGTH, hint_typing);
}

/* the national part against the rule's shapes: ID_OK, ID_LENGTH or ID_FORMAT */
static IdStatus
match_shapes(const VatRule *rule, const char *p, int n, const IdSource *src, IdResult *r)
{
	int			best = -1;
	char		want = 0;
	const char *shape = NULL;

	for (const char *sh = rule->shapes; *sh;)
	{
		int			shlen = (int) strcspn(sh, "|");

		if (shlen == n)
		{
			int			at = shape_misfit(p, n, sh, shlen);

			if (at < 0)
				return ID_OK;
			if (at > best)
			{
				best = at;
				want = sh[at];
				shape = sh;
			}
		}
		sh += shlen;
		sh += (*sh == '|');
	}
	if (best < 0)
		return length_error(rule, n, r);
	if (shape_word(want))
		snprintf(r->detail, sizeof(r->detail),
				 "Character \"%c\" at position %d should be %s (%s format %.*s).",
				 src->raw[best + 2], src->pos[best + 2], shape_word(want), rule->code, n, shape);
	else
		snprintf(r->detail, sizeof(r->detail),
				 "Character \"%c\" at position %d should be \"%c\" (%s format %.*s).",
				 src->raw[best + 2], src->pos[best + 2], want, rule->code, n, shape);
	return fail(r, ID_FORMAT, hint_typing);
}

IdStatus
vat_check(const char *s, size_t len, IdResult *r)
{
	IdSource	src;
	int			n;
	const VatRule *rule;
	IdStatus	st;
	char		why[160];

	if (id_normalize(s, len, r, &src, &n) != ID_OK)
		return r->status;
	if (n < 2 || !is_upper(r->value[0]) || !is_upper(r->value[1]))
	{
		snprintf(r->detail, sizeof(r->detail),
				 "A VAT number starts with the two-letter prefix of its member state.");
		return fail(r, ID_COUNTRY, hint_country);
	}
	rule = vat_rule((char[3]) {r->value[0], r->value[1], '\0'});
	if (rule == NULL)
	{
		snprintf(r->detail, sizeof(r->detail),
				 strncmp(r->value, "GR", 2) == 0 ? "Greece's VAT prefix is EL, not GR."
				 : "\"%.2s\" is not the VAT prefix of an EU member state.", r->value);
		return fail(r, ID_COUNTRY, hint_country);
	}
	if (n > ID_MAX_LEN)
		return length_error(rule, n - 2, r);
	if (match_shapes(rule, r->value + 2, n - 2, &src, r) != ID_OK)
		return r->status;
	why[0] = '\0';
	st = rule->check(r->value + 2, n - 2, why, sizeof(why));
	if (st != ID_OK)
	{
		snprintf(r->detail, sizeof(r->detail), "%s VAT number %s: %s.", rule->code, r->value, why);
		return fail(r, st, st == ID_CHECK ? hint_check_vat : hint_typing);
	}
	r->status = ID_OK;
	r->detail[0] = '\0';
	r->hint = NULL;
	return ID_OK;
}
