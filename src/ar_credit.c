/*
 * ar_credit.c
 *		Module entry point: the areas that need GUCs or cache callbacks
 *		register them when the module is loaded.  The helpers the glue files
 *		share are in glue.c.
 */
#include "postgres.h"

#include "fmgr.h"

#include "ar_credit.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	ar_interest_init();
	ar_credit_init();		/* before ar_dunning_init reserves the prefix */
	ar_dunning_init();
}
