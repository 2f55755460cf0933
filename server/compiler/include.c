/* include: "[!INCLUDE]" blocks replaced by the files they name. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "include.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/fileio.h"
#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"

#define MAX_DEPTH 16

static const char marker[] = "<!--clew:include ";

/* One file on the way down, for the cycle check. */
struct frame {
	const char *real;
	const char *shown; /* as the include named it */
	const struct frame *up;
};

/* A node's line in its body: mdtree_line's reckoning, without the front
 * matter's lines. */
static int body_line(cmark_node *n)
{
	int line = cmark_node_get_start_line(n);

	for (cmark_node *p = n; p; p = cmark_node_parent(p)) {
		intptr_t first = (intptr_t)cmark_node_get_user_data(p);

		if (first)
			return line ? line + (int)first - 1 : (int)first;
	}
	return line;
}

/* The path an include block names, percent-decoded, into out; 0 when n
 * is no include block. */
static int include_path(cmark_node *n, struct sbuf *out)
{
	const char *lit, *p, *end;

	if (cmark_node_get_type(n) != CMARK_NODE_HTML_BLOCK || !(lit = cmark_node_get_literal(n)))
		return 0;
	p = text_ltrim(lit);
	if (strncmp(p, marker, sizeof(marker) - 1) || !(end = strstr(p, "-->")))
		return 0;
	p = text_ltrim(p + sizeof(marker) - 1);
	end = p + text_rtrim_len(p, (size_t)(end - p));
	sbuf_reset(out);
	for (; p < end; p++) {
		int hi, lo;

		if (*p == '%' && p + 2 < end && (hi = text_hex_digit(p[1])) >= 0 &&
		    (lo = text_hex_digit(p[2])) >= 0) {
			sbuf_addch(out, hi * 16 + lo);
			p += 2;
		} else {
			sbuf_addch(out, *p);
		}
	}
	return 1;
}

static int inside_roots(const struct include_env *env, const char *real)
{
	for (size_t i = 0; i < env->nr_roots; i++) {
		size_t n = strlen(env->roots[i]);

		if (!strncmp(real, env->roots[i], n) && (real[n] == '/' || (n == 1 && real[0] == '/')))
			return 1;
	}
	return 0;
}

/* The body of text (len bytes): past a front matter ("---" lines) when
 * it has one; *lines set to the lines skipped. */
static size_t skip_front_matter(const char *text, size_t len, int *lines)
{
	const char *p;

	*lines = 0;
	if (len < 4 || strncmp(text, "---\n", 4))
		return 0;
	for (p = text + 4; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);

		++*lines;
		if ((n == 3 && (!strncmp(p, "---", 3) || !strncmp(p, "...", 3))))
			return nl ? (size_t)(nl + 1 - text) : len;
		if (!nl)
			break;
		p = nl + 1;
	}
	*lines = 0;
	return 0; /* no end: no front matter, as a page would read it */
}

static int resolve(cmark_node *root, const char *path, int line_offset, const struct frame *up,
		   int depth, struct include_env *env, struct diag *d);

/* Replaces include block n (naming target) of the file at path. */
static int include_one(cmark_node *n, const char *target, const char *path, int line_offset,
		       const struct frame *up, int depth, struct include_env *env,
		       struct diag *d)
{
	struct sbuf joined = SBUF_INIT, text = SBUF_INIT, chain = SBUF_INIT;
	char real[PATH_MAX];
	int line = body_line(n), errors = 0, fm_lines;
	const char *slash = strrchr(path, '/');
	cmark_node *doc = NULL, *c;
	struct frame self;
	size_t skip;

	if (line)
		line += line_offset;
	if (!*target || target[0] == '/') {
		diag_error(d, path, line, 0, "include '%s': write the path from this page's "
			   "folder ('../includes/note.md')", target);
		errors++;
		goto cleanup;
	}
	if (slash)
		sbuf_add(&joined, path, (size_t)(slash - path + 1));
	sbuf_adds(&joined, target);
	if (!realpath(joined.buf, real)) {
		diag_error(d, path, line, 0, "include '%s': cannot read %s: %s", target,
			   joined.buf, strerror(errno));
		errors++;
		goto cleanup;
	}
	if (!inside_roots(env, real)) {
		diag_error(d, path, line, 0, "include '%s': %s is outside the folders being "
			   "compiled; it is refused", target, joined.buf);
		errors++;
		goto cleanup;
	}
	for (const struct frame *f = up; f; f = f->up)
		if (!strcmp(f->real, real)) {
			const struct frame *g;

			/* The chain, from the file included again down to here. */
			sbuf_adds(&chain, joined.buf);
			for (g = up; g && g != f; g = g->up) {
				sbuf_adds(&chain, " <- ");
				sbuf_adds(&chain, g->shown);
			}
			sbuf_adds(&chain, " <- ");
			sbuf_adds(&chain, f->shown);
			diag_error(d, path, line, 0, "include '%s': a cycle (%s)", target, chain.buf);
			errors++;
			goto cleanup;
		}
	if (depth >= MAX_DEPTH) {
		diag_error(d, path, line, 0, "include '%s': includes nest more than %d deep",
			   target, MAX_DEPTH);
		errors++;
		goto cleanup;
	}
	if (fileio_read(real, &text)) {
		diag_error(d, path, line, 0, "include '%s': cannot read %s: %s", target,
			   joined.buf, strerror(errno));
		errors++;
		goto cleanup;
	}
	text_normalize_newlines(&text);
	env->hash = text_hash(env->hash, text.buf, text.len);
	skip = skip_front_matter(text.buf, text.len, &fm_lines);
	doc = env->parse(env->ctx, text.buf + skip, text.len - skip);
	self.real = real;
	self.shown = joined.buf;
	self.up = up;
	errors += resolve(doc, joined.buf, fm_lines, &self, depth + 1, env, d);
	/* Its blocks, where the include was: counted from its line. */
	while ((c = cmark_node_first_child(doc))) {
		int first = body_line(c);

		cmark_node_unlink(c);
		if (first && line) {
			intptr_t offset = (line - line_offset) - first + 1;

			cmark_node_set_user_data(c, (void *)(offset ? offset : 1));
		}
		cmark_node_insert_before(n, c);
	}
	cmark_node_free(doc);
	cmark_node_free(n);
cleanup:
	if (errors && !doc)
		cmark_node_free(n); /* reported: the block goes */
	sbuf_release(&joined);
	sbuf_release(&text);
	sbuf_release(&chain);
	return errors;
}

static int resolve(cmark_node *root, const char *path, int line_offset, const struct frame *up,
		   int depth, struct include_env *env, struct diag *d)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_node **found = NULL;
	size_t nr = 0, alloc = 0;
	struct sbuf target = SBUF_INIT;
	cmark_event_type ev;
	int errors = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		if (ev == CMARK_EVENT_ENTER && include_path(cmark_iter_get_node(it), &target)) {
			ALLOC_GROW(found, nr + 1, alloc);
			found[nr++] = cmark_iter_get_node(it);
		}
	cmark_iter_free(it);
	for (size_t i = 0; i < nr; i++) {
		include_path(found[i], &target);
		errors += include_one(found[i], target.buf, path, line_offset, up, depth, env, d);
	}
	free(found);
	sbuf_release(&target);
	return errors;
}

int include_resolve(cmark_node *root, const char *path, int line_offset,
		    struct include_env *env, struct diag *d)
{
	char real[PATH_MAX];
	struct frame self = { real, path, NULL };

	if (!realpath(path, real))
		self.real = path;
	return resolve(root, path, line_offset, &self, 0, env, d);
}
