/* report: the engine's input and output as text and JSON: answers parsed
 * from "question=value" pairs and steps tried from "step:result", the
 * diagnose document with its next action and outcome, the decision tree. */
#ifndef CLEW_ENGINE_REPORT_H
#define CLEW_ENGINE_REPORT_H

#include "../base/sbuf.h"
#include "engine.h"

struct cJSON;

/* Returns a new answers array with every question unanswered (caller
 * frees). */
int *eng_answers_new(const struct eng_model *m);

/* Records the answer value to question q ("unknown" allowed). Returns 0,
 * or -1 with a message naming the valid questions or values appended to
 * err. */
int eng_answer_set(const struct eng_model *m, int *answers, const char *q,
		   const char *value, struct sbuf *err);

/* The steps a session has tried: a result per step, and the order they
 * were reported in. */
struct eng_tried {
	unsigned char *result; /* m->nr_steps entries: ENG_UNTRIED, ... */
	int *order;            /* steps, as first reported */
	int nr;
};

/* Every step untried; release with eng_tried_release. */
void eng_tried_init(struct eng_tried *t, const struct eng_model *m);
void eng_tried_release(struct eng_tried *t);

/* Records result ("failed", "fixed" or "skipped") for the step ref names:
 * "ID" (a step of the problem answered in answers, or, with no problem,
 * the only step of that name in the KB) or "SLUG/ID". A step reported
 * twice keeps the later result. Returns 0, or -1 with a message appended
 * to err. */
int eng_tried_set(const struct eng_model *m, const int *answers,
		  struct eng_tried *t, const char *ref, const char *result,
		  struct sbuf *err);

/* Records a list "REF:RESULT[,REF:RESULT...]" (as eng_tried_set). */
int eng_tried_parse(const struct eng_model *m, const int *answers,
		    struct eng_tried *t, const char *list, struct sbuf *err);

/* The name a client gives step s back with: its id when the problem is
 * answered (it is its article), else "SLUG/ID". Appended to out. */
void eng_step_ref(const struct eng_model *m, const int *answers, int s,
		  struct sbuf *out);

/* Builds {"id", "text", "help", "options": [{"value", "label"}]} for
 * question q (caller frees): the catalogue's and the next question's
 * shape. With answers (may be NULL: every option), the options are those
 * worth offering under them (eng_option_offered). */
struct cJSON *eng_question_json(const struct eng_model *m, const int *answers,
				int q);

/* Builds the diagnose document: {"problem", "answers", "tried", "causes":
 * [{"id", "title", "article", "platform", "probability", "explanation",
 * "solutions"}], "other_probability", "steps", "expected_cost",
 * "next_action", "next_question", "outcome"} (docs/openapi.yaml). tried
 * may be NULL. Caller frees. */
struct cJSON *eng_result_json(const struct eng_model *m, const int *answers,
			      const struct eng_tried *tried,
			      const struct eng_result *r);

enum eng_tree_format { ENG_TREE_TEXT, ENG_TREE_JSON, ENG_TREE_DOT };

/* Builds the decision tree that the next-action rule yields from answers
 * (usually none, or just 'problem'): each node a question (an edge per
 * answer) or a step to try ({"step", "ref" (eng_step_ref on its path),
 * "text", "cost", "fix_probability", "failed": the node that follows when
 * it did not fix it}), each leaf the ranked causes and how the session
 * ends. At most
 * max_nodes nodes are expanded; the document says when the tree was cut.
 * Caller frees. */
struct cJSON *eng_tree_json(struct eng_work *w, const int *answers,
			    int max_nodes);

/* Appends the tree document rendered as indented text or Graphviz DOT. */
void eng_tree_render(const struct cJSON *tree, enum eng_tree_format fmt,
		     struct sbuf *out);

#endif
