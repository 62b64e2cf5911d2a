/*
 * scores.c
 *		Solvency scores: published models, zones, solvency score (scores.h).
 */
#include "scores.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Sources:
 * z: E. I. Altman, "Financial Ratios, Discriminant Analysis and the
 *	  Prediction of Corporate Bankruptcy", Journal of Finance 23(4), 1968:
 *	  Z = 1.2 X1 + 1.4 X2 + 3.3 X3 + 0.6 X4 + 1.0 X5; X1 = working capital /
 *	  total assets, X2 = retained earnings / TA, X3 = EBIT / TA, X4 = market
 *	  value of equity / total liabilities, X5 = sales / TA.  Zones: safe above
 *	  2.99, distress below 1.81, grey between (inclusive).
 * z_prime: Altman, "Corporate Financial Distress", Wiley 1983 (private
 *	  firms): 0.717, 0.847, 3.107, 0.420 (book equity / TL), 0.998; 2.9 / 1.23.
 * z_double_prime: Altman, Hartzell & Peck 1995 (non-manufacturers and
 *	  emerging markets): 6.56 X1 + 3.26 X2 + 6.72 X3 + 1.05 X4 (book equity /
 *	  TL), no sales ratio; 2.6 / 1.1.
 * conan_holder: J. Conan and M. Holder, "Variables explicatives de
 *	  performances et contrôle de gestion dans les PMI", thèse, Université
 *	  Paris-Dauphine, 1979: Z = 0.24 R1 + 0.22 R2 + 0.16 R3 - 0.87 R4 -
 *	  0.10 R5 with R1 = excédent brut d'exploitation / endettement total,
 *	  R2 = capitaux permanents / total du bilan, R3 = (actif circulant -
 *	  stocks) / total du bilan, R4 = frais financiers / chiffre d'affaires
 *	  HT, R5 = frais de personnel / valeur ajoutée.  Zones as quoted in French
 *	  credit-analysis textbooks: sound above 0.16, warning 0.04 to 0.16,
 *	  danger below 0.04.
 */
static const ScoreModel models[] = {
	{"z", 5, {"1.2", "1.4", "3.3", "0.6", "1.0"}, "2.99", "1.81",
	 {"safe", "grey", "distress"}, "Altman (1968)"},
	{"z_prime", 5, {"0.717", "0.847", "3.107", "0.420", "0.998"}, "2.9", "1.23",
	 {"safe", "grey", "distress"}, "Altman (1983)"},
	{"z_double_prime", 4, {"6.56", "3.26", "6.72", "1.05"}, "2.6", "1.1",
	 {"safe", "grey", "distress"}, "Altman, Hartzell and Peck (1995)"},
	{"conan_holder", 5, {"0.24", "0.22", "0.16", "-0.87", "-0.10"}, "0.16", "0.04",
	 {"sound", "warning", "danger"}, "Conan and Holder (1979)"},
};

const ScoreModel *
score_model(const char *name)
{
	for (int i = 0; i < (int) (sizeof(models) / sizeof(models[0])); i++)
		if (strcmp(models[i].name, name) == 0)
			return &models[i];
	return NULL;
}

const char *
score_model_names(void)
{
	return "z, z_prime, z_double_prime, conan_holder";
}

double
exposure_score(double u)
{
	if (u <= 0.5)
		return 100;
	if (u <= 1.0)
		return 100 - (u - 0.5) * 80;	/* 100 at half the limit, 60 at the limit */
	if (u <= 1.5)
		return 60 - (u - 1.0) * 120;	/* 0 at 150 % of the limit */
	return 0;
}

/*
 * Weights: financial strength 40 %, payment behaviour 40 %, exposure 20 %.
 * Behaviour weighs as much as the balance sheet because it is current where
 * statements are a year old; exposure only tempers the two.  A missing part
 * shares its weight out in proportion to the others, so a customer without
 * statements is scored 2/3 on behaviour and 1/3 on exposure.
 */
bool
solvency_score_compute(const SolvencyInput *in, int *score)
{
	double		w = 0,
				s = 0;

	if (in->has_financial)
	{
		w += 0.4;
		s += 0.4 * in->financial;
	}
	if (in->has_paydex)
	{
		w += 0.4;
		s += 0.4 * in->paydex;
	}
	if (in->has_exposure)
	{
		w += 0.2;
		s += 0.2 * exposure_score(in->utilisation);
	}
	if (!in->has_financial && !in->has_paydex)
		return false;			/* exposure alone says nothing of solvency */
	s /= w;
	if (s < 0)
		s = 0;
	if (s > 100)
		s = 100;
	*score = (int) floor(s + 0.5 + 1e-9);
	return true;
}

/* A >= 80, B >= 65, C >= 50, D >= 35, E below */
const char *
risk_class_of(int score)
{
	if (score >= 80)
		return "A";
	if (score >= 65)
		return "B";
	if (score >= 50)
		return "C";
	if (score >= 35)
		return "D";
	return "E";
}
