/* treeview: the decision tree as the /wizard/tree page's outline. */
#include "treeview.h"

#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../engine/model.h"
#include "pages_internal.h"

/* The walk down one path of the tree. */
struct walk {
	const struct eng_model *m;
	cJSON *rows;
	struct sbuf url; /* the wizard URL of the node at hand */
	int first;       /* url has no argument yet */
	int problem;     /* the article the path has answered, or -1 */
	int nr_steps;    /* steps on the path so far */
};

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static double num(const cJSON *o, const char *k)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* Adds a row {key: value} and returns value. */
static cJSON *add_row(struct walk *w, const char *key, cJSON *value)
{
	cJSON *row = cJSON_CreateObject();

	cJSON_AddItemToObject(row, key, value);
	cJSON_AddItemToArray(w->rows, row);
	return value;
}

/* A step's time, short: "under 1 min", "15 min", "4 h", "1 h 30 min"
 * (returns malloc'd; caller frees). */
static char *cost_text(double minutes)
{
	struct sbuf t = SBUF_INIT;
	long m = lround(minutes);

	if (minutes < 1)
		sbuf_adds(&t, "under 1 min");
	else if (m < 60)
		sbuf_addf(&t, "%ld min", m);
	else if (m % 60)
		sbuf_addf(&t, "%ld h %ld min", m / 60, m % 60);
	else
		sbuf_addf(&t, "%ld h", m / 60);
	return sbuf_detach(&t, NULL);
}

/* Appends the name the wizard gives step node back with (eng_step_ref):
 * its id when the path has answered its problem, else SLUG/ID. The tree
 * names a step by its id, unique only within its article; the title tells
 * steps of the same id apart. */
static void add_step_ref(struct sbuf *out, const struct walk *w,
			 const cJSON *node)
{
	const struct eng_model *m = w->m;
	const char *id = str(node, "step"), *title = str(node, "text");

	if (w->problem < 0 || eng_model_step(m, w->problem, id) < 0) {
		for (int s = 0; s < m->nr_steps; s++) {
			const struct eng_step *st = &m->steps[s];

			if (!strcmp(st->id, id) && !strcmp(st->title, title)) {
				sbuf_addf(out, "%s/", m->articles[st->article].slug);
				break;
			}
		}
	}
	sbuf_adds(out, id);
}

static void walk_node(struct walk *w, const cJSON *node, int after_steps);

static void walk_question(struct walk *w, const cJSON *node)
{
	const struct eng_model *m = w->m;
	const char *id = str(node, "question");
	int is_problem = !strcmp(id, m->questions[m->q_problem].id);
	const cJSON *e;
	cJSON *q = add_row(w, "question", cJSON_CreateObject());

	cJSON_AddStringToObject(q, "id", id);
	cJSON_AddStringToObject(q, "text", str(node, "text"));
	cJSON_AddStringToObject(q, "url", w->url.buf);
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(node, "answers")) {
		size_t len = w->url.len;
		int first = w->first, problem = w->problem;
		cJSON *a = add_row(w, "answer", cJSON_CreateObject());

		cJSON_AddStringToObject(a, "value", str(e, "value"));
		cJSON_AddStringToObject(a, "label", str(e, "label"));
		page_add_param(&w->url, &w->first, id, str(e, "value"));
		if (is_problem)
			w->problem = eng_model_option(m, m->q_problem, str(e, "value"));
		walk_node(w, cJSON_GetObjectItemCaseSensitive(e, "node"), 0);
		sbuf_setlen(&w->url, len);
		w->first = first;
		w->problem = problem;
		add_row(w, "answer_end", cJSON_CreateTrue());
	}
	add_row(w, "question_end", cJSON_CreateTrue());
}

/* A step, and the steps tried after it while none fixes the problem: one
 * row, then what follows the last one. */
static void walk_steps(struct walk *w, const cJSON *node)
{
	size_t len = w->url.len;
	int first = w->first, nr_steps = w->nr_steps;
	cJSON *chain = add_row(w, "steps", cJSON_CreateObject());
	cJSON *items = cJSON_CreateArray();
	struct sbuf tried = SBUF_INIT;

	cJSON_AddNumberToObject(chain, "start", w->nr_steps + 1);
	cJSON_AddItemToObject(chain, "items", items);
	for (; cJSON_GetObjectItemCaseSensitive(node, "step");
	     node = cJSON_GetObjectItemCaseSensitive(node, "failed")) {
		cJSON *s = cJSON_CreateObject();

		cJSON_AddStringToObject(s, "id", str(node, "step"));
		cJSON_AddStringToObject(s, "text", str(node, "text"));
		cJSON_AddStringToObject(s, "url", w->url.buf);
		page_add_owned_string(s, "cost_text", cost_text(num(node, "cost")));
		cJSON_AddNumberToObject(s, "fix_probability", num(node, "fix_probability"));
		cJSON_AddItemToArray(items, s);
		sbuf_reset(&tried);
		add_step_ref(&tried, w, node);
		sbuf_adds(&tried, ":failed");
		page_add_param(&w->url, &w->first, "tried", tried.buf);
		w->nr_steps++;
	}
	cJSON_AddBoolToObject(chain, "then_question",
			      cJSON_GetObjectItemCaseSensitive(node, "question") != NULL);
	walk_node(w, node, 1);
	sbuf_setlen(&w->url, len);
	w->first = first;
	w->nr_steps = nr_steps;
	sbuf_release(&tried);
}

static void walk_leaf(struct walk *w, const cJSON *node, int after_steps)
{
	const cJSON *top = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(node, "causes"), 0);
	int handover = !strcmp(str(node, "outcome"), "not_fixed");
	cJSON *l = add_row(w, "leaf", cJSON_CreateObject());

	cJSON_AddStringToObject(l, "url", w->url.buf);
	cJSON_AddBoolToObject(l, "has_cause", top != NULL);
	cJSON_AddStringToObject(l, "title", top ? str(top, "title") : "");
	cJSON_AddNumberToObject(l, "probability", top ? num(top, "probability") : 0);
	cJSON_AddBoolToObject(l, "handover", handover);
	cJSON_AddStringToObject(l, "end_text",
		handover ? (after_steps ? "None fixed it: hand over to support." :
			    "Hand over to support.") :
		top ? "Ends with the causes ranked." : "Ends here.");
}

/* Adds the rows of node, whose path leads to w->url; after_steps when a
 * chain of steps led to it. */
static void walk_node(struct walk *w, const cJSON *node, int after_steps)
{
	if (cJSON_GetObjectItemCaseSensitive(node, "question"))
		walk_question(w, node);
	else if (cJSON_GetObjectItemCaseSensitive(node, "step"))
		walk_steps(w, node);
	else
		walk_leaf(w, node, after_steps);
}

cJSON *treeview_context(const struct eng_model *m, const cJSON *tree)
{
	const cJSON *problem = cJSON_GetObjectItemCaseSensitive(tree, "problem");
	struct walk w = { m, cJSON_CreateArray(), SBUF_INIT, 1, -1, 0 };
	cJSON *ctx = cJSON_CreateObject();

	sbuf_adds(&w.url, "/wizard");
	if (cJSON_IsString(problem)) {
		cJSON_AddStringToObject(ctx, "problem", problem->valuestring);
		page_add_param(&w.url, &w.first, "problem", problem->valuestring);
		w.problem = eng_model_option(m, m->q_problem, problem->valuestring);
	}
	cJSON_AddStringToObject(ctx, "start_url", w.url.buf);
	cJSON_AddNumberToObject(ctx, "nodes_total", num(tree, "nodes"));
	cJSON_AddBoolToObject(ctx, "truncated", cJSON_IsTrue(
		cJSON_GetObjectItemCaseSensitive(tree, "truncated")));
	walk_node(&w, cJSON_GetObjectItemCaseSensitive(tree, "root"), 0);
	cJSON_AddItemToObject(ctx, "rows", w.rows);
	sbuf_release(&w.url);
	return ctx;
}
