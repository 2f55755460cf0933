/* diag: a list of compiler diagnostics printed as "path:line:col: error: msg". */
#ifndef CLEW_DIAG_H
#define CLEW_DIAG_H

#include <stdio.h>

enum diag_level { DIAG_WARNING, DIAG_ERROR };

struct diag_item {
	enum diag_level level;
	char *path; /* owned */
	int line;   /* 1-based; 0 when unknown */
	int col;    /* 1-based; 0 when unknown */
	char *msg;  /* owned */
};

struct diag {
	struct diag_item *items;
	size_t nr, alloc;
	int errors;
	int warnings;
};

#define DIAG_INIT { NULL, 0, 0, 0, 0 }

void diag_init(struct diag *d);
void diag_release(struct diag *d);

/* Record one diagnostic; path may be NULL (a whole-run problem). */
void diag_add(struct diag *d, enum diag_level level, const char *path,
	      int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
#define diag_error(d, path, line, col, ...)                                    \
	diag_add((d), DIAG_ERROR, (path), (line), (col), __VA_ARGS__)
#define diag_warn(d, path, line, col, ...)                                     \
	diag_add((d), DIAG_WARNING, (path), (line), (col), __VA_ARGS__)

/* Moves every item of src to the end of dst; src is left empty. */
void diag_merge(struct diag *dst, struct diag *src);

/* Orders the items by line, then column (those without a line first),
 * keeping the recorded order among equals: for one file's items. */
void diag_sort_lines(struct diag *d);

/* Prints every item, one per line, in the order recorded. */
void diag_print(const struct diag *d, FILE *out);

/* Appends the kind of a message: its text with each quoted part ('...')
 * made '*' and each number made N, so that the messages one check makes
 * about different pages share a kind. */
struct sbuf;
void diag_kind(const char *msg, struct sbuf *out);

/* Prints the items as diag_print does, but of the warnings of each kind
 * only the first per_kind, and then a line saying how many more there
 * are; every error is printed. Returns the number of warnings left out. */
size_t diag_print_grouped(const struct diag *d, FILE *out, size_t per_kind);

#endif
