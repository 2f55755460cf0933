/* mdtree: one source file read as front matter plus a cmark tree, and the
 * tree helpers the article and question parsers share (plain text, safe
 * rendering, annotations in HTML comments). */
#ifndef CLEW_MDTREE_H
#define CLEW_MDTREE_H

#include <stddef.h>
#include <stdint.h>

#include <cmark.h>

#include "../base/diag.h"
#include "../base/sbuf.h"
#include "annot.h"
#include "frontmatter.h"

/* An annotation found in the tree, with the node it belongs to. */
struct mdtree_annot {
	cmark_node *owner; /* nearest list item or heading, else the heading
			    * above a top-level block; NULL before any */
	struct annot a;
	int used; /* set by a parser that consumed it */
};

struct mdtree {
	const char *path;     /* borrowed */
	struct frontmatter fm;
	cmark_node *root;     /* owned */
	int line_offset;      /* add to a node's line to get the file's line */
	struct mdtree_annot *annots;
	size_t nr_annots, alloc_annots;
	int annot_errors;     /* annotations that failed to parse, and
			       * includes that failed */
	uint64_t includes_hash; /* the included files' text (text_hash); 0: none */
	int fm_failed;        /* the front matter's YAML was wrong (reported):
			       * the body is only there to be checked */
	struct arena *arena;  /* borrowed; reset by mdtree_release */
};

/* The folders a page's includes must be inside (include.h): real paths,
 * borrowed. */
struct mdtree_roots {
	char **paths;
	size_t nr;
};

/* Parses buf (BOM and CR already removed; NUL-terminated at len, as an
 * sbuf is) into t: front matter, then the body: the docs platforms'
 * syntax rewritten (docsyntax.h), parsed with cmark, GitHub's pipe tables
 * made tables, includes resolved (include.h; roots NULL: each is
 * refused), alerts made (alerts.h). Every HTML comment that is an
 * annotation is parsed and recorded; then every other raw HTML node is
 * replaced by what rawhtml.h keeps of it, so that nothing an author wrote
 * as HTML reaches rendered output but through its allow-list. Returns 0,
 * or -1 after reporting to d (t is then empty). When the front matter is
 * there but its YAML is wrong, returns 0 with t->fm_failed set (and no
 * fields), so that the body's errors are reported in the same run. An
 * include that fails is counted in t->annot_errors. Release with
 * mdtree_release.
 *
 * arena, when not NULL, holds cmark's memory for the tree (nodes and what
 * the helpers below render) until mdtree_release, which resets it: the
 * tree must then be used and released on this thread, and no other tree
 * may be parsed on it meanwhile (cmark's allocator cannot tell trees
 * apart; the process stops with an internal error if one is). */
struct arena;
int mdtree_parse(struct mdtree *t, const char *path, const char *buf,
		 size_t len, const struct mdtree_roots *roots, struct arena *arena,
		 struct diag *d);
void mdtree_release(struct mdtree *t);

/* Appends the plain text of node and its descendants: text and code
 * literals, soft and hard breaks as spaces, blocks separated by '\n'. */
void mdtree_plain_text(cmark_node *node, struct sbuf *out);

/* Appends the safe HTML of node itself (cmark's safe mode; raw HTML is
 * gone from the tree by now: see mdtree_parse). */
void mdtree_render(cmark_node *node, struct sbuf *out);

/* Appends the safe HTML of the children of node (an item's body). */
void mdtree_render_children(cmark_node *node, struct sbuf *out);

/* When node is a table (a GitHub pipe table, which mdtree_parse turns
 * into nodes of its own): sets *head to its header row and *body to its
 * first body row (NULL: none; the next rows follow it); a row's children
 * are its cells, each holding the cell's inlines. Returns 1, or 0 when
 * node is no table. */
int mdtree_table(cmark_node *node, cmark_node **head, cmark_node **body);

/* Appends a short title: the first sentence of text, at most ~160 bytes,
 * cut at a word boundary with an ellipsis. */
void mdtree_title_from_text(const char *text, struct sbuf *out);

/* 1 when all of paragraph's content is one strong or emphasised span
 * ("**Reasons**", "*Fix:*"), blank text and a ':' around it allowed. */
int mdtree_is_one_span(cmark_node *paragraph);

/* Replaces paragraph (a block of the tree) with a heading of level 1..6
 * holding the same inline content, or the content of its one strong or
 * emphasised span ("**Reasons**" -> "Reasons"), without a trailing ':'.
 * Frees paragraph; returns the heading (owned by the tree). */
cmark_node *mdtree_promote_to_heading(cmark_node *paragraph, int level);

/* Returns the annotation recorded for owner, or NULL. */
struct mdtree_annot *mdtree_annot_for(struct mdtree *t, cmark_node *owner);

/* File position of a node. */
int mdtree_line(const struct mdtree *t, cmark_node *node);

#endif
