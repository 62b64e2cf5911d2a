/*
 * receivable.h
 *		Rules of the receivables mirror (SPEC section 7): what a tracked item
 *		is (open, disputed, a credit, paid, closed otherwise, not a
 *		receivable) from its status word, open amount and due date; and the
 *		minor units of currencies (ISO 4217).  Pure C.
 */
#ifndef AR_CREDIT_RECEIVABLE_H
#define AR_CREDIT_RECEIVABLE_H

#include <stdbool.h>

/* what a status word says, before the amount and the due date are looked at */
typedef enum StatusKind
{
	STATUS_OPEN,				/* open, issued, sent, unpaid, ... and unknown words */
	STATUS_SUSPENDED,			/* disputed, on_hold, suspended */
	STATUS_PAID,				/* paid */
	STATUS_CANCELLED,			/* cancelled, canceled, void, written_off, credited */
	STATUS_CLOSED,				/* closed: paid when nothing is left to pay */
	STATUS_IGNORED				/* draft, ignored */
} StatusKind;

/* the class of a receivable item, as ar_credit.receivable.class stores it */
typedef enum ItemClass
{
	ITEM_OPEN,					/* to be dunned */
	ITEM_SUSPENDED,				/* disputed or on hold: owed, not dunned for now */
	ITEM_CREDIT,				/* open amount below zero: never dunned, nets balances */
	ITEM_PAID,					/* closed by payment */
	ITEM_CLOSED,				/* closed otherwise: cancelled, void, written off */
	ITEM_IGNORED				/* not a receivable yet: draft, no due date */
} ItemClass;

#define ITEM_NCLASSES 6

/* a status word of len bytes (case-insensitive, blanks around ignored) */
extern StatusKind receivable_status_kind(const char *word, int len);

/*
 * The class of an item: kind of its status word, sign of its open amount
 * (has_amount false for NULL), whether it has a usable due date (not NULL,
 * not infinity).  Rules, in order: draft is ignored; paid is paid;
 * cancelled words are closed; no amount closes; zero is paid; below zero is
 * a credit; generic "closed" with something left is closed; no due date is
 * not yet a receivable; then disputed or open.
 */
extern ItemClass receivable_class(StatusKind kind, bool has_amount, int amount_sign, bool has_due);
extern const char *receivable_class_name(ItemClass c);
/* the class named name (len bytes), or -1 */
extern int	receivable_class_from_name(const char *name, int len);

/* is word (len bytes) a class name or a word of the status vocabulary? */
extern bool receivable_known_word(const char *word, int len);

/*
 * Decimal places of a currency's minor unit (ISO 4217): 0 for JPY, 3 for
 * KWD, 2 for EUR and for codes it does not know.  code: len bytes,
 * case-insensitive, blanks around ignored.
 */
extern int	receivable_currency_exponent(const char *code, int len);

#endif							/* AR_CREDIT_RECEIVABLE_H */
