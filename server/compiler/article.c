/* article: turns one FAQ page into a kb_article by structure and annotations. */
#include "article.h"

#include <stdlib.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "article_internal.h"
#include "headings.h"
#include "steps.h"

/* The deepest heading open above level (0: none). */
static int heading_above(const struct walk *w, int level)
{
	for (int l = level - 1; l >= 1; l--)
		if (w->open_heading[l])
			return w->open_heading[l];
	return 0;
}

/* Reads one of the body's top-level blocks into w: a heading closes the
 * section open and opens its own (and may open or end a platform's scope
 * or a Reasons/Solutions heading's); any other block joins the section,
 * and its lists, tables and labelled paragraphs give causes and
 * solutions. */
static void walk_block(struct walk *w, cmark_node *n)
{
	cmark_node *head, *rows;

	if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
		struct sbuf text = SBUF_INIT;
		int level = cmark_node_get_heading_level(n), single;
		const char *platform;
		enum kb_section_kind kind;

		article_section_end(w);
		mdtree_plain_text(n, &text);
		if (w->mode != KB_SECTION_TEXT && level <= w->mode_level) {
			article_flush_mode(w);
			w->mode = KB_SECTION_TEXT;
		}
		if (w->platform && level <= w->platform_level)
			w->platform = NULL;
		platform = article_heading_platform(w, n, text.buf);
		if (platform) {
			w->platform = platform;
			w->platform_level = level;
		}
		/* The page's title ("# Fixing Bluetooth headset problems")
		 * says what the page is about, not what its lists are. */
		kind = article_is_title_heading(w, n, text.buf) ?
		       KB_SECTION_TEXT : heading_kind(text.buf);
		/* Under "## Contact support", "### Option 1: Chat with us" is
		 * no step to try. */
		if (w->escalation_level && level <= w->escalation_level)
			w->escalation_level = 0;
		if (!w->escalation_level && steps_escalation_heading(text.buf))
			w->escalation_level = level;
		/* "## Step 2: Restart the router" outside any Solutions
		 * section: the section is one solution. */
		single = kind == KB_SECTION_TEXT && w->mode == KB_SECTION_TEXT &&
			 !platform && !w->escalation_level &&
			 heading_numbered_step(text.buf);
		if (single)
			kind = KB_SECTION_SOLUTIONS;
		if (w->mode != KB_SECTION_TEXT &&
		    (kind == KB_SECTION_TEXT || platform)) {
			/* A sub-heading of a Reasons/Solutions heading (one
			 * that is a Reasons/Solutions heading itself takes
			 * over below). */
			ALLOC_GROW(w->mode_blocks, w->nr_mode_blocks + 1,
				   w->alloc_mode_blocks);
			w->mode_blocks[w->nr_mode_blocks++] = n;
			if (!platform && !w->mode_items &&
			    !w->mode_by_headings)
				w->mode_by_headings =
					article_headings_are_items(w, n);
		}
		if (kind != KB_SECTION_TEXT && !platform) {
			article_flush_mode(w);
			w->mode = kind;
			w->mode_level = level;
			w->mode_heading = n;
			w->nr_mode_blocks = 0;
			w->mode_items = 0;
			w->mode_by_headings = 0;
			w->mode_single = single;
			w->mode_group = heading_above(w, level);
		}
		article_section_begin(w, n, text.buf);
		sbuf_release(&text);
		w->headings_seen++;
		w->open_heading[level] = w->headings_seen;
		for (int l = level + 1; l <= 6; l++)
			w->open_heading[l] = 0;
		return;
	}
	if (!w->section)
		article_section_begin(w, NULL, "");
	if (w->mode != KB_SECTION_TEXT) {
		ALLOC_GROW(w->mode_blocks, w->nr_mode_blocks + 1, w->alloc_mode_blocks);
		w->mode_blocks[w->nr_mode_blocks++] = n;
	}
	mdtree_render(n, &w->html);
	mdtree_plain_text(n, &w->text);
	sbuf_addch(&w->text, '\n');
	if (w->mode == KB_SECTION_TEXT &&
	    cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH)
		article_add_labelled(w, n);
	if (w->mode != KB_SECTION_TEXT && !w->mode_by_headings &&
	    mdtree_table(n, &head, &rows))
		article_add_table_rows(w, head, rows);
	if (cmark_node_get_type(n) == CMARK_NODE_LIST) {
		int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
		enum kb_section_kind mode = w->mode;
		int group = w->mode_group;
		cmark_node *heading = w->mode_heading, *lead;

		/* Outside Reasons and Solutions sections, a sentence right
		 * before the list may say what it is: "There are a few
		 * common reasons why the email does not arrive:". */
		if (mode == KB_SECTION_TEXT) {
			w->mode_group = article_entry_group(w);
			w->mode = article_lead_in_kind(n);
			w->mode_heading = NULL;
		}
		w->checklist = article_list_announced(n, heading_is_checklist,
						      w->mode_heading);
		w->checks_named = w->checklist &&
				  article_list_announced(n, heading_names_checks,
							 w->mode_heading);
		if (w->mode_single) {
			/* One solution, the whole section; but a list of
			 * checks in it is one step an item. */
			if (w->checklist) {
				w->mode_single = 0;
				for (cmark_node *it = cmark_node_first_child(n); it;
				     it = cmark_node_next(it))
					article_add_item(w, it, ordered);
				w->mode_single = 1;
			}
		} else if (article_is_procedure(w, n, &lead)) {
			article_add_procedure(w, lead, n);
		} else {
			for (cmark_node *it = cmark_node_first_child(n); it;
			     it = cmark_node_next(it))
				article_add_item(w, it, ordered);
		}
		w->checklist = w->checks_named = 0;
		w->mode = mode;
		w->mode_group = group;
		w->mode_heading = heading;
	}
}

struct kb_article *article_from_tree(struct mdtree *t, const char *slug_default,
				     struct diag *d, struct kb_article **rejected)
{
	struct kb_article *a = xcalloc(1, sizeof(*a));
	struct walk w = { 0 };
	int failed = 0;

	a->path = xstrdup(t->path);
	/* With its header wrong (reported), a page is read only for the
	 * errors of its body. */
	if (t->fm_failed || article_read_front_matter(a, t, slug_default, d))
		failed = 1;
	w.a = a;
	w.t = t;
	w.d = d;
	sbuf_init(&w.html);
	sbuf_init(&w.text);
	article_fix_links(a, t, d);
	article_promote_labels(t->root);
	for (cmark_node *n = cmark_node_first_child(t->root); n;
	     n = cmark_node_next(n))
		walk_block(&w, n);
	article_flush_mode(&w);
	free(w.mode_blocks);
	free(w.anchors);
	article_section_end(&w);
	sbuf_release(&w.html);
	sbuf_release(&w.text);

	{
		struct sbuf html = SBUF_INIT;
		for (size_t i = 0; i < a->nr_sections; i++)
			sbuf_adds(&html, a->sections[i].html);
		a->html = sbuf_detach(&html, NULL);
	}
	/* Every check runs, to report all of the page's errors at once. */
	if (t->annot_errors || w.failed)
		failed = 1;
	if (article_check_unused_annotations(t, d))
		failed = 1;
	if (article_check_unique_ids(a, t->path, d))
		failed = 1;
	if (article_link_solutions(a, t->path, d))
		failed = 1;
	for (size_t i = 0; i < a->nr_solutions; i++)
		steps_cost(&a->solutions[i]);
	steps_escalation(a, t);
	if (!failed)
		steps_checklist(a);
	if (rejected)
		*rejected = failed ? a : NULL;
	if (failed) {
		if (!rejected)
			kb_article_free(a);
		return NULL;
	}
	return a;
}
