/* compile_report: `clew compile --report FILE` as JSON. */
#include "compile_report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"

static int kind_cmp(const void *a, const void *b)
{
	const cJSON *x = *(cJSON *const *)a, *y = *(cJSON *const *)b;
	int c = strcmp(cJSON_GetObjectItem(x, "level")->valuestring,
		       cJSON_GetObjectItem(y, "level")->valuestring);

	return c ? c : strcmp(cJSON_GetObjectItem(x, "kind")->valuestring,
			      cJSON_GetObjectItem(y, "kind")->valuestring);
}

/* The kinds of problem, each with its count: errors first, then by kind. */
static cJSON *kinds_of(const struct diag *d)
{
	cJSON **all = xcalloc(d->nr + 1, sizeof(*all)), *arr = cJSON_CreateArray();
	struct sbuf k = SBUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < d->nr; i++) {
		cJSON *o = cJSON_CreateObject();

		sbuf_reset(&k);
		diag_kind(d->items[i].msg, &k);
		cJSON_AddStringToObject(o, "level", d->items[i].level == DIAG_ERROR ? "error" : "warning");
		cJSON_AddStringToObject(o, "kind", k.buf);
		all[n++] = o;
	}
	qsort(all, n, sizeof(*all), kind_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;

		while (j < n && !kind_cmp(&all[i], &all[j]))
			cJSON_Delete(all[j++]);
		cJSON_AddNumberToObject(all[i], "count", (double)(j - i));
		cJSON_AddItemToArray(arr, all[i]);
		i = j;
	}
	free(all);
	sbuf_release(&k);
	return arr;
}

int compile_report_write(const char *path, const char *output, int written,
			 const struct compile_stats *st, const struct diag *d,
			 struct sbuf *err)
{
	cJSON *root = cJSON_CreateObject(), *left, *items;
	struct sbuf k = SBUF_INIT;
	char *text = NULL;
	FILE *f = NULL;
	int ret = -1;

	cJSON_AddStringToObject(root, "output", output);
	cJSON_AddBoolToObject(root, "written", written);
	cJSON_AddNumberToObject(root, "sources", (double)st->sources);
	cJSON_AddNumberToObject(root, "articles", (double)st->articles);
	cJSON_AddNumberToObject(root, "causes", (double)st->causes);
	cJSON_AddNumberToObject(root, "solutions", (double)st->solutions);
	cJSON_AddNumberToObject(root, "questions", (double)st->questions);
	cJSON_AddNumberToObject(root, "errors", d->errors);
	cJSON_AddNumberToObject(root, "warnings", d->warnings);
	if (written)
		cJSON_AddStringToObject(root, "content_hash", st->content_hash);
	left = cJSON_AddArrayToObject(root, "left_out");
	for (size_t i = 0; i < st->nr_left_out; i++)
		cJSON_AddItemToArray(left, cJSON_CreateString(st->left_out[i]));
	cJSON_AddItemToObject(root, "kinds", kinds_of(d));
	items = cJSON_AddArrayToObject(root, "problems");
	for (size_t i = 0; i < d->nr; i++) {
		const struct diag_item *it = &d->items[i];
		cJSON *o = cJSON_CreateObject();

		sbuf_reset(&k);
		diag_kind(it->msg, &k);
		cJSON_AddStringToObject(o, "level", it->level == DIAG_ERROR ? "error" : "warning");
		if (it->path)
			cJSON_AddStringToObject(o, "path", it->path);
		else
			cJSON_AddNullToObject(o, "path");
		cJSON_AddNumberToObject(o, "line", it->line);
		cJSON_AddNumberToObject(o, "column", it->col);
		cJSON_AddStringToObject(o, "message", it->msg);
		cJSON_AddStringToObject(o, "kind", k.buf);
		cJSON_AddItemToArray(items, o);
	}
	text = cJSON_Print(root);
	f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (f) {
		int bad = fputs(text, f) < 0 || fputc('\n', f) < 0;

		bad |= (f != stdout ? fclose(f) : fflush(f)) != 0;
		if (!bad)
			ret = 0;
	}
	if (ret)
		sbuf_addf(err, "cannot write the report %s: %s", path, strerror(errno));
	cJSON_Delete(root);
	free(text);
	sbuf_release(&k);
	return ret;
}
