/* statics: the files of static/ (CSS, JS, icons), read into memory once at
 * start, and compressed then (Brotli, gzip) when worth it. A request can
 * only name a file of this table, so no path it sends ever reaches the
 * file system ('..', %2e%2e, absolute paths, links). */
#ifndef CLEW_STATICS_H
#define CLEW_STATICS_H

#include <stddef.h>

#include "../base/sbuf.h"

struct cz_set;

struct static_file {
	char *name;         /* relative to static/, '/'-separated */
	char *data;
	size_t len;
	const char *type;   /* MIME type */
	char *etag;         /* "\"<hash>\"" */
	char *version;      /* short content hash for ?v= URLs */
	struct cz_set *cz;  /* data in br and gzip, made at load (compress.h) */
};

struct statics;

/* Loads every regular file below dir (names starting with '.' skipped,
 * symbolic links not followed). Returns the table, or NULL with a message
 * appended to err. */
struct statics *statics_load(const char *dir, struct sbuf *err);
void statics_free(struct statics *s);

/* Borrowed; NULL when name is not in the table. */
const struct static_file *statics_get(const struct statics *s, const char *name);

#endif
