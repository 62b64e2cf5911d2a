/*
 * identity_vat.c
 *		The member states' VAT identification numbers: shapes and check
 *		digits (identity.h, VatRule).
 *
 * Source, unless said otherwise: European Commission, DG Taxation and
 * Customs Union, "VIES - VAT number construction rules, functional
 * description" (version 15.0), one section per member state giving the
 * format, the check-digit algorithm and a sample number; the samples are in
 * test/unit/test_identity.c.  Notation below: C1 is the first character
 * after the prefix.  Where a member state issues numbers whose check the
 * document does not give (or that have none), only the shape is checked
 * and `checked` says so.
 */
#include "identity.h"

#include <stdio.h>
#include <string.h>

static int
dg(char c)
{
	return c - '0';
}

/* sum of digit i times w[i] */
static int
wsum(const char *p, const int *w, int n)
{
	int			s = 0;

	for (int i = 0; i < n; i++)
		s += dg(p[i]) * w[i];
	return s;
}

/* the `width` characters at got must read `want` (zero-padded) */
static IdStatus
expect(const char *got, int width, int want, const char *rule, char *why, size_t sz)
{
	char		w[8];

	snprintf(w, sizeof(w), "%0*d", width, want);
	if (strncmp(got, w, (size_t) width) == 0)
		return ID_OK;
	snprintf(why, sz, "check %s %.*s should be %s (%s)",
			 width == 1 ? "digit" : "digits", width, got, w, rule);
	return ID_CHECK;
}

static IdStatus
bad(IdStatus st, char *why, size_t sz, const char *text)
{
	snprintf(why, sz, "%s", text);
	return st;
}

/* AT: U + 8 digits; C1 + S(2 C2) + C3 + ... + C7 with S the digit sum; C8 = (10 - (sum + 4) mod 10) mod 10 */
static IdStatus
chk_at(const char *p, int n, char *why, size_t sz)
{
	int			s = 0;

	(void) n;
	for (int i = 1; i < 8; i++)
	{
		int			v = dg(p[i]) * (i % 2 == 0 ? 2 : 1);

		s += v / 10 + v % 10;
	}
	return expect(p + 8, 1, (10 - (s + 4) % 10) % 10, "Luhn variant", why, sz);
}

/* BE: 10 digits, C1 is 0 or 1; C9C10 = 97 - (C1..C8 mod 97) */
static IdStatus
chk_be(const char *p, int n, char *why, size_t sz)
{
	long		v = 0;

	(void) n;
	if (p[0] > '1')
		return bad(ID_FORMAT, why, sz, "the first digit must be 0 or 1");
	for (int i = 0; i < 8; i++)
		v = v * 10 + dg(p[i]);
	return expect(p + 8, 2, 97 - (int) (v % 97), "97 - first 8 digits mod 97", why, sz);
}

/* BG, 9 digits: weights 1..8 mod 11, if 10 weights 3..10 mod 11, if 10 again 0; 10 digits: shape only */
static IdStatus
chk_bg(const char *p, int n, char *why, size_t sz)
{
	static const int w1[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	static const int w2[8] = {3, 4, 5, 6, 7, 8, 9, 10};
	int			c;

	if (n == 10)
		return ID_OK;
	c = wsum(p, w1, 8) % 11;
	if (c == 10)
		c = wsum(p, w2, 8) % 11 % 10;
	return expect(p + 8, 1, c, "weights 1 to 8, mod 11", why, sz);
}

/* CY: 8 digits + letter, C1 in 0 1 3 4 5 9; odd positions recoded, sum mod 26 gives the letter */
static IdStatus
chk_cy(const char *p, int n, char *why, size_t sz)
{
	static const int odd[10] = {1, 0, 5, 7, 9, 13, 15, 17, 19, 21};
	int			s = 0;
	char		w[2];

	(void) n;
	if (strchr("013459", p[0]) == NULL)
		return bad(ID_FORMAT, why, sz, "the first digit must be 0, 1, 3, 4, 5 or 9");
	for (int i = 0; i < 8; i++)
		s += i % 2 == 0 ? odd[dg(p[i])] : dg(p[i]);
	w[0] = (char) ('A' + s % 26);
	w[1] = '\0';
	if (p[8] == w[0])
		return ID_OK;
	snprintf(why, sz, "check letter %c should be %s", p[8], w);
	return ID_CHECK;
}

/* CZ, 8 digits (legal persons): weights 8..2, C8 = (11 - sum mod 11, 11 when 0) mod 10; 9 or 10: shape only */
static IdStatus
chk_cz(const char *p, int n, char *why, size_t sz)
{
	static const int w[7] = {8, 7, 6, 5, 4, 3, 2};

	if (n != 8)
		return ID_OK;
	return expect(p + 7, 1, (11 - wsum(p, w, 7) % 11) % 10, "weights 8 to 2, mod 11", why, sz);
}

/* ISO 7064 MOD 11,10 over n digits, the last being the check digit (DE, HR) */
static IdStatus
mod11_10(const char *p, int n, char *why, size_t sz)
{
	int			t = 10;

	for (int i = 0; i < n - 1; i++)
	{
		int			s = (dg(p[i]) + t) % 10;

		t = (s == 0 ? 10 : s) * 2 % 11;
	}
	return expect(p + n - 1, 1, (11 - t) % 10, "ISO 7064 MOD 11,10", why, sz);
}

/* DE: 9 digits, C1 not 0; ISO 7064 MOD 11,10 */
static IdStatus
chk_de(const char *p, int n, char *why, size_t sz)
{
	if (p[0] == '0')
		return bad(ID_FORMAT, why, sz, "the first digit must not be 0");
	return mod11_10(p, n, why, sz);
}

/* DK: 8 digits, C1 not 0; weights 2 7 6 5 4 3 2 1, sum a multiple of 11 */
static IdStatus
chk_dk(const char *p, int n, char *why, size_t sz)
{
	static const int w[8] = {2, 7, 6, 5, 4, 3, 2, 1};

	(void) n;
	if (p[0] == '0')
		return bad(ID_FORMAT, why, sz, "the first digit must not be 0");
	if (wsum(p, w, 8) % 11 != 0)
		return bad(ID_CHECK, why, sz, "the weighted sum (weights 2 7 6 5 4 3 2 1) is not a multiple of 11");
	return ID_OK;
}

/* EE: 9 digits starting 10; weights 3 7 1 3 7 1 3 7, C9 = (10 - sum mod 10) mod 10 */
static IdStatus
chk_ee(const char *p, int n, char *why, size_t sz)
{
	static const int w[8] = {3, 7, 1, 3, 7, 1, 3, 7};

	(void) n;
	if (strncmp(p, "10", 2) != 0)
		return bad(ID_FORMAT, why, sz, "the number must start with 10");
	return expect(p + 8, 1, (10 - wsum(p, w, 8) % 10) % 10, "weights 3 7 1, mod 10", why, sz);
}

/* EL: 9 digits; weights 256..2 (powers of 2), C9 = sum mod 11 mod 10 */
static IdStatus
chk_el(const char *p, int n, char *why, size_t sz)
{
	static const int w[8] = {256, 128, 64, 32, 16, 8, 4, 2};

	(void) n;
	return expect(p + 8, 1, wsum(p, w, 8) % 11 % 10, "weights 256 to 2, mod 11", why, sz);
}

/*
 * ES: the NIF (Agencia Tributaria; Real Decreto 1065/2007, and Orden
 * EHA/451/2008 for legal persons): 8 digits + letter (DNI: letter = TRWAGMYFPDXBNJZSQVHLCKE
 * [number mod 23]); X, Y, Z + 7 digits + letter (NIE: X, Y, Z read as 0, 1,
 * 2); K, L, M + 7 digits + letter (the 7 digits mod 23); a legal person's
 * letter + 7 digits + check, the check being c = (10 - (sum of the digits
 * in even positions + digit sums of twice the digits in odd positions) mod
 * 10) mod 10, written as the digit c or the letter JABCDEFGHI[c].
 */
static IdStatus
chk_es(const char *p, int n, char *why, size_t sz)
{
	static const char letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";
	long		v = 0;
	int			s = 0;

	(void) n;
	if ((p[0] >= '0' && p[0] <= '9') || strchr("XYZKLM", p[0]))
	{
		if (p[0] >= 'X')
			v = p[0] - 'X';
		else if (p[0] <= '9')
			v = dg(p[0]);
		for (int i = 1; i < 8; i++)
			v = v * 10 + dg(p[i]);	/* the shape made them digits */
		if (p[8] == letters[v % 23])
			return ID_OK;
		snprintf(why, sz, "check letter %c should be %c (number mod 23)", p[8], letters[v % 23]);
		return ID_CHECK;
	}
	if (strchr("ABCDEFGHJNPQRSUVW", p[0]) == NULL)
		return bad(ID_FORMAT, why, sz, "the first character must be a digit or one of A-H, J-N, P-S, U-Z");
	for (int i = 1; i < 8; i++)
	{
		int			d = dg(p[i]);

		s += i % 2 == 0 ? d : (2 * d) / 10 + (2 * d) % 10;
	}
	s = (10 - s % 10) % 10;
	if (p[8] == '0' + s || p[8] == "JABCDEFGHI"[s])
		return ID_OK;
	snprintf(why, sz, "check character %c should be %c or %c", p[8], '0' + s, "JABCDEFGHI"[s]);
	return ID_CHECK;
}

/* FI: 8 digits; weights 7 9 10 5 8 4 2, r = sum mod 11: 0 gives 0, 1 is never issued, else 11 - r */
static IdStatus
chk_fi(const char *p, int n, char *why, size_t sz)
{
	static const int w[7] = {7, 9, 10, 5, 8, 4, 2};
	int			r = wsum(p, w, 7) % 11;

	(void) n;
	if (r == 1)
		return bad(ID_CHECK, why, sz, "the weighted sum mod 11 is 1, which no number has");
	return expect(p + 7, 1, r == 0 ? 0 : 11 - r, "weights 7 9 10 5 8 4 2, mod 11", why, sz);
}

/*
 * FR: 2 key characters + the SIREN.  A numeric key is checked against the
 * SIREN (identity.c); keys with letters (I and O excluded) follow a rule the
 * DGFiP has not published, so only their shape is checked.  The SIREN must
 * pass its Luhn check, except numbers starting 000: Monaco is in the French
 * VAT territory (convention fiscale franco-monégasque of 18 May 1963) and
 * its businesses' numbers are not SIRENs.
 */
static IdStatus
chk_fr(const char *p, int n, char *why, size_t sz)
{
	char		key[3];

	(void) n;
	if (p[0] == 'I' || p[0] == 'O' || p[1] == 'I' || p[1] == 'O')
		return bad(ID_FORMAT, why, sz, "the key must not contain I or O");
	if (p[0] > '9' || p[1] > '9')
		return ID_OK;
	if (strncmp(p + 2, "000", 3) != 0 && !id_luhn_ok(p + 2, 9))
	{
		snprintf(why, sz, "its SIREN %.9s fails its Luhn check digit", p + 2);
		return ID_CHECK;
	}
	vat_fr_key_of(p + 2, key);
	if (strncmp(p, key, 2) == 0)
		return ID_OK;
	snprintf(why, sz, "key %.2s should be %s ((12 + 3 x (SIREN mod 97)) mod 97)", p, key);
	return ID_CHECK;
}

/* HR: 11 digits (the OIB); ISO 7064 MOD 11,10 */
static IdStatus
chk_hr(const char *p, int n, char *why, size_t sz)
{
	return mod11_10(p, n, why, sz);
}

/* HU: 8 digits; weights 9 7 3 1 9 7 3, C8 = (10 - sum mod 10) mod 10 */
static IdStatus
chk_hu(const char *p, int n, char *why, size_t sz)
{
	static const int w[7] = {9, 7, 3, 1, 9, 7, 3};

	(void) n;
	return expect(p + 7, 1, (10 - wsum(p, w, 7) % 10) % 10, "weights 9 7 3 1, mod 10", why, sz);
}

/*
 * IE: 7 digits + check letter [+ A-I or W], or the old 1 digit, a letter,
 * + or *, 5 digits and the check letter (read as 0, C3..C7, C1).  Weights 8
 * to 2, plus 9 times the second letter (A-I = 1-9, W = 0); the letter is
 * WABCDEFGHIJKLMNOPQRSTUV[sum mod 23].
 */
static IdStatus
chk_ie(const char *p, int n, char *why, size_t sz)
{
	static const int w[7] = {8, 7, 6, 5, 4, 3, 2};
	char		d[7];
	int			s;
	char		c;

	if (p[1] < '0' || p[1] > '9')
	{
		d[0] = '0';
		memcpy(d + 1, p + 2, 5);
		d[6] = p[0];
	}
	else
		memcpy(d, p, 7);
	s = wsum(d, w, 7);
	if (n == 9)
	{
		if (p[8] != 'W' && (p[8] < 'A' || p[8] > 'I'))
			return bad(ID_FORMAT, why, sz, "the second letter must be one of A to I or W");
		s += 9 * (p[8] == 'W' ? 0 : p[8] - 'A' + 1);
	}
	c = "WABCDEFGHIJKLMNOPQRSTUV"[s % 23];
	if (p[7] == c)
		return ID_OK;
	snprintf(why, sz, "check letter %c should be %c (weights 8 to 2, mod 23)", p[7], c);
	return ID_CHECK;
}

/* IT: 11 digits; C8..C10 the office (001-100, 120, 121, 888, 999); Luhn */
static IdStatus
chk_it(const char *p, int n, char *why, size_t sz)
{
	int			office = dg(p[7]) * 100 + dg(p[8]) * 10 + dg(p[9]);

	(void) n;
	if (office == 0 || (office > 100 && office != 120 && office != 121 && office != 888 && office != 999))
		return bad(ID_FORMAT, why, sz, "digits 8 to 10 must be an office code: 001 to 100, 120, 121, 888 or 999");
	if (!id_luhn_ok(p, 11))
		return bad(ID_CHECK, why, sz, "the check digit does not match (Luhn formula)");
	return ID_OK;
}

/*
 * LT: 9 digits with C8 = 1 (legal persons) or 12 with C11 = 1 (temporary
 * registrations); weights 1 2 ... 9 1 2, sum mod 11; 10 gives a second
 * round with the weights shifted by 2, where 10 gives 0.
 */
static IdStatus
chk_lt(const char *p, int n, char *why, size_t sz)
{
	int			s1 = 0,
				s2 = 0;

	if (p[n - 2] != '1')
		return bad(ID_FORMAT, why, sz, n == 9 ? "the 8th digit must be 1" : "the 11th digit must be 1");
	for (int i = 0; i < n - 1; i++)
	{
		s1 += dg(p[i]) * (1 + i % 9);
		s2 += dg(p[i]) * (1 + (i + 2) % 9);
	}
	return expect(p + n - 1, 1, s1 % 11 != 10 ? s1 % 11 : s2 % 11 % 10, "weights 1 to 9, mod 11", why, sz);
}

/* LU: 8 digits; C7C8 = C1..C6 mod 89 */
static IdStatus
chk_lu(const char *p, int n, char *why, size_t sz)
{
	long		v = 0;

	(void) n;
	for (int i = 0; i < 6; i++)
		v = v * 10 + dg(p[i]);
	return expect(p + 6, 2, (int) (v % 89), "first 6 digits mod 89", why, sz);
}

/*
 * LV: 11 digits.  Legal persons (C1 > 3): weights 9 1 4 8 3 10 2 5 7 6,
 * C11 = 3 - sum mod 11, plus 11 when below -1 (-1 is never issued).
 * Natural persons (C1 <= 3, personal codes): shape only.
 */
static IdStatus
chk_lv(const char *p, int n, char *why, size_t sz)
{
	static const int w[10] = {9, 1, 4, 8, 3, 10, 2, 5, 7, 6};
	int			c;

	(void) n;
	if (p[0] <= '3')
		return ID_OK;
	c = 3 - wsum(p, w, 10) % 11;
	if (c < -1)
		c += 11;
	if (c == -1)
		return bad(ID_CHECK, why, sz, "the weighted sum gives no check digit (never issued)");
	return expect(p + 10, 1, c, "weights 9 1 4 8 3 10 2 5 7 6, mod 11", why, sz);
}

/* MT: 8 digits, C1 not 0; weights 3 4 6 7 8 9, C7C8 = 37 - sum mod 37 */
static IdStatus
chk_mt(const char *p, int n, char *why, size_t sz)
{
	static const int w[6] = {3, 4, 6, 7, 8, 9};

	(void) n;
	if (p[0] == '0')
		return bad(ID_FORMAT, why, sz, "the first digit must not be 0");
	return expect(p + 6, 2, 37 - wsum(p, w, 6) % 37, "weights 3 4 6 7 8 9, mod 37", why, sz);
}

/*
 * NL: 9 digits, B, 2 digits.  Numbers of legal persons (and sole traders'
 * before 2020) pass the 11-test: weights 9..2 then -1, sum a multiple of
 * 11.  Sole traders' btw-id since 1 January 2020 (Belastingdienst) instead
 * pass ISO 7064 MOD 97-10 over "NL" and the number, letters read A = 10 ...
 * Z = 35 (the Belastingdienst's example NL000099998B57).  Either is valid.
 */
static IdStatus
chk_nl(const char *p, int n, char *why, size_t sz)
{
	static const int w[8] = {9, 8, 7, 6, 5, 4, 3, 2};
	char		all[16];
	int			m = 0;

	(void) n;
	if ((wsum(p, w, 8) - dg(p[8])) % 11 == 0)
		return ID_OK;
	snprintf(all, sizeof(all), "NL%.12s", p);
	for (const char *c = all; *c; c++)
		m = *c <= '9' ? (m * 10 + dg(*c)) % 97 : (m * 100 + (*c - 'A' + 10)) % 97;
	if (m == 1)
		return ID_OK;
	return bad(ID_CHECK, why, sz, "the number passes neither the 11-test nor MOD 97-10");
}

/* PL: 10 digits; weights 6 5 7 2 3 4 5 6 7, C10 = sum mod 11 (10 never issued) */
static IdStatus
chk_pl(const char *p, int n, char *why, size_t sz)
{
	static const int w[9] = {6, 5, 7, 2, 3, 4, 5, 6, 7};
	int			c = wsum(p, w, 9) % 11;

	(void) n;
	if (c == 10)
		return bad(ID_CHECK, why, sz, "the weighted sum mod 11 is 10, which no number has");
	return expect(p + 9, 1, c, "weights 6 5 7 2 3 4 5 6 7, mod 11", why, sz);
}

/* PT: 9 digits, C1 not 0; weights 9..2, C9 = 11 - sum mod 11, 0 for 10 and 11 */
static IdStatus
chk_pt(const char *p, int n, char *why, size_t sz)
{
	static const int w[8] = {9, 8, 7, 6, 5, 4, 3, 2};
	int			c = 11 - wsum(p, w, 8) % 11;

	(void) n;
	if (p[0] == '0')
		return bad(ID_FORMAT, why, sz, "the first digit must not be 0");
	return expect(p + 8, 1, c >= 10 ? 0 : c, "weights 9 to 2, mod 11", why, sz);
}

/* RO: 2 to 10 digits, C1 not 0; right-aligned weights 7 5 3 2 1 7 5 3 2, check = 10 x sum mod 11, 10 gives 0 */
static IdStatus
chk_ro(const char *p, int n, char *why, size_t sz)
{
	static const int w[9] = {7, 5, 3, 2, 1, 7, 5, 3, 2};
	int			s = 0;

	if (p[0] == '0')
		return bad(ID_FORMAT, why, sz, "the first digit must not be 0");
	for (int i = 0; i < n - 1; i++)
		s += dg(p[i]) * w[9 - (n - 1) + i];
	return expect(p + n - 1, 1, s * 10 % 11 % 10, "weights 7 5 3 2 1, mod 11", why, sz);
}

/* SE: 12 digits, the organisation number (Luhn over 10 digits) then 01 to 94 */
static IdStatus
chk_se(const char *p, int n, char *why, size_t sz)
{
	int			suffix = dg(p[10]) * 10 + dg(p[11]);

	(void) n;
	if (suffix < 1 || suffix > 94)
		return bad(ID_FORMAT, why, sz, "the last two digits must be 01 to 94");
	if (!id_luhn_ok(p, 10))
		return bad(ID_CHECK, why, sz, "the 10th digit does not match (Luhn formula)");
	return ID_OK;
}

/* SI: 8 digits, C1 not 0; weights 8..2, C8 = 11 - sum mod 11, 10 gives 0, 11 never issued */
static IdStatus
chk_si(const char *p, int n, char *why, size_t sz)
{
	static const int w[7] = {8, 7, 6, 5, 4, 3, 2};
	int			c = 11 - wsum(p, w, 7) % 11;

	(void) n;
	if (p[0] == '0')
		return bad(ID_FORMAT, why, sz, "the first digit must not be 0");
	if (c == 11)
		return bad(ID_CHECK, why, sz, "the weighted sum is a multiple of 11, which no number has");
	return expect(p + 7, 1, c % 10, "weights 8 to 2, mod 11", why, sz);
}

/* SK: 10 digits, C1 not 0, C3 in 2 3 4 7 8 9; the number is a multiple of 11 */
static IdStatus
chk_sk(const char *p, int n, char *why, size_t sz)
{
	int			m = 0;

	(void) n;
	if (p[0] == '0' || strchr("234789", p[2]) == NULL)
		return bad(ID_FORMAT, why, sz, "the first digit must not be 0 and the third must be 2, 3, 4, 7, 8 or 9");
	for (int i = 0; i < 10; i++)
		m = (m * 10 + dg(p[i])) % 11;
	if (m != 0)
		return bad(ID_CHECK, why, sz, "the number is not a multiple of 11");
	return ID_OK;
}

#define ALL_RO "99|999|9999|99999|999999|9999999|99999999|999999999|9999999999"

static const VatRule rules[] = {
	{"AT", "Austria", "U99999999", "check digit", chk_at},
	{"BE", "Belgium", "9999999999", "check digits (mod 97)", chk_be},
	{"BG", "Bulgaria", "999999999|9999999999", "check digit of 9-digit numbers; 10 digits (persons): format only", chk_bg},
	{"CY", "Cyprus", "99999999A", "check letter", chk_cy},
	{"CZ", "Czechia", "99999999|999999999|9999999999", "check digit of 8-digit numbers; 9 and 10 digits (persons): format only", chk_cz},
	{"DE", "Germany", "999999999", "check digit (ISO 7064 MOD 11,10)", chk_de},
	{"DK", "Denmark", "99999999", "check digit (mod 11)", chk_dk},
	{"EE", "Estonia", "999999999", "check digit", chk_ee},
	{"EL", "Greece", "999999999", "check digit (mod 11)", chk_el},
	{"ES", "Spain", "X9999999X", "check character (NIF, NIE and legal persons)", chk_es},
	{"FI", "Finland", "99999999", "check digit (mod 11)", chk_fi},
	{"FR", "France", "XX999999999", "numeric key against the SIREN and the SIREN's Luhn digit; keys with letters: format only", chk_fr},
	{"HR", "Croatia", "99999999999", "check digit (ISO 7064 MOD 11,10)", chk_hr},
	{"HU", "Hungary", "99999999", "check digit", chk_hu},
	{"IE", "Ireland", "9999999A|9999999AA|9S99999A", "check letter (mod 23)", chk_ie},
	{"IT", "Italy", "99999999999", "office code and check digit (Luhn)", chk_it},
	{"LT", "Lithuania", "999999999|999999999999", "check digit (mod 11)", chk_lt},
	{"LU", "Luxembourg", "99999999", "check digits (mod 89)", chk_lu},
	{"LV", "Latvia", "99999999999", "check digit of legal persons; personal codes (first digit 0 to 3): format only", chk_lv},
	{"MT", "Malta", "99999999", "check digits (mod 37)", chk_mt},
	{"NL", "Netherlands", "999999999B99", "11-test or MOD 97-10 (btw-id since 2020)", chk_nl},
	{"PL", "Poland", "9999999999", "check digit (mod 11)", chk_pl},
	{"PT", "Portugal", "999999999", "check digit (mod 11)", chk_pt},
	{"RO", "Romania", ALL_RO, "check digit (mod 11)", chk_ro},
	{"SE", "Sweden", "999999999999", "check digit (Luhn) and suffix", chk_se},
	{"SI", "Slovenia", "99999999", "check digit (mod 11)", chk_si},
	{"SK", "Slovakia", "9999999999", "mod 11", chk_sk},
};

#define NRULES ((int) (sizeof(rules) / sizeof(rules[0])))

const VatRule *
vat_rule(const char *code)
{
	for (int i = 0; i < NRULES; i++)
		if (strcmp(rules[i].code, code) == 0)
			return &rules[i];
	return NULL;
}

int
vat_rule_count(void)
{
	return NRULES;
}

const VatRule *
vat_rule_at(int i)
{
	return i >= 0 && i < NRULES ? &rules[i] : NULL;
}
