/*
 * fuzz_names.c
 *		libFuzzer target for the word parsers of the pure-C core: invoice
 *		status words (src/dunning.c), interest settings (src/interest.c) and
 *		score model names (src/scores.c).
 *
 * dunning_classify_len() is given the fuzzer's buffer itself, which is not
 * NUL-terminated (as a text datum is not), so ASan reports any read past
 * len.  Every answer is compared with a straightforward re-implementation
 * of the documented rule, and the status rule's case-insensitivity and
 * blank trimming are checked by transforming the input.
 */
#include <ctype.h>

#include "fuzz.h"

#include "dunning.h"
#include "interest.h"
#include "scores.h"

/* the documented status rule, written plainly */
static InvoiceClass
expected_class(const char *s, size_t len)
{
	static const char *const closed[] = {"paid", "cancelled", "canceled", "void", "written_off", "credited"};
	static const char *const suspended[] = {"disputed", "on_hold"};
	char		w[64];
	size_t		b = 0,
				e = len;

	while (b < e && s[b] == ' ')
		b++;
	while (e > b && s[e - 1] == ' ')
		e--;
	if (e - b >= sizeof(w))
		return INV_OPEN;
	for (size_t i = b; i < e; i++)
		w[i - b] = (char) tolower((unsigned char) s[i]);
	w[e - b] = '\0';			/* text has no NUL, a C string ends at one */
	for (size_t i = 0; i < sizeof(closed) / sizeof(closed[0]); i++)
		if (strcmp(w, closed[i]) == 0)
			return INV_CLOSED;
	for (size_t i = 0; i < sizeof(suspended) / sizeof(suspended[0]); i++)
		if (strcmp(w, suspended[i]) == 0)
			return INV_SUSPENDED;
	if (strcmp(w, "draft") == 0)
		return INV_IGNORED;
	return INV_OPEN;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fixings[] = {"half_year", "start_half_year", "reference_day"};
	static const char *const day_counts[] = {"act/365", "act/act", "act/360", "30/360"};
	static const char *const models[] = {"z", "z_prime", "z_double_prime", "conan_holder"};
	const char *s = (const char *) data;
	int			len = size > 4096 ? 4096 : (int) size;
	char	   *cstr;
	char	   *padded;
	InvoiceClass c;
	InterestFixing fx;
	DayCount	dc;
	const ScoreModel *m;
	bool		known;

	/* status words: on the raw bytes, then as C strings */
	c = dunning_classify_len(s, len);
	FUZZ_CHECK(c == expected_class(s, len));
	FUZZ_CHECK(strcmp(dunning_class_name(c), "") != 0);
	FUZZ_CHECK(dunning_classify_len(NULL, len) == INV_OPEN);

	cstr = malloc(len + 1);
	memcpy(cstr, s, len);
	cstr[len] = '\0';
	FUZZ_CHECK(dunning_classify(cstr) == expected_class(cstr, strlen(cstr)));

	/* case and surrounding blanks do not matter */
	padded = malloc(len + 3);
	padded[0] = ' ';
	for (int i = 0; i < len; i++)
		padded[i + 1] = (char) toupper((unsigned char) s[i]);
	padded[len + 1] = ' ';
	padded[len + 2] = '\0';
	if (len + 2 < 64 && memchr(s, '\0', len) == NULL)
		FUZZ_CHECK(dunning_classify_len(padded, len + 2) == c);
	free(padded);

	/* settings and model names: exact, known words only */
	known = false;
	for (int i = 0; i < 3; i++)
		if (strcmp(cstr, fixings[i]) == 0)
			known = true;
	FUZZ_CHECK(interest_fixing_from(cstr, &fx) == known);
	if (known)
		FUZZ_CHECK(fx >= FIX_HALF_YEAR && fx <= FIX_REFERENCE_DAY);

	known = false;
	for (int i = 0; i < 4; i++)
		if (strcmp(cstr, day_counts[i]) == 0)
			known = true;
	FUZZ_CHECK(interest_day_count_from(cstr, &dc) == known);
	if (known)
		FUZZ_CHECK(dc >= DC_ACT_365 && dc <= DC_30_360);

	known = false;
	for (int i = 0; i < 4; i++)
		if (strcmp(cstr, models[i]) == 0)
			known = true;
	m = score_model(cstr);
	FUZZ_CHECK((m != NULL) == known);
	if (m)
	{
		FUZZ_CHECK(strcmp(m->name, cstr) == 0);
		FUZZ_CHECK(m->nratios >= 4 && m->nratios <= 5);
		for (int i = 0; i < m->nratios; i++)
			FUZZ_CHECK(m->coef[i] != NULL);
		FUZZ_CHECK(strstr(score_model_names(), m->name) != NULL);
	}
	free(cstr);
	return 0;
}
