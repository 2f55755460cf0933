/* pages_internal: what the page handlers share (pages.c for the home,
 * article and search pages, wizard.c for the troubleshooter): the page's
 * frame, rendering, links that keep the page's arguments. http-internal. */
#ifndef CLEW_PAGES_INTERNAL_H
#define CLEW_PAGES_INTERNAL_H

#include <stddef.h>

#include "../engine/model.h"
#include "../base/sbuf.h"
#include "request.h"

struct cJSON;

/* Query arguments that steer the page, not the diagnosis: 'embed' (the
 * page is the help-desk widget's panel; its value is the host page's
 * origin, or 1), 'detected' (answers read by the probe), 'lang' (the
 * reader's language) and 'ask' (the question to ask next, from a "change"
 * link). NULL-terminated. */
extern const char *const page_ui_args[];
int page_is_ui_arg(const char *key);

/* The KB language that best serves want (a BCP 47 tag such as "de-AT"):
 * an article language equal to it, else the first with the same primary
 * subtag. Returns borrowed from m, or NULL when no article has it. */
const char *page_kb_language(const struct eng_model *m, const char *want);

/* True when article a is in language lang (NULL: any). Articles that do
 * not say their language are offered in every language. */
int page_article_in(const struct eng_article *a, const char *lang);

/* Returns path?k=v&... with the arguments [0, n) of req, leaving out index
 * skip (-1: none), then extra_key=extra_value when given (caller frees).
 * The page's own arguments ('embed', 'lang', and the wizard session 'sid'
 * but when n is 0: a new start is a new session) are kept wherever they
 * stand, so that a reader stays in the widget, in their language and in
 * their session; 'ask' is for this page only and never kept. */
char *page_url_with(const struct http_request *req, const char *path, size_t n,
		    long skip, const char *extra_key, const char *extra_value);

/* Appends "?k=v" to the first argument of u (*first set), "&k=v" to the
 * others, both percent-encoded; clears *first. */
void page_add_param(struct sbuf *u, int *first, const char *k, const char *v);

/* Answers 303 See Other with url as Location; the body says note (may be
 * NULL), then where to go, in the reader's language. Not cached. */
void page_see_other(const struct http_request *req, struct http_reply *rep,
		    const char *url, const char *note);

/* The checks of a form POST, in order: its content type (415), where it
 * comes from (403, app_same_site), its fields (400); on success the
 * fields join req's arguments and 0 is returned, else rep holds the error
 * page (what names the form in it, in the reader's language) and -1 is
 * returned. */
int page_read_form(struct http_request *req, struct http_reply *rep, const char *what);

/* Adds s to o under key, and frees s. */
void page_add_owned_string(struct cJSON *o, const char *key, char *s);

/* The "site" object every template reads: title, stylesheet and script
 * URLs, the KB's hash, the language. Caller frees (or adds it to ctx). */
struct cJSON *page_site(const struct http_request *req, const char *title);

/* 1 when "Detect from this computer" can tell something for problem (a
 * slug, or NULL for any): a cause for Linux (or any platform) names a
 * question the probe answers. */
int page_probe_useful(const struct eng_model *m, const char *problem);

/* Renders template name over ctx (freed here) into rep as an HTML page. */
void page_render(struct http_request *req, struct http_reply *rep, int status,
		 const char *name, struct cJSON *ctx);

#endif
