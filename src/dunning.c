/*
 * dunning.c
 *		Dunning rules (see dunning.h).
 *
 * The rule follows good practice as the ERPs implement it (reference notes on
 * Tryton, OCA credit-control, Odoo follow-ups, Business Central): reminders
 * before the due date only while they are still ahead, then one level at a
 * time after it, never two reminders closer than a minimum gap.
 */
#include "dunning.h"

#include <ctype.h>
#include <string.h>

static bool
word_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char) *a) != tolower((unsigned char) *b))
			return false;
	return *a == '\0' && *b == '\0';
}

InvoiceClass
dunning_classify(const char *status)
{
	if (status == NULL)
		return INV_OPEN;
	return dunning_classify_len(status, (int) strlen(status));
}

InvoiceClass
dunning_classify_len(const char *status, int len)
{
	static const char *const closed[] = {"paid", "cancelled", "canceled", "void", "written_off", "credited"};
	static const char *const suspended[] = {"disputed", "on_hold"};
	char		buf[64];

	if (status == NULL)
		return INV_OPEN;
	/* ignore surrounding blanks: "Paid " is paid */
	while (len > 0 && *status == ' ')
	{
		status++;
		len--;
	}
	while (len > 0 && status[len - 1] == ' ')
		len--;
	if (len >= (int) sizeof(buf))
		return INV_OPEN;		/* longer than any status word: unknown */
	memcpy(buf, status, len);
	buf[len] = '\0';

	for (int i = 0; i < (int) (sizeof(closed) / sizeof(closed[0])); i++)
		if (word_eq(buf, closed[i]))
			return INV_CLOSED;
	for (int i = 0; i < (int) (sizeof(suspended) / sizeof(suspended[0])); i++)
		if (word_eq(buf, suspended[i]))
			return INV_SUSPENDED;
	if (word_eq(buf, "draft"))
		return INV_IGNORED;
	/* open, issued, sent, unpaid, partially_paid, overdue and anything else */
	return INV_OPEN;
}

const char *
dunning_class_name(InvoiceClass c)
{
	switch (c)
	{
		case INV_OPEN:
			return "open";
		case INV_CLOSED:
			return "closed";
		case INV_SUSPENDED:
			return "suspended";
		case INV_IGNORED:
			return "ignored";
	}
	return "open";
}

bool
dunning_next(const DunningStep *steps, int nsteps, int64_t due, int64_t as_of,
			 int last_level, bool has_last_sent, int64_t last_sent, int min_gap_days,
			 bool has_amount, double amount, NextReminder *out)
{
	for (int i = 0; i < nsteps; i++)
	{
		const DunningStep *s = &steps[i];
		int64_t		on = due + s->offset_days;

		if (s->level <= last_level)
			continue;
		if (has_amount && amount < s->min_amount)
			continue;
		/* a courtesy reminder for a date already passed makes no sense */
		if (s->offset_days < 0 && on < as_of)
			continue;
		if (on < as_of)
			on = as_of;
		if (has_last_sent && on < last_sent + min_gap_days)
			on = last_sent + min_gap_days;
		out->step = i;
		out->remind_on = on;
		return true;
	}
	return false;
}

/*
 * A 90-day-late invoice seen for the first time (a ledger tracked after the
 * fact, an import, an invoice posted late) is not sent a courteous first
 * reminder: it starts where an invoice reminded on time would be by now.
 */
int
dunning_catch_up(const DunningStep *steps, int nsteps, int64_t due, int64_t as_of,
				 bool has_amount, double amount)
{
	int			from = 0;

	for (int i = 0; i < nsteps; i++)
	{
		const DunningStep *s = &steps[i];

		if (!s->catch_up || s->offset_days < 0 || due + s->offset_days > as_of)
			continue;
		if (has_amount && amount < s->min_amount)
			continue;
		from = i > 0 ? steps[i - 1].level : 0;
	}
	return from;
}
