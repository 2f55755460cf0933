/* repair: the order in which to try repair steps, and what that order is
 * expected to cost (Heckerman, Breese & Rommelse, "Decision-theoretic
 * troubleshooting", 1995). Engine-internal: engine.c calls it with the
 * current distribution of causes. docs/engine.md has the maths. */
#ifndef CLEW_ENGINE_REPAIR_H
#define CLEW_ENGINE_REPAIR_H

#include "model.h"

/* Scratch space for plans against one model; one per thread. */
struct repair;

struct repair *repair_new(const struct eng_model *m);
void repair_free(struct repair *r);

/* Plans of at most this many steps are exact (every order weighed, by
 * dynamic programming over the sets of steps tried); longer ones take the
 * P/C rule step by step. ENG_EXACT_STEPS by default; tests set 0 to
 * check the rule alone. */
void repair_set_exact_limit(struct repair *r, int n);

/* Plans the candidate steps cand[0..n) (indices into m->steps, ascending)
 * for the causes' probabilities p (indexed by cause; 0 for a cause that is
 * not a candidate; the rest of the mass, up to 1, is causes no step fixes
 * and the leak). A step that fixes no cause of nonzero probability is left
 * out. Fills order[0..*nr) with the steps in the order to try them and
 * order_p[i] with P(order[i] fixes it | the steps before it failed);
 * order and order_p may be NULL (the cost alone). Returns the expected
 * cost of repair, in minutes: each step's cost times the probability that
 * every step before it failed, plus ENG_ESCALATION_COST times the
 * probability that all fail. Allocates nothing. */
double repair_plan(struct repair *r, const double *p, const int *cand, int n,
		   int *order, double *order_p, int *nr);

#endif
