/* pages: the HTML pages, each a template from templates/ rendered over the
 * JSON document the matching API route returns (plus links the page
 * needs), and the static files. */
#ifndef CLEW_PAGES_H
#define CLEW_PAGES_H

#include "request.h"

void page_index(struct http_request *req, struct http_reply *rep, const char *param);
void page_article(struct http_request *req, struct http_reply *rep, const char *slug);
void page_search(struct http_request *req, struct http_reply *rep, const char *param);
void page_wizard(struct http_request *req, struct http_reply *rep, const char *param);
void page_tree(struct http_request *req, struct http_reply *rep, const char *param);
void page_detect(struct http_request *req, struct http_reply *rep, const char *param);
void page_static(struct http_request *req, struct http_reply *rep, const char *file);
void page_embed_js(struct http_request *req, struct http_reply *rep, const char *param);

/* An HTML error page with status and message. */
void page_error(struct http_request *req, struct http_reply *rep, int status,
		const char *message);

/* The reader's language (lang.h's lang_choose): ?lang=, then
 * Accept-Language, among the languages of the interface's catalogues and
 * of the KB's articles; "en" when none matches. Borrowed. */
const char *page_reader_lang(const struct http_request *req);

/* What the reader asks for (kbstate.h): ?lang= and Accept-Language. */
struct kb_want;
void page_want(const struct http_request *req, struct kb_want *want);

/* Puts the reader's explicit language choice (?lang=, when a language
 * tag) into the URL in u, before its fragment: "?lang=X" or "&lang=X".
 * Links and forms keep it, so that a reader who chose a language stays
 * in it. */
void page_url_lang(const struct http_request *req, struct sbuf *u);

/* Appends s percent-encoded for a URL query component. */
void page_url_encode(struct sbuf *out, const char *s);

#endif
