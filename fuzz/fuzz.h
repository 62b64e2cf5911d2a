/*
 * fuzz.h
 *		Helpers shared by the libFuzzer targets (fuzz/fuzz_*.c).
 *
 * FUZZ_CHECK turns a broken invariant into a crash, so libFuzzer saves the
 * input and reports it like any sanitizer finding.  The consumer reads
 * fixed-size values from the front of the input and yields zeros once it is
 * exhausted, so every input, however short, is a valid test case.
 */
#ifndef AR_CREDIT_FUZZ_H
#define AR_CREDIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "invariant failed at %s:%d: %s\n", \
					__FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

typedef struct FuzzInput
{
	const uint8_t *data;
	size_t		size;
	size_t		pos;
} FuzzInput;

static inline uint64_t
fuzz_u64(FuzzInput *in, int nbytes)
{
	uint64_t	v = 0;

	for (int i = 0; i < nbytes; i++)
	{
		uint8_t		b = (in->pos < in->size) ? in->data[in->pos++] : 0;

		v |= (uint64_t) b << (8 * i);
	}
	return v;
}

/* a value in [lo, hi] (hi - lo < 2^63) */
static inline int64_t
fuzz_range(FuzzInput *in, int64_t lo, int64_t hi)
{
	uint64_t	span = (uint64_t) (hi - lo) + 1;

	return lo + (int64_t) (fuzz_u64(in, 8) % span);
}

static inline int
fuzz_byte(FuzzInput *in)
{
	return (int) fuzz_u64(in, 1);
}

#endif							/* AR_CREDIT_FUZZ_H */
