/* check_learn: clew learn's soft counts and bounded estimates, the learned
 * file it writes, and that file read back and baked in by clew compile
 * --learned, on the shipped KB. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "../server/base/sbuf.h"
#include "../server/compiler/learned.h"
#include "../server/content/kb.h"
#include "../server/engine/engine.h"
#include "../server/engine/model.h"
#include "../server/engine/report.h"
#include "../server/events/event.h"
#include "../server/learn/learn.h"
#include "../server/store/store.h"
#include "testutil.h"

#define PROBLEM "bluetooth-call-audio"

/* The shipped KB compiled into a fresh folder, with its authored model. */
struct fx {
	char *dir;
	char *db;   /* dir/kb.sqlite */
	char *hash; /* its content hash */
	struct store *st;
	struct eng_model *m;
};

static void fx_open(struct fx *f)
{
	struct sbuf db = SBUF_INIT;
	struct diag d = DIAG_INIT;
	char *err = NULL;

	f->dir = tu_tmpdir();
	sbuf_addf(&db, "%s/kb.sqlite", f->dir);
	if (tu_compile(db.buf, &d, 1, "kb", NULL)) {
		tu_diag_dump(&d);
		ck_abort_msg("kb/ does not compile cleanly");
	}
	diag_release(&d);
	f->db = sbuf_detach(&db, NULL);
	f->st = store_open(f->db, &err);
	ck_assert_msg(f->st != NULL, "%s", err);
	f->m = store_load_authored_model(f->st);
	ck_assert_msg(f->m != NULL, "%s", store_errmsg(f->st));
	f->hash = store_meta(f->st, "content_hash");
	ck_assert_ptr_nonnull(f->hash);
}

static void fx_close(struct fx *f)
{
	eng_model_free(f->m);
	store_free(f->st);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f->hash);
}

/* An outcome of PROBLEM; tried and step may be NULL. */
static struct ev_event *outcome(const char *answers, const char *tried,
				const char *step, const char *result, int64_t at_ms)
{
	struct ev_event *e = ev_event_new(EV_OUTCOME);

	ev_event_set(&e->kb, "abc123");
	ev_event_set(&e->session, "AAAAAAAAAAAAAAAAAAAAAA");
	ev_event_set(&e->article, PROBLEM);
	ev_event_set(&e->answers, answers);
	ev_event_set(&e->tried, tried);
	ev_event_set(&e->step, step);
	ev_event_set(&e->result, result);
	e->at_ms = at_ms;
	return e;
}

/* Counts one outcome n times, then frees it. */
static void add_n(struct learn *l, struct ev_event *e, int n)
{
	for (int i = 0; i < n; i++)
		learn_add(l, e);
	ev_event_free(e);
}

/* learn_write's output (malloc'd; caller frees). */
static char *learned_text(struct learn *l)
{
	struct sbuf out = SBUF_INIT;

	learn_write(l, &out);
	return sbuf_detach(&out, NULL);
}

/* learn_report's output (malloc'd; caller frees). */
static char *report_text(struct learn *l)
{
	struct sbuf out = SBUF_INIT;

	learn_report(l, &out);
	return sbuf_detach(&out, NULL);
}

/* Writes text to dir/name and reads it back with learned_read, which
 * must accept it. Returns the file's path (malloc'd; caller frees). */
static char *read_back(const char *dir, const char *name, const char *text,
		       struct kb_learned_list *out)
{
	struct diag d = DIAG_INIT;
	char *path = tu_write(dir, name, text, -1);
	uint64_t hash = 0;

	if (learned_read(path, out, &hash, &d)) {
		tu_diag_dump(&d);
		ck_abort_msg("learned_read refused what learn_write wrote:\n%s", text);
	}
	ck_assert_int_eq(d.errors + d.warnings, 0);
	diag_release(&d);
	return path;
}

/* The row of list for cause (solution "" for its prior) in platform
 * scope ("" for every platform), or NULL. */
static const struct kb_learned *row(const struct kb_learned_list *l, const char *cause,
				    const char *solution, const char *platform)
{
	for (size_t i = 0; i < l->nr; i++)
		if (!strcmp(l->items[i].article, PROBLEM) && !strcmp(l->items[i].cause, cause) &&
		    !strcmp(l->items[i].solution, solution) &&
		    !strcmp(l->items[i].platform, platform))
			return &l->items[i];
	return NULL;
}

/* One value line of the learned file, as written. */
struct yval {
	double authored, learned, low, high, count;
};

/* Finds, in learn_write's text, the value line of id under section
 * ("priors" or "fixes") and key (a scope, or a step) of PROBLEM, by
 * indentation: 2 the problem, 4 the section, 6 the key, 8 the values.
 * Returns 1 and fills *v, or 0. */
static int yaml_value(const char *text, const char *section, const char *key,
		      const char *id, struct yval *v)
{
	char problem[64] = "", sec[64] = "", k[64] = "";

	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		size_t ind = strspn(p, " ");
		char line[512], name[64];

		if (len < sizeof(line) && ind < len && p[ind] != '#') {
			memcpy(line, p, len);
			line[len] = '\0';
			if (ind == 2)
				sscanf(line + ind, "%63[^:]", problem);
			else if (ind == 4)
				sscanf(line + ind, "%63[^:]", sec);
			else if (ind == 6)
				sscanf(line + ind, "%63[^:]", k);
			else if (ind == 8 && !strcmp(problem, PROBLEM) && !strcmp(sec, section) &&
				 !strcmp(k, key) &&
				 sscanf(line + ind, "%63[^:]: {authored: %lf, learned: %lf, low: %lf, "
					"high: %lf, %*[a-z]: %lf}", name, &v->authored, &v->learned,
					&v->low, &v->high, &v->count) == 6 &&
				 !strcmp(name, id))
				return 1;
		}
		p += len + (eol != NULL);
	}
	return 0;
}

/* |a - b| within a relative tolerance: the file prints 4 digits. */
static int near(double a, double b, double rel)
{
	return fabs(a - b) <= rel * fmax(fabs(a), fabs(b)) + 1e-12;
}

static double logit(double p)
{
	return log(p / (1 - p));
}

static int cause_of(const struct eng_model *m, const char *id)
{
	int a = eng_model_option(m, m->q_problem, PROBLEM), c;

	ck_assert_int_ge(a, 0);
	c = eng_model_cause(m, a, id);
	ck_assert_msg(c >= 0, "the KB has no cause '%s'", id);
	return c;
}

static int step_of(const struct eng_model *m, const char *id)
{
	int a = eng_model_option(m, m->q_problem, PROBLEM), s;

	ck_assert_int_ge(a, 0);
	s = eng_model_step(m, a, id);
	ck_assert_msg(s >= 0, "the KB has no step '%s'", id);
	return s;
}

/* The authored P(step fixes cause), or -1 when they are not linked. */
static double link_fix(const struct eng_model *m, const char *cause, const char *step)
{
	const struct eng_cause *c = &m->causes[cause_of(m, cause)];
	int s = step_of(m, step);

	for (int i = 0; i < c->nr_steps; i++)
		if (c->steps[i] == s)
			return c->fix[i];
	return -1;
}

/* The authored prior of cause as a probability among the causes of its
 * problem in scope of platform ("" for every platform). */
static double authored_share(const struct eng_model *m, const char *cause, const char *platform)
{
	int c = cause_of(m, cause), a = m->causes[c].article;
	int p = *platform ? eng_model_option(m, m->q_platform, platform) : -1;
	double sum = 0;

	for (int j = m->article_start[a]; j < m->article_start[a + 1]; j++) {
		const struct eng_cause *x = &m->causes[m->by_article[j]];

		if (p < 0 || x->platform < 0 || x->platform == p)
			sum += x->prior;
	}
	ck_assert(sum > 0);
	return m->causes[c].prior / sum;
}

/* The content hash a compile's summary line names, or "" (malloc'd). */
static char *printed_hash(const char *out)
{
	const char *p = out ? strstr(out, "content hash ") : NULL;
	char h[32] = "";

	if (p)
		sscanf(p + strlen("content hash "), "%31[0-9a-f]", h);
	return strdup(h);
}

/* The first line sqlite3 prints for sql on db (malloc'd). */
static char *sql_line(const char *db, const char *sql)
{
	struct sbuf cmd = SBUF_INIT;
	char line[256] = "";
	FILE *p;

	sbuf_addf(&cmd, "sqlite3 '%s' \"%s\"", db, sql);
	p = popen(cmd.buf, "r");
	ck_assert_ptr_nonnull(p);
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	line[strcspn(line, "\n")] = '\0';
	sbuf_release(&cmd);
	return strdup(line);
}

static const char *const android_causes[] = {
	"android-missing-permissions", "android-a2dp-only", "android-no-offcall-sco",
};

START_TEST(test_soft_counts_move_the_right_way)
{
	static const char *const scopes[] = { "", "android" };
	struct fx f;
	struct learn_opts o;
	struct learn *l;
	struct kb_learned_list list = { 0 };
	char *text, *path;

	fx_open(&f);
	learn_opts_default(&o);
	l = learn_new(f.m, f.hash, &o);
	add_n(l, outcome("platform=android", NULL, "android-add-permissions", "fixed", o.now_ms), 200);
	ck_assert_msg(near(learn_sessions(l), 200, 1e-9), "sessions %g", learn_sessions(l));
	text = learned_text(l);
	ck_assert_ptr_nonnull(strstr(text, "clew_learned: 1\n"));
	ck_assert_ptr_nonnull(strstr(text, f.hash));
	path = read_back(f.dir, "learned.yaml", text, &list);

	for (size_t s = 0; s < 2; s++) {
		const char *scope = scopes[s], *key = *scope ? scope : "all";
		const struct kb_learned *r = row(&list, "android-missing-permissions", "", scope);
		struct yval v;

		ck_assert_msg(r != NULL, "no prior of android-missing-permissions in scope %s", key);
		ck_assert_msg(near(r->authored, authored_share(f.m, r->cause, scope), 1e-3),
			      "authored %g in scope %s", r->authored, key);
		ck_assert_msg(r->value > r->authored, "scope %s: learned %g <= authored %g", key,
			      r->value, r->authored);
		ck_assert_msg(near(r->sessions, 200, 1e-9), "scope %s: sessions %g", key, r->sessions);
		ck_assert_msg(yaml_value(text, "priors", key, "android-missing-permissions", &v),
			      "no value line in scope %s:\n%s", key, text);
		ck_assert(near(v.learned, r->value, 1e-9));
		ck_assert_msg(v.low <= v.learned && v.learned <= v.high,
			      "scope %s: %g outside [%g, %g]", key, v.learned, v.low, v.high);
		ck_assert(v.low <= v.high);
		ck_assert_msg(near(v.count, 200, 1e-3), "scope %s: named by %g", key, v.count);
		for (size_t i = 1; i < sizeof(android_causes) / sizeof(*android_causes); i++) {
			const struct kb_learned *o2 = row(&list, android_causes[i], "", scope);

			ck_assert_msg(o2 != NULL, "no prior of %s in scope %s", android_causes[i], key);
			ck_assert_msg(o2->value < o2->authored, "scope %s: %s rose: %g -> %g", key,
				      android_causes[i], o2->authored, o2->value);
			ck_assert_msg(yaml_value(text, "priors", key, android_causes[i], &v), "%s",
				      text);
			ck_assert(v.count == 0);
		}
	}
	/* The iOS causes are out of the Android scope, and fall in 'all'. */
	ck_assert_ptr_null(row(&list, "ios-default-route", "", "android"));
	ck_assert_ptr_nonnull(row(&list, "ios-default-route", "", ""));
	ck_assert(row(&list, "ios-default-route", "", "")->value <
		  row(&list, "ios-default-route", "", "")->authored);
	/* The step that fixed it fixes more often than authored; it is the
	 * only link tried. */
	{
		const struct kb_learned *fx = row(&list, "android-missing-permissions",
						  "android-add-permissions", "");
		size_t links = 0;

		ck_assert_ptr_nonnull(fx);
		ck_assert(near(fx->authored, link_fix(f.m, fx->cause, fx->solution), 1e-3));
		ck_assert_msg(fx->value > fx->authored, "%g <= %g", fx->value, fx->authored);
		ck_assert(near(fx->sessions, 200, 1e-3));
		for (size_t i = 0; i < list.nr; i++)
			links += *list.items[i].solution != '\0';
		ck_assert_int_eq(links, 1);
	}

	kb_learned_list_release(&list);
	free(path);
	free(text);
	learn_free(l);
	fx_close(&f);
}
END_TEST

/* Checks every row of what learn_write wrote against the bounds of o.
 * Returns how many sit at a bound. */
static int check_bounds(const struct fx *f, const struct learn_opts *o,
			const struct kb_learned_list *list)
{
	int at_bound = 0;

	ck_assert_int_gt(list->nr, 0);
	for (size_t i = 0; i < list->nr; i++) {
		const struct kb_learned *r = &list->items[i];

		if (!*r->solution) {
			double a = fmin(fmax(r->authored, 1e-9), 1 - 1e-9);
			double lo = 1 / (1 + exp(-(log(a / (1 - a)) - o->max_prior_shift)));
			double hi = 1 / (1 + exp(-(log(a / (1 - a)) + o->max_prior_shift)));

			ck_assert_msg(near(r->authored, authored_share(f->m, r->cause, r->platform), 1e-3),
				      "prior of %s on '%s': authored %g", r->cause, r->platform,
				      r->authored);
			ck_assert_msg(r->value >= lo * (1 - 1e-3) && r->value <= hi * (1 + 1e-3),
				      "prior of %s on '%s': %g outside [%g, %g]", r->cause,
				      r->platform, r->value, lo, hi);
			at_bound += near(r->value, lo, 1e-3) || (hi < 1 && near(r->value, hi, 1e-3));
		} else {
			double p = fmin(0.99, fmax(0.01, r->authored));
			double shift = logit(r->value) - logit(p);

			ck_assert_msg(near(r->authored, link_fix(f->m, r->cause, r->solution), 1e-3),
				      "fix of %s for %s: authored %g", r->solution, r->cause,
				      r->authored);
			/* 4 printed digits move a value near 0.99 by up to 0.006
			 * log-odds. */
			ck_assert_msg(fabs(shift) <= o->max_fix_shift + 0.01,
				      "fix of %s for %s: %g -> %g moves %g log-odds", r->solution,
				      r->cause, r->authored, r->value, shift);
			at_bound += fabs(fabs(shift) - o->max_fix_shift) < 0.01;
		}
	}
	return at_bound;
}

START_TEST(test_bounds_hold)
{
	/* As if one client sent the same outcome 10,000 times: one fixed by
	 * the Android permissions, one by switching the iOS route after
	 * choosing it first had failed (so fix rates fall as well as rise). */
	static const char *const ev[][3] = {
		{ "platform=android", NULL, "android-add-permissions" },
		{ "platform=ios", "ios-choose-route-before-voip:failed", "ios-switch-route-in-call" },
	};
	struct fx f;

	fx_open(&f);
	for (size_t k = 0; k < sizeof(ev) / sizeof(*ev); k++) {
		struct learn_opts o;
		struct learn *l;
		struct kb_learned_list list = { 0 };
		char *text, *path;
		int at_bound;

		learn_opts_default(&o);
		l = learn_new(f.m, f.hash, &o);
		add_n(l, outcome(ev[k][0], ev[k][1], ev[k][2], "fixed", o.now_ms), 10000);
		ck_assert_msg(near(learn_sessions(l), 10000, 1e-9), "%g", learn_sessions(l));
		text = learned_text(l);
		path = read_back(f.dir, "learned.yaml", text, &list);
		at_bound = check_bounds(&f, &o, &list);
		/* The bounds were tested, not merely respected from afar. */
		ck_assert_msg(at_bound > 0, "nothing reached a bound:\n%s", text);
		ck_assert_ptr_nonnull(strstr(text, "# held at its bound"));
		if (k == 1) {
			const struct kb_learned *r = row(&list, "ios-shared-route",
							 "ios-choose-route-before-voip", "");

			ck_assert_ptr_nonnull(r);
			ck_assert_msg(near(logit(r->value), logit(r->authored) - o.max_fix_shift, 1e-2),
				      "%g -> %g", r->authored, r->value);
		}
		kb_learned_list_release(&list);
		free(path);
		free(text);
		learn_free(l);
	}
	fx_close(&f);
}
END_TEST

START_TEST(test_fading)
{
	const int64_t day = 86400000;
	struct fx f;
	struct learn_opts o;
	struct learn *fresh, *old, *many;
	struct kb_learned_list list = { 0 };
	char *text, *path;
	double ratio;

	fx_open(&f);
	learn_opts_default(&o);
	o.half_life_days = 1;
	fresh = learn_new(f.m, f.hash, &o);
	old = learn_new(f.m, f.hash, &o);
	many = learn_new(f.m, f.hash, &o);
	add_n(fresh, outcome("platform=android", NULL, "android-add-permissions", "fixed",
			     o.now_ms), 1);
	add_n(old, outcome("platform=android", NULL, "android-add-permissions", "fixed",
			   o.now_ms - 10 * day), 1);
	add_n(many, outcome("platform=android", NULL, "android-add-permissions", "fixed",
			    o.now_ms - 10 * day), 1024);
	ck_assert_msg(near(learn_sessions(fresh), 1, 1e-9), "%g", learn_sessions(fresh));
	ratio = learn_sessions(old) / learn_sessions(fresh);
	ck_assert_msg(near(ratio, pow(2, -10), 1e-6), "a 10-day-old outcome counts %g", ratio);
	/* 1024 outcomes ten half-lives old weigh as one fresh one. */
	ck_assert_msg(near(learn_sessions(many), 1, 1e-6), "%g", learn_sessions(many));

	/* The file says so too: the sessions behind each scope. */
	text = learned_text(old);
	ck_assert_msg(strstr(text, "    sessions: 0.000976562\n") != NULL, "%s", text);
	path = read_back(f.dir, "old.yaml", text, &list);
	ck_assert_ptr_nonnull(row(&list, "android-missing-permissions", "", ""));
	ck_assert(near(row(&list, "android-missing-permissions", "", "")->sessions,
		       pow(2, -10), 1e-3));
	ck_assert(near(row(&list, "android-missing-permissions", "", "android")->sessions,
		       pow(2, -10), 1e-3));
	/* So little evidence barely moves the prior. */
	ck_assert(fabs(row(&list, "android-missing-permissions", "", "")->value -
		       row(&list, "android-missing-permissions", "", "")->authored) < 1e-3);

	kb_learned_list_release(&list);
	free(path);
	free(text);
	learn_free(fresh);
	learn_free(old);
	learn_free(many);
	fx_close(&f);
}
END_TEST

START_TEST(test_what_counts_for_nothing)
{
	struct fx f;
	struct learn_opts o;
	struct learn *l;
	struct kb_learned_list list = { 0 };
	struct ev_event *e;
	char *text, *rep, *path;

	fx_open(&f);
	learn_opts_default(&o);
	l = learn_new(f.m, f.hash, &o);
	/* An outcome without a result. */
	add_n(l, outcome("platform=android", NULL, "android-add-permissions", NULL, o.now_ms), 1);
	/* Other kinds, even one that looks fixed. */
	e = ev_event_new(EV_WIZARD);
	ev_event_set(&e->article, PROBLEM);
	ev_event_set(&e->answers, "platform=android");
	ev_event_set(&e->step, "android-add-permissions");
	ev_event_set(&e->result, "fixed");
	add_n(l, e, 5);
	e = ev_event_new(EV_VOTE);
	ev_event_set(&e->article, PROBLEM);
	ev_event_set(&e->result, "yes");
	add_n(l, e, 2);
	e = ev_event_new(EV_SEARCH);
	ev_event_set(&e->query, "bluetooth");
	e->hits = 3;
	add_n(l, e, 1);
	e = ev_event_new(EV_OPEN);
	ev_event_set(&e->article, PROBLEM);
	ev_event_set(&e->query, "bluetooth");
	e->rank = 1;
	add_n(l, e, 1);

	ck_assert(learn_sessions(l) == 0);
	text = learned_text(l);
	ck_assert_msg(strstr(text, "\nproblems: {}\n") != NULL, "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "# Outcomes read: 0 (0 fixed, 0 not fixed); used: 0."));
	path = read_back(f.dir, "nothing.yaml", text, &list);
	ck_assert_int_eq(list.nr, 0);
	rep = report_text(l);
	ck_assert_msg(strstr(rep, "0 outcome(s) read: 0 fixed, 0 not fixed; 0 used.\n") != NULL,
		      "%s", rep);
	free(rep);
	free(text);
	free(path);
	kb_learned_list_release(&list);

	/* Fixed, but naming what the KB does not have. */
	e = outcome("platform=android", NULL, "android-add-permissions", "fixed", o.now_ms);
	ev_event_set(&e->article, "no-such-problem");
	add_n(l, e, 2);
	add_n(l, outcome("platform=android", NULL, "no-such-step", "fixed", o.now_ms), 1);
	add_n(l, outcome("platform=android", "no-such-step:failed", "android-add-permissions",
			 "fixed", o.now_ms), 1);
	add_n(l, outcome("platform=android", NULL, NULL, "fixed", o.now_ms), 1);
	/* A step of another problem. */
	add_n(l, outcome("platform=android", NULL,
			 "linux-bluetooth-headset-audio/android-add-permissions", "fixed",
			 o.now_ms), 1);
	/* An Android step on iOS fixes none of the causes in scope. */
	add_n(l, outcome("platform=ios", NULL, "android-add-permissions", "fixed", o.now_ms), 1);

	ck_assert_msg(learn_sessions(l) == 0, "%g", learn_sessions(l));
	text = learned_text(l);
	ck_assert_msg(strstr(text, "\nproblems: {}\n") != NULL, "%s", text);
	rep = report_text(l);
	ck_assert_msg(strstr(rep, "7 outcome(s) read: 7 fixed, 0 not fixed; 0 used; ignored: 2 "
			     "for a problem the KB does not have, 4 naming a step the problem "
			     "does not have, 1 whose step fixes no cause in scope.\n") != NULL,
		      "%s", rep);
	ck_assert_ptr_null(strstr(rep, PROBLEM ":"));
	free(rep);
	free(text);

	/* Not fixed: no cause is named, but the session counts, split over
	 * the causes as likely as they are given that the step failed: the
	 * cause that step fixes drops, the others rise. */
	add_n(l, outcome("platform=android", "android-add-permissions:failed", NULL,
			 "not_fixed", o.now_ms), 30);
	ck_assert_msg(learn_sessions(l) == 30, "%g", learn_sessions(l));
	text = learned_text(l);
	path = read_back(f.dir, "not-fixed.yaml", text, &list);
	{
		const struct kb_learned *fixes = row(&list, "android-missing-permissions",
						     "android-add-permissions", "");
		const struct kb_learned *missing = row(&list, "android-missing-permissions", "", "android");
		const struct kb_learned *other = row(&list, "android-a2dp-only", "", "android");

		ck_assert_ptr_nonnull(fixes);
		ck_assert_msg(fixes->value < fixes->authored, "%g", fixes->value);
		ck_assert_ptr_nonnull(missing);
		ck_assert_ptr_nonnull(other);
		ck_assert_msg(missing->value < missing->authored, "%g -> %g", missing->authored,
			      missing->value);
		ck_assert_msg(other->value > other->authored, "%g -> %g", other->authored,
			      other->value);
	}
	rep = report_text(l);
	ck_assert_msg(strstr(rep, "37 outcome(s) read: 7 fixed, 30 not fixed; 30 used;") != NULL,
		      "%s", rep);

	free(rep);
	free(text);
	free(path);
	kb_learned_list_release(&list);
	learn_free(l);
	fx_close(&f);
}
END_TEST

START_TEST(test_failed_step_lowers_fix_rate)
{
	/* The Android steps each fix a cause of their own, so a failed one
	 * says nothing about the cause another step then fixed; the iOS
	 * route steps share two causes. */
	static const char *const shared[] = { "ios-shared-route", "ios-default-route" };
	const char *failed = "ios-choose-route-before-voip", *fixer = "ios-switch-route-in-call";
	struct fx f;
	struct learn_opts o;
	struct learn *l;
	struct kb_learned_list list = { 0 };
	char *text, *path;

	fx_open(&f);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_msg(link_fix(f.m, shared[i], failed) > 0, "%s does not fix %s", failed,
			      shared[i]);
		ck_assert_msg(link_fix(f.m, shared[i], fixer) > 0, "%s does not fix %s", fixer,
			      shared[i]);
	}
	learn_opts_default(&o);
	l = learn_new(f.m, f.hash, &o);
	add_n(l, outcome("platform=ios", "ios-choose-route-before-voip:failed", fixer, "fixed",
			 o.now_ms), 30);
	ck_assert(near(learn_sessions(l), 30, 1e-9));
	text = learned_text(l);
	path = read_back(f.dir, "learned.yaml", text, &list);
	for (size_t i = 0; i < 2; i++) {
		const struct kb_learned *down = row(&list, shared[i], failed, "");
		const struct kb_learned *up = row(&list, shared[i], fixer, "");
		struct yval v;

		ck_assert_msg(down != NULL, "no fix rate of %s for %s:\n%s", failed, shared[i], text);
		ck_assert(near(down->authored, link_fix(f.m, shared[i], failed), 1e-3));
		ck_assert_msg(down->value < down->authored, "%s for %s: %g -> %g", failed,
			      shared[i], down->authored, down->value);
		ck_assert(yaml_value(text, "fixes", failed, shared[i], &v));
		ck_assert(v.count > 0);
		ck_assert(v.low <= v.learned && v.learned <= v.high);
		ck_assert_msg(up != NULL, "no fix rate of %s for %s", fixer, shared[i]);
		ck_assert_msg(up->value > up->authored, "%s for %s: %g -> %g", fixer, shared[i],
			      up->authored, up->value);
	}
	/* The two causes share the 30 sessions; the tries add up. */
	{
		struct yval a, b;

		ck_assert(yaml_value(text, "fixes", failed, shared[0], &a));
		ck_assert(yaml_value(text, "fixes", failed, shared[1], &b));
		ck_assert_msg(near(a.count + b.count, 30, 1e-3), "%g + %g", a.count, b.count);
	}
	/* No link of the untouched cause was tried. */
	ck_assert_ptr_null(row(&list, "ios-speaker-needs-callkit", "ios-use-callkit", ""));

	kb_learned_list_release(&list);
	free(path);
	free(text);
	learn_free(l);
	fx_close(&f);
}
END_TEST

/* The events of test_determinism_and_compile, counted into l. */
static void add_mix(struct learn *l, int64_t now)
{
	add_n(l, outcome("platform=android", NULL, "android-add-permissions", "fixed", now), 200);
	add_n(l, outcome("platform=android", "android-check-offcall-sco:failed",
			 "android-use-sco-device", "fixed", now - 86400000), 20);
	add_n(l, outcome("platform=ios", "ios-choose-route-before-voip:failed",
			 "ios-switch-route-in-call", "fixed", now - 5 * 86400000), 15);
	add_n(l, outcome("platform=ios", NULL, NULL, "not_fixed", now), 7);
}

/* The diagnose document's cause id (borrowed from doc), or NULL. */
static const cJSON *json_cause(const cJSON *doc, const char *id)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "causes")) {
		const cJSON *cid = cJSON_GetObjectItem(c, "id");

		if (cJSON_IsString(cid) && !strcmp(cid->valuestring, id))
			return c;
	}
	return NULL;
}

START_TEST(test_determinism_and_compile)
{
	struct fx f;
	struct learn_opts o;
	struct learn *l1, *l2;
	struct kb_learned_list list = { 0 };
	struct sbuf cmd = SBUF_INIT, db = SBUF_INIT;
	struct tu_run r;
	struct store *st;
	struct eng_model *ml, *ma;
	char *t1, *t2, *path, *h_base, *h_l1, *h_l2, *meta, *count, *err = NULL;
	int c, android, step;
	cJSON *doc, *base_doc;
	const cJSON *jc, *from;
	double sessions;

	fx_open(&f);
	learn_opts_default(&o);
	l1 = learn_new(f.m, f.hash, &o);
	l2 = learn_new(f.m, f.hash, &o);
	add_mix(l1, o.now_ms);
	add_mix(l2, o.now_ms);
	t1 = learned_text(l1);
	t2 = learned_text(l2);
	ck_assert_str_eq(t1, t2);
	sessions = learn_sessions(l1);
	path = read_back(f.dir, "learned.yaml", t1, &list);

	/* The KB without and with what was learned, and with it again. */
	sbuf_addf(&cmd, "@ compile -o %s/base.sqlite kb", f.dir);
	r = tu_sh(f.dir, cmd.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	h_base = printed_hash(r.out);
	tu_run_free(&r);
	sbuf_reset(&cmd);
	sbuf_addf(&cmd, "@ compile --learned %s -o %s/l1.sqlite kb", path, f.dir);
	r = tu_sh(f.dir, cmd.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(r.err == NULL || !*r.err, "compile warned: %s", r.err);
	h_l1 = printed_hash(r.out);
	tu_run_free(&r);
	sbuf_reset(&cmd);
	sbuf_addf(&cmd, "@ compile --learned %s -o %s/l2.sqlite kb", path, f.dir);
	r = tu_sh(f.dir, cmd.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	h_l2 = printed_hash(r.out);
	tu_run_free(&r);
	ck_assert_int_eq(strlen(h_base), 16);
	ck_assert_int_eq(strlen(h_l1), 16);
	ck_assert_str_eq(h_base, f.hash);
	ck_assert_str_ne(h_l1, h_base);
	ck_assert_str_eq(h_l1, h_l2);

	/* Every value learned is a row of table 'learned'. */
	sbuf_addf(&db, "%s/l1.sqlite", f.dir);
	count = sql_line(db.buf, "SELECT count(*) FROM learned");
	ck_assert_int_eq(atoi(count), (int)list.nr);
	ck_assert_int_gt(list.nr, 0);
	st = store_open(db.buf, &err);
	ck_assert_msg(st != NULL, "%s", err);
	meta = store_meta(st, "content_hash");
	ck_assert_str_eq(meta, h_l1);
	ml = store_load_model(st);
	ck_assert_msg(ml != NULL, "%s", store_errmsg(st));
	ma = store_load_authored_model(st);
	ck_assert_msg(ma != NULL, "%s", store_errmsg(st));
	c = cause_of(ml, "android-missing-permissions");
	android = eng_model_option(ml, ml->q_platform, "android");
	ck_assert_int_ge(android, 0);
	ck_assert_msg(eng_cause_prior(ml, c, android) > eng_cause_prior(ma, c, android),
		      "learned %g, authored %g", eng_cause_prior(ml, c, android),
		      eng_cause_prior(ma, c, android));
	ck_assert(eng_cause_prior(ml, c, -1) > eng_cause_prior(ma, c, -1));
	ck_assert(eng_cause_prior(ma, c, android) == f.m->causes[c].prior);
	ck_assert(ml->causes[c].sessions > 0);
	ck_assert(ma->causes[c].sessions == 0);
	c = cause_of(ml, "android-a2dp-only");
	ck_assert(eng_cause_prior(ml, c, android) < eng_cause_prior(ma, c, android));
	/* A learned fix rate replaces the authored one. */
	c = cause_of(ml, "ios-shared-route");
	step = step_of(ml, "ios-choose-route-before-voip");
	for (int i = 0; i < ml->causes[c].nr_steps; i++)
		if (ml->causes[c].steps[i] == step) {
			const struct kb_learned *lr = row(&list, "ios-shared-route",
							  "ios-choose-route-before-voip", "");

			ck_assert_ptr_nonnull(lr);
			ck_assert(near(ml->causes[c].fix[i], lr->value, 1e-9));
			ck_assert(ml->causes[c].fix[i] < ma->causes[c].fix[i]);
		}

	/* The diagnosis says where a prior came from. */
	sbuf_reset(&cmd);
	sbuf_addf(&cmd, "@ diagnose --json --db %s problem=" PROBLEM " platform=android", db.buf);
	r = tu_sh(f.dir, cmd.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "\"learned_from\""));
	doc = cJSON_Parse(r.out);
	ck_assert_ptr_nonnull(doc);
	tu_run_free(&r);
	sbuf_reset(&cmd);
	sbuf_addf(&cmd, "@ diagnose --json --db %s/base.sqlite problem=" PROBLEM
		  " platform=android", f.dir);
	r = tu_sh(f.dir, cmd.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_null(strstr(r.out, "learned_from"));
	base_doc = cJSON_Parse(r.out);
	ck_assert_ptr_nonnull(base_doc);
	tu_run_free(&r);
	jc = json_cause(doc, "android-missing-permissions");
	ck_assert_ptr_nonnull(jc);
	from = cJSON_GetObjectItem(jc, "learned_from");
	ck_assert_msg(cJSON_IsNumber(from), "no learned_from on the cause");
	ck_assert_int_eq((int)from->valuedouble, (int)floor(sessions + 0.5));
	ck_assert(cJSON_GetObjectItem(jc, "probability")->valuedouble >
		  cJSON_GetObjectItem(json_cause(base_doc, "android-missing-permissions"),
				      "probability")->valuedouble);

	cJSON_Delete(doc);
	cJSON_Delete(base_doc);
	eng_model_free(ml);
	eng_model_free(ma);
	store_free(st);
	free(meta);
	free(count);
	free(h_base);
	free(h_l1);
	free(h_l2);
	free(path);
	free(t1);
	free(t2);
	sbuf_release(&cmd);
	sbuf_release(&db);
	kb_learned_list_release(&list);
	learn_free(l1);
	learn_free(l2);
	fx_close(&f);
}
END_TEST

static const char stale[] =
	"clew_learned: 1\n"
	"kb: \"0000000000000000\"\n"
	"problems:\n"
	"  " PROBLEM ":\n"
	"    sessions: 50\n"
	"    scope_sessions:\n"
	"      all: 50\n"
	"      plan9: 5\n"
	"    priors:\n"
	"      all:\n"
	"        android-missing-permissions: {authored: 0.1572, learned: 0.4, low: 0.3, high: 0.5, sessions: 30}\n"
	"        no-such-cause: {authored: 0.1, learned: 0.2, low: 0.1, high: 0.3, sessions: 10}\n"
	"      plan9:\n"
	"        android-a2dp-only: {authored: 0.3, learned: 0.2, low: 0.1, high: 0.3, sessions: 5}\n"
	"    fixes:\n"
	"      android-add-permissions:\n"
	"        no-such-cause: {authored: 0.9, learned: 0.8, low: 0.7, high: 0.9, tries: 5}\n"
	"        android-a2dp-only: {authored: 0.9, learned: 0.8, low: 0.7, high: 0.9, tries: 5}\n"
	"      no-such-step:\n"
	"        android-missing-permissions: {authored: 0.9, learned: 0.8, low: 0.7, high: 0.9, tries: 5}\n"
	"  no-such-problem:\n"
	"    sessions: 5\n"
	"    scope_sessions:\n"
	"      all: 5\n"
	"    priors:\n"
	"      all:\n"
	"        some-cause: {authored: 0.5, learned: 0.6, low: 0.4, high: 0.7, sessions: 5}\n";

START_TEST(test_unknown_ids_ignored)
{
	static const char *const warnings[] = {
		"warning: learned value for cause 'no-such-cause' of problem '" PROBLEM
		"' ignored: the KB no longer has it",
		"warning: learned value for cause 'android-a2dp-only' of problem '" PROBLEM
		"' on plan9 ignored: the KB no longer has it",
		"warning: learned value for step 'android-add-permissions' fixing "
		"'no-such-cause' of problem '" PROBLEM "' ignored",
		"warning: learned value for step 'android-add-permissions' fixing "
		"'android-a2dp-only' of problem '" PROBLEM "' ignored",
		"warning: learned value for step 'no-such-step' fixing "
		"'android-missing-permissions' of problem '" PROBLEM "' ignored",
		"warning: learned value for cause 'some-cause' of problem 'no-such-problem' "
		"ignored",
	};
	struct fx f;
	struct sbuf cmd = SBUF_INIT, db = SBUF_INIT;
	struct tu_run r;
	struct store *st;
	struct eng_model *ml;
	char *path, *count, *err = NULL;
	int c;

	fx_open(&f);
	path = tu_write(f.dir, "stale.yaml", stale, -1);
	sbuf_addf(&db, "%s/l.sqlite", f.dir);
	sbuf_addf(&cmd, "@ compile --learned %s -o %s kb", path, db.buf);
	r = tu_sh(f.dir, cmd.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	for (size_t i = 0; i < sizeof(warnings) / sizeof(*warnings); i++)
		ck_assert_msg(strstr(r.err, warnings[i]) != NULL, "no '%s' in:\n%s", warnings[i],
			      r.err);
	ck_assert_ptr_nonnull(strstr(r.err, path));
	ck_assert_ptr_nonnull(strstr(r.out, "; 6 warning(s);"));
	tu_run_free(&r);

	/* The KB loads, with the one value it still has. */
	count = sql_line(db.buf, "SELECT count(*) FROM learned");
	ck_assert_str_eq(count, "1");
	st = store_open(db.buf, &err);
	ck_assert_msg(st != NULL, "%s", err);
	ml = store_load_model(st);
	ck_assert_msg(ml != NULL, "%s", store_errmsg(st));
	c = cause_of(ml, "android-missing-permissions");
	ck_assert(eng_cause_prior(ml, c, -1) > f.m->causes[c].prior);
	ck_assert(near(ml->causes[c].sessions, 50, 1e-9));
	c = cause_of(ml, "android-a2dp-only");
	ck_assert(eng_cause_prior(ml, c, -1) == f.m->causes[c].prior);

	/* --strict refuses the stale values. */
	sbuf_reset(&cmd);
	sbuf_addf(&cmd, "@ compile --strict --learned %s -o %s/strict.sqlite kb", path, f.dir);
	r = tu_sh(f.dir, cmd.buf);
	ck_assert_int_eq(r.status, 1);
	tu_run_free(&r);

	eng_model_free(ml);
	store_free(st);
	free(count);
	free(path);
	sbuf_release(&cmd);
	sbuf_release(&db);
	fx_close(&f);
}
END_TEST

/* Files compile --learned must refuse, with the line it names. */
static const struct {
	const char *text;
	int line;
	const char *msg;
} malformed[] = {
	{ "clew_learned: 1\nproblems: {\n  " PROBLEM ": [1, 2\n", 4, "not YAML" },
	{ "clew_learned: 2\nproblems: {}\n", 1, "not a file of `clew learn`" },
	{ "problems: {}\n", 1, "no 'clew_learned: 1'" },
	{ "clew_learned: 1\n"
	  "problems:\n"
	  "  " PROBLEM ":\n"
	  "    sessions: 5\n"
	  "    scope_sessions:\n"
	  "      all: 5\n"
	  "    priors:\n"
	  "      all:\n"
	  "        android-missing-permissions: {authored: 0.1572, learned: 1.5, low: 0.3, "
	  "high: 0.5, sessions: 5}\n", 9, "out of range or not a number: 'learned'" },
	{ "clew_learned: 1\n"
	  "problems:\n"
	  "  " PROBLEM ":\n"
	  "    fixes:\n"
	  "      android-add-permissions:\n"
	  "        android-missing-permissions: {authored: 0.9, learned: 0, tries: 5}\n",
	  6, "out of range or not a number: 'learned'" },
	{ "clew_learned: 1\n"
	  "problems:\n"
	  "  " PROBLEM ":\n"
	  "    priors:\n"
	  "      all:\n"
	  "        android-missing-permissions: {authored: 0.2, learned: 0.3, sessions: 5}\n",
	  4, "need its 'scope_sessions'" },
};

START_TEST(test_malformed_refused)
{
	struct fx f;
	struct sbuf cmd = SBUF_INIT, where = SBUF_INIT, out = SBUF_INIT;
	struct kb_learned_list list = { 0 };
	struct diag d = DIAG_INIT;
	struct tu_run r;
	struct stat sb;
	uint64_t hash;
	char *path;

	fx_open(&f);
	path = tu_write(f.dir, "bad.yaml", malformed[_i].text, -1);
	sbuf_addf(&out, "%s/bad.sqlite", f.dir);
	sbuf_addf(&cmd, "@ compile --learned %s -o %s kb", path, out.buf);
	sbuf_addf(&where, "%s:%d:", path, malformed[_i].line);
	r = tu_sh(f.dir, cmd.buf);
	ck_assert_msg(r.status == 1, "case %d: status %d", _i, r.status);
	ck_assert_msg(strstr(r.err, where.buf) && strstr(r.err, malformed[_i].msg),
		      "case %d: no '%s ... %s' in:\n%s", _i, where.buf, malformed[_i].msg, r.err);
	ck_assert_msg(strstr(r.err, "was not written") != NULL, "%s", r.err);
	ck_assert_int_ne(stat(out.buf, &sb), 0);
	tu_run_free(&r);
	/* learned_read says the same, and leaves nothing to free. */
	ck_assert_int_eq(learned_read(path, &list, &hash, &d), -1);
	ck_assert_int_eq(d.errors, 1);
	ck_assert_int_eq(d.items[0].line, malformed[_i].line);
	ck_assert(tu_diag_has(&d, malformed[_i].msg));
	ck_assert_int_eq(list.nr, 0);
	ck_assert_ptr_null(list.items);

	diag_release(&d);
	free(path);
	sbuf_release(&cmd);
	sbuf_release(&where);
	sbuf_release(&out);
	fx_close(&f);
}
END_TEST

/* A clone diagnoses as its model does, for every problem, platform and
 * first step failed; and it changes apart from it. */
START_TEST(test_model_clone)
{
	struct fx f;
	struct eng_model *c;
	struct eng_work *wa, *wb;
	int *answers;
	unsigned char *tried;

	fx_open(&f);
	c = eng_model_clone(f.m, 1);
	ck_assert_int_eq(c->nr_causes, f.m->nr_causes);
	ck_assert_int_eq(c->nr_steps, f.m->nr_steps);
	wa = eng_work_new(f.m);
	wb = eng_work_new(c);
	answers = eng_answers_new(f.m);
	tried = calloc((size_t)f.m->nr_steps + 1, 1);
	for (int a = 0; a < f.m->nr_articles; a++)
		for (int p = -1; p < f.m->questions[f.m->q_platform].nr_options; p++)
			for (int s = -1; s < f.m->nr_steps; s++) {
				struct eng_result ra, rb;

				answers[f.m->q_problem] = a;
				answers[f.m->q_platform] = p < 0 ? ENG_UNANSWERED : p;
				memset(tried, 0, (size_t)f.m->nr_steps + 1);
				if (s >= 0)
					tried[s] = ENG_FAILED;
				eng_diagnose(wa, answers, tried, NULL, &ra);
				eng_diagnose(wb, answers, tried, NULL, &rb);
				ck_assert_int_eq(ra.nr, rb.nr);
				ck_assert_int_eq(ra.action, rb.action);
				ck_assert_int_eq(ra.next, rb.next);
				for (int i = 0; i < ra.nr; i++) {
					ck_assert_int_eq(ra.causes[i], rb.causes[i]);
					ck_assert_double_eq_tol(ra.p[i], rb.p[i], 1e-12);
				}
				if (ra.action == ENG_ACT_TRY)
					ck_assert_int_eq(ra.step, rb.step);
			}
	/* Apart: a learned prior on the clone leaves the model as it was. */
	eng_model_set_learned_prior(c, 0, -1, 42, 7);
	ck_assert(f.m->causes[0].prior != 42);
	ck_assert_double_eq(c->causes[0].prior, 42);
	free(tried);
	free(answers);
	eng_work_free(wa);
	eng_work_free(wb);
	eng_model_free(c);
	fx_close(&f);
}
END_TEST

Suite *learn_suite(void)
{
	Suite *s = suite_create("learn");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_soft_counts_move_the_right_way);
	tcase_add_test(tc, test_bounds_hold);
	tcase_add_test(tc, test_fading);
	tcase_add_test(tc, test_what_counts_for_nothing);
	tcase_add_test(tc, test_failed_step_lowers_fix_rate);
	tcase_add_test(tc, test_determinism_and_compile);
	tcase_add_test(tc, test_unknown_ids_ignored);
	tcase_add_test(tc, test_model_clone);
	tcase_add_loop_test(tc, test_malformed_refused, 0,
			    (int)(sizeof(malformed) / sizeof(*malformed)));
	suite_add_tcase(s, tc);
	return s;
}
