/* template: a small logic-less template language (a Mustache subset) rendered
 * over a cJSON document, HTML-escaping by default. */
#ifndef CLEW_TEMPLATE_H
#define CLEW_TEMPLATE_H

#include <cjson/cJSON.h>

#include "../base/sbuf.h"

/*
 * Syntax (see docs in template.c for the details):
 *   {{name}} {{a.b.c}} {{.}}     value, HTML-escaped; null/missing -> nothing
 *   {{name|url}}                 percent-encoded (RFC 3986 unreserved kept)
 *   {{name|percent}}             number 0..1 as a whole percentage ("84")
 *   {{{x_html}}} {{& x_html}}    raw; only for names html or *_html
 *   {{#name}}..{{/name}}         section; {{^name}}..{{/name}} inverted
 *   {{> name}}                   partial from the same set
 *   {{! comment }}
 * A line holding only a section, inverted, close, comment or partial tag (and
 * blanks) is removed from the output, newline included. Literal text goes
 * out without the blanks that indent its lines and without blank lines
 * (for pages: HTML reads a run of blanks as one; no template has <pre>).
 */

struct tpl;     /* one compiled template; immutable once compiled */
struct tpl_set; /* named templates, for partials */

/* Compiles text; name is used in error messages. Returns the template
 * (caller frees with tpl_free), or NULL after appending "NAME:LINE: message"
 * to err (err may be NULL). */
struct tpl *tpl_compile(const char *name, const char *text, struct sbuf *err);
/* tpl_free(NULL) is a no-op. */
void tpl_free(struct tpl *t);

/* Returns an empty set; caller frees with tpl_set_free (NULL is a no-op),
 * which frees every template in it. */
struct tpl_set *tpl_set_new(void);
void tpl_set_free(struct tpl_set *s);

/* Compiles text and adds it under name (e.g. "layout"). Returns 0, or -1
 * with a message appended to err (syntax error, or name already in the set);
 * the set is unchanged on failure. Partials are not checked here. */
int tpl_set_add(struct tpl_set *s, const char *name, const char *text,
		struct sbuf *err);

/* Loads every regular *.html file of dir (not recursive, dot-files skipped)
 * as a template named by its file name without ".html"; errors name the
 * file's path. Then checks that every partial used by any template of the
 * set exists in it. Returns 0, or -1 with a message appended to err; on
 * failure the set is left as it was before the call. */
int tpl_set_load_dir(struct tpl_set *s, const char *dir, struct sbuf *err);

/* Borrowed (valid until the set is freed); NULL if absent. */
const struct tpl *tpl_set_get(const struct tpl_set *s, const char *name);

/* Renders template name of the set with ctx (may be NULL) as the outermost
 * context, appending to out. Returns 0, or -1 when name or a partial it uses
 * is not in the set, or partials nest deeper than 16; on -1 out is restored
 * to its length before the call. Only reads the set, so several threads may
 * render from one set at once. */
int tpl_render(const struct tpl_set *s, const char *name, const cJSON *ctx,
	       struct sbuf *out);

#endif
