/* event: the events Clew records, their checks and their JSON form. */
#include "event.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"

static const char *const kind_names[EV_NR_KINDS] = {
	"wizard", "outcome", "vote", "search", "open",
};

const char *const ev_vote_reasons[] = {
	"not-my-problem", "unclear", "did-not-work", "outdated", "other", NULL,
};

/* Longest id (article, session, question, step) accepted. */
#define ID_MAX 128

const char *ev_kind_name(enum ev_kind k)
{
	return (unsigned)k < EV_NR_KINDS ? kind_names[k] : "?";
}

int ev_kind_parse(const char *name)
{
	for (int k = 0; k < EV_NR_KINDS; k++)
		if (name && !strcmp(kind_names[k], name))
			return k;
	return -1;
}

int64_t ev_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct ev_event *ev_event_new(enum ev_kind k)
{
	struct ev_event *e = xcalloc(1, sizeof(*e));

	e->kind = k;
	e->at_ms = ev_now_ms();
	e->hits = -1;
	e->rank = -1;
	return e;
}

#define EV_STRINGS(X) X(kb) X(session) X(article) X(answers) X(tried) \
	X(question) X(step) X(result) X(reason) X(query)

void ev_event_release(struct ev_event *e)
{
#define FREE_ONE(f) free(e->f); e->f = NULL;
	EV_STRINGS(FREE_ONE)
#undef FREE_ONE
}

void ev_event_free(struct ev_event *e)
{
	if (!e)
		return;
	if (!e->packed)
		ev_event_release(e);
	free(e);
}

struct ev_event *ev_event_packed_copy(const struct ev_event *e)
{
	size_t size = sizeof(*e);
	struct ev_event *p;
	char *at;

#define SIZE_ONE(f) size += e->f ? strlen(e->f) + 1 : 0;
	EV_STRINGS(SIZE_ONE)
#undef SIZE_ONE
	p = xmalloc(size);
	*p = *e;
	p->packed = 1;
	at = (char *)(p + 1);
#define COPY_ONE(f)                                                            \
	if (e->f) {                                                            \
		size_t n = strlen(e->f) + 1;                                   \
		memcpy(at, e->f, n);                                           \
		p->f = at;                                                     \
		at += n;                                                       \
	}
	EV_STRINGS(COPY_ONE)
#undef COPY_ONE
	return p;
}

struct ev_event *ev_event_dup(const struct ev_event *e)
{
	struct ev_event *d = xmalloc(sizeof(*d));

	*d = *e;
	d->packed = 0;
#define DUP_ONE(f) d->f = e->f ? xstrdup(e->f) : NULL;
	EV_STRINGS(DUP_ONE)
#undef DUP_ONE
	return d;
}

void ev_event_set(char **field, const char *s)
{
	free(*field);
	*field = s && *s ? xstrdup(s) : NULL;
}

static int is_id(const char *s)
{
	return s && strlen(s) <= ID_MAX && text_is_id(s);
}

/* A step as the wizard names it: its id, or "article/id" for a step of
 * another article than the problem's. */
static int is_ref(const char *s)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	struct sbuf a = SBUF_INIT;
	int ok;

	if (!slash)
		return is_id(s);
	sbuf_add(&a, s, (size_t)(slash - s));
	ok = is_id(a.buf) && is_id(slash + 1);
	sbuf_release(&a);
	return ok;
}

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

/* "q=v&q=v" with ids on both sides. */
static int answers_ok(const char *s)
{
	struct sbuf part = SBUF_INIT;
	int ok = 1;

	while (ok && *s) {
		const char *amp = strchr(s, '&'), *eq;
		size_t n = amp ? (size_t)(amp - s) : strlen(s);

		sbuf_reset(&part);
		sbuf_add(&part, s, n);
		eq = strchr(part.buf, '=');
		if (!eq)
			ok = 0;
		else {
			part.buf[eq - part.buf] = '\0';
			ok = is_id(part.buf) && is_id(eq + 1);
		}
		s += n + (amp != NULL);
	}
	sbuf_release(&part);
	return ok;
}

/* "step:result,step:result" with ids and the wizard's results. */
static int tried_ok(const char *s)
{
	static const char *const results[] = { "failed", "skipped", "fixed", NULL };
	struct sbuf part = SBUF_INIT;
	int ok = 1;

	while (ok && *s) {
		const char *comma = strchr(s, ','), *colon;
		size_t n = comma ? (size_t)(comma - s) : strlen(s);

		sbuf_reset(&part);
		sbuf_add(&part, s, n);
		colon = strrchr(part.buf, ':');
		if (!colon)
			ok = 0;
		else {
			part.buf[colon - part.buf] = '\0';
			ok = is_ref(part.buf) && in_list(colon + 1, results);
		}
		s += n + (comma != NULL);
	}
	sbuf_release(&part);
	return ok;
}

int ev_event_check(const struct ev_event *e, struct sbuf *err)
{
	static const char *const outcome_results[] = { "fixed", "not_fixed", NULL };
	static const char *const vote_results[] = { "yes", "no", NULL };
	const char *kind = ev_kind_name(e->kind);
	size_t mark = err->len;

#define NEED(f)                                                                \
	do {                                                                   \
		if (!e->f) {                                                   \
			sbuf_addf(err, "a '%s' event needs '%s'", kind, #f);    \
			return -1;                                             \
		}                                                              \
	} while (0)
	if ((unsigned)e->kind >= EV_NR_KINDS) {
		sbuf_adds(err, "unknown event kind");
		return -1;
	}
	NEED(kb);
#define TEXT_OK(f)                                                             \
	do {                                                                   \
		if (e->f && !text_is_utf8(e->f)) {                             \
			sbuf_addf(err, "'%s' is not UTF-8", #f);               \
			return -1;                                             \
		}                                                              \
	} while (0);
	EV_STRINGS(TEXT_OK)
#undef TEXT_OK
	if (strlen(e->kb) > 64) {
		sbuf_adds(err, "'kb' is longer than a content hash");
		return -1;
	}
	if (e->session && !ev_session_valid(e->session)) {
		sbuf_adds(err, "'session' is not a session id (22 characters of "
			       "A-Z, a-z, 0-9, '-' and '_')");
		return -1;
	}
	if (e->article && !is_id(e->article)) {
		sbuf_adds(err, "'article' is not an id");
		return -1;
	}
	if ((e->question && !is_id(e->question)) || (e->step && !is_ref(e->step))) {
		sbuf_adds(err, "'question' must be an id, 'step' an id or ARTICLE/ID");
		return -1;
	}
	if ((e->answers && (strlen(e->answers) > EV_STATE_MAX || !answers_ok(e->answers))) ||
	    (e->tried && (strlen(e->tried) > EV_STATE_MAX || !tried_ok(e->tried)))) {
		sbuf_adds(err, "'answers' must read \"question=value&...\" and 'tried' "
			       "\"step:failed,...\", each under 2000 bytes");
		return -1;
	}
	if (e->query && strlen(e->query) > EV_QUERY_MAX) {
		sbuf_addf(err, "'query' is longer than %d bytes", EV_QUERY_MAX);
		return -1;
	}
	switch (e->kind) {
	case EV_WIZARD:
		NEED(session);
		NEED(article);
		if (e->result && !in_list(e->result, outcome_results))
			goto bad_result;
		break;
	case EV_OUTCOME:
		NEED(session);
		NEED(article);
		NEED(result);
		if (!in_list(e->result, outcome_results))
			goto bad_result;
		if (!strcmp(e->result, "fixed") && !e->step) {
			sbuf_adds(err, "a 'fixed' outcome names the 'step' that fixed it");
			return -1;
		}
		break;
	case EV_VOTE:
		NEED(article);
		NEED(result);
		if (!in_list(e->result, vote_results))
			goto bad_result;
		if (e->reason && !in_list(e->reason, ev_vote_reasons)) {
			sbuf_adds(err, "'reason' is not one of not-my-problem, unclear, "
				       "did-not-work, outdated, other");
			return -1;
		}
		break;
	case EV_SEARCH:
		NEED(query);
		if (e->hits < 0) {
			sbuf_adds(err, "a 'search' event needs 'hits' (0 or more)");
			return -1;
		}
		break;
	case EV_OPEN:
		NEED(query);
		NEED(article);
		if (e->rank < 1) {
			sbuf_adds(err, "an 'open' event needs 'rank' (1 or more)");
			return -1;
		}
		break;
	default:
		break;
	}
	return 0;
bad_result:
	sbuf_setlen(err, mark);
	sbuf_addf(err, "'%s' is not a result of a '%s' event", e->result, kind);
	return -1;
#undef NEED
}

/* Sets *field from o's string member key; -1 when it is there but not a
 * string. */
static int take_str(const cJSON *o, const char *key, char **field, struct sbuf *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v)) {
		sbuf_addf(err, "'%s' must be a string", key);
		return -1;
	}
	ev_event_set(field, v->valuestring);
	return 0;
}

static int take_count(const cJSON *o, const char *key, int64_t *out, struct sbuf *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e9 ||
	    v->valuedouble != floor(v->valuedouble)) {
		sbuf_addf(err, "'%s' must be a whole number from 0", key);
		return -1;
	}
	*out = (int64_t)v->valuedouble;
	return 0;
}

struct ev_event *ev_event_from_json(const cJSON *o, const char *kb, struct sbuf *err)
{
	static const char *const known[] = {
		"kind", "session", "article", "answers", "tried", "question",
		"step", "result", "reason", "query", "hits", "rank", NULL,
	};
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind"), *m;
	struct ev_event *e;
	int k;

	if (!cJSON_IsObject(o)) {
		sbuf_adds(err, "an event is a JSON object");
		return NULL;
	}
	k = cJSON_IsString(kind) ? ev_kind_parse(kind->valuestring) : -1;
	if (k < 0) {
		sbuf_adds(err, "'kind' must be one of wizard, outcome, vote, search, open");
		return NULL;
	}
	cJSON_ArrayForEach(m, o)
		if (!m->string || !in_list(m->string, known)) {
			sbuf_addf(err, "unknown member '%s'", m->string ? m->string : "");
			return NULL;
		}
	e = ev_event_new((enum ev_kind)k);
	ev_event_set(&e->kb, kb);
	if (take_str(o, "session", &e->session, err) ||
	    take_str(o, "article", &e->article, err) ||
	    take_str(o, "answers", &e->answers, err) ||
	    take_str(o, "tried", &e->tried, err) ||
	    take_str(o, "question", &e->question, err) ||
	    take_str(o, "step", &e->step, err) ||
	    take_str(o, "result", &e->result, err) ||
	    take_str(o, "reason", &e->reason, err) ||
	    take_str(o, "query", &e->query, err) ||
	    take_count(o, "hits", &e->hits, err) ||
	    take_count(o, "rank", &e->rank, err))
		goto fail;
	if (e->query) {
		struct sbuf q = SBUF_INIT;

		if (!text_is_utf8(e->query)) {
			sbuf_adds(err, "'query' is not UTF-8");
			goto fail;
		}
		ev_query_normalise(&q, e->query);
		free(e->query);
		e->query = q.len ? sbuf_detach(&q, NULL) : NULL;
		sbuf_release(&q);
	}
	if (ev_event_check(e, err))
		goto fail;
	return e;
fail:
	ev_event_free(e);
	return NULL;
}

/* Length of the UTF-8 sequence that starts with byte c (1 for a stray). */
static size_t seq_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

void ev_query_normalise(struct sbuf *out, const char *q)
{
	struct sbuf folded = SBUF_INIT;
	size_t start = out->len;
	int space = 0;

	text_fold(&folded, q);
	for (const char *p = folded.buf; *p;) {
		size_t n = seq_len((unsigned char)*p);

		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f' || *p == '\v') {
			space = out->len > start;
			p++;
			continue;
		}
		if (strnlen(p, n) < n)
			break;
		if (out->len - start + space + n > EV_QUERY_MAX)
			break;
		if (space)
			sbuf_addch(out, ' ');
		space = 0;
		sbuf_add(out, p, n);
		p += n;
	}
	sbuf_release(&folded);
}

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void ev_session_new(struct sbuf *out)
{
	unsigned char r[22];
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			abort(); /* getrandom cannot fail on Linux >= 3.17 otherwise */
		}
		got += (size_t)n;
	}
	/* 22 characters of 6 random bits each: 132 bits. */
	for (size_t i = 0; i < sizeof(r); i++)
		sbuf_addch(out, b64url[r[i] & 63]);
}

int ev_session_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!strchr(b64url, s[n]))
			return 0;
	return n == 22;
}
