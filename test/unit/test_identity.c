/*
 * test_identity.c
 *		Unit tests of SIREN, SIRET and EU VAT numbers (src/identity.c,
 *		src/identity_vat.c).
 *
 * Real numbers come from the registers (SIRENE, VIES) or from the sample of
 * each member state in the Commission's "VIES - VAT number construction
 * rules"; the worked examples below were computed by hand.
 */
#include "unit.h"
#include "identity.h"

static IdStatus
siren(const char *s, IdResult *r)
{
	return siren_check(s, strlen(s), r);
}

static IdStatus
siret(const char *s, IdResult *r)
{
	return siret_check(s, strlen(s), r);
}

static IdStatus
vat(const char *s, IdResult *r)
{
	return vat_check(s, strlen(s), r);
}

/* a valid number and the index (after the prefix) of a check character */
typedef struct Sample
{
	const char *number;
	int			check_at;		/* -1: no check character to alter */
	const char *whose;
} Sample;

static const Sample samples[] = {
	{"ATU13585627", 8, "VIES sample"},
	{"BE0403170701", 9, "VIES-style sample"},
	{"BE0417497106", 9, "Anheuser-Busch InBev"},
	{"BG175074752", 8, "9-digit sample"},
	{"BG1234567892", -1, "10 digits: format only"},
	{"CY00532445O", 8, "VIES sample"},
	{"CZ46505334", 7, "VIES sample"},
	{"CZ991231123", -1, "9 digits: format only"},
	{"DE111111125", 8, "VIES sample"},
	{"DE129274202", 8, "Siemens AG"},
	{"DE143454214", 8, "SAP SE"},
	{"DK88146328", 7, "VIES sample"},
	{"EE100207415", 8, "VIES sample"},
	{"EL040127797", 8, "VIES sample"},
	{"ESA28015865", -1, "Telefonica SA (check digit 5 or letter E)"},
	{"ESA15075062", -1, "Industria de Diseno Textil SA (Inditex)"},
	{"ESA0011012B", -1, "VIES sample (letter B or digit 2)"},
	{"ES12345678Z", 8, "DNI 12345678, letter Z"},
	{"ESX2482300W", 8, "NIE X2482300, letter W"},
	{"FI09853608", 7, "VIES sample"},
	{"FI01120389", 7, "Nokia Oyj"},
	{"FR83404833048", 1, "INSEE's worked example"},
	{"FR59542051180", 1, "TotalEnergies SE"},
	{"FR76662042449", 1, "BNP Paribas"},
	{"FRAB542051180", -1, "alphanumeric key: format only"},
	{"HR33392005961", 10, "MOD 11,10 sample"},
	{"HU21376414", 7, "VIES sample"},
	{"IE6388047V", 7, "Google Ireland Ltd"},
	{"IE8Z49289F", 7, "old style, VIES sample"},
	{"IE3628739UA", 7, "new style with a second letter"},
	{"IT00000010215", 10, "VIES sample"},
	{"IT00905811006", 10, "Eni SpA"},
	{"LT119511515", 8, "9 digits"},
	{"LT210061371310", 11, "12 digits, second round gives 10, so 0"},
	{"LU15027442", 7, "LU sample"},
	{"LV40003521600", 10, "legal person"},
	{"LV01010012345", -1, "personal code: format only"},
	{"MT15121333", 7, "VIES sample"},
	{"NL010000446B01", -1, "11-test"},
	{"NL000099998B57", -1, "Belastingdienst's btw-id example (MOD 97-10)"},
	{"PL8567346215", 9, "VIES sample"},
	{"PL7740001454", 9, "Orlen SA"},
	{"PT500697256", 8, "EDP SA"},
	{"RO18547290", 7, "8 digits"},
	{"RO11198699", 7, "8 digits"},
	{"SE556012579001", 9, "AB Volvo"},
	{"SI15012557", 7, "VIES sample"},
	{"SK4030000007", 9, "VIES sample"},
};

static void
test_siren(void)
{
	IdResult	r;

	/* 7+3+2 + 8+2+9 + 3+2+0 with every second digit doubled: 7 6 2 7 2 9 3 4 0 = 40 */
	UNIT_IS_INT(siren("732829320", &r), ID_OK, "SIREN 732829320 (INSEE's example): Luhn sum 40");
	UNIT_IS_STR(r.value, "732829320", "canonical SIREN");
	UNIT_IS_INT(siren("542 051 180", &r), ID_OK, "SIREN of TotalEnergies with spaces");
	UNIT_IS_STR(r.value, "542051180", "spaces dropped");
	UNIT_IS_INT(siren("552.032-534", &r), ID_OK, "Danone, dots and dashes");
	UNIT_IS_INT(siren("356000000", &r), ID_OK, "La Poste's SIREN passes Luhn");
	UNIT_IS_INT(siren("732829321", &r), ID_CHECK, "last digit changed: check");
	UNIT_IS_INT(siren("723829320", &r), ID_CHECK, "two digits swapped: check");
	UNIT_OK(strstr(r.detail, "723829320") != NULL, "detail names the number: %s", r.detail);
	UNIT_OK(r.hint != NULL && strstr(r.hint, "SIRENE") != NULL, "hint points at the register");
	UNIT_IS_INT(siren("73282932", &r), ID_LENGTH, "8 digits: length");
	UNIT_IS_STR(r.detail, "A SIREN has 9 digits; this one has 8.", "length detail");
	UNIT_IS_INT(siren("7328293200", &r), ID_LENGTH, "10 digits: length");
	UNIT_IS_INT(siren("73282932O", &r), ID_FORMAT, "letter O for zero: format");
	UNIT_IS_STR(r.detail, "Character \"O\" at position 9 is not a digit: a SIREN has digits only.", "format detail");
	UNIT_IS_INT(siren("732_829_320", &r), ID_CHARACTER, "underscore: character");
	UNIT_IS_STR(r.detail, "Character \"_\" at position 4 is neither a digit, a letter nor a separator (space, dot, dash).",
				"character detail names it and its position");
	UNIT_IS_INT(siren("\xc3\xa9" "32829320", &r), ID_CHARACTER, "non-ASCII: character");
	UNIT_IS_STR(r.detail, "The character at position 1 is not a printable ASCII character.", "non-ASCII detail");
	UNIT_IS_INT(siren("", &r), ID_EMPTY, "empty");
	UNIT_IS_INT(siren(" . - ", &r), ID_EMPTY, "separators only");
	UNIT_IS_INT(siren("000000000", &r), ID_FORMAT, "all zeros");
	UNIT_IS_INT(siren_check("732829320999", 9, &r), ID_OK, "reads only len bytes");
}

static void
test_siret(void)
{
	IdResult	r;

	UNIT_IS_INT(siret("73282932000074", &r), ID_OK, "SIRET 732 829 320 00074 (INSEE's example)");
	UNIT_IS_INT(siret("732 829 320 00074", &r), ID_OK, "with spaces");
	UNIT_IS_STR(r.value, "73282932000074", "canonical SIRET");
	UNIT_IS_INT(siret("73282932000075", &r), ID_CHECK, "NIC check digit changed");
	UNIT_IS_INT(siret("73282932100074", &r), ID_CHECK, "SIREN part wrong");
	UNIT_OK(strstr(r.detail, "SIREN 732829321") != NULL, "detail blames the SIREN part: %s", r.detail);
	/* La Poste: 3+5+6+0+9+0+7+5 = 35, a multiple of 5, though Luhn fails */
	UNIT_IS_INT(siret("35600000009075", &r), ID_OK, "La Poste office 356 000 000 09075: digit sum 35");
	UNIT_OK(!id_luhn_ok("35600000009075", 14), "... which fails Luhn");
	/* the head office: digit sum 26, but Luhn passes */
	UNIT_IS_INT(siret("35600000000048", &r), ID_OK, "La Poste head office 356 000 000 00048: Luhn");
	UNIT_IS_INT(siret("35600000009076", &r), ID_CHECK, "La Poste, sum 36: neither rule");
	UNIT_OK(strstr(r.detail, "La Poste") != NULL, "detail names La Poste's rule: %s", r.detail);
	/* the multiple-of-5 rule is La Poste's alone: 73282932000072 sums to 45 */
	UNIT_IS_INT(siret("73282932000072", &r), ID_CHECK, "digit sum 45 elsewhere is no excuse");
	UNIT_IS_INT(siret("7328293200007", &r), ID_LENGTH, "13 digits");
	/* found by fuzz_identity: 000000000 passes Luhn but is no SIREN */
	UNIT_IS_INT(siret("00000000000042", &r), ID_FORMAT, "Regression: a SIRET of SIREN 000000000");
}

static void
test_fr_key(void)
{
	char		key[3];

	/* 404833048 = 97 x 4173536 + 56; (12 + 3 x 56) mod 97 = 180 mod 97 = 83 */
	vat_fr_key_of("404833048", key);
	UNIT_IS_STR(key, "83", "key of 404833048");
	/* 542051180 = 97 x 5588156 + 48; (12 + 144) mod 97 = 59 */
	vat_fr_key_of("542051180", key);
	UNIT_IS_STR(key, "59", "key of TotalEnergies");
	/* 356000000 = 97 x 3670103 + 9; 12 + 27 = 39 */
	vat_fr_key_of("356000000", key);
	UNIT_IS_STR(key, "39", "key of La Poste");
	/* a key below 10 keeps its zero: 855200887 = 97 x 8816503 + 96, (12 + 288) mod 97 = 9 */
	vat_fr_key_of("855200887", key);
	UNIT_IS_STR(key, "09", "key of Michelin, zero-padded");
}

static void
test_vat_samples(void)
{
	IdResult	r;

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
	{
		const Sample *s = &samples[i];
		char		alt[ID_MAX_LEN + 1];
		int			caught = 0,
					tried = 0;

		UNIT_IS_INT(vat(s->number, &r), ID_OK, "%s valid (%s)", s->number, s->whose);
		UNIT_IS_STR(r.value, s->number, "%s is canonical", s->number);
		if (s->check_at < 0)
			continue;
		/* every other value of the check character is caught */
		for (const char *c = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"; *c; c++)
		{
			char		orig = s->number[2 + s->check_at];

			if (*c == orig || ((orig >= '0' && orig <= '9') != (*c >= '0' && *c <= '9')))
				continue;
			strcpy(alt, s->number);
			alt[2 + s->check_at] = *c;
			tried++;
			caught += vat(alt, &r) == ID_CHECK;
		}
		UNIT_IS_INT(caught, tried, "%s: each other check character is a check error", s->number);
	}
}

static void
test_vat_errors(void)
{
	IdResult	r;

	UNIT_IS_INT(vat("fr 59 542.051.180", &r), ID_OK, "lower case and separators");
	UNIT_IS_STR(r.value, "FR59542051180", "canonical VAT number");
	UNIT_IS_INT(vat("FR60542051180", &r), ID_CHECK, "wrong French key");
	UNIT_IS_STR(r.detail, "FR VAT number FR60542051180: key 60 should be 59 ((12 + 3 x (SIREN mod 97)) mod 97).",
				"French key detail");
	UNIT_IS_INT(vat("FR59542051181", &r), ID_CHECK, "French SIREN part fails Luhn");
	UNIT_IS_INT(vat("FR82000512345", &r), ID_OK, "Monaco (000...): key checked, Luhn not");
	UNIT_IS_INT(vat("FR27000512345", &r), ID_CHECK, "Monaco with a wrong key");
	UNIT_IS_INT(vat("FRIO542051180", &r), ID_FORMAT, "key letters I and O are never issued");
	UNIT_IS_INT(vat("GR094014201", &r), ID_COUNTRY, "GR is not Greece's VAT prefix");
	UNIT_IS_STR(r.detail, "Greece's VAT prefix is EL, not GR.", "GR detail");
	UNIT_IS_INT(vat("EL094014201", &r), ID_OK, "EL094014201");
	UNIT_IS_INT(vat("XX123", &r), ID_COUNTRY, "unknown prefix");
	UNIT_IS_INT(vat("GB123456789", &r), ID_COUNTRY, "GB left the EU");
	UNIT_IS_INT(vat("123456789", &r), ID_COUNTRY, "no prefix");
	UNIT_IS_INT(vat("F", &r), ID_COUNTRY, "one letter");
	UNIT_IS_INT(vat("FR", &r), ID_LENGTH, "prefix alone");
	UNIT_IS_INT(vat("DE12345678", &r), ID_LENGTH, "8 digits for DE");
	UNIT_IS_STR(r.detail, "A VAT number of Germany (DE) has 9 characters after the prefix; this one has 8.",
				"length detail");
	UNIT_IS_INT(vat("CZ1234567", &r), ID_LENGTH, "7 digits for CZ");
	UNIT_OK(strstr(r.detail, "has 8, 9 or 10 characters") != NULL, "lists the lengths: %s", r.detail);
	UNIT_IS_INT(vat("DE1111111250000000000000", &r), ID_LENGTH, "far too long");
	UNIT_OK(strstr(r.detail, "this one has 22") != NULL, "counts every character: %s", r.detail);
	UNIT_IS_INT(vat("NL000099998X57", &r), ID_FORMAT, "NL without B");
	UNIT_IS_STR(r.detail, "Character \"X\" at position 12 should be \"B\" (NL format 999999999B99).", "format detail");
	UNIT_IS_INT(vat("ATX13585627", &r), ID_FORMAT, "AT without U");
	UNIT_IS_INT(vat("DE011111125", &r), ID_FORMAT, "DE starting with 0");
	UNIT_IS_INT(vat("BE2403170701", &r), ID_FORMAT, "BE starting with 2");
	UNIT_IS_INT(vat("EE200207415", &r), ID_FORMAT, "EE not starting with 10");
	UNIT_IS_INT(vat("IT00000000005", &r), ID_FORMAT, "IT office 000");
	UNIT_IS_INT(vat("SK4000000007", &r), ID_FORMAT, "SK third digit 0");
	UNIT_IS_INT(vat("SE556012579000", &r), ID_FORMAT, "SE suffix 00");
	UNIT_IS_INT(vat("LT119511525", &r), ID_FORMAT, "LT 8th digit not 1");
	UNIT_IS_INT(vat("CY20532445O", &r), ID_FORMAT, "CY first digit 2");
	UNIT_IS_INT(vat("IE6388047VZ", &r), ID_FORMAT, "IE second letter Z");
	UNIT_IS_INT(vat("ESI1234567A", &r), ID_FORMAT, "ES first letter I");
	UNIT_IS_INT(vat("ESA28015865", &r), ID_OK, "ES legal person, check as a digit");
	UNIT_IS_INT(vat("ESA2801586E", &r), ID_OK, "... or as the letter JABCDEFGHI[5]");
	UNIT_IS_INT(vat("ESA2801586F", &r), ID_CHECK, "... but not another letter");
	UNIT_IS_INT(vat("ES12345678A", &r), ID_CHECK, "DNI with a wrong letter");
	UNIT_OK(strstr(r.detail, "should be Z") != NULL, "names the letter: %s", r.detail);
	UNIT_IS_INT(vat("NL000099998B58", &r), ID_CHECK, "btw-id with a wrong control number");
	UNIT_IS_INT(vat("NL010000445B01", &r), ID_CHECK, "11-test number altered");
	UNIT_IS_INT(vat("DK88146327", &r), ID_CHECK, "DK altered");
	UNIT_IS_INT(vat("FI09853618", &r), ID_CHECK, "FI: weighted sum mod 11 is 1, never issued");
	UNIT_IS_INT(vat("IE1+23456W", &r), ID_OK, "old Irish style with +: 0234561 sums 92 = 4 x 23");
	UNIT_IS_INT(vat("DE 111.111-125", &r), ID_OK, "separators inside");
	UNIT_IS_INT(vat("DE111111125!", &r), ID_CHARACTER, "exclamation mark");
	UNIT_IS_INT(vat("", &r), ID_EMPTY, "empty VAT number");
}

static void
test_rules(void)
{
	int			n = vat_rule_count();

	UNIT_IS_INT(n, 27, "27 member states");
	for (int i = 0; i < n; i++)
	{
		const VatRule *v = vat_rule_at(i);

		UNIT_OK(vat_rule(v->code) == v, "%s found by its code", v->code);
	}
	UNIT_OK(vat_rule_at(n) == NULL && vat_rule_at(-1) == NULL, "out of range");
	UNIT_OK(vat_rule("GR") == NULL && vat_rule("GB") == NULL, "no GR, no GB");
}

int
main(void)
{
	test_siren();
	test_siret();
	test_fr_key();
	test_vat_samples();
	test_vat_errors();
	test_rules();
	return unit_done();
}
