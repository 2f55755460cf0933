/* bench/compile: times compile_run on synthetic corpora of growing size. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../server/base/diag.h"
#include "../server/base/xalloc.h"
#include "../server/compiler/compile.h"
#include "corpus.h"

/* The goal: articles per second at TARGET_SIZE articles, all cores. */
#define TARGET_SIZE 10000
#define TARGET_RATE 20000.0

static const char usage[] =
	"usage: bench/compile [SIZE...]\n"
	"Compiles synthetic corpora of SIZE articles (default: 1000 10000 50000)\n"
	"in-process and prints the time, rate and peak memory of each.\n";

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* Reads the sizes from argv, or the defaults; sorted, without repeats, since
 * the corpus grows from one size to the next. Returns 0, or -1 on a bad
 * argument. *sizes is malloc'd; caller frees. */
static int parse_sizes(int argc, char **argv, size_t **sizes, size_t *nr)
{
	static const size_t defaults[] = { 1000, 10000, 50000 };
	size_t n = 0;

	if (argc < 2) {
		*sizes = xmalloc(sizeof(defaults));
		memcpy(*sizes, defaults, sizeof(defaults));
		*nr = sizeof(defaults) / sizeof(*defaults);
		return 0;
	}
	*sizes = xcalloc((size_t)argc, sizeof(**sizes));
	for (int i = 1; i < argc; i++) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(argv[i], &end, 10);
		if (errno || end == argv[i] || *end || !v || v > 10000000) {
			fprintf(stderr, "bench/compile: bad size '%s'\n%s", argv[i],
				usage);
			return -1;
		}
		(*sizes)[n++] = (size_t)v;
	}
	qsort(*sizes, n, sizeof(**sizes), cmp_size);
	*nr = 0;
	for (size_t i = 0; i < n; i++)
		if (!*nr || (*sizes)[*nr - 1] != (*sizes)[i])
			(*sizes)[(*nr)++] = (*sizes)[i];
	return 0;
}

/* The process's peak resident set so far, in MiB (Linux: ru_maxrss in KiB). */
static double peak_rss_mib(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
	struct corpus c = CORPUS_INIT;
	struct diag d = DIAG_INIT;
	size_t *sizes = NULL, nr_sizes = 0;
	double *us_per = NULL, target_rate = -1, t_rm;
	int ret = 1;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return 0;
	}
	/* As `clew compile` runs. */
	compile_tune_process();
	if (parse_sizes(argc, argv, &sizes, &nr_sizes)) {
		free(sizes);
		return 2;
	}
	us_per = xcalloc(nr_sizes, sizeof(*us_per));
	if (corpus_init(&c)) {
		fprintf(stderr, "bench/compile: cannot create a folder under /tmp: %s\n",
			strerror(errno));
		goto cleanup;
	}

	printf("clew compile benchmark: %ld online CPU(s), jobs = 0 (one parser per "
	       "CPU but the writer's)\n",
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("corpus: %s (synthetic, ~1 KB per article; files hot in the "
	       "page cache)\n\n", c.src.buf);
	printf("%9s %9s %11s %11s %9s   %s\n", "articles", "seconds", "articles/s",
	       "us/article", "peak MiB", "(corpus written and synced first, not timed)");
	for (size_t i = 0; i < nr_sizes; i++) {
		const char *inputs[] = { c.src.buf };
		/* As `clew compile`: warnings are counted but do not fail. */
		struct compile_opts opts = { c.db.buf, 0, 0, NULL, NULL, 0, NULL };
		struct compile_stats st;
		double t0, gen, secs;
		int warnings;

		t0 = bench_now();
		if (corpus_grow(&c, sizes[i])) {
			fprintf(stderr, "bench/compile: cannot write article %zu: %s\n",
				c.nr, strerror(errno));
			goto cleanup;
		}
		/* The new files go to disk before the clock starts: else the
		 * output's fsync (an ext4 journal commit) would wait for them. */
		sync();
		gen = bench_now() - t0;

		t0 = bench_now();
		if (compile_run(inputs, 1, &opts, &d, &st)) {
			diag_print(&d, stderr);
			fprintf(stderr, "bench/compile: compile_run failed at %zu articles\n",
				sizes[i]);
			goto cleanup;
		}
		secs = bench_now() - t0;
		if (st.articles != sizes[i]) {
			fprintf(stderr, "bench/compile: compiled %zu articles, expected %zu\n",
				st.articles, sizes[i]);
			goto cleanup;
		}
		warnings = d.warnings;
		diag_release(&d);
		unlink(c.db.buf); /* only disk space: compile_run replaces it anyway */

		us_per[i] = secs * 1e6 / (double)sizes[i];
		if (sizes[i] == TARGET_SIZE)
			target_rate = (double)sizes[i] / secs;
		printf("%9zu %9.3f %11.0f %11.1f %9.1f   (%zu KiB, avg %zu B/article, "
		       "written in %.2f s; %zu causes, %zu solutions, %d warnings)\n",
		       sizes[i], secs, (double)sizes[i] / secs, us_per[i],
		       peak_rss_mib(), c.bytes / 1024, c.bytes / c.nr, gen,
		       st.causes, st.solutions, warnings);
		fflush(stdout);
	}
	if (nr_sizes > 1)
		printf("\nlinearity: time per article at %zu is %.2fx that at %zu "
		       "(1.00 = linear)\n",
		       sizes[nr_sizes - 1], us_per[nr_sizes - 1] / us_per[0], sizes[0]);
	if (target_rate >= 0)
		printf("target: >= %.0f articles/s at %d articles: %.0f articles/s, %s\n",
		       TARGET_RATE, TARGET_SIZE, target_rate,
		       target_rate >= TARGET_RATE ? "met" : "NOT met");
	else
		printf("target: >= %.0f articles/s at %d articles (not measured: "
		       "%d is not among the sizes)\n",
		       TARGET_RATE, TARGET_SIZE, TARGET_SIZE);
	ret = 0;
cleanup:
	t_rm = bench_now();
	if (corpus_remove(&c))
		fprintf(stderr, "bench/compile: cannot remove %s: %s\n", c.dir.buf,
			strerror(errno));
	else if (c.nr)
		printf("(removed the corpus in %.2f s)\n", bench_now() - t_rm);
	corpus_release(&c);
	diag_release(&d);
	free(us_per);
	free(sizes);
	return ret;
}
