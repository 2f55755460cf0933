/* testutil: helpers shared by the Check suites: temporary folders, files,
 * and compiling fixtures. */
#ifndef CLEW_TESTUTIL_H
#define CLEW_TESTUTIL_H

#include <stddef.h>

#include "../server/base/diag.h"

/* Returns a new empty folder under /tmp (malloc'd; caller frees). */
char *tu_tmpdir(void);
/* Removes a folder made by tu_tmpdir and everything in it. */
void tu_rmtree(const char *dir);
/* Writes len bytes (len < 0: strlen) to dir/name; returns the path
 * (malloc'd; caller frees). */
char *tu_write(const char *dir, const char *name, const char *data, long len);
/* Returns the file's bytes (malloc'd, NUL-terminated; caller frees) and its
 * length in *len, or NULL. */
char *tu_read(const char *path, size_t *len);
/* What a command printed and how it ended. */
struct tu_run {
	int status; /* exit status, or -1 when it did not exit */
	char *out;  /* stdout (owned; may be NULL) */
	char *err;  /* stderr (owned; may be NULL) */
};

/* The clew binary under test: $CLEW_BIN, else build/clew (borrowed). */
const char *tu_bin(void);
/* Runs a shell command line (trusted test text) in which each '@' stands
 * for the clew binary, with stdin from /dev/null and stdout and stderr
 * captured through files in dir. Free with tu_run_free. */
struct tu_run tu_sh(const char *dir, const char *line);
void tu_run_free(struct tu_run *r);

/* CLOCK_MONOTONIC in seconds. */
double tu_now(void);
/* Sleeps ms milliseconds (through signals). */
void tu_nap_ms(long ms);

/* Compiles inputs into out; returns compile_run's result, diagnostics in d. */
int tu_compile(const char *out, struct diag *d, int strict, ...);
/* Returns 1 when some diagnostic's printed form contains needle; else
 * prints them all to stderr (for the failing test's log) and returns 0. */
int tu_diag_has(const struct diag *d, const char *needle);
/* Returns 1 when no diagnostic's printed form contains needle; else prints
 * them all to stderr and returns 0. Use for "must not warn" checks, so a
 * passing run prints nothing. */
int tu_diag_lacks(const struct diag *d, const char *needle);
/* Prints the diagnostics (for a failing test's log). */
void tu_diag_dump(const struct diag *d);

#endif
