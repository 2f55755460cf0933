/* engine: ranks the causes of a problem given any set of answers and of
 * steps tried (Bayesian, with a leak for causes the KB does not list),
 * explains each ranking, plans the repair steps in the order that costs
 * least on average, and picks the next action: a question or a step.
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
/* Without steps to try: no next question once the top cause is this
 * likely ... */
#define ENG_CONFIDENT 0.9
/* ... or when no question is expected to gain this many bits. */
#define ENG_MIN_GAIN 0.001

/* A step's result in a session: one byte per step, by index. */
#define ENG_UNTRIED 0
#define ENG_FAILED 1  /* tried; the problem is still there */
#define ENG_SKIPPED 2 /* "I can't do this": no evidence, not offered again */
#define ENG_FIXED 3   /* tried, and it fixed the problem: the session ends */

/* Costs, in minutes: answering a question, and handing the problem to a
 * person when no step fixed it. */
#define ENG_QUESTION_COST 1.0
#define ENG_ESCALATION_COST 30.0
/* Plans of up to this many steps weigh every order (repair.h). */
#define ENG_EXACT_STEPS 8
/* The questions (best by information gain) weighed against trying steps. */
#define ENG_WEIGHED_QUESTIONS 4

/* Scratch space for diagnoses against one model; one per thread. */
struct eng_work;

struct eng_work *eng_work_new(const struct eng_model *m);
void eng_work_free(struct eng_work *w);
/* The model w was made for (borrowed). */
const struct eng_model *eng_work_model(const struct eng_work *w);

enum eng_action {
	ENG_ACT_NONE, /* nothing more to ask or try */
	ENG_ACT_ASK,  /* ask question `next` */
	ENG_ACT_TRY,  /* try step `step` */
};

enum eng_outcome {
	ENG_OPEN,       /* the session goes on (or has no steps to try) */
	ENG_RESOLVED,   /* a step fixed it: `fixed_by` */
	ENG_UNRESOLVED, /* no step fixed it: hand it to a person */
};

/* Why a session ended unresolved. */
enum eng_end {
	ENG_END_NONE,
	ENG_END_NO_STEP,  /* every step that could fix it was tried or skipped */
	ENG_END_UNLISTED, /* a cause the KB does not list is now likelier than
			   * all the listed ones together */
};

struct eng_result {
	int nr;            /* causes with probability > 0 */
	const int *causes; /* their indices, most likely first (borrowed from
			    * the work space: valid until its next use) */
	const double *p;   /* p[i] is the probability of causes[i] */
	double other;      /* the leak: a cause the KB does not list */
	int next;          /* question to ask next, or -1 */
	double gain;       /* its expected information gain, bits */
	enum eng_action action;
	int step;          /* the step to try, when action is ENG_ACT_TRY */
	/* The repair loop applies: some candidate cause has a step. */
	int has_steps;
	/* The steps still to try, in the order to try them, and
	 * plan_p[i] = P(plan[i] fixes it | the steps before it failed)
	 * (borrowed, as causes). */
	const int *plan;
	const double *plan_p;
	int nr_plan;
	double ecr;        /* expected cost of repair following plan, minutes */
	int weighed;       /* the question weighed against the plan, or -1 */
	double eco;        /* expected cost when asking it first, minutes */
	double weighed_gain; /* its information gain, bits */
	enum eng_outcome outcome;
	int fixed_by;      /* the step that fixed it, or -1 */
	enum eng_end end;
};

/* Ranks the causes for answers (m->nr_questions entries: an option index,
 * ENG_UNANSWERED or ENG_UNKNOWN) and steps tried (m->nr_steps entries,
 * ENG_UNTRIED ...; NULL: none). An answered 'problem' restricts the causes
 * to that article, an answered 'platform' to that platform (and to causes
 * for any platform). A failed step multiplies each cause it fixes by
 * 1 - P(it fixes that cause); a step that fixed it (the first such, by
 * index) leaves the causes it fixes, each times P(it fixes that cause),
 * and not the leak. boost, when not NULL, multiplies the prior
 * of each article's causes by (1 + boost[article]). Then plans the steps
 * left and picks the next action. Allocates nothing. */
void eng_diagnose(struct eng_work *w, const int *answers,
		  const unsigned char *tried, const double *boost,
		  struct eng_result *out);

/* For tests: plans of up to n steps are exact (0: the P/C rule alone). */
void eng_work_set_exact_steps(struct eng_work *w, int n);

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
