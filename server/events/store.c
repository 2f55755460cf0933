/* store: the event store's one interface, dispatched to its backends. */
#include "store_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "event.h"

const char ev_store_columns[] =
	"at_ms, kind, kb, session_id, article, answers, tried, question, step, "
	"result, reason, query, hits, hit_rank";

int ev_store_dsn_is_postgres(const char *dsn)
{
	return !strncmp(dsn, "postgresql://", 13) || !strncmp(dsn, "postgres://", 11);
}

struct ev_store *ev_store_open(const char *dsn, struct sbuf *err)
{
	if (ev_store_dsn_is_postgres(dsn))
		return ev_postgres_backend.open(dsn, err);
	if (!strncmp(dsn, "sqlite:", 7))
		dsn += 7;
	if (!*dsn) {
		sbuf_adds(err, "no events file named");
		return NULL;
	}
	return ev_sqlite_backend.open(dsn, err);
}

struct ev_store *ev_store_open_existing(const char *arg, struct sbuf *err)
{
	struct sbuf dsn = SBUF_INIT;
	struct ev_store *st = NULL;

	if (ev_store_dsn_read(arg, &dsn, err))
		goto done;
	if (!ev_store_dsn_is_postgres(dsn.buf)) {
		const char *path = strncmp(dsn.buf, "sqlite:", 7) ? dsn.buf : dsn.buf + 7;

		if (access(path, R_OK)) {
			sbuf_addf(err, "no events file at %s", path);
			goto done;
		}
	}
	st = ev_store_open(dsn.buf, err);
done:
	sbuf_release(&dsn);
	return st;
}

void ev_store_free(struct ev_store *st)
{
	if (st)
		st->ops->free(st);
}

const char *ev_store_backend(const struct ev_store *st)
{
	return st->ops->name;
}

long ev_store_write(struct ev_store *st, struct ev_event *const *evs, size_t n,
		    struct sbuf *err)
{
	return n ? st->ops->write(st, evs, n, err) : 0;
}

int ev_store_scan(struct ev_store *st, int64_t since_ms,
		  int (*fn)(const struct ev_event *, void *), void *ctx,
		  struct sbuf *err)
{
	return st->ops->scan(st, since_ms, fn, ctx, err);
}

long ev_store_expire(struct ev_store *st, int64_t before_ms, struct sbuf *err)
{
	return st->ops->expire(st, before_ms, err);
}

int ev_store_dsn_read(const char *arg, struct sbuf *out, struct sbuf *err)
{
	FILE *f;
	char line[4096];
	size_t n;

	if (arg[0] != '@') {
		sbuf_adds(out, arg);
		return 0;
	}
	f = fopen(arg + 1, "r");
	if (!f) {
		sbuf_addf(err, "cannot read the events DSN from %s: %s", arg + 1,
			  strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (!n) {
		sbuf_addf(err, "%s holds no events DSN on its first line", arg + 1);
		return -1;
	}
	sbuf_adds(out, line);
	return 0;
}

const char *ev_store_column_text(const struct ev_event *e, int i, char *num)
{
	int64_t v;

	switch (i) {
	case 0: v = e->at_ms; break;
	case 1: return ev_kind_name(e->kind);
	case 2: return e->kb;
	case 3: return e->session;
	case 4: return e->article;
	case 5: return e->answers;
	case 6: return e->tried;
	case 7: return e->question;
	case 8: return e->step;
	case 9: return e->result;
	case 10: return e->reason;
	case 11: return e->query;
	case 12: v = e->hits; break;
	case 13: v = e->rank; break;
	default: return NULL;
	}
	if (v < 0 && i != 0)
		return NULL;
	snprintf(num, 24, "%" PRId64, v);
	return num;
}

static int read_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

int ev_store_column_set(struct ev_event *e, int i, const char *text)
{
	char **field = NULL;
	int k;

	switch (i) {
	case 0: return text ? read_int(text, &e->at_ms) : -1;
	case 1:
		k = text ? ev_kind_parse(text) : -1;
		if (k < 0)
			return -1;
		e->kind = (enum ev_kind)k;
		return 0;
	case 2: field = &e->kb; break;
	case 3: field = &e->session; break;
	case 4: field = &e->article; break;
	case 5: field = &e->answers; break;
	case 6: field = &e->tried; break;
	case 7: field = &e->question; break;
	case 8: field = &e->step; break;
	case 9: field = &e->result; break;
	case 10: field = &e->reason; break;
	case 11: field = &e->query; break;
	case 12: e->hits = -1; return text ? read_int(text, &e->hits) : 0;
	case 13: e->rank = -1; return text ? read_int(text, &e->rank) : 0;
	default: return -1;
	}
	free(*field);
	*field = text ? xstrdup(text) : NULL;
	return 0;
}
