/*
 * compat.h
 *		Version shims so the glue compiles from PostgreSQL 13 to 18.
 */
#ifndef AR_CREDIT_COMPAT_H
#define AR_CREDIT_COMPAT_H

#include "postgres.h"

#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * Soft input errors (pg_input_is_valid) arrived in PostgreSQL 16.  Before
 * that, ereturn() is simply ereport(ERROR) followed by an unreachable return.
 */
#if PG_VERSION_NUM < 160000
#define ereturn(context, dummy_value, ...) \
	do { \
		ereport(ERROR, __VA_ARGS__); \
		return dummy_value; \
	} while (0)
#endif

/*
 * PostgreSQL 18 replaced pg_attribute_noreturn() (a suffix) by pg_noreturn
 * (C11 _Noreturn, written first); GCC and Clang take the older attribute
 * first too.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

#endif							/* AR_CREDIT_COMPAT_H */
