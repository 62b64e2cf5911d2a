/*
 * unit.h
 *		A tiny TAP producer for the pure-C unit tests (no PostgreSQL needed).
 */
#ifndef AR_CREDIT_UNIT_H
#define AR_CREDIT_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	unit_n = 0;
static int	unit_failed = 0;

#define UNIT_OK(cond, ...) \
	do { \
		unit_n++; \
		if (cond) printf("ok %d - ", unit_n); \
		else { unit_failed++; printf("not ok %d - ", unit_n); } \
		printf(__VA_ARGS__); \
		printf("\n"); \
		if (!(cond)) printf("#   failed at %s:%d\n", __FILE__, __LINE__); \
	} while (0)

#define UNIT_IS_INT(got, want, ...) \
	do { \
		long long g_ = (long long) (got), w_ = (long long) (want); \
		UNIT_OK(g_ == w_, __VA_ARGS__); \
		if (g_ != w_) printf("#   got %lld, want %lld\n", g_, w_); \
	} while (0)

#define UNIT_IS_STR(got, want, ...) \
	do { \
		const char *g_ = (got), *w_ = (want); \
		UNIT_OK(strcmp(g_, w_) == 0, __VA_ARGS__); \
		if (strcmp(g_, w_) != 0) printf("#   got \"%s\", want \"%s\"\n", g_, w_); \
	} while (0)

static inline int
unit_done(void)
{
	printf("1..%d\n", unit_n);
	if (unit_failed)
		printf("# %d of %d failed\n", unit_failed, unit_n);
	return unit_failed ? 1 : 0;
}

#endif
