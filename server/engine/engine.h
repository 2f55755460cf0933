/* engine: ranks the causes of a problem given any set of answers
 * (Bayesian, with a leak for causes the KB does not list), explains each
 * ranking, and picks the next question by expected information gain.
 * See docs/engine.md for the maths. */
#ifndef CLEW_ENGINE_H
#define CLEW_ENGINE_H

#include "model.h"

/* Values in an answers array (one int per question, by index). */
#define ENG_UNANSWERED (-1)
#define ENG_UNKNOWN (-2)

/* Likelihood of an answer that agrees with a cause's condition is 1 - EPS,
 * one that contradicts it EPS, one on a question the cause says nothing
 * about ENG_SILENT. */
#define ENG_EPS ENG_MODEL_EPS
#define ENG_SILENT 0.5
/* Prior share of "a cause the KB does not list". */
#define ENG_LEAK 0.05
/* No next question once the top cause is this likely ... */
#define ENG_CONFIDENT 0.9
/* ... or when no question is expected to gain this many bits. */
#define ENG_MIN_GAIN 0.001

/* Scratch space for diagnoses against one model; one per thread. */
struct eng_work;

struct eng_work *eng_work_new(const struct eng_model *m);
void eng_work_free(struct eng_work *w);
/* The model w was made for (borrowed). */
const struct eng_model *eng_work_model(const struct eng_work *w);

struct eng_result {
	int nr;            /* causes with probability > 0 */
	const int *causes; /* their indices, most likely first (borrowed from
			    * the work space: valid until its next use) */
	const double *p;   /* p[i] is the probability of causes[i] */
	double other;      /* the leak: a cause the KB does not list */
	int next;          /* question to ask next, or -1 */
	double gain;       /* its expected information gain, bits */
};

/* Ranks the causes for answers (m->nr_questions entries: an option index,
 * ENG_UNANSWERED or ENG_UNKNOWN). An answered 'problem' restricts the
 * causes to that article, an answered 'platform' to that platform (and to
 * causes for any platform). boost, when not NULL, multiplies the prior of
 * each article's causes by (1 + boost[article]). Allocates nothing. */
void eng_diagnose(struct eng_work *w, const int *answers, const double *boost,
		  struct eng_result *out);

/* 1 when option v of question q is worth offering under answers (may be
 * NULL: every option is): every option is, but for 'platform' once a
 * problem is chosen, when only the platforms that problem's causes are
 * for are (all, when one of them is for any platform). A question with
 * fewer than two options worth offering is not asked. */
int eng_option_offered(const struct eng_model *m, const int *answers, int q,
		       int v);

/* +1 when answer value of question q supports cause c, -1 when it
 * contradicts it, 0 when c says nothing about q. */
int eng_effect(const struct eng_model *m, int c, int q, int value);

/* Expected information gain, in bits, of asking q now (for tests and the
 * tree); 0 when q is answered or not applicable. */
double eng_gain(struct eng_work *w, const int *answers, int q);

/* Looks for answers under which cause c ranks first: c's own conditions
 * met, and every other question its rivals name answered so as to
 * contradict as many of them as possible. Fills answers (nr_questions
 * entries) with that set and returns 1 when c ranks first under it, else
 * 0 (c may still rank first under answers this search does not try). */
int eng_witness(struct eng_work *w, int c, int *answers);

#endif
