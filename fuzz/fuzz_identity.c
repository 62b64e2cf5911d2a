/*
 * fuzz_identity.c
 *		libFuzzer target for SIREN, SIRET and EU VAT numbers (src/identity.c,
 *		src/identity_vat.c).
 *
 * The input is handed over as an exact-size copy, not NUL-terminated (as a
 * text datum is not), so ASan reports any read past its length.  For each
 * of the three checks: the status is one of IdStatus; a failure fills a
 * NUL-terminated detail and a hint and leaves no value; a success gives a
 * canonical value (digits, capitals, '+' or '*', of the right length) that
 * checks again to itself.  Lower-casing the input and putting a dash after
 * every byte changes nothing but positions.  SIREN validity is compared
 * with a plain re-implementation (9 digits, not all zeros, Luhn); a valid
 * SIRET starts with a valid SIREN; a valid SIREN with its computed key is
 * a valid French VAT number, and a valid FR number with a numeric key has
 * the key of its digits.
 */
#include "fuzz.h"

#include "identity.h"

typedef IdStatus (*CheckFn) (const char *s, size_t len, IdResult *r);

static bool
plain_siren(const uint8_t *d, size_t n)
{
	char		dig[9];
	int			k = 0,
				sum = 0;
	bool		zeros = true;

	for (size_t i = 0; i < n; i++)
	{
		if (d[i] == ' ' || d[i] == '.' || d[i] == '-')
			continue;
		if (d[i] < '0' || d[i] > '9' || k == 9)
			return false;
		dig[k++] = (char) d[i];
	}
	if (k != 9)
		return false;
	for (int i = 0; i < 9; i++)
	{
		int			v = dig[8 - i] - '0';

		zeros = zeros && v == 0;
		sum += i % 2 ? (v * 2 > 9 ? v * 2 - 9 : v * 2) : v;
	}
	return !zeros && sum % 10 == 0;
}

static void
check_result(const IdResult *r, IdStatus st, int minlen, int maxlen)
{
	FUZZ_CHECK(st == r->status && st >= ID_OK && st <= ID_CHECK);
	FUZZ_CHECK(memchr(r->detail, '\0', sizeof(r->detail)) != NULL);
	if (st != ID_OK)
	{
		FUZZ_CHECK(r->detail[0] != '\0' && r->hint != NULL && r->value[0] == '\0');
		return;
	}
	FUZZ_CHECK((int) strlen(r->value) >= minlen && (int) strlen(r->value) <= maxlen);
	for (const char *c = r->value; *c; c++)
		FUZZ_CHECK((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || *c == '+' || *c == '*');
}

/* run fn on the input, its canonical value and a lower-cased, dashed copy */
static IdStatus
run(CheckFn fn, const uint8_t *data, size_t size, int minlen, int maxlen, IdResult *r)
{
	char	   *copy = malloc(size ? size : 1);
	char	   *dashed = malloc(2 * size + 1);
	IdResult	again;
	IdStatus	st,
				st2;

	memcpy(copy, data, size);
	st = fn(copy, size, r);
	check_result(r, st, minlen, maxlen);
	for (size_t i = 0; i < size; i++)
	{
		dashed[2 * i] = (char) (data[i] >= 'A' && data[i] <= 'Z' ? data[i] + 32 : data[i]);
		dashed[2 * i + 1] = '-';
	}
	st2 = fn(dashed, 2 * size, &again);
	FUZZ_CHECK(st2 == st);
	FUZZ_CHECK(st != ID_OK || strcmp(again.value, r->value) == 0);
	if (st == ID_OK)
	{
		size_t		n = strlen(r->value);

		memcpy(copy, r->value, n);	/* n <= size: separators only go */
		FUZZ_CHECK(fn(copy, n, &again) == ID_OK && strcmp(again.value, r->value) == 0);
	}
	free(copy);
	free(dashed);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	IdResult	siren,
				siret,
				vat,
				r;
	char		key[3],
				fr[14];

	if (size > 4096)
		return 0;
	FUZZ_CHECK((run(siren_check, data, size, 9, 9, &siren) == ID_OK) == plain_siren(data, size));
	if (run(siret_check, data, size, 14, 14, &siret) == ID_OK)
		FUZZ_CHECK(siren_check(siret.value, 9, &r) == ID_OK);
	if (siren.status == ID_OK)
	{
		vat_fr_key_of(siren.value, key);
		snprintf(fr, sizeof(fr), "FR%s%s", key, siren.value);
		FUZZ_CHECK(vat_check(fr, 13, &r) == ID_OK);
	}
	if (run(vat_check, data, size, 4, ID_MAX_LEN, &vat) == ID_OK)
	{
		FUZZ_CHECK(vat_rule((char[3]) {vat.value[0], vat.value[1], '\0'}) != NULL);
		if (strncmp(vat.value, "FR", 2) == 0 && vat.value[2] <= '9' && vat.value[3] <= '9')
		{
			vat_fr_key_of(vat.value + 4, key);
			FUZZ_CHECK(strncmp(vat.value + 2, key, 2) == 0);
		}
	}
	return 0;
}
