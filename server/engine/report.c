/* report: the engine's input and output as text and JSON. */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/xalloc.h"

int *eng_answers_new(const struct eng_model *m)
{
	int *a = xmalloc(((size_t)m->nr_questions + 1) * sizeof(*a));

	for (int q = 0; q < m->nr_questions; q++)
		a[q] = ENG_UNANSWERED;
	return a;
}

int eng_answer_set(const struct eng_model *m, int *answers, const char *q,
		   const char *value, struct sbuf *err)
{
	int qi = eng_model_question(m, q), v;
	const struct eng_question *qu;

	if (qi < 0) {
		sbuf_addf(err, "unknown question '%s' (valid questions: ", q);
		for (int i = 0; i < m->nr_questions; i++)
			sbuf_addf(err, "%s%s", i ? ", " : "", m->questions[i].id);
		sbuf_addch(err, ')');
		return -1;
	}
	qu = &m->questions[qi];
	if (!strcmp(value, "unknown")) {
		answers[qi] = ENG_UNKNOWN;
		return 0;
	}
	v = eng_model_option(m, qi, value);
	if (v < 0) {
		sbuf_addf(err, "'%s' is not an answer to '%s' (valid: ", value, q);
		for (int i = 0; i < qu->nr_options; i++)
			sbuf_addf(err, "%s, ", qu->options[i].value);
		sbuf_adds(err, "unknown)");
		return -1;
	}
	answers[qi] = v;
	return 0;
}

static const char *answer_value(const struct eng_model *m, int q, int a)
{
	return a == ENG_UNKNOWN ? "unknown" : m->questions[q].options[a].value;
}

cJSON *eng_question_json(const struct eng_model *m, const int *answers, int q)
{
	const struct eng_question *qu = &m->questions[q];
	cJSON *o = cJSON_CreateObject(), *opts;

	cJSON_AddStringToObject(o, "id", qu->id);
	cJSON_AddStringToObject(o, "text", qu->text);
	cJSON_AddStringToObject(o, "help", qu->help);
	opts = cJSON_AddArrayToObject(o, "options");
	for (int i = 0; i < qu->nr_options; i++) {
		cJSON *opt;

		if (!eng_option_offered(m, answers, q, i))
			continue;
		opt = cJSON_CreateObject();

		cJSON_AddStringToObject(opt, "value", qu->options[i].value);
		cJSON_AddStringToObject(opt, "label", qu->options[i].label);
		cJSON_AddItemToArray(opts, opt);
	}
	return o;
}

static cJSON *question_json(const struct eng_model *m, const int *answers,
			    int q, double gain)
{
	cJSON *o = eng_question_json(m, answers, q);

	cJSON_AddNumberToObject(o, "information_gain", gain);
	return o;
}

static cJSON *cause_json(const struct eng_model *m, const int *answers, int c,
			 double p)
{
	const struct eng_cause *ca = &m->causes[c];
	cJSON *o = cJSON_CreateObject(), *arr;

	cJSON_AddStringToObject(o, "id", ca->id);
	cJSON_AddStringToObject(o, "title", ca->title);
	cJSON_AddStringToObject(o, "article", m->articles[ca->article].slug);
	if (ca->platform >= 0)
		cJSON_AddStringToObject(
			o, "platform",
			m->questions[m->q_platform].options[ca->platform].value);
	else
		cJSON_AddNullToObject(o, "platform");
	cJSON_AddNumberToObject(o, "probability", p);
	arr = cJSON_AddArrayToObject(o, "explanation");
	for (int q = 0; q < m->nr_questions; q++) {
		int e;
		cJSON *ex;

		if (q == m->q_problem || answers[q] < 0)
			continue;
		e = eng_effect(m, c, q, answers[q]);
		if (!e)
			continue;
		ex = cJSON_CreateObject();
		cJSON_AddStringToObject(ex, "question", m->questions[q].id);
		cJSON_AddStringToObject(ex, "answer", answer_value(m, q, answers[q]));
		cJSON_AddStringToObject(ex, "effect", e > 0 ? "supports" : "contradicts");
		/* For people: the question's text and the answer's label. */
		cJSON_AddStringToObject(ex, "text", m->questions[q].text);
		cJSON_AddStringToObject(ex, "label", answers[q] >= 0 ?
					m->questions[q].options[answers[q]].label : "unknown");
		cJSON_AddBoolToObject(ex, "supports", e > 0);
		cJSON_AddItemToArray(arr, ex);
	}
	arr = cJSON_AddArrayToObject(o, "solutions");
	for (int i = 0; i < ca->nr_solutions; i++) {
		cJSON *s = cJSON_CreateObject();

		cJSON_AddStringToObject(s, "id", ca->solutions[i].id);
		cJSON_AddStringToObject(s, "title", ca->solutions[i].title);
		cJSON_AddStringToObject(s, "html", ca->solutions[i].html);
		cJSON_AddItemToArray(arr, s);
	}
	return o;
}

cJSON *eng_result_json(const struct eng_model *m, const int *answers,
		       const struct eng_result *r)
{
	cJSON *doc = cJSON_CreateObject(), *obj, *arr;
	int problem = answers[m->q_problem];

	if (problem >= 0)
		cJSON_AddStringToObject(doc, "problem", m->articles[problem].slug);
	else
		cJSON_AddNullToObject(doc, "problem");
	obj = cJSON_AddObjectToObject(doc, "answers");
	for (int q = 0; q < m->nr_questions; q++)
		if (q != m->q_problem && answers[q] != ENG_UNANSWERED)
			cJSON_AddStringToObject(obj, m->questions[q].id,
						answer_value(m, q, answers[q]));
	arr = cJSON_AddArrayToObject(doc, "causes");
	for (int i = 0; i < r->nr; i++)
		cJSON_AddItemToArray(arr, cause_json(m, answers, r->causes[i], r->p[i]));
	cJSON_AddNumberToObject(doc, "other_probability", r->other);
	if (r->next >= 0)
		cJSON_AddItemToObject(doc, "next_question",
				      question_json(m, answers, r->next, r->gain));
	else
		cJSON_AddNullToObject(doc, "next_question");
	return doc;
}

struct tree_state {
	struct eng_work *w;
	const struct eng_model *m;
	int *answers;
	int nodes, max_nodes, truncated;
};

static cJSON *leaf_json(const struct eng_model *m, const struct eng_result *r)
{
	cJSON *arr = cJSON_CreateArray();

	for (int i = 0; i < r->nr && i < 3; i++) {
		cJSON *c = cJSON_CreateObject();

		cJSON_AddStringToObject(c, "id", m->causes[r->causes[i]].id);
		cJSON_AddStringToObject(c, "title", m->causes[r->causes[i]].title);
		cJSON_AddNumberToObject(c, "probability",
					round(r->p[i] * 1000) / 1000);
		cJSON_AddItemToArray(arr, c);
	}
	return arr;
}

static cJSON *tree_node(struct tree_state *ts)
{
	const struct eng_model *m = ts->m;
	struct eng_result r;
	cJSON *node = cJSON_CreateObject(), *edges;
	const struct eng_question *qu;
	int q;

	ts->nodes++;
	eng_diagnose(ts->w, ts->answers, NULL, &r);
	if (r.next < 0 || ts->nodes >= ts->max_nodes) {
		if (r.next >= 0)
			ts->truncated = 1;
		cJSON_AddItemToObject(node, "causes", leaf_json(m, &r));
		return node;
	}
	q = r.next;
	qu = &m->questions[q];
	cJSON_AddStringToObject(node, "question", qu->id);
	cJSON_AddStringToObject(node, "text", qu->text);
	cJSON_AddNumberToObject(node, "information_gain", round(r.gain * 1000) / 1000);
	edges = cJSON_AddArrayToObject(node, "answers");
	for (int v = 0; v < qu->nr_options; v++) {
		cJSON *e;

		if (!eng_option_offered(m, ts->answers, q, v))
			continue;
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "value", qu->options[v].value);
		cJSON_AddStringToObject(e, "label", qu->options[v].label);
		ts->answers[q] = v;
		cJSON_AddItemToObject(e, "node", tree_node(ts));
		ts->answers[q] = ENG_UNANSWERED;
		cJSON_AddItemToArray(edges, e);
	}
	return node;
}

cJSON *eng_tree_json(struct eng_work *w, const int *answers, int max_nodes)
{
	const struct eng_model *m = eng_work_model(w);
	struct tree_state ts = { 0 };
	cJSON *doc = cJSON_CreateObject();
	int problem;

	ts.w = w;
	ts.m = m;
	ts.max_nodes = max_nodes;
	ts.answers = eng_answers_new(m);
	memcpy(ts.answers, answers, (size_t)m->nr_questions * sizeof(*answers));
	problem = answers[m->q_problem];
	if (problem >= 0)
		cJSON_AddStringToObject(doc, "problem", m->articles[problem].slug);
	else
		cJSON_AddNullToObject(doc, "problem");
	cJSON_AddItemToObject(doc, "root", tree_node(&ts));
	cJSON_AddNumberToObject(doc, "nodes", ts.nodes);
	cJSON_AddBoolToObject(doc, "truncated", ts.truncated);
	free(ts.answers);
	return doc;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void render_text(const cJSON *node, int depth, struct sbuf *out)
{
	const cJSON *e, *c;

	if (cJSON_GetObjectItemCaseSensitive(node, "question")) {
		sbuf_addf(out, "%*s%s (%s, %.3f bits)\n", depth * 2, "",
			  jstr(node, "text"), jstr(node, "question"),
			  cJSON_GetObjectItemCaseSensitive(node, "information_gain")->valuedouble);
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(node, "answers")) {
			sbuf_addf(out, "%*s= %s:\n", depth * 2 + 2, "", jstr(e, "value"));
			render_text(cJSON_GetObjectItemCaseSensitive(e, "node"),
				    depth + 2, out);
		}
		return;
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(node, "causes"))
		sbuf_addf(out, "%*s-> %s (%.0f%%)\n", depth * 2, "", jstr(c, "id"),
			  cJSON_GetObjectItemCaseSensitive(c, "probability")->valuedouble * 100);
}

/* DOT strings: quotes and backslashes escaped, nothing else special. */
static void dot_str(struct sbuf *out, const char *s)
{
	sbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sbuf_addch(out, '\\');
		if (*s == '\n')
			sbuf_adds(out, "\\n");
		else
			sbuf_addch(out, *s);
	}
	sbuf_addch(out, '"');
}

static int render_dot(const cJSON *node, int *next_id, struct sbuf *out)
{
	int id = (*next_id)++;
	const cJSON *e, *c;
	struct sbuf label = SBUF_INIT;

	if (cJSON_GetObjectItemCaseSensitive(node, "question")) {
		sbuf_addf(out, "  n%d [shape=box, label=", id);
		dot_str(out, jstr(node, "text"));
		sbuf_adds(out, "];\n");
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(node, "answers")) {
			int child = render_dot(cJSON_GetObjectItemCaseSensitive(e, "node"),
					       next_id, out);
			sbuf_addf(out, "  n%d -> n%d [label=", id, child);
			dot_str(out, jstr(e, "value"));
			sbuf_adds(out, "];\n");
		}
		return id;
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(node, "causes"))
		sbuf_addf(&label, "%s%s %.0f%%", label.len ? "\n" : "", jstr(c, "id"),
			  cJSON_GetObjectItemCaseSensitive(c, "probability")->valuedouble * 100);
	sbuf_addf(out, "  n%d [shape=ellipse, label=", id);
	dot_str(out, label.len ? label.buf : "(no listed cause)");
	sbuf_adds(out, "];\n");
	sbuf_release(&label);
	return id;
}

void eng_tree_render(const cJSON *tree, enum eng_tree_format fmt,
		     struct sbuf *out)
{
	const cJSON *root = cJSON_GetObjectItemCaseSensitive(tree, "root");
	int next_id = 0;

	if (fmt == ENG_TREE_JSON) {
		char *s = cJSON_Print(tree);
		sbuf_adds(out, s);
		sbuf_addch(out, '\n');
		free(s);
	} else if (fmt == ENG_TREE_DOT) {
		sbuf_adds(out, "digraph clew {\n  node [fontname=\"sans-serif\"];\n");
		render_dot(root, &next_id, out);
		sbuf_adds(out, "}\n");
	} else {
		render_text(root, 0, out);
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tree, "truncated")))
			sbuf_adds(out, "(tree cut at the node limit)\n");
	}
}
