/* report: the engine's input and output as text and JSON: answers parsed
 * from "question=value" pairs, the diagnose document, the decision tree. */
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

/* Builds {"id", "text", "help", "options": [{"value", "label"}]} for
 * question q (caller frees): the catalogue's and the next question's
 * shape. With answers (may be NULL: every option), the options are those
 * worth offering under them (eng_option_offered). */
struct cJSON *eng_question_json(const struct eng_model *m, const int *answers,
				int q);

/* Builds the diagnose document: {"problem", "answers", "causes": [{"id",
 * "title", "article", "platform", "probability", "explanation",
 * "solutions"}], "other_probability", "next_question"}. Caller frees. */
struct cJSON *eng_result_json(const struct eng_model *m, const int *answers,
			      const struct eng_result *r);

enum eng_tree_format { ENG_TREE_TEXT, ENG_TREE_JSON, ENG_TREE_DOT };

/* Builds the decision tree that the next-question rule yields from answers
 * (usually none, or just 'problem'): each node a question, each edge an
 * answer, each leaf the ranked causes. At most max_nodes nodes are
 * expanded; the document says when the tree was cut. Caller frees. */
struct cJSON *eng_tree_json(struct eng_work *w, const int *answers,
			    int max_nodes);

/* Appends the tree document rendered as indented text or Graphviz DOT. */
void eng_tree_render(const struct cJSON *tree, enum eng_tree_format fmt,
		     struct sbuf *out);

#endif
