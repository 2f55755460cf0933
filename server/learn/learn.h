/* learn: cause priors and step fix rates learned from the outcomes of past
 * sessions (case-based troubleshooting, after Breese & Heckerman). Each
 * session that ended is split over the causes as likely as the engine
 * makes them given its answers, the steps that failed and the step that
 * fixed it (then only the causes that step fixes); those soft counts
 * update conjugate priors whose pseudo-counts are the authored values: a
 * Dirichlet over a problem's causes (for every platform, and once the
 * platform is answered) and a Beta for each step-and-cause link. The
 * splits depend on the values and the values on the splits, so counting
 * and estimating repeat until nothing moves (expectation-maximisation).
 * Sessions not fixed count too (a cause whose steps often fail would be
 * undercounted from the fixed ones alone); abandoned ones (no outcome)
 * count for nothing. Older outcomes fade by a half-life, and each value's
 * move from the authored one is bounded. docs/outcomes.md has the maths
 * and the defaults. */
#ifndef CLEW_LEARN_H
#define CLEW_LEARN_H

#include <stdint.h>

struct eng_model;
struct ev_event;
struct sbuf;

struct learn_opts {
	double prior_strength;   /* pseudo-sessions behind a problem's
				  * authored priors (default 20) */
	double fix_strength;     /* pseudo-tries behind an authored fix rate
				  * (default 10) */
	double half_life_days;   /* an outcome this old counts half (90) */
	double max_prior_shift;  /* a learned prior stays within this many
				  * log-odds of the authored one (3) */
	double max_fix_shift;    /* a learned fix rate stays within this many
				  * log-odds of the authored one (2.5) */
	int64_t now_ms;          /* "now", for the fading */
};

/* The defaults above, now_ms the current time. */
void learn_opts_default(struct learn_opts *o);

struct learn;

/* Starts learning against m (the KB's authored values; borrowed, must
 * outlive the handle); kb_hash names the KB in the output. */
struct learn *learn_new(const struct eng_model *m, const char *kb_hash,
			const struct learn_opts *o);
void learn_free(struct learn *l);

/* Counts e when it is an outcome (other kinds are skipped); ids the KB
 * does not have are counted as ignored. */
void learn_add(struct learn *l, const struct ev_event *e);

/* Appends the learned file: YAML that `clew compile --learned` reads, with
 * comments for the person who reviews it (titles, what moved, from how
 * many sessions). The same counts give the same bytes. */
void learn_write(struct learn *l, struct sbuf *out);

/* Appends a short report for people: outcomes read and used, and per
 * problem the values that moved most. */
void learn_report(struct learn *l, struct sbuf *out);

/* Outcomes used (weighted by age), over all problems. */
double learn_sessions(struct learn *l);

/* The outcomes (weighted) attributed to cause c, every platform, by the
 * last pass (after learn_write, learn_report or learn_sessions). */
double learn_cause_sessions(const struct learn *l, int c);

#endif
