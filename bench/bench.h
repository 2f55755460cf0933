/* bench: what the benchmark programs share: a clock, a random stream,
 * percentiles, and a KB compiled and loaded as the server loads it.
 * Header-only (static inline); the includer defines _GNU_SOURCE before any
 * #include (mkdtemp). */
#ifndef CLEW_BENCH_H
#define CLEW_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../server/base/diag.h"
#include "../server/base/sbuf.h"
#include "../server/compiler/compile.h"
#include "../server/engine/model.h"
#include "../server/store/store.h"

/* Seconds on the monotonic clock. */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: small, fast, and good enough for benchmarks. */
static inline uint64_t bench_rand(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double bench_unit(uint64_t *s)
{
	return (double)(bench_rand(s) >> 11) * 0x1p-53;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile p (0..100] of the n sorted values. */
static inline double bench_percentile(const double *sorted, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);

	if (!n)
		return 0;
	if (rank < 1)
		rank = 1;
	return sorted[(rank > n ? n : rank) - 1];
}

/* Compiles kb_dir into a temporary file and loads its model, as the
 * server does. Returns the model (caller frees), or NULL after a message
 * on stderr prefixed with prog. */
static inline struct eng_model *bench_load_kb(const char *kb_dir, const char *prog)
{
	char tmpl[] = "/tmp/clew-bench-XXXXXX";
	struct sbuf out = SBUF_INIT;
	struct diag d = DIAG_INIT;
	struct compile_opts opts = { NULL, 0, 0, NULL, NULL, 0, NULL };
	struct eng_model *m = NULL;
	struct store *s = NULL;
	char *err = NULL;

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return NULL;
	}
	sbuf_addf(&out, "%s/kb.sqlite", tmpl);
	opts.output = out.buf;
	if (compile_run((const char *const *)&kb_dir, 1, &opts, &d, NULL)) {
		diag_print(&d, stderr);
		goto cleanup;
	}
	s = store_open(out.buf, &err);
	if (!s || !(m = store_load_model(s)))
		fprintf(stderr, "%s: %s\n", prog, err ? err : store_errmsg(s));
cleanup:
	store_free(s);
	unlink(out.buf);
	rmdir(tmpl);
	free(err);
	diag_release(&d);
	sbuf_release(&out);
	return m;
}

#endif
