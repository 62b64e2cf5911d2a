/*
 * fuzz_decode.c
 *		libFuzzer target for the stored (binary) form of payment_terms
 *		(terms_decode in src/terms.c).
 *
 * Every function taking a payment_terms decodes the bytes of the datum, so
 * a damaged or hand-made value reaches terms_decode() and then everything
 * downstream.  Arbitrary bytes must be rejected or give a value that the
 * rest of the code handles without a sanitizer report: encoding it again
 * is stable (decode, encode, decode gives the same bytes and an equal
 * value), its text and descriptions fit their buffers, and canonical text
 * that parses is a fixed point of parse and format.
 */
#include "fuzz.h"

#include "dates.h"
#include "terms.h"

/* days a formula can move a date (src/terms_eval.c, formula_reach) */
static int64_t
formula_reach(const TermsFormula *f)
{
	static const int64_t per_unit[] = {0, 1, 7, 31, 92, 366, 6, 30, 91, 365, 31};
	int64_t		r = 0;

	for (int j = 0; j < f->nsteps; j++)
	{
		int64_t		n = f->steps[j].n < 0 ? -(int64_t) f->steps[j].n : f->steps[j].n;

		r += f->steps[j].kind <= TS_ADD_YEARS ? per_unit[f->steps[j].kind] * n :
			per_unit[f->steps[j].kind] + (f->steps[j].kind == TS_DAY_OF_MONTH ? n : 0);
	}
	return r;
}

static int64_t
reach(const Terms *t)
{
	int64_t		best = t->has_discount ? formula_reach(&t->discount) : 0;

	for (int i = 0; i < t->nlines; i++)
		if (formula_reach(&t->lines[i].due) > best)
			best = formula_reach(&t->lines[i].due);
	return best;
}

/*
 * Values whose date sweeps take long: reaching beyond 2 years (the sweep
 * grows with the reach, up to a 400-year cycle) or with more than 32 steps
 * in all (each swept date evaluates every step).  12 lines of 16 month
 * steps take 1.1 s in terms_violations() at -O2, several under ASan.
 */
static bool
heavy(const Terms *t)
{
	int			steps = t->has_discount ? t->discount.nsteps : 0;

	for (int i = 0; i < t->nlines; i++)
		steps += t->lines[i].due.nsteps;
	return steps > 32 || reach(t) > 2 * 365;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regimes[] = {"FR", "FR_PERIODIC", "EU_B2B", "EU_PUBLIC", "FR_PUBLIC", "XX"};
	Terms		t,
				t2,
				t3;
	TermsError	err;
	uint8_t		enc[TERMS_MAX_ENCODED],
				enc2[TERMS_MAX_ENCODED];
	char		text[TERMS_TEXT_BUFSIZE],
				text2[TERMS_TEXT_BUFSIZE];
	int			n,
				n2;
	int64_t		due;
	uint8_t    *copy;
	bool		ok;
	uint64_t	h = 1469598103934665603ULL;

	/* an exact-size copy, so ASan sees any read past the datum */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	ok = terms_decode(copy, (int) size, &t);
	free(copy);
	if (!ok)
		return 0;

	FUZZ_CHECK(t.nlines >= 1 && t.nlines <= TERMS_MAX_LINES);
	n = terms_encode(&t, enc, sizeof(enc));
	FUZZ_CHECK(n > 0 && n <= (int) size);
	FUZZ_CHECK(terms_decode(enc, n, &t2));
	n2 = terms_encode(&t2, enc2, sizeof(enc2));
	FUZZ_CHECK(n2 == n && memcmp(enc, enc2, n) == 0);
	FUZZ_CHECK(terms_compare(&t, &t2) == 0);

	n = terms_format(&t, text, sizeof(text));
	FUZZ_CHECK(n >= 0 && n < (int) sizeof(text) && (int) strlen(text) == n);
	n = terms_describe(&t, TERMS_LANG_EN, text2, sizeof(text2));
	FUZZ_CHECK(n == -1 || (n < (int) sizeof(text2) && (int) strlen(text2) == n));
	n = terms_describe(&t, TERMS_LANG_FR, text2, sizeof(text2));
	FUZZ_CHECK(n == -1 || (n < (int) sizeof(text2) && (int) strlen(text2) == n));

	/* evaluation at the ends of the range reports, never overflows */
	terms_due_date(&t, ARD_MIN_DATE, &due);
	terms_due_date(&t, ARD_MAX_DATE, &due);
	terms_due_date(&t, 0, &due);
	if (t.has_discount)
		terms_eval(&t.discount, ARD_MAX_DATE, &due);

	/*
	 * Canonical text of a value that parses is a fixed point.  Parsing
	 * sweeps 4 to 28 years of invoice dates and as many more as the formula
	 * reaches days (up to a 400-year cycle), which decoded values with many
	 * long steps make slow, so it runs for one input in 4, and for heavy
	 * values (below) one in 1024 (a hash of the input decides), to keep the
	 * target fast; fuzz_terms.c checks the parser itself.
	 */
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	if ((h % 1024 == 0 || (h % 4 == 0 && !heavy(&t))) &&
		terms_parse(text, &t3, &err))
	{
		terms_format(&t3, text2, sizeof(text2));
		FUZZ_CHECK(terms_parse(text2, &t2, &err));
		FUZZ_CHECK(terms_compare(&t2, &t3) == 0);
	}

	/*
	 * The legal checks sweep years of invoice dates, so they run for one
	 * input in eight (bits 1-3 of the flags byte, which the decoder ignores;
	 * for heavy values one in 8192) to keep the target fast; bits 4-6 choose
	 * the regime.
	 */
	if ((data[2] & 14) == 14 && (!heavy(&t) || (h >> 10) % 1024 == 0))
	{
		char		msgs[4][256];

		n = terms_violations(&t, regimes[((data[2] >> 4) & 7) % 6], msgs, 4);
		FUZZ_CHECK(n >= -1 && n <= 4);
	}
	return 0;
}
