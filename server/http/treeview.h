/* treeview: turns the decision tree (the document eng_tree_json builds)
 * into the context of the /wizard/tree page: an outline of rows, each
 * node with the wizard URL that its path leads to. */
#ifndef CLEW_TREEVIEW_H
#define CLEW_TREEVIEW_H

struct cJSON;
struct i18n;

/*
 * Returns the page's context for tree, built by eng_tree_json (caller
 * frees), its words (cost_text, end_text) in lang, from the catalogues c: {"problem"?, "start_url", "nodes_total", "truncated",
 * "rows": [ROW]}. The rows are the tree in document order, flat (the
 * template's partials nest at most 16 deep, the tree may be deeper), and
 * each has one of these keys:
 *
 *   "question": {"id", "text", "url"}   opens a question and its answers
 *   "answer": {"value", "label"}        opens one answer's branch
 *   "answer_end": true                  closes it
 *   "question_end": true                closes the question
 *   "steps": {"start", "items": [{"id", "text", "url", "cost_text",
 *             "fix_probability"}], "then_question"}
 *                                       a chain of steps to try in order
 *                                       (start: the first one's number on
 *                                       its path), each tried when the one
 *                                       before did not fix it;
 *                                       then_question when a question
 *                                       follows the chain
 *   "leaf": {"url", "end_text", "handover", "has_cause", "title",
 *            "probability"}             where the wizard stops: whether it
 *                                       hands the problem to support
 *                                       (end_text says it), and the most
 *                                       likely cause there
 *
 * Every "url" opens the wizard at that node:
 * /wizard[?problem=SLUG]&QUESTION=VALUE...&tried=STEP%3Afailed... in path
 * order, each step by the tree node's "ref" (eng_step_ref: its plain id
 * once the path has answered its problem, else SLUG/ID).
 */
struct cJSON *treeview_context(const struct cJSON *tree, const struct i18n *c,
			       const char *lang);

#endif
