/* article: turns one FAQ page (front matter + Markdown) into a kb_article:
 * sections, platform scopes, causes and solutions, by the page's structure
 * and the authors' annotations. See docs/authoring.md. */
#ifndef CLEW_ARTICLE_H
#define CLEW_ARTICLE_H

#include "../base/diag.h"
#include "mdtree.h"
#include "../content/kb.h"

/* Builds the article of an already parsed tree. slug_default is used when
 * the front matter names no slug. Returns a new article (caller frees with
 * kb_article_free), or NULL after reporting every problem to d; then, when
 * rejected is not NULL, *rejected is set to what could be read of the
 * article (caller frees), for the checks that need the whole KB (the
 * questions its causes name), else NULL. */
struct kb_article *article_from_tree(struct mdtree *t, const char *slug_default,
				     struct diag *d, struct kb_article **rejected);

#endif
