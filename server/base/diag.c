/* diag: a list of compiler diagnostics printed as "path:line:col: error: msg". */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "xalloc.h"

void diag_init(struct diag *d)
{
	struct diag empty = DIAG_INIT;
	*d = empty;
}

void diag_release(struct diag *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		free(d->items[i].path);
		free(d->items[i].msg);
	}
	free(d->items);
	diag_init(d);
}

void diag_add(struct diag *d, enum diag_level level, const char *path,
	      int line, int col, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT;
	struct diag_item *it;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);

	ALLOC_GROW(d->items, d->nr + 1, d->alloc);
	it = &d->items[d->nr++];
	it->level = level;
	it->path = path ? xstrdup(path) : NULL;
	it->line = line;
	it->col = col;
	it->msg = sbuf_detach(&msg, NULL);
	if (level == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
}

void diag_merge(struct diag *dst, struct diag *src)
{
	ALLOC_GROW(dst->items, dst->nr + src->nr, dst->alloc);
	for (size_t i = 0; i < src->nr; i++)
		dst->items[dst->nr++] = src->items[i];
	dst->errors += src->errors;
	dst->warnings += src->warnings;
	free(src->items);
	diag_init(src);
}

struct ordered {
	struct diag_item item;
	size_t seq;
};

static int cmp_ordered(const void *x, const void *y)
{
	const struct ordered *a = x, *b = y;

	if (a->item.line != b->item.line)
		return a->item.line < b->item.line ? -1 : 1;
	if (a->item.col != b->item.col)
		return a->item.col < b->item.col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diag_sort_lines(struct diag *d)
{
	struct ordered *o;

	if (d->nr < 2)
		return;
	o = xcalloc(d->nr, sizeof(*o));
	for (size_t i = 0; i < d->nr; i++) {
		o[i].item = d->items[i];
		o[i].seq = i;
	}
	qsort(o, d->nr, sizeof(*o), cmp_ordered);
	for (size_t i = 0; i < d->nr; i++)
		d->items[i] = o[i].item;
	free(o);
}

static void print_item(const struct diag_item *it, FILE *out)
{
	const char *kind = it->level == DIAG_ERROR ? "error" : "warning";

	if (!it->path)
		fprintf(out, "clew: %s: %s\n", kind, it->msg);
	else if (it->line && it->col)
		fprintf(out, "%s:%d:%d: %s: %s\n", it->path, it->line,
			it->col, kind, it->msg);
	else if (it->line)
		fprintf(out, "%s:%d: %s: %s\n", it->path, it->line,
			kind, it->msg);
	else
		fprintf(out, "%s: %s: %s\n", it->path, kind, it->msg);
}

void diag_print(const struct diag *d, FILE *out)
{
	for (size_t i = 0; i < d->nr; i++)
		print_item(&d->items[i], out);
}

void diag_kind(const char *msg, struct sbuf *out)
{
	for (const char *p = msg; *p; p++) {
		const char *close;

		if (*p == '\'' && (close = strchr(p + 1, '\''))) {
			sbuf_adds(out, "'*'");
			p = close;
		} else if (*p >= '0' && *p <= '9') {
			sbuf_addch(out, 'N');
			while ((p[1] >= '0' && p[1] <= '9') || (p[1] == '.' && p[2] >= '0' && p[2] <= '9'))
				p++;
		} else {
			sbuf_addch(out, *p);
		}
	}
}

/* One kind of warning: how many there are, how many were printed. */
struct kind_count {
	char *kind;
	size_t count, shown;
};

static int kind_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kind_count *)a)->kind, ((const struct kind_count *)b)->kind);
}

size_t diag_print_grouped(const struct diag *d, FILE *out, size_t per_kind)
{
	struct kind_count *kinds = NULL;
	size_t nr = 0, alloc = 0, hidden = 0;
	char **item_kind = xcalloc(d->nr + 1, sizeof(*item_kind));
	struct sbuf k = SBUF_INIT;

	/* Each warning's kind, and the kinds (sorted, for bsearch). */
	for (size_t i = 0; i < d->nr; i++) {
		if (d->items[i].level != DIAG_WARNING)
			continue;
		sbuf_reset(&k);
		diag_kind(d->items[i].msg, &k);
		item_kind[i] = xstrdup(k.buf);
		ALLOC_GROW(kinds, nr + 1, alloc);
		kinds[nr].kind = item_kind[i];
		kinds[nr].count = 1;
		kinds[nr].shown = 0;
		nr++;
	}
	if (nr)
		qsort(kinds, nr, sizeof(*kinds), kind_cmp);
	{
		size_t w = 0;

		for (size_t i = 0; i < nr; i++) {
			if (w && !strcmp(kinds[w - 1].kind, kinds[i].kind)) {
				kinds[w - 1].count++;
				continue;
			}
			kinds[w++] = kinds[i];
		}
		nr = w;
	}
	for (size_t i = 0; i < d->nr; i++) {
		struct kind_count key, *kc;

		if (!item_kind[i]) {
			print_item(&d->items[i], out);
			continue;
		}
		key.kind = item_kind[i];
		kc = bsearch(&key, kinds, nr, sizeof(*kinds), kind_cmp);
		if (kc->shown == per_kind)
			continue;
		kc->shown++;
		print_item(&d->items[i], out);
		/* After the last shown of a kind: how many more there are. */
		if (kc->shown == per_kind && kc->count > per_kind) {
			fprintf(out, "clew: ... and %zu more warning(s) like this one "
				"(--verbose or --report FILE lists them all)\n",
				kc->count - per_kind);
			hidden += kc->count - per_kind;
		}
	}
	for (size_t i = 0; i < d->nr; i++)
		free(item_kind[i]);
	free(item_kind);
	free(kinds);
	sbuf_release(&k);
	return hidden;
}
