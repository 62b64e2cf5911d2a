/*
 * mapping_sql.h
 *		Mapping expressions of tracked tables (SPEC section 7): a column name
 *		or an SQL expression over a table's row, validated, and written back
 *		as canonical text that names everything schema-qualified.
 */
#ifndef AR_CREDIT_MAPPING_SQL_H
#define AR_CREDIT_MAPPING_SQL_H

#include "postgres.h"
#include "nodes/pg_list.h"

/* what a mapping must yield */
typedef enum MappingWant
{
	MAP_KEY,					/* any type with an equality operator */
	MAP_DATE,					/* date, timestamp, timestamptz or a domain over them */
	MAP_AMOUNT,					/* numeric, an integer type or money */
	MAP_TEXT,					/* anything: read as its text form */
	MAP_BOOL					/* boolean (the row filter) */
} MappingWant;

/*
 * Parses and analyses expr as one expression over relid's row (columns
 * unqualified or qualified by the table's name), with the given search_path
 * (NULL: the current one); checks it is one expression, not volatile, with
 * no aggregate, window or set-returning function, of the type want asks
 * for, and that owner may read every other table it names.  Errors name
 * param.  Returns the analysed expression; *type gets its type.
 */
extern Node *ar_mapping_analyze(Oid relid, const char *param, const char *expr, MappingWant want,
								const char *search_path, Oid owner, Oid *type);

/* the expression as text, columns by their current names, other objects qualified */
extern char *ar_mapping_deparse(Oid relid, Node *expr);

extern MappingWant ar_mapping_want(const char *name);

#endif							/* AR_CREDIT_MAPPING_SQL_H */
