/* diag: a list of compiler diagnostics printed as "path:line:col: error: msg". */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>

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

void diag_print(const struct diag *d, FILE *out)
{
	for (size_t i = 0; i < d->nr; i++) {
		const struct diag_item *it = &d->items[i];
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
}
