/* testutil: helpers shared by the Check suites. */
#define _GNU_SOURCE
#include "testutil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "../server/base/fileio.h"
#include "../server/base/sbuf.h"
#include "../server/base/xalloc.h"
#include "../server/compiler/compile.h"

double tu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void tu_nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

char *tu_tmpdir(void)
{
	char *tmpl = xstrdup("/tmp/clew-test-XXXXXX");

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		abort();
	}
	return tmpl;
}

void tu_rmtree(const char *dir)
{
	struct sbuf cmd = SBUF_INIT;

	if (strncmp(dir, "/tmp/clew-test-", 15))
		return; /* never anything but our own folders */
	sbuf_addf(&cmd, "rm -rf '%s'", dir);
	if (system(cmd.buf) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	sbuf_release(&cmd);
}

char *tu_write(const char *dir, const char *name, const char *data, long len)
{
	struct sbuf path = SBUF_INIT;
	FILE *f;

	sbuf_addf(&path, "%s/%s", dir, name);
	f = fopen(path.buf, "wb");
	if (!f) {
		perror(path.buf);
		abort();
	}
	fwrite(data, 1, len < 0 ? strlen(data) : (size_t)len, f);
	fclose(f);
	return sbuf_detach(&path, NULL);
}

char *tu_read(const char *path, size_t *len)
{
	struct sbuf sb = SBUF_INIT;

	if (fileio_read(path, &sb)) {
		sbuf_release(&sb);
		return NULL;
	}
	return sbuf_detach(&sb, len);
}

int tu_compile(const char *out, struct diag *d, int strict, ...)
{
	const char *inputs[32];
	struct compile_opts opts = { out, strict, 2, NULL, NULL, 0, NULL };
	struct compile_stats st;
	size_t n = 0;
	va_list ap;
	const char *p;

	va_start(ap, strict);
	while ((p = va_arg(ap, const char *)) && n < 32)
		inputs[n++] = p;
	va_end(ap);
	return compile_run(inputs, n, &opts, d, &st);
}

/* The diagnostics as text; caller frees. */
static char *diag_text(const struct diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	diag_print(d, f);
	fclose(f);
	return buf;
}

int tu_diag_has(const struct diag *d, const char *needle)
{
	char *buf = diag_text(d);
	int found = strstr(buf, needle) != NULL;

	if (!found)
		fprintf(stderr, "expected diagnostic containing '%s'; got:\n%s",
			needle, buf);
	free(buf);
	return found;
}

int tu_diag_lacks(const struct diag *d, const char *needle)
{
	char *buf = diag_text(d);
	int found = strstr(buf, needle) != NULL;

	if (found)
		fprintf(stderr, "expected no diagnostic containing '%s'; got:\n%s",
			needle, buf);
	free(buf);
	return !found;
}

void tu_diag_dump(const struct diag *d)
{
	diag_print(d, stderr);
}

const char *tu_bin(void)
{
	const char *b = getenv("CLEW_BIN");

	return b && *b ? b : "build/clew";
}

struct tu_run tu_sh(const char *dir, const char *line)
{
	struct sbuf cmd = SBUF_INIT, out = SBUF_INIT, err = SBUF_INIT;
	struct tu_run r;
	int status;

	for (const char *p = line; *p; p++)
		if (*p == '@')
			sbuf_adds(&cmd, tu_bin());
		else
			sbuf_addch(&cmd, *p);
	sbuf_addf(&out, "%s/stdout", dir);
	sbuf_addf(&err, "%s/stderr", dir);
	sbuf_addf(&cmd, " >%s 2>%s </dev/null", out.buf, err.buf);
	status = system(cmd.buf);
	r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r.out = tu_read(out.buf, NULL);
	r.err = tu_read(err.buf, NULL);
	sbuf_release(&cmd);
	sbuf_release(&out);
	sbuf_release(&err);
	return r;
}

void tu_run_free(struct tu_run *r)
{
	free(r->out);
	free(r->err);
}
