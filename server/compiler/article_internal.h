/* article_internal: what the files that read one article share: the state
 * of the walk over its body, and the steps each file gives the others.
 * article.c drives the walk; article_fields.c reads the front matter,
 * article_sections.c the headings and sections, article_entries.c adds
 * causes and solutions, article_items.c reads lists and sub-headings,
 * article_tables.c tables, article_links.c links and checks the whole.
 * Included by those files only. */
#ifndef CLEW_ARTICLE_INTERNAL_H
#define CLEW_ARTICLE_INTERNAL_H

#include <stddef.h>

#include "../base/diag.h"
#include "../base/sbuf.h"
#include "mdtree.h"
#include "../content/kb.h"

/* State of the walk over the body's top-level blocks (article_from_tree
 * sets it up and releases it). */
struct walk {
	struct kb_article *a;
	struct mdtree *t;
	struct diag *d;
	const char *platform;    /* id in scope, or NULL */
	int platform_level;      /* heading level that opened it */
	enum kb_section_kind mode;
	int mode_level;
	struct kb_section *section; /* the one blocks are added to */
	/* The blocks under the current Reasons/Solutions heading, and how
	 * many list items became causes or solutions there: a section with
	 * none takes its items from sub-headings or its text instead. */
	cmark_node *mode_heading;
	cmark_node **mode_blocks;
	size_t nr_mode_blocks, alloc_mode_blocks;
	int mode_items;
	/* Set when a sub-heading came before any list item: then each
	 * sub-heading is one item, lists and all ("### Method 2: Reset" with
	 * its numbered steps), and only annotated list items count alone. */
	int mode_by_headings;
	/* Set under a numbered step or method heading outside any Solutions
	 * section ("## Step 2: Restart the router"): its whole section is one
	 * solution, lists and sub-headings included, but for a list of checks
	 * in it ("Check the following:"), whose items are steps of their own. */
	int mode_single;
	/* The level of the "Contact support" heading open, or 0. */
	int escalation_level;
	/* The items being read are a checklist: each one a step ("Things to
	 * try"); checks_named: quick checks ("Check the following:"). */
	int checklist, checks_named;
	struct sbuf html, text;
	int failed;
	int headings_seen;
	/* Each level's latest heading (1, 2, ... in order; 0: none open),
	 * and the group of the current Reasons/Solutions heading: the one
	 * it stands under, so that one page's problems ("## Problem: can't
	 * send", "## Problem: can't receive") pair apart. */
	int open_heading[7];
	int mode_group;
	/* The sections' anchors, for unique ones in constant time: a page
	 * with thousands of "## Causes" headings took minutes. */
	struct anchor_slot {
		const char *anchor; /* a section's, borrowed */
		int next;           /* the next "-N" to try after it */
	} *anchors;
	size_t nr_anchors, alloc_anchors; /* alloc_anchors: a power of 2 */
};

/* Front matter (article_fields.c) */

/* Sets a's title, slug (slug_default when the front matter names none),
 * date, language, platforms, products and metadata from t's front matter.
 * Returns 0, or -1 after reporting to d a missing title or a bad slug;
 * the fields it could read are set either way (a frees them). */
int article_read_front_matter(struct kb_article *a, struct mdtree *t,
			      const char *slug_default, struct diag *d);

/* Appends to out the slug of a page named name (len bytes, no extension)
 * that sets none. */
void article_file_slug(struct sbuf *out, const char *name, size_t len);

/* Sections (article_sections.c) */

/* 1 when heading h (its plain text: text) is the page's title as written
 * in its body, not a heading whose lists are causes or solutions. */
int article_is_title_heading(const struct walk *w, cmark_node *h,
			     const char *text);

/* The id of the platform heading h (its plain text: text) names, added to
 * w->a when new; NULL when it is no platform heading. Borrowed from w->a. */
const char *article_heading_platform(struct walk *w, cmark_node *h,
				     const char *text);

/* Opens w->section for heading (its plain text: text), or for the
 * untitled intro when heading is NULL, under w's platform and mode; the
 * heading's HTML and text start the section's. */
void article_section_begin(struct walk *w, cmark_node *heading,
			   const char *text);

/* Closes w->section, if one is open: it takes the HTML and text gathered
 * in w. */
void article_section_end(struct walk *w);

/* Causes and solutions (article_entries.c) */

/* The group of an entry read now: that of w's Reasons/Solutions heading,
 * or outside one, w's section heading (see open_heading, mode_group). */
int article_entry_group(const struct walk *w);

/* Adds one cause or solution to w->a, in w's platform and group: of the
 * kind ma's annotation says (ma may be NULL; it is marked used, and its
 * conditions and links are moved to the entry; a question's adds none),
 * else of kind (KB_SECTION_TEXT: none is added); from text_in and
 * html_in (copied), titled by title_in when not NULL or empty, else from
 * text_in. Problems go to w->d (conflicting fix chances set w->failed). */
void article_add_entry(struct walk *w, struct mdtree_annot *ma,
		       enum kb_section_kind kind, const char *text_in,
		       const char *title_in, const char *html_in, int line,
		       int col, int ordered);

/* Lists, labels and sub-headings (article_items.c) */

/* Reads list item item (of an ordered list when ordered) as a cause or
 * solution, by its annotation or w's mode. */
void article_add_item(struct walk *w, cmark_node *item, int ordered);

/* Reads the causes and solutions labelled in paragraph para ("**Cause:**
 * ... **Fix:** ..."), if any. */
void article_add_labelled(struct walk *w, cmark_node *para);

/* Ends the scope of w's Reasons/Solutions heading: gives the entries of
 * its sub-headings or text when no list item gave any, and resets the
 * mode's blocks and counts (not w->mode itself). */
void article_flush_mode(struct walk *w);

/* 1 when the sub-headings of w's Reasons/Solutions heading, from first
 * on, are its items rather than groups of list items. */
int article_headings_are_items(struct walk *w, cmark_node *first);

/* 1 when list is the steps of one solution; *lead is set to the lead-in
 * paragraph that announces them, or NULL. */
int article_is_procedure(struct walk *w, cmark_node *list, cmark_node **lead);

/* Adds the one solution of procedure list (lead: its lead-in, or NULL). */
void article_add_procedure(struct walk *w, cmark_node *lead, cmark_node *list);

/* What the lead-in right before list says list is, or KB_SECTION_TEXT. */
enum kb_section_kind article_lead_in_kind(cmark_node *list);

/* 1 when says() holds for the lead-in right before list, or else for
 * heading (may be NULL). */
int article_list_announced(cmark_node *list, int (*says)(const char *),
			   cmark_node *heading);

/* Turns the paragraphs under root that stand for a Reasons or Solutions
 * heading ("**Reasons**", "Possible causes:") into headings. */
void article_promote_labels(cmark_node *root);

/* Tables (article_tables.c) */

/* Reads the rows from row on, of a table whose header row is head, as
 * the causes or solutions of w's mode. */
void article_add_table_rows(struct walk *w, cmark_node *head, cmark_node *row);

/* Links and checks (article_links.c) */

/* Checks that the causes and solutions named by a's annotations exist
 * (reported to d, for the page at path), links each solution to the
 * causes it fixes, then gives the causes with none their default
 * solutions. Returns 0, or -1 when a name is unknown (no defaults then). */
int article_link_solutions(struct kb_article *a, const char *path,
			   struct diag *d);

/* Returns 0, or -1 after reporting to d each cause or solution id of a
 * that an earlier one has already. */
int article_check_unique_ids(struct kb_article *a, const char *path,
			     struct diag *d);

/* Returns 0, or -1 after reporting to d each annotation of t that no
 * list item took. */
int article_check_unused_annotations(struct mdtree *t, struct diag *d);

/* Points t's links to other pages at their served address, keeping the
 * slugs in a->links; warns on d of images by a relative path. */
void article_fix_links(struct kb_article *a, struct mdtree *t, struct diag *d);

#endif
