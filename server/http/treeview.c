/* treeview: the decision tree as the /wizard/tree page's outline. */
#include "treeview.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/json.h"
#include "../base/sbuf.h"
#include "i18n.h"
#include "pages_internal.h"

/* The walk down one path of the tree. */
struct walk {
	cJSON *rows;
	struct sbuf url; /* the wizard URL of the node at hand */
	int first;       /* url has no argument yet */
	int nr_steps;    /* steps on the path so far */
	const struct i18n *i18n;
	const char *lang; /* of the words */
};

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
static char *cost_text(const struct walk *w, double minutes)
{
	struct sbuf t = SBUF_INIT;
	long m = lround(minutes);
	char h[24], min[24];
	const char *const vars[] = { "hours", h, "minutes", min, NULL };
	const char *form;

	snprintf(h, sizeof(h), "%ld", m / 60);
	snprintf(min, sizeof(min), "%ld", m < 60 ? m : m % 60);
	if (minutes < 1)
		form = i18n_text(w->i18n, w->lang, "tree_cost_under_minute");
	else if (m < 60)
		form = i18n_text(w->i18n, w->lang, "tree_cost_minutes");
	else if (m % 60)
		form = i18n_text(w->i18n, w->lang, "tree_cost_hours_minutes");
	else
		form = i18n_text(w->i18n, w->lang, "tree_cost_hours");
	i18n_fill(&t, form, vars);
	return sbuf_detach(&t, NULL);
}

static void walk_node(struct walk *w, const cJSON *node, int after_steps);

static void walk_question(struct walk *w, const cJSON *node)
{
	const char *id = json_str(node, "question");
	const cJSON *e;
	cJSON *q = add_row(w, "question", cJSON_CreateObject());

	cJSON_AddStringToObject(q, "id", id);
	cJSON_AddStringToObject(q, "text", json_str(node, "text"));
	cJSON_AddStringToObject(q, "url", w->url.buf);
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(node, "answers")) {
		size_t len = w->url.len;
		int first = w->first;
		cJSON *a = add_row(w, "answer", cJSON_CreateObject());

		cJSON_AddStringToObject(a, "value", json_str(e, "value"));
		cJSON_AddStringToObject(a, "label", json_str(e, "label"));
		page_add_param(&w->url, &w->first, id, json_str(e, "value"));
		walk_node(w, cJSON_GetObjectItemCaseSensitive(e, "node"), 0);
		sbuf_setlen(&w->url, len);
		w->first = first;
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

		cJSON_AddStringToObject(s, "id", json_str(node, "step"));
		cJSON_AddStringToObject(s, "text", json_str(node, "text"));
		cJSON_AddStringToObject(s, "url", w->url.buf);
		page_add_owned_string(s, "cost_text", cost_text(w, json_num(node, "cost")));
		cJSON_AddNumberToObject(s, "fix_probability", json_num(node, "fix_probability"));
		cJSON_AddItemToArray(items, s);
		sbuf_reset(&tried);
		sbuf_addf(&tried, "%s:failed", json_str(node, "ref"));
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

/* What a path's end says: whether the problem goes to support (after
 * steps that did not fix it), or ends with causes ranked, or with none. */
static const char *end_text(const struct walk *w, int handover, int after_steps,
			    int has_cause)
{
	if (handover && after_steps)
		return i18n_text(w->i18n, w->lang, "tree_end_none_fixed");
	if (handover)
		return i18n_text(w->i18n, w->lang, "tree_end_handover");
	if (has_cause)
		return i18n_text(w->i18n, w->lang, "tree_end_ranked");
	return i18n_text(w->i18n, w->lang, "tree_end_here");
}

static void walk_leaf(struct walk *w, const cJSON *node, int after_steps)
{
	const cJSON *top = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(node, "causes"), 0);
	int handover = !strcmp(json_str(node, "outcome"), "not_fixed");
	cJSON *l = add_row(w, "leaf", cJSON_CreateObject());

	cJSON_AddStringToObject(l, "url", w->url.buf);
	cJSON_AddBoolToObject(l, "has_cause", top != NULL);
	cJSON_AddStringToObject(l, "title", top ? json_str(top, "title") : "");
	cJSON_AddNumberToObject(l, "probability", top ? json_num(top, "probability") : 0);
	cJSON_AddBoolToObject(l, "handover", handover);
	cJSON_AddStringToObject(l, "end_text", end_text(w, handover, after_steps, top != NULL));
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

cJSON *treeview_context(const cJSON *tree, const struct i18n *c, const char *lang)
{
	const cJSON *problem = cJSON_GetObjectItemCaseSensitive(tree, "problem");
	struct walk w = { cJSON_CreateArray(), SBUF_INIT, 1, 0, c, lang };
	cJSON *ctx = cJSON_CreateObject();

	sbuf_adds(&w.url, "/wizard");
	if (cJSON_IsString(problem)) {
		cJSON_AddStringToObject(ctx, "problem", problem->valuestring);
		page_add_param(&w.url, &w.first, "problem", problem->valuestring);
	}
	cJSON_AddStringToObject(ctx, "start_url", w.url.buf);
	cJSON_AddNumberToObject(ctx, "nodes_total", json_num(tree, "nodes"));
	cJSON_AddBoolToObject(ctx, "truncated", cJSON_IsTrue(
		cJSON_GetObjectItemCaseSensitive(tree, "truncated")));
	walk_node(&w, cJSON_GetObjectItemCaseSensitive(tree, "root"), 0);
	cJSON_AddItemToObject(ctx, "rows", w.rows);
	sbuf_release(&w.url);
	return ctx;
}
