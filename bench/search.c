/* bench/search: times store_search (with snippets) on a synthetic KB. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../server/base/diag.h"
#include "../server/base/sbuf.h"
#include "../server/base/xalloc.h"
#include "../server/compiler/compile.h"
#include "../server/store/store.h"
#include "corpus.h"

#define DEFAULT_ARTICLES 10000
#define DEFAULT_QUERIES 2000
#define WARMUP_ROUNDS 5 /* untimed passes over the whole query table */
#define TARGET_MEDIAN_MS 0.5
#define TARGET_P99_MS 5.0

static const char usage[] =
	"usage: bench/search [ARTICLES [QUERIES]]\n"
	"Compiles a synthetic corpus of ARTICLES articles (default 10000), then\n"
	"times QUERIES store_search calls (default 2000) over a fixed mix.\n";

enum kind { K_COMMON, K_RARE, K_TWO, K_PREFIX, K_PLATFORM, K_NOHIT, K_COUNT };

static const char *const kind_names[K_COUNT] = {
	[K_COMMON] = "common word",
	[K_RARE] = "rare word",
	[K_TWO] = "two words",
	[K_PREFIX] = "prefix",
	[K_PLATFORM] = "platform filter",
	[K_NOHIT] = "no hit",
};

struct query {
	enum kind kind;
	const char *text; /* NULL: the error code of the middle article */
	const char *platform;
};

/* Taken in turn, so every kind gets the same share of the queries. The
 * words come from corpus.h: common ones are near the front of its list
 * ("error" is in every article), rare ones in about 25 articles in 10k. */
static const struct query query_table[] = {
	{ K_COMMON, "audio", NULL },
	{ K_RARE, "kestrelwire", NULL },
	{ K_TWO, "bluetooth headset", NULL },
	{ K_PREFIX, "bluet", NULL },
	{ K_PLATFORM, "audio", "android" },
	{ K_NOHIT, "zqxjvw", NULL },
	{ K_COMMON, "network", NULL },
	{ K_RARE, "duskmote", NULL },
	{ K_TWO, "certificate expired", NULL },
	{ K_PREFIX, "permis", NULL },
	{ K_PLATFORM, "timeout", "ios" },
	{ K_NOHIT, "flurbogast", NULL },
	{ K_COMMON, "error", NULL },
	{ K_RARE, NULL, NULL },
	{ K_TWO, "echo microphone", NULL },
	{ K_PREFIX, "certif", NULL },
	{ K_PLATFORM, "crash", "linux" },
	{ K_NOHIT, "qwxz nope", NULL },
	{ K_COMMON, "device", NULL },
	{ K_RARE, "sorrelkey", NULL },
	{ K_TWO, "firewall port", NULL },
	{ K_PREFIX, "notif", NULL },
	{ K_PLATFORM, "camera", "web" },
	{ K_NOHIT, "xyzzy plugh", NULL },
};
#define NR_QUERIES (sizeof(query_table) / sizeof(*query_table))

static void print_row(const char *name, double *ms, size_t n, double hits)
{
	qsort(ms, n, sizeof(*ms), bench_cmp_double);
	printf("%-16s %6zu %8.3f %8.3f %8.3f %8.3f %10.1f\n", name, n,
	       bench_percentile(ms, n, 50), bench_percentile(ms, n, 90), bench_percentile(ms, n, 99),
	       n ? ms[n - 1] : 0, n ? hits / (double)n : 0);
}

/* Reads a count argument. Returns 0, or -1 when it is not 1..max. */
static int parse_count(const char *s, size_t max, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || !v || v > max)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* Runs q once; sets *ms to its time and *total to the articles matched.
 * Returns 0, or -1 with the error printed. */
static int run_query(struct store *st, const struct query *q,
		     const char *code, double *ms, int *total)
{
	struct store_search_opts so = { q->text ? q->text : code, q->platform, 0, NULL };
	cJSON *doc = NULL;
	enum store_search_result r;
	double t0 = bench_now();

	r = store_search(st, &so, &doc);
	*ms = (bench_now() - t0) * 1e3;
	if (r != STORE_SEARCH_OK) {
		fprintf(stderr, "bench/search: '%s': %s\n", so.query,
			store_errmsg(st));
		return -1;
	}
	*total = cJSON_GetObjectItemCaseSensitive(doc, "total")->valueint;
	cJSON_Delete(doc);
	return 0;
}

int main(int argc, char **argv)
{
	struct corpus c = CORPUS_INIT;
	struct diag d = DIAG_INIT;
	struct sbuf code = SBUF_INIT;
	struct store *st = NULL;
	size_t nr_articles = DEFAULT_ARTICLES, nr_queries = DEFAULT_QUERIES;
	size_t nr_kind[K_COUNT] = { 0 }, nr_empty = 0;
	double hits_kind[K_COUNT] = { 0 };
	double *all = NULL, *by_kind[K_COUNT] = { NULL };
	char *err = NULL;
	double t0, med, p99;
	int ret = 1;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 3 || (argc > 1 && parse_count(argv[1], 10000000, &nr_articles)) ||
	    (argc > 2 && parse_count(argv[2], 100000000, &nr_queries))) {
		fputs(usage, stderr);
		return 2;
	}
	all = xcalloc(nr_queries, sizeof(*all));
	for (int k = 0; k < K_COUNT; k++)
		by_kind[k] = xcalloc(nr_queries, sizeof(*by_kind[k]));
	corpus_error_code(&code, nr_articles / 2);

	if (corpus_init(&c) || corpus_grow(&c, nr_articles)) {
		fprintf(stderr, "bench/search: cannot write the corpus under /tmp: %s\n",
			strerror(errno));
		goto cleanup;
	}
	t0 = bench_now();
	{
		const char *inputs[] = { c.src.buf };
		struct compile_opts opts = { c.db.buf, 0, 0, NULL, NULL, 0, NULL };

		if (compile_run(inputs, 1, &opts, &d, NULL)) {
			diag_print(&d, stderr);
			fprintf(stderr, "bench/search: compile_run failed\n");
			goto cleanup;
		}
	}
	printf("clew search benchmark: %zu articles (%zu KiB of Markdown, compiled "
	       "in %.2f s, %d warnings)\n", c.nr, c.bytes / 1024,
	       bench_now() - t0, d.warnings);
	st = store_open(c.db.buf, &err);
	if (!st) {
		fprintf(stderr, "bench/search: %s\n", err);
		goto cleanup;
	}

	for (size_t i = 0; i < WARMUP_ROUNDS * NR_QUERIES; i++) {
		double ms;
		int total;

		if (run_query(st, &query_table[i % NR_QUERIES], code.buf, &ms, &total))
			goto cleanup;
	}
	for (size_t i = 0; i < nr_queries; i++) {
		const struct query *q = &query_table[i % NR_QUERIES];
		int total;

		if (run_query(st, q, code.buf, &all[i], &total))
			goto cleanup;
		by_kind[q->kind][nr_kind[q->kind]++] = all[i];
		hits_kind[q->kind] += total;
		/* A no-hit query that matches times the wrong thing. */
		if (q->kind == K_NOHIT && total) {
			fprintf(stderr, "bench/search: '%s' matched %d articles\n",
				q->text, total);
			goto cleanup;
		}
		if (q->kind != K_NOHIT && !total)
			nr_empty++;
	}

	printf("%zu timed queries after %zu warm-up ones, %zu distinct, 10 hits "
	       "at most, with snippets\n\n",
	       nr_queries, (size_t)WARMUP_ROUNDS * NR_QUERIES, NR_QUERIES);
	printf("%-16s %6s %8s %8s %8s %8s %10s\n", "kind", "count", "median",
	       "p90", "p99", "max", "avg total");
	printf("%-16s %6s %8s %8s %8s %8s %10s\n", "", "", "ms", "ms", "ms", "ms",
	       "matched");
	for (int k = 0; k < K_COUNT; k++)
		print_row(kind_names[k], by_kind[k], nr_kind[k], hits_kind[k]);
	{
		double sum = 0;

		for (int k = 0; k < K_COUNT; k++)
			sum += hits_kind[k];
		print_row("all", all, nr_queries, sum);
	}
	if (nr_empty)
		printf("note: %zu queries expected to match found nothing (a small "
		       "corpus lacks some rare words)\n", nr_empty);
	med = bench_percentile(all, nr_queries, 50);
	p99 = bench_percentile(all, nr_queries, 99);
	printf("\ntarget: median <= %.1f ms: %.3f ms, %s; "
	       "p99 <= %.1f ms: %.3f ms, %s\n",
	       TARGET_MEDIAN_MS, med, med <= TARGET_MEDIAN_MS ? "met" : "NOT met",
	       TARGET_P99_MS, p99, p99 <= TARGET_P99_MS ? "met" : "NOT met");
	ret = 0;
cleanup:
	store_free(st);
	if (corpus_remove(&c))
		fprintf(stderr, "bench/search: cannot remove %s: %s\n", c.dir.buf,
			strerror(errno));
	corpus_release(&c);
	diag_release(&d);
	sbuf_release(&code);
	free(err);
	for (int k = 0; k < K_COUNT; k++)
		free(by_kind[k]);
	free(all);
	return ret;
}
