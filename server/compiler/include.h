/* include: Microsoft Learn's "[!INCLUDE [title](path.md)]" lines, which
 * docsyntax.h rewrites as "<!--clew:include path.md-->" blocks, replaced
 * by the blocks of the file they name. The path is relative to the file
 * that includes it and must stay inside the folders being compiled; the
 * included file's own includes are resolved in turn (16 deep at most),
 * and a file that includes itself, directly or not, is an error. */
#ifndef CLEW_INCLUDE_H
#define CLEW_INCLUDE_H

#include <stddef.h>
#include <stdint.h>

#include <cmark.h>

#include "../base/diag.h"

struct include_env {
	/* The folders an included file must be inside: real paths (no
	 * symbolic link, no "..", no trailing '/'). None: every include is
	 * refused. */
	char *const *roots;
	size_t nr_roots;
	/* Parses an included file's body (text, len bytes, NUL-terminated;
	 * its front matter, if any, removed) as a page's body is parsed
	 * (docsyntax, cmark, tables); returns its document node. */
	cmark_node *(*parse)(void *ctx, const char *text, size_t len);
	void *ctx;
	/* Each included file's text is folded in (text_hash). */
	uint64_t hash;
};

/* Replaces each include block under root, the body of the file at path
 * (whose body starts after line_offset lines of front matter), by the
 * blocks of the file it names; the blocks taken in carry, as user data,
 * the offset that makes their lines count from the include's (mdtree.h's
 * mdtree_line). Each problem is an error at path:line in d. Returns the
 * number of errors. */
int include_resolve(cmark_node *root, const char *path, int line_offset,
		    struct include_env *env, struct diag *d);

#endif
