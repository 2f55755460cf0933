/* frontmatter: splits a "---" YAML header from a Markdown body and parses it
 * with libyaml into a cJSON object. */
#ifndef CLEW_FRONTMATTER_H
#define CLEW_FRONTMATTER_H

#include <stddef.h>

#include "../base/diag.h"

struct cJSON;

struct frontmatter {
	struct cJSON *fields; /* object; owned; keys as authored */
	size_t body_offset;   /* byte offset of the body in the buffer */
	int body_line;        /* 1-based line where the body starts */
};

/* Parses the front matter at the start of buf (BOM and CR already removed).
 * Scalars become strings, sequences arrays, mappings objects. Returns 0 and
 * fills *out (release with frontmatter_release); 1 after reporting to d, as
 * path:line:col, that the YAML between the '---' lines is wrong: *out then
 * has an empty fields object but the body's place, so that the body can
 * still be checked; or -1 after reporting that there is no header to read
 * (none, unclosed, or not UTF-8 text): *out is then untouched. */
int frontmatter_parse(const char *buf, size_t len, const char *path,
		      struct diag *d, struct frontmatter *out);

void frontmatter_release(struct frontmatter *fm);

/* Looks key up case-insensitively; borrowed, NULL when absent. */
struct cJSON *frontmatter_get(const struct frontmatter *fm, const char *key);

#endif
