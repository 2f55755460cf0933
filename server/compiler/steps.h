/* steps: what the troubleshooter needs of a page's solutions beyond their
 * text: what each costs a user to try when its author does not say (from
 * signals in its text), and what the page says to do when none of them
 * fixed the problem ("If the issue persists, contact support with ...").
 * The rules are in docs/authoring.md. */
#ifndef CLEW_STEPS_H
#define CLEW_STEPS_H

#include "mdtree.h"
#include "../content/kb.h"

/* Minutes a step costs by default, and by the signals of its text. */
#define STEPS_COST_DEFAULT 5.0
#define STEPS_COST_CHECK 2.0
#define STEPS_COST_RESTART 3.0
#define STEPS_COST_LONG 15.0
#define STEPS_COST_REINSTALL 20.0
#define STEPS_COST_SUPPORT 30.0

/* Sets s->cost and s->cost_basis: "authored" when its annotation gave a
 * cost, else the signal of its title and text that sets one ("support",
 * "reinstall", "long", "restart", "check": an item of a list of checks is
 * one), else "default". */
void steps_cost(struct kb_solution *s);

/* A page that lists steps but no causes (a checklist: "Self-check",
 * "Step 1 / Step 2", "Method 1 / Method 2") becomes a troubleshooter: each
 * step gets a cause of its own, what that check finds (same id and title,
 * kind "check"), in authored order, which sets the prior as it does for
 * causes. A last step whose title says to contact support is no step: it
 * becomes the escalation text (when the page has none). Call after
 * steps_cost and steps_escalation. */
void steps_checklist(struct kb_article *a);

/* 1 when text is a heading over what to do when nothing helped ("Contact
 * support", "Still need help?"), not over more things to try ("Before you
 * contact support"). */
int steps_escalation_heading(const char *text);

/* Sets a->escalation_html from the page t: the text under a heading
 * such as "Contact support" or "Still need help?", else the page's last
 * top-level paragraph that says what to do when nothing helped ("If the
 * issue persists, contact ...": with the list right after it when it
 * ends in ':' and names support); not the page's title (an H1), nor a
 * sentence that announces more steps or checks. Leaves it NULL when the
 * page says nothing of the kind. */
void steps_escalation(struct kb_article *a, struct mdtree *t);

#endif
