/*
 * fuzz_terms.c
 *		libFuzzer target for the payment-terms parser (src/terms.c).
 *
 * Besides "never crash", it checks the properties the SQL type relies on:
 * canonical text and both descriptions parse back to the same value, the
 * binary form decodes to the same value, and evaluation stays in range
 * checks.  Build and run: make fuzz FUZZ_RUNS=1000000
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "terms.h"

static void
same_or_die(const Terms *a, const char *text)
{
	Terms		b;
	TermsError	err;
	uint8_t		ea[TERMS_MAX_ENCODED],
				eb[TERMS_MAX_ENCODED];
	int			na,
				nb;

	if (!terms_parse(text, &b, &err))
		abort();				/* our own output must parse */
	na = terms_encode(a, ea, sizeof(ea));
	nb = terms_encode(&b, eb, sizeof(eb));
	if (na != nb || memcmp(ea, eb, na) != 0)
		abort();				/* ... to the same value */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		input[TERMS_MAX_INPUT + 64];
	char		text[TERMS_TEXT_BUFSIZE];
	Terms		t,
				back;
	TermsError	err;
	uint8_t		enc[TERMS_MAX_ENCODED];
	int			n;
	int64_t		due;

	if (size > sizeof(input) - 1)
		size = sizeof(input) - 1;
	memcpy(input, data, size);
	input[size] = '\0';

	if (!terms_parse(input, &t, &err))
	{
		if (err.kind == TERMS_OK || strlen(err.detail) == 0)
			abort();			/* a failure always explains itself */
		return 0;
	}

	terms_format(&t, text, sizeof(text));
	same_or_die(&t, text);
	terms_describe(&t, TERMS_LANG_EN, text, sizeof(text));
	same_or_die(&t, text);
	terms_describe(&t, TERMS_LANG_FR, text, sizeof(text));
	same_or_die(&t, text);

	n = terms_encode(&t, enc, sizeof(enc));
	if (n <= 0 || !terms_decode(enc, n, &back) || terms_compare(&t, &back) != 0)
		abort();

	/* evaluation near the ends of the range reports, never overflows */
	terms_due_date(&t, 0, &due);
	terms_due_date(&t, ARD_MAX_DATE, &due);
	terms_due_date(&t, ARD_MIN_DATE, &due);
	if (terms_due_date(&t, ard_from_ymd(2024, 2, 29), &due) &&
		due - ard_from_ymd(2024, 2, 29) > t.max_days + 366)
		abort();
	return 0;
}
