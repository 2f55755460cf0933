/* report: the engine's input and output as text and JSON. */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/json.h"
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

void eng_tried_init(struct eng_tried *t, const struct eng_model *m)
{
	t->result = xcalloc((size_t)m->nr_steps + 1, 1);
	t->order = xcalloc((size_t)m->nr_steps + 1, sizeof(*t->order));
	t->nr = 0;
}

void eng_tried_release(struct eng_tried *t)
{
	free(t->result);
	free(t->order);
	t->result = NULL;
	t->order = NULL;
	t->nr = 0;
}

static const char *const result_names[] = {
	[ENG_UNTRIED] = "untried",
	[ENG_FAILED] = "failed",
	[ENG_SKIPPED] = "skipped",
	[ENG_FIXED] = "fixed",
};

int eng_tried_set(const struct eng_model *m, const int *answers,
		  struct eng_tried *t, const char *ref, const char *result,
		  struct sbuf *err)
{
	const char *slash = strchr(ref, '/');
	int article = answers[m->q_problem], s, r = -1;

	for (int i = ENG_FAILED; i <= ENG_FIXED; i++)
		if (!strcmp(result, result_names[i]))
			r = i;
	if (r < 0) {
		sbuf_addf(err, "'%s' is not a result of trying step '%s' (valid: "
			  "failed, fixed, skipped)", result, ref);
		return -1;
	}
	if (slash) {
		struct sbuf slug = SBUF_INIT;
		int q = m->q_problem;

		sbuf_add(&slug, ref, (size_t)(slash - ref));
		article = eng_model_option(m, q, slug.buf);
		sbuf_release(&slug);
		if (article < 0) {
			sbuf_addf(err, "unknown problem in step '%s': '%.*s' is no "
				  "article with causes", ref, (int)(slash - ref), ref);
			return -1;
		}
		if (answers[q] >= 0 && answers[q] != article) {
			sbuf_addf(err, "step '%s' is a step of another problem than "
				  "'%s', the one answered", ref, m->articles[answers[q]].slug);
			return -1;
		}
		s = eng_model_step(m, article, slash + 1);
	} else {
		s = eng_model_step(m, article >= 0 ? article : -1, ref);
	}
	if (s == -2) {
		sbuf_addf(err, "step '%s' is in several articles: name it as "
			  "SLUG/%s, or answer 'problem'", ref, ref);
		return -1;
	}
	if (s < 0) {
		sbuf_addf(err, "unknown step '%s'", ref);
		if (article < 0)
			sbuf_adds(err, " (name it SLUG/ID, or answer 'problem' first: "
				  "its steps are then named by id)");
		else if (m->step_start[article] < m->step_start[article + 1]) {
			sbuf_addf(err, " (the steps of '%s': ", m->articles[article].slug);
			for (int k = m->step_start[article]; k < m->step_start[article + 1]; k++)
				sbuf_addf(err, "%s%s", k > m->step_start[article] ? ", " : "",
					  m->steps[m->steps_by_article[k]].id);
			sbuf_addch(err, ')');
		}
		return -1;
	}
	if (t->result[s] == ENG_UNTRIED)
		t->order[t->nr++] = s;
	t->result[s] = (unsigned char)r;
	return 0;
}

int eng_tried_parse(const struct eng_model *m, const int *answers,
		    struct eng_tried *t, const char *list, struct sbuf *err)
{
	struct sbuf item = SBUF_INIT;
	const char *p = list;
	int ret = 0;

	while (*p && !ret) {
		size_t n = strcspn(p, ",");
		char *colon;

		sbuf_reset(&item);
		sbuf_add(&item, p, n);
		p += n + (p[n] == ',');
		if (!item.len)
			continue;
		colon = strrchr(item.buf, ':');
		if (!colon) {
			sbuf_addf(err, "'%s' is not STEP:RESULT (for example "
				  "'%s:failed')", item.buf, item.buf);
			ret = -1;
			break;
		}
		*colon = '\0';
		ret = eng_tried_set(m, answers, t, item.buf, colon + 1, err);
	}
	sbuf_release(&item);
	return ret;
}

void eng_step_ref(const struct eng_model *m, const int *answers, int s,
		  struct sbuf *out)
{
	const struct eng_step *st = &m->steps[s];

	if (answers[m->q_problem] != st->article)
		sbuf_addf(out, "%s/", m->articles[st->article].slug);
	sbuf_adds(out, st->id);
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

/* Probabilities and costs as the documents give them: 4 decimals. */
static double round4(double v)
{
	return round(v * 10000) / 10000;
}

static const char *platform_value(const struct eng_model *m, int platform)
{
	return platform >= 0 ? m->questions[m->q_platform].options[platform].value : NULL;
}

static void add_string_or_null(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_ref(cJSON *o, const struct eng_model *m, const int *answers, int s)
{
	struct sbuf ref = SBUF_INIT;

	eng_step_ref(m, answers, s, &ref);
	cJSON_AddStringToObject(o, "ref", ref.buf);
	sbuf_release(&ref);
}

/* {"id", "ref", "article", "title", "html", "platform", "cost", "fixes"}
 * for step s, and "fix_probability" when p >= 0. */
static cJSON *step_json(const struct eng_model *m, const int *answers, int s,
			double p)
{
	const struct eng_step *st = &m->steps[s];
	cJSON *o = cJSON_CreateObject(), *arr;

	cJSON_AddStringToObject(o, "id", st->id);
	add_ref(o, m, answers, s);
	cJSON_AddStringToObject(o, "article", m->articles[st->article].slug);
	cJSON_AddStringToObject(o, "title", st->title);
	cJSON_AddStringToObject(o, "html", st->html);
	add_string_or_null(o, "platform", platform_value(m, st->platform));
	cJSON_AddNumberToObject(o, "cost", round4(st->cost));
	if (p >= 0)
		cJSON_AddNumberToObject(o, "fix_probability", round4(p));
	arr = cJSON_AddArrayToObject(o, "fixes");
	for (int i = 0; i < st->nr_causes; i++) {
		cJSON *f = cJSON_CreateObject();

		cJSON_AddStringToObject(f, "cause", m->causes[st->causes[i]].id);
		cJSON_AddNumberToObject(f, "probability", round4(st->fix[i]));
		cJSON_AddItemToArray(arr, f);
	}
	return o;
}

static cJSON *cause_json(const struct eng_model *m, const int *answers,
			 const unsigned char *tried, int c, double p)
{
	const struct eng_cause *ca = &m->causes[c];
	cJSON *o = cJSON_CreateObject(), *arr;

	cJSON_AddStringToObject(o, "id", ca->id);
	cJSON_AddStringToObject(o, "title", ca->title);
	cJSON_AddStringToObject(o, "kind", ca->check ? "check" : "cause");
	cJSON_AddStringToObject(o, "article", m->articles[ca->article].slug);
	add_string_or_null(o, "platform", platform_value(m, ca->platform));
	cJSON_AddNumberToObject(o, "probability", p);
	/* Shown honestly: a prior learned from outcomes says so. */
	if (ca->sessions >= 0.5)
		cJSON_AddNumberToObject(o, "learned_from", floor(ca->sessions + 0.5));
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
	/* A step that fixes this cause and did not fix the problem. */
	for (int i = 0; tried && i < ca->nr_steps; i++) {
		const struct eng_step *st = &m->steps[ca->steps[i]];
		cJSON *ex;

		if (tried[ca->steps[i]] != ENG_FAILED)
			continue;
		ex = cJSON_CreateObject();
		cJSON_AddStringToObject(ex, "step", st->id);
		cJSON_AddStringToObject(ex, "answer", "failed");
		cJSON_AddStringToObject(ex, "effect", "contradicts");
		cJSON_AddStringToObject(ex, "text", st->title);
		cJSON_AddStringToObject(ex, "label", "did not fix it");
		cJSON_AddBoolToObject(ex, "supports", 0);
		cJSON_AddItemToArray(arr, ex);
	}
	arr = cJSON_AddArrayToObject(o, "solutions");
	for (int i = 0; i < ca->nr_steps; i++) {
		const struct eng_step *st = &m->steps[ca->steps[i]];
		cJSON *so = cJSON_CreateObject();

		cJSON_AddStringToObject(so, "id", st->id);
		cJSON_AddStringToObject(so, "title", st->title);
		cJSON_AddStringToObject(so, "html", st->html);
		cJSON_AddStringToObject(so, "status", result_names[tried ? tried[ca->steps[i]] : 0]);
		cJSON_AddItemToArray(arr, so);
	}
	return o;
}

/* What was tried, in order: [{"step", "ref", "article", "title",
 * "result"}]. */
static cJSON *tried_json(const struct eng_model *m, const int *answers,
			 const struct eng_tried *t)
{
	cJSON *arr = cJSON_CreateArray();

	for (int i = 0; t && i < t->nr; i++) {
		int s = t->order[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "step", m->steps[s].id);
		add_ref(o, m, answers, s);
		cJSON_AddStringToObject(o, "article", m->articles[m->steps[s].article].slug);
		cJSON_AddStringToObject(o, "title", m->steps[s].title);
		cJSON_AddStringToObject(o, "result", result_names[t->result[s]]);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static const char *const result_words[] = {
	[ENG_UNTRIED] = "not tried",
	[ENG_FAILED] = "did not fix it",
	[ENG_SKIPPED] = "could not be done",
	[ENG_FIXED] = "fixed it",
};

/* The hand-over: what a support agent needs to pick the problem up. As
 * an object and as text to copy. */
static void add_summary(cJSON *outcome, const struct eng_model *m,
			const int *answers, const struct eng_tried *t,
			const struct eng_result *r)
{
	cJSON *sum = cJSON_AddObjectToObject(outcome, "summary"), *arr;
	struct sbuf text = SBUF_INIT;
	int problem = answers[m->q_problem];

	if (problem >= 0) {
		cJSON *o = cJSON_AddObjectToObject(sum, "problem");

		cJSON_AddStringToObject(o, "slug", m->articles[problem].slug);
		cJSON_AddStringToObject(o, "title", m->articles[problem].title);
		sbuf_addf(&text, "Problem: %s (%s)\n", m->articles[problem].title,
			  m->articles[problem].slug);
	} else {
		cJSON_AddNullToObject(sum, "problem");
	}
	arr = cJSON_AddArrayToObject(sum, "answers");
	for (int q = 0; q < m->nr_questions; q++) {
		cJSON *o;
		const char *label;

		if (q == m->q_problem || answers[q] == ENG_UNANSWERED)
			continue;
		label = answers[q] >= 0 ? m->questions[q].options[answers[q]].label :
					  "I don't know";
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "question", m->questions[q].id);
		cJSON_AddStringToObject(o, "text", m->questions[q].text);
		cJSON_AddStringToObject(o, "answer", answer_value(m, q, answers[q]));
		cJSON_AddStringToObject(o, "label", label);
		cJSON_AddItemToArray(arr, o);
		if (cJSON_GetArraySize(arr) == 1)
			sbuf_adds(&text, "Answers:\n");
		sbuf_addf(&text, "- %s %s\n", m->questions[q].text, label);
	}
	cJSON_AddItemToObject(sum, "tried", tried_json(m, answers, t));
	for (int i = 0; t && i < t->nr; i++) {
		int s = t->order[i];

		if (!i)
			sbuf_adds(&text, "Steps tried:\n");
		sbuf_addf(&text, "- %s: %s\n", result_words[t->result[s]],
			  m->steps[s].title);
	}
	arr = cJSON_AddArrayToObject(sum, "causes");
	for (int i = 0; i < r->nr && i < 5; i++) {
		cJSON *o = cJSON_CreateObject();
		const struct eng_cause *c = &m->causes[r->causes[i]];

		cJSON_AddStringToObject(o, "id", c->id);
		cJSON_AddStringToObject(o, "title", c->title);
		cJSON_AddNumberToObject(o, "probability", round4(r->p[i]));
		cJSON_AddItemToArray(arr, o);
		if (!i)
			sbuf_adds(&text, r->outcome == ENG_RESOLVED ?
				  "What it most likely was:\n" : "Causes still possible:\n");
		sbuf_addf(&text, "- %.0f%% %s\n", r->p[i] * 100, c->title);
	}
	cJSON_AddNumberToObject(sum, "other_probability", round4(r->other));
	if (r->outcome == ENG_RESOLVED)
		sbuf_addf(&text, "Fixed by: %s\n", m->steps[r->fixed_by].title);
	else
		sbuf_addf(&text, "A cause the knowledge base does not list: %.0f%%\n",
			  r->other * 100);
	sbuf_rtrim(&text);
	cJSON_AddStringToObject(outcome, "summary_text", text.buf);
	sbuf_release(&text);
}

static cJSON *outcome_json(const struct eng_model *m, const int *answers,
			   const struct eng_tried *t, const struct eng_result *r)
{
	cJSON *o;

	if (r->outcome == ENG_OPEN)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	if (r->outcome == ENG_RESOLVED) {
		cJSON_AddStringToObject(o, "status", "fixed");
		cJSON_AddBoolToObject(o, "resolved", 1);
		cJSON_AddNullToObject(o, "reason");
		cJSON_AddItemToObject(o, "fixed_by", step_json(m, answers, r->fixed_by, -1));
	} else {
		int problem = answers[m->q_problem];

		cJSON_AddStringToObject(o, "status", "not_fixed");
		cJSON_AddBoolToObject(o, "resolved", 0);
		cJSON_AddStringToObject(o, "reason", r->end == ENG_END_UNLISTED ?
					"unlisted_cause" : "no_step_left");
		cJSON_AddNullToObject(o, "fixed_by");
		/* The page's own "if it persists, contact ..." text. */
		if (problem < 0 && r->nr)
			problem = m->causes[r->causes[0]].article;
		cJSON_AddStringToObject(o, "escalation_html", problem >= 0 ?
					m->articles[problem].escalation : "");
	}
	add_summary(o, m, answers, t, r);
	return o;
}

/* {"type": "question"|"step", "question"|"step": ..., "why": {...}}, or
 * null when there is nothing more to do. */
static cJSON *action_json(const struct eng_model *m, const int *answers,
			  const struct eng_result *r)
{
	cJSON *o, *why;

	if (r->action == ENG_ACT_NONE)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	if (r->action == ENG_ACT_ASK) {
		cJSON_AddStringToObject(o, "type", "question");
		cJSON_AddItemToObject(o, "question", question_json(m, answers, r->next, r->gain));
	} else {
		cJSON_AddStringToObject(o, "type", "step");
		cJSON_AddItemToObject(o, "step", step_json(m, answers, r->step, r->plan_p[0]));
	}
	why = cJSON_AddObjectToObject(o, "why");
	if (!r->has_steps) {
		cJSON_AddStringToObject(why, "rule", "information_gain");
		cJSON_AddNumberToObject(why, "information_gain", round4(r->gain));
		return o;
	}
	cJSON_AddStringToObject(why, "rule", "expected_cost");
	/* The plan's expected cost, and, when a question was weighed, the
	 * expected cost of asking it first. */
	cJSON_AddNumberToObject(why, "expected_cost_of_repair", round4(r->ecr));
	if (r->weighed >= 0) {
		cJSON_AddStringToObject(why, "question", m->questions[r->weighed].id);
		cJSON_AddNumberToObject(why, "expected_cost_asking_first", round4(r->eco));
		cJSON_AddNumberToObject(why, "information_gain", round4(r->weighed_gain));
	} else {
		cJSON_AddNullToObject(why, "question");
		cJSON_AddNullToObject(why, "expected_cost_asking_first");
	}
	if (r->action == ENG_ACT_TRY) {
		cJSON_AddNumberToObject(why, "fix_probability", round4(r->plan_p[0]));
		cJSON_AddNumberToObject(why, "cost", round4(m->steps[r->step].cost));
	}
	return o;
}

cJSON *eng_result_json(const struct eng_model *m, const int *answers,
		       const struct eng_tried *tried, const struct eng_result *r)
{
	cJSON *doc = cJSON_CreateObject(), *obj, *arr;
	const unsigned char *res = tried ? tried->result : NULL;
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
	cJSON_AddItemToObject(doc, "tried", tried_json(m, answers, tried));
	arr = cJSON_AddArrayToObject(doc, "causes");
	for (int i = 0; i < r->nr; i++)
		cJSON_AddItemToArray(arr, cause_json(m, answers, res, r->causes[i], r->p[i]));
	cJSON_AddNumberToObject(doc, "other_probability", r->other);
	arr = cJSON_AddArrayToObject(doc, "steps");
	for (int i = 0; i < r->nr_plan; i++)
		cJSON_AddItemToArray(arr, step_json(m, answers, r->plan[i], r->plan_p[i]));
	if (r->has_steps && r->outcome == ENG_OPEN)
		cJSON_AddNumberToObject(doc, "expected_cost", round4(r->ecr));
	else
		cJSON_AddNullToObject(doc, "expected_cost");
	cJSON_AddItemToObject(doc, "next_action", action_json(m, answers, r));
	if (r->action == ENG_ACT_ASK)
		cJSON_AddItemToObject(doc, "next_question",
				      question_json(m, answers, r->next, r->gain));
	else
		cJSON_AddNullToObject(doc, "next_question");
	cJSON_AddItemToObject(doc, "outcome", outcome_json(m, answers, tried, r));
	return doc;
}

struct tree_state {
	struct eng_work *w;
	const struct eng_model *m;
	int *answers;
	unsigned char *tried;
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

/* A node: a question with an edge per answer, a step with the node that
 * follows its failure, or a leaf (the ranked causes, and "outcome":
 * "not_fixed" when the repair loop gave up there, else "open"). */
static cJSON *tree_node(struct tree_state *ts)
{
	const struct eng_model *m = ts->m;
	struct eng_result r;
	cJSON *node = cJSON_CreateObject(), *edges;
	const struct eng_question *qu;
	int q;

	ts->nodes++;
	eng_diagnose(ts->w, ts->answers, ts->tried, NULL, &r);
	if (r.action == ENG_ACT_NONE || ts->nodes >= ts->max_nodes) {
		if (r.action != ENG_ACT_NONE)
			ts->truncated = 1;
		cJSON_AddItemToObject(node, "causes", leaf_json(m, &r));
		cJSON_AddStringToObject(node, "outcome",
					r.outcome == ENG_UNRESOLVED ? "not_fixed" : "open");
		return node;
	}
	if (r.action == ENG_ACT_TRY) {
		const struct eng_step *st = &m->steps[r.step];
		int s = r.step;

		cJSON_AddStringToObject(node, "step", st->id);
		add_ref(node, m, ts->answers, s);
		cJSON_AddStringToObject(node, "text", st->title);
		cJSON_AddNumberToObject(node, "cost", round(st->cost * 100) / 100);
		cJSON_AddNumberToObject(node, "fix_probability",
					round(r.plan_p[0] * 1000) / 1000);
		ts->tried[s] = ENG_FAILED;
		cJSON_AddItemToObject(node, "failed", tree_node(ts));
		ts->tried[s] = ENG_UNTRIED;
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
	ts.tried = xcalloc((size_t)m->nr_steps + 1, 1);
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
	free(ts.tried);
	return doc;
}

static void render_text(const cJSON *node, int depth, struct sbuf *out)
{
	const cJSON *e, *c;

	if (cJSON_GetObjectItemCaseSensitive(node, "question")) {
		sbuf_addf(out, "%*s%s (%s, %.3f bits)\n", depth * 2, "",
			  json_str(node, "text"), json_str(node, "question"),
			  json_num(node, "information_gain"));
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(node, "answers")) {
			sbuf_addf(out, "%*s= %s:\n", depth * 2 + 2, "", json_str(e, "value"));
			render_text(cJSON_GetObjectItemCaseSensitive(e, "node"),
				    depth + 2, out);
		}
		return;
	}
	if (cJSON_GetObjectItemCaseSensitive(node, "step")) {
		sbuf_addf(out, "%*stry %s (%s, %g min, fixes it %.0f%%)\n", depth * 2, "",
			  json_str(node, "text"), json_str(node, "step"), json_num(node, "cost"),
			  json_num(node, "fix_probability") * 100);
		render_text(cJSON_GetObjectItemCaseSensitive(node, "failed"), depth, out);
		return;
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(node, "causes"))
		sbuf_addf(out, "%*s-> %s (%.0f%%)\n", depth * 2, "", json_str(c, "id"),
			  json_num(c, "probability") * 100);
	if (!strcmp(json_str(node, "outcome"), "not_fixed"))
		sbuf_addf(out, "%*s-> not fixed: hand over\n", depth * 2, "");
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
		dot_str(out, json_str(node, "text"));
		sbuf_adds(out, "];\n");
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(node, "answers")) {
			int child = render_dot(cJSON_GetObjectItemCaseSensitive(e, "node"),
					       next_id, out);
			sbuf_addf(out, "  n%d -> n%d [label=", id, child);
			dot_str(out, json_str(e, "value"));
			sbuf_adds(out, "];\n");
		}
		return id;
	}
	if (cJSON_GetObjectItemCaseSensitive(node, "step")) {
		int child = render_dot(cJSON_GetObjectItemCaseSensitive(node, "failed"),
				       next_id, out);

		sbuf_addf(out, "  n%d [shape=box, style=rounded, label=", id);
		sbuf_addf(&label, "try: %s", json_str(node, "text"));
		dot_str(out, label.buf);
		sbuf_addf(out, "];\n  n%d -> n%d [label=\"not fixed\"];\n", id, child);
		sbuf_release(&label);
		return id;
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(node, "causes"))
		sbuf_addf(&label, "%s%s %.0f%%", label.len ? "\n" : "", json_str(c, "id"),
			  json_num(c, "probability") * 100);
	if (!strcmp(json_str(node, "outcome"), "not_fixed"))
		sbuf_addf(&label, "%snot fixed: hand over", label.len ? "\n" : "");
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
