/* stats: one pass over events into sessions, searches and votes, then the
 * tables. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/strmap.h"
#include "../base/xalloc.h"
#include "../engine/model.h"
#include "../events/event.h"

const char *const stats_tables[] = {
	"sessions_per_day", "problems", "fixes", "never_fixed", "abandoned",
	"searches", "no_hits", "no_clicks", "votes", NULL,
};

enum { OPEN, FIXED, NOT_FIXED, ABANDONED };

struct session {
	size_t problem;   /* index into problems */
	int64_t first, last;
	char *tried;      /* the latest list of steps tried */
	char *at;         /* what it showed last: "question:ID" or "step:ID" */
	char *fixed_by;   /* the outcome's step */
	int end;          /* FIXED, NOT_FIXED, or OPEN until finished */
};

struct search {
	unsigned long searches, opens, zero;
	double hits;
};

struct vote {
	unsigned long yes, no, reasons[8];
};

struct stats {
	struct stats_opts o;
	struct strmap sids, problems, queries, articles;
	struct session *sessions;
	size_t alloc_sessions;
	struct search *searches;
	size_t alloc_searches;
	struct vote *votes;
	size_t alloc_votes;
	unsigned long nr_searches, nr_votes, nr_events;
};

struct stats *stats_new(const struct stats_opts *opts)
{
	struct stats *s = xcalloc(1, sizeof(*s));
	struct timespec ts;

	if (opts)
		s->o = *opts;
	if (!s->o.now_ms) {
		clock_gettime(CLOCK_REALTIME, &ts);
		s->o.now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	if (s->o.days <= 0)
		s->o.days = 30;
	if (s->o.top <= 0)
		s->o.top = 20;
	if (!(s->o.idle_minutes > 0))
		s->o.idle_minutes = STATS_IDLE_MINUTES;
	return s;
}

int64_t stats_window_start(const struct stats *s)
{
	return (s->o.now_ms / 86400000 - (s->o.days - 1)) * 86400000;
}

void stats_free(struct stats *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->sids.nr; i++) {
		free(s->sessions[i].tried);
		free(s->sessions[i].at);
		free(s->sessions[i].fixed_by);
	}
	free(s->sessions);
	free(s->searches);
	free(s->votes);
	strmap_release(&s->sids);
	strmap_release(&s->problems);
	strmap_release(&s->queries);
	strmap_release(&s->articles);
	free(s);
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = v ? xstrdup(v) : NULL;
}

static void add_session_event(struct stats *s, const struct ev_event *e)
{
	int added;
	size_t i = strmap_add(&s->sids, e->session, &added);
	struct session *ss;

	ALLOC_GROW(s->sessions, s->sids.nr, s->alloc_sessions);
	ss = &s->sessions[i];
	if (added) {
		memset(ss, 0, sizeof(*ss));
		ss->problem = strmap_add(&s->problems, e->article, NULL);
		ss->first = e->at_ms;
	}
	if (e->at_ms < ss->first)
		ss->first = e->at_ms;
	if (e->at_ms >= ss->last) {
		ss->last = e->at_ms;
		set_str(&ss->tried, e->tried);
		if (e->kind == EV_WIZARD) {
			struct sbuf at = SBUF_INIT;

			if (e->question)
				sbuf_addf(&at, "question:%s", e->question);
			else if (e->step)
				sbuf_addf(&at, "step:%s", e->step);
			set_str(&ss->at, at.len ? at.buf : NULL);
			sbuf_release(&at);
		}
	}
	if (e->kind == EV_OUTCOME && ss->end == OPEN) {
		ss->end = !strcmp(e->result, "fixed") ? FIXED : NOT_FIXED;
		set_str(&ss->fixed_by, e->step);
		/* The outcome's list is the whole session's. */
		set_str(&ss->tried, e->tried);
	}
}

void stats_add(struct stats *s, const struct ev_event *e)
{
	s->nr_events++;
	switch (e->kind) {
	case EV_WIZARD:
	case EV_OUTCOME:
		if (e->session && e->article)
			add_session_event(s, e);
		break;
	case EV_SEARCH:
	case EV_OPEN: {
		int added;
		size_t i;

		if (!e->query)
			break;
		i = strmap_add(&s->queries, e->query, &added);
		ALLOC_GROW(s->searches, s->queries.nr, s->alloc_searches);
		if (added)
			memset(&s->searches[i], 0, sizeof(s->searches[i]));
		if (e->kind == EV_OPEN) {
			s->searches[i].opens++;
			break;
		}
		s->nr_searches++;
		s->searches[i].searches++;
		s->searches[i].hits += e->hits > 0 ? (double)e->hits : 0;
		s->searches[i].zero += e->hits == 0;
		break;
	}
	case EV_VOTE: {
		int added;
		size_t i;

		if (!e->article || !e->result)
			break;
		i = strmap_add(&s->articles, e->article, &added);
		ALLOC_GROW(s->votes, s->articles.nr, s->alloc_votes);
		if (added)
			memset(&s->votes[i], 0, sizeof(s->votes[i]));
		s->nr_votes++;
		if (!strcmp(e->result, "yes"))
			s->votes[i].yes++;
		else
			s->votes[i].no++;
		for (int r = 0; e->reason && ev_vote_reasons[r] && r < 8; r++)
			if (!strcmp(e->reason, ev_vote_reasons[r]))
				s->votes[i].reasons[r]++;
		break;
	}
	default:
		break;
	}
}

/* Titles, when the KB is known. */
static int article_of(const struct stats *s, const char *slug)
{
	const struct eng_model *m = s->o.model;

	return m ? eng_model_option(m, m->q_problem, slug) : -1;
}

static void add_title(cJSON *o, const char *title)
{
	if (title)
		cJSON_AddStringToObject(o, "title", title);
	else
		cJSON_AddNullToObject(o, "title");
}

static const char *problem_title(const struct stats *s, const char *slug)
{
	int a = article_of(s, slug);

	return a >= 0 ? s->o.model->articles[a].title : NULL;
}

/* The title of step ref ("ID" of problem slug, or "SLUG/ID"). */
static const char *step_title(const struct stats *s, const char *slug, const char *ref)
{
	const struct eng_model *m = s->o.model;
	const char *slash = strchr(ref, '/');
	struct sbuf art = SBUF_INIT;
	int a, st;

	if (!m)
		return NULL;
	if (slash) {
		sbuf_add(&art, ref, (size_t)(slash - ref));
		a = article_of(s, art.buf);
		ref = slash + 1;
	} else {
		a = article_of(s, slug);
	}
	sbuf_release(&art);
	st = a >= 0 ? eng_model_step(m, a, ref) : -1;
	return st >= 0 ? m->steps[st].title : NULL;
}

static const char *question_text(const struct stats *s, const char *id)
{
	int q = s->o.model ? eng_model_question(s->o.model, id) : -1;

	return q >= 0 ? s->o.model->questions[q].text : NULL;
}

static double share(unsigned long part, unsigned long whole)
{
	return whole ? round((double)part / (double)whole * 10000) / 10000 : 0;
}

/* One step's tries, keyed by problem and step. */
struct try_row {
	size_t problem;
	char *step;
	unsigned long tried, fixed, failed, skipped;
};

static int by_tries(const void *x, const void *y)
{
	const struct try_row *a = x, *b = y;

	if (a->tried != b->tried)
		return a->tried < b->tried ? 1 : -1;
	if (a->problem != b->problem)
		return a->problem < b->problem ? -1 : 1;
	return strcmp(a->step, b->step);
}

/* Counts each "ref:result" of a session's list, and its fixing step. */
static void tally_tries(struct strmap *keys, struct try_row **rows, size_t *alloc,
			const struct session *ss)
{
	struct sbuf key = SBUF_INIT;
	const char *p = ss->tried ? ss->tried : "";
	int fixed_listed = 0;

	while (*p) {
		size_t n = strcspn(p, ","), r = n;
		const char *res;
		struct try_row *row;
		int added;
		size_t i;

		while (r && p[r - 1] != ':')
			r--;
		if (r) {
			sbuf_reset(&key);
			sbuf_addf(&key, "%zu ", ss->problem);
			sbuf_add(&key, p, r - 1);
			i = strmap_add(keys, key.buf, &added);
			ALLOC_GROW(*rows, keys->nr, *alloc);
			row = &(*rows)[i];
			if (added) {
				memset(row, 0, sizeof(*row));
				row->problem = ss->problem;
				row->step = xstrndup(p, r - 1);
			}
			res = p + r;
			row->tried++;
			if (!strncmp(res, "fixed", 5)) {
				row->fixed++;
				fixed_listed = 1;
			} else if (!strncmp(res, "failed", 6)) {
				row->failed++;
			} else {
				row->skipped++;
			}
		}
		p += n + (p[n] == ',');
	}
	/* An outcome from an API client may name its fix without listing it. */
	if (ss->end == FIXED && ss->fixed_by && !fixed_listed) {
		int added;
		size_t i;

		sbuf_reset(&key);
		sbuf_addf(&key, "%zu %s", ss->problem, ss->fixed_by);
		i = strmap_add(keys, key.buf, &added);
		ALLOC_GROW(*rows, keys->nr, *alloc);
		if (added) {
			memset(&(*rows)[i], 0, sizeof(**rows));
			(*rows)[i].problem = ss->problem;
			(*rows)[i].step = xstrdup(ss->fixed_by);
		}
		(*rows)[i].tried++;
		(*rows)[i].fixed++;
	}
	sbuf_release(&key);
}

struct count_row {
	size_t key;
	unsigned long n;
	double x;
};

static int by_count(const void *x, const void *y)
{
	const struct count_row *a = x, *b = y;

	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return a->key < b->key ? -1 : a->key > b->key;
}

static void add_sessions_tables(struct stats *s, cJSON *doc, cJSON *totals)
{
	int64_t idle = (int64_t)(s->o.idle_minutes * 60000);
	int64_t day0 = stats_window_start(s);
	unsigned long (*per_day)[4] = xcalloc((size_t)s->o.days, sizeof(*per_day));
	unsigned long (*per_problem)[4] = xcalloc(s->problems.nr + 1, sizeof(*per_problem));
	unsigned long ends[4] = { 0 };
	struct strmap tries = STRMAP_INIT, stops = STRMAP_INIT;
	struct try_row *rows = NULL;
	struct count_row *stop_rows = NULL;
	size_t alloc_rows = 0, alloc_stops = 0;
	cJSON *arr;

	for (size_t i = 0; i < s->sids.nr; i++) {
		struct session *ss = &s->sessions[i];
		int end = ss->end;

		if (end == OPEN && s->o.now_ms - ss->last >= idle)
			end = ABANDONED;
		ends[end]++;
		per_problem[ss->problem][end]++;
		if (ss->first >= day0) {
			int d = (int)((ss->first - day0) / 86400000);

			if (d >= 0 && d < s->o.days)
				per_day[d][end]++;
		}
		tally_tries(&tries, &rows, &alloc_rows, ss);
		if (end == ABANDONED && ss->at) {
			struct sbuf key = SBUF_INIT;
			int added;
			size_t k;

			sbuf_addf(&key, "%zu %s", ss->problem, ss->at);
			k = strmap_add(&stops, key.buf, &added);
			ALLOC_GROW(stop_rows, stops.nr, alloc_stops);
			if (added)
				stop_rows[k] = (struct count_row){ k, 0, 0 };
			stop_rows[k].n++;
			sbuf_release(&key);
		}
	}
	cJSON_AddNumberToObject(totals, "sessions", (double)s->sids.nr);
	cJSON_AddNumberToObject(totals, "fixed", (double)ends[FIXED]);
	cJSON_AddNumberToObject(totals, "not_fixed", (double)ends[NOT_FIXED]);
	cJSON_AddNumberToObject(totals, "abandoned", (double)ends[ABANDONED]);
	cJSON_AddNumberToObject(totals, "open", (double)ends[OPEN]);
	cJSON_AddNumberToObject(totals, "share_fixed", share(ends[FIXED], ends[FIXED] +
				ends[NOT_FIXED] + ends[ABANDONED]));

	arr = cJSON_AddArrayToObject(doc, "sessions_per_day");
	for (int d = 0; d < s->o.days; d++) {
		cJSON *o = cJSON_CreateObject();
		time_t t = (time_t)((day0 + (int64_t)d * 86400000) / 1000);
		struct tm tm;
		char date[16];

		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		cJSON_AddStringToObject(o, "date", date);
		cJSON_AddNumberToObject(o, "sessions", (double)(per_day[d][0] + per_day[d][1] +
							per_day[d][2] + per_day[d][3]));
		cJSON_AddNumberToObject(o, "fixed", (double)per_day[d][FIXED]);
		cJSON_AddNumberToObject(o, "not_fixed", (double)per_day[d][NOT_FIXED]);
		cJSON_AddNumberToObject(o, "abandoned", (double)per_day[d][ABANDONED]);
		cJSON_AddNumberToObject(o, "open", (double)per_day[d][OPEN]);
		cJSON_AddItemToArray(arr, o);
	}

	arr = cJSON_AddArrayToObject(doc, "problems");
	for (size_t p = 0; p < s->problems.nr; p++) {
		cJSON *o = cJSON_CreateObject();
		unsigned long *c = per_problem[p];

		cJSON_AddStringToObject(o, "problem", s->problems.keys[p]);
		add_title(o, problem_title(s, s->problems.keys[p]));
		cJSON_AddNumberToObject(o, "sessions", (double)(c[0] + c[1] + c[2] + c[3]));
		cJSON_AddNumberToObject(o, "fixed", (double)c[FIXED]);
		cJSON_AddNumberToObject(o, "not_fixed", (double)c[NOT_FIXED]);
		cJSON_AddNumberToObject(o, "abandoned", (double)c[ABANDONED]);
		cJSON_AddNumberToObject(o, "open", (double)c[OPEN]);
		cJSON_AddNumberToObject(o, "ended", (double)(c[FIXED] + c[NOT_FIXED] + c[ABANDONED]));
		cJSON_AddNumberToObject(o, "share_fixed",
					share(c[FIXED], c[FIXED] + c[NOT_FIXED] + c[ABANDONED]));
		cJSON_AddItemToArray(arr, o);
	}

	if (tries.nr)
		qsort(rows, tries.nr, sizeof(*rows), by_tries);
	{
		cJSON *fixes = cJSON_AddArrayToObject(doc, "fixes");
		cJSON *never = cJSON_AddArrayToObject(doc, "never_fixed");

		for (size_t i = 0; i < tries.nr; i++) {
			const struct try_row *r = &rows[i];
			const char *slug = s->problems.keys[r->problem];
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "problem", slug);
			cJSON_AddStringToObject(o, "step", r->step);
			add_title(o, step_title(s, slug, r->step));
			cJSON_AddNumberToObject(o, "tried", (double)r->tried);
			cJSON_AddNumberToObject(o, "fixed", (double)r->fixed);
			cJSON_AddNumberToObject(o, "failed", (double)r->failed);
			cJSON_AddNumberToObject(o, "skipped", (double)r->skipped);
			cJSON_AddNumberToObject(o, "tries", (double)(r->fixed + r->failed));
			cJSON_AddNumberToObject(o, "fix_rate", share(r->fixed, r->fixed + r->failed));
			/* Tried by several sessions and never fixed it. */
			if (r->fixed == 0 && r->failed >= 3)
				cJSON_AddItemToArray(never, cJSON_Duplicate(o, 1));
			if (cJSON_GetArraySize(fixes) < s->o.top)
				cJSON_AddItemToArray(fixes, o);
			else
				cJSON_Delete(o);
		}
	}

	if (stops.nr)
		qsort(stop_rows, stops.nr, sizeof(*stop_rows), by_count);
	arr = cJSON_AddArrayToObject(doc, "abandoned");
	for (size_t i = 0; i < stops.nr && (int)i < s->o.top; i++) {
		const char *key = stops.keys[stop_rows[i].key];
		size_t p = strtoul(key, NULL, 10);
		const char *at = strchr(key, ' ') + 1, *colon = strchr(at, ':');
		const char *slug = s->problems.keys[p];
		int is_q = !strncmp(at, "question:", 9);
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "problem", slug);
		cJSON_AddStringToObject(o, "at", is_q ? "question" : "step");
		cJSON_AddStringToObject(o, "id", colon + 1);
		add_title(o, is_q ? question_text(s, colon + 1) : step_title(s, slug, colon + 1));
		cJSON_AddNumberToObject(o, "sessions", (double)stop_rows[i].n);
		cJSON_AddItemToArray(arr, o);
	}
	for (size_t i = 0; i < tries.nr; i++)
		free(rows[i].step);
	free(rows);
	free(stop_rows);
	strmap_release(&tries);
	strmap_release(&stops);
	free(per_day);
	free(per_problem);
}

static void add_search_tables(struct stats *s, cJSON *doc, cJSON *totals)
{
	size_t n = s->queries.nr;
	struct count_row *rows = xcalloc(n + 1, sizeof(*rows));
	cJSON *top = cJSON_AddArrayToObject(doc, "searches");
	cJSON *none = cJSON_AddArrayToObject(doc, "no_hits");
	cJSON *unclicked = cJSON_AddArrayToObject(doc, "no_clicks");

	cJSON_AddNumberToObject(totals, "searches", (double)s->nr_searches);
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct count_row){ i, s->searches[i].searches, 0 };
	qsort(rows, n, sizeof(*rows), by_count);
	for (size_t k = 0; k < n; k++) {
		const struct search *x = &s->searches[rows[k].key];
		const char *q = s->queries.keys[rows[k].key];
		cJSON *o;

		if (!x->searches)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "query", q);
		cJSON_AddNumberToObject(o, "searches", (double)x->searches);
		cJSON_AddNumberToObject(o, "hits", round(x->hits / (double)x->searches * 10) / 10);
		cJSON_AddNumberToObject(o, "opens", (double)x->opens);
		if (cJSON_GetArraySize(top) < s->o.top)
			cJSON_AddItemToArray(top, cJSON_Duplicate(o, 1));
		if (x->zero == x->searches && cJSON_GetArraySize(none) < s->o.top)
			cJSON_AddItemToArray(none, cJSON_Duplicate(o, 1));
		else if (x->zero < x->searches && !x->opens &&
			 cJSON_GetArraySize(unclicked) < s->o.top)
			cJSON_AddItemToArray(unclicked, cJSON_Duplicate(o, 1));
		cJSON_Delete(o);
	}
	free(rows);
}

static void add_vote_table(struct stats *s, cJSON *doc, cJSON *totals)
{
	size_t n = s->articles.nr;
	struct count_row *rows = xcalloc(n + 1, sizeof(*rows));
	cJSON *arr = cJSON_AddArrayToObject(doc, "votes");

	cJSON_AddNumberToObject(totals, "votes", (double)s->nr_votes);
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct count_row){ i, s->votes[i].yes + s->votes[i].no, 0 };
	qsort(rows, n, sizeof(*rows), by_count);
	for (size_t k = 0; k < n && (int)k < s->o.top; k++) {
		const struct vote *v = &s->votes[rows[k].key];
		const char *slug = s->articles.keys[rows[k].key];
		cJSON *o = cJSON_CreateObject(), *reasons;

		cJSON_AddStringToObject(o, "article", slug);
		add_title(o, problem_title(s, slug));
		cJSON_AddNumberToObject(o, "yes", (double)v->yes);
		cJSON_AddNumberToObject(o, "no", (double)v->no);
		cJSON_AddNumberToObject(o, "share_yes", share(v->yes, v->yes + v->no));
		reasons = cJSON_AddObjectToObject(o, "reasons");
		for (int r = 0; ev_vote_reasons[r] && r < 8; r++)
			cJSON_AddNumberToObject(reasons, ev_vote_reasons[r], (double)v->reasons[r]);
		cJSON_AddItemToArray(arr, o);
	}
	free(rows);
}

cJSON *stats_json(struct stats *s)
{
	cJSON *doc = cJSON_CreateObject(), *totals;
	time_t now = (time_t)(s->o.now_ms / 1000);
	struct tm tm;
	char when[32];

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(doc, "generated_at", when);
	cJSON_AddNumberToObject(doc, "days", s->o.days);
	cJSON_AddNumberToObject(doc, "idle_minutes", s->o.idle_minutes);
	cJSON_AddNumberToObject(doc, "events", (double)s->nr_events);
	totals = cJSON_AddObjectToObject(doc, "totals");
	add_sessions_tables(s, doc, totals);
	add_search_tables(s, doc, totals);
	add_vote_table(s, doc, totals);
	return doc;
}

static double num(const cJSON *o, const char *k)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItem(o, k));
}

static const char *str(const cJSON *o, const char *k)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(o, k));

	return v ? v : "";
}

void stats_text(const cJSON *doc, struct sbuf *out)
{
	const cJSON *t = cJSON_GetObjectItem(doc, "totals"), *r;

	sbuf_addf(out, "Sessions: %.0f (fixed %.0f, not fixed %.0f, abandoned %.0f, "
		  "still open %.0f); %.0f%% of those that ended were fixed.\n"
		  "Searches: %.0f. Votes: %.0f.\n",
		  num(t, "sessions"), num(t, "fixed"), num(t, "not_fixed"),
		  num(t, "abandoned"), num(t, "open"), num(t, "share_fixed") * 100,
		  num(t, "searches"), num(t, "votes"));
	sbuf_adds(out, "\nShare fixed per problem:\n");
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "problems"))
		sbuf_addf(out, "  %5.1f%%  %-36s %5.0f session(s): %.0f fixed, %.0f not, "
			  "%.0f abandoned\n", num(r, "share_fixed") * 100, str(r, "problem"),
			  num(r, "sessions"), num(r, "fixed"), num(r, "not_fixed"),
			  num(r, "abandoned"));
	sbuf_adds(out, "\nFixes, most tried first (fix rate = fixed / (fixed + failed)):\n");
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "fixes"))
		sbuf_addf(out, "  %5.1f%%  %-36s tried %.0f: fixed %.0f, failed %.0f, skipped %.0f\n",
			  num(r, "fix_rate") * 100, str(r, "step"), num(r, "tried"),
			  num(r, "fixed"), num(r, "failed"), num(r, "skipped"));
	sbuf_adds(out, "\nFixes that never worked (failed 3 times or more, never fixed):\n");
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "never_fixed"))
		sbuf_addf(out, "  %-36s failed %.0f time(s) (%s)\n", str(r, "step"),
			  num(r, "failed"), str(r, "problem"));
	sbuf_adds(out, "\nWhere sessions were abandoned:\n");
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "abandoned"))
		sbuf_addf(out, "  %5.0f  at %s %s (%s)\n", num(r, "sessions"), str(r, "at"),
			  str(r, "id"), str(r, "problem"));
	sbuf_adds(out, "\nTop searches (searches, mean hits, hits opened):\n");
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "searches"))
		sbuf_addf(out, "  %5.0f  %5.1f  %5.0f  %s\n", num(r, "searches"), num(r, "hits"),
			  num(r, "opens"), str(r, "query"));
	sbuf_adds(out, "\nSearches with no hits:\n");
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "no_hits"))
		sbuf_addf(out, "  %5.0f  %s\n", num(r, "searches"), str(r, "query"));
	sbuf_adds(out, "\nSearches with hits that no one opened:\n");
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "no_clicks"))
		sbuf_addf(out, "  %5.0f  %s\n", num(r, "searches"), str(r, "query"));
	sbuf_adds(out, "\n\"Was this helpful?\" per article (yes / no):\n");
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "votes"))
		sbuf_addf(out, "  %5.0f / %-5.0f %s\n", num(r, "yes"), num(r, "no"), str(r, "article"));
}
