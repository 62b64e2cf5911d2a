/*
 * identity.h
 *		Who the customer is: French SIREN and SIRET numbers and EU VAT
 *		identification numbers (parsing, normalisation, check digits).
 *
 * Pure C.  Every check takes the text as typed (not NUL-terminated, any
 * length), drops the separators people write (spaces, dots, dashes),
 * upper-cases letters and fills an IdResult: the canonical form when the
 * number is valid, else which rule failed and a sentence saying why, ready
 * for errdetail/errhint.  Sources are cited in identity.c (SIREN, SIRET, the
 * French VAT key) and identity_vat.c (the other member states).
 */
#ifndef AR_CREDIT_IDENTITY_H
#define AR_CREDIT_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

/* longest canonical form kept: a SIRET has 14 digits, a VAT number 2 + 12 */
#define ID_MAX_LEN 16

typedef enum IdStatus
{
	ID_OK = 0,
	ID_EMPTY,					/* nothing but separators */
	ID_CHARACTER,				/* neither separator, digit nor letter */
	ID_LENGTH,					/* wrong number of significant characters */
	ID_COUNTRY,					/* VAT: not the prefix of an EU member state */
	ID_FORMAT,					/* a letter where a digit belongs, etc. */
	ID_CHECK					/* the check digits do not match */
} IdStatus;

typedef struct IdResult
{
	IdStatus	status;
	char		value[ID_MAX_LEN + 1];	/* canonical form when status == ID_OK */
	char		detail[200];	/* why not, a sentence (errdetail) */
	const char *hint;			/* what to do, a sentence (errhint) */
} IdResult;

/* SIREN: 9 digits, Luhn.  SIRET: 14 digits, Luhn or La Poste's rule. */
extern IdStatus siren_check(const char *s, size_t len, IdResult *r);
extern IdStatus siret_check(const char *s, size_t len, IdResult *r);

/*
 * The two digits of the French VAT key of a SIREN given as 9 digits:
 * (12 + 3 * (SIREN mod 97)) mod 97, written to key[0..2] with a NUL.
 */
extern void vat_fr_key_of(const char *siren9, char key[3]);

/* an EU VAT identification number, prefix included (EL for Greece) */
extern IdStatus vat_check(const char *s, size_t len, IdResult *r);

/* Luhn over n digits, the last being the check digit */
extern bool id_luhn_ok(const char *digits, int n);

/*
 * One member state's VAT number: its prefix, the accepted shapes of the
 * part after the prefix ('9' a digit, 'A' a letter, 'X' a letter or digit,
 * 'S' a letter, '+' or '*', anything else itself; shapes separated by '|')
 * and its check, which sees a part that matches one shape and returns
 * ID_OK, ID_FORMAT or ID_CHECK with a sentence in why.  checked says what
 * the check verifies, "" when only the format is checked.
 */
typedef struct VatRule
{
	char		code[3];
	const char *country;
	const char *shapes;
	const char *checked;
	IdStatus	(*check) (const char *p, int n, char *why, size_t whysz);
} VatRule;

extern const VatRule *vat_rule(const char *code);
extern int	vat_rule_count(void);
extern const VatRule *vat_rule_at(int i);

#endif							/* AR_CREDIT_IDENTITY_H */
