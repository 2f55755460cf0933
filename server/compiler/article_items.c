/* article_items: lists, labels, sub-headings read as causes and solutions. */
#include "article_internal.h"

#include <string.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "headings.h"

void article_add_item(struct walk *w, cmark_node *item, int ordered)
{
	struct mdtree_annot *ma = mdtree_annot_for(w->t, item);
	struct sbuf text = SBUF_INIT, html = SBUF_INIT, title = SBUF_INIT;
	cmark_node *first, *lead;

	if (!ma && w->mode == KB_SECTION_TEXT) {
		/* "- **Cause:** ... **Fix:** ..." reads as the paragraph. */
		first = cmark_node_first_child(item);
		if (first && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH)
			article_add_labelled(w, first);
		return;
	}
	if (!ma && w->mode_by_headings)
		return;
	mdtree_plain_text(item, &text);
	mdtree_render_children(item, &html);
	if (w->mode != KB_SECTION_TEXT && !w->mode_by_headings &&
	    (!ma || ma->a.kind != ANNOT_QUESTION))
		w->mode_items++;
	/* An icon before the text ("![warning](w.png) The disk is full.")
	 * is no part of the title. */
	first = cmark_node_first_child(item);
	lead = first && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH ?
	       cmark_node_first_child(first) : NULL;
	if (lead && cmark_node_get_type(lead) == CMARK_NODE_IMAGE) {
		struct sbuf alt = SBUF_INIT;

		mdtree_plain_text(lead, &alt);
		if (!strncmp(text.buf, alt.buf, alt.len))
			mdtree_title_from_text(text.buf + alt.len, &title);
		sbuf_release(&alt);
	}
	article_add_entry(w, ma, w->mode, text.buf, title.buf, html.buf,
			  mdtree_line(w->t, item),
			  cmark_node_get_start_column(item), ordered);
	sbuf_release(&text);
	sbuf_release(&html);
	sbuf_release(&title);
}

/* The kind a bold or emphasised label names ("**Cause:**", "*Fix*"), or
 * KB_SECTION_TEXT: three words at most, and not a numbered heading of its
 * own ("**Cause 1: ...**"). */
static enum kb_section_kind label_kind(cmark_node *n)
{
	struct sbuf name = SBUF_INIT;
	enum kb_section_kind kind = KB_SECTION_TEXT;
	int number;

	if (cmark_node_get_type(n) != CMARK_NODE_STRONG &&
	    cmark_node_get_type(n) != CMARK_NODE_EMPH)
		return kind;
	mdtree_plain_text(n, &name);
	while (name.len && (name.buf[name.len - 1] == ':' ||
			    name.buf[name.len - 1] == ' '))
		sbuf_setlen(&name, name.len - 1);
	if (heading_count_words(name.buf) <= 3 && !heading_label(name.buf, &number))
		kind = heading_kind(name.buf);
	sbuf_release(&name);
	return kind;
}

/* Appends the text of inline nodes from..to (exclusive): literals, and a
 * blank for a line break. */
static void inline_text(cmark_node *from, cmark_node *to, struct sbuf *out)
{
	for (cmark_node *n = from; n && n != to; n = cmark_node_next(n)) {
		cmark_iter *it = cmark_iter_new(n);
		cmark_event_type ev;

		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *c = cmark_iter_get_node(it);
			cmark_node_type ty = cmark_node_get_type(c);
			const char *lit;

			if (ev != CMARK_EVENT_ENTER)
				continue;
			if ((ty == CMARK_NODE_TEXT || ty == CMARK_NODE_CODE) &&
			    (lit = cmark_node_get_literal(c)))
				sbuf_adds(out, lit);
			else if (ty == CMARK_NODE_SOFTBREAK || ty == CMARK_NODE_LINEBREAK)
				sbuf_addch(out, ' ');
		}
		cmark_iter_free(it);
	}
}

/* "**Cause:** The driver is old." then "**Fix:** Update it." outside any
 * Reasons or Solutions section: a paragraph led by a bold or emphasised
 * label that names causes or solutions gives one cause or solution per
 * label in it, made of what follows the label up to the next one; the
 * causes of a paragraph are fixed by its solutions. */
void article_add_labelled(struct walk *w, cmark_node *para)
{
	cmark_node *label = cmark_node_first_child(para);
	enum kb_section_kind kind = label ? label_kind(label) : KB_SECTION_TEXT;
	size_t causes = w->a->nr_causes, solutions = w->a->nr_solutions;

	while (kind != KB_SECTION_TEXT) {
		struct sbuf text = SBUF_INIT, html = SBUF_INIT;
		enum kb_section_kind next_kind = KB_SECTION_TEXT;
		cmark_node *next;
		const char *t, *h;

		for (next = cmark_node_next(label); next; next = cmark_node_next(next))
			if ((next_kind = label_kind(next)) != KB_SECTION_TEXT)
				break;
		inline_text(cmark_node_next(label), next, &text);
		for (cmark_node *n = cmark_node_next(label); n != next;
		     n = cmark_node_next(n))
			mdtree_render(n, &html);
		sbuf_rtrim(&text);
		sbuf_rtrim(&html);
		/* The label's own ':' (or one right after it) aside. */
		t = text.buf + strspn(text.buf, ": \t");
		h = html.buf + strspn(html.buf, ": \t\n");
		if (*t)
			article_add_entry(w, NULL, kind, t, NULL, h,
					  mdtree_line(w->t, para),
					  cmark_node_get_start_column(para), 0);
		sbuf_release(&text);
		sbuf_release(&html);
		label = next;
		kind = next_kind;
	}
	/* A cause and its fix in one paragraph go together. */
	if (w->a->nr_solutions > solutions)
		for (size_t i = causes; i < w->a->nr_causes; i++)
			for (size_t j = solutions; j < w->a->nr_solutions; j++)
				kb_strs_add(&w->a->causes[i].solutions,
					    w->a->solutions[j].id);
}

/* Appends the title heading n gives its item to title: its label ("Cause
 * 1: Permission missing", "Method 2: Reset the network"), else, with
 * whole, its text. Returns 1 when the label is numbered so as to pair
 * with a cause ("Solution 2" with "Cause 2"; "Step 2" only orders). */
static int heading_title(cmark_node *n, int whole, struct sbuf *title)
{
	struct sbuf h = SBUF_INIT;
	const char *label;
	int numbered;

	mdtree_plain_text(n, &h);
	label = heading_label(h.buf, &numbered);
	if (label || whole)
		sbuf_adds(title, label ? label : h.buf);
	if (heading_numbered_step(h.buf))
		numbered = 0;
	sbuf_release(&h);
	return numbered;
}

/* Ends a Reasons/Solutions heading's scope. When none of its blocks was a
 * list item, its items come from its sub-headings (each with the blocks
 * under it), else from its whole text as one item. */
void article_flush_mode(struct walk *w)
{
	struct sbuf text = SBUF_INIT, html = SBUF_INIT, title = SBUF_INIT;
	cmark_node *owner = NULL;
	int has_heading = 0, line = 0, col = 1, numbered = 0;

	if (w->mode == KB_SECTION_TEXT || w->mode_items || !w->nr_mode_blocks)
		goto done;
	for (size_t i = 0; i < w->nr_mode_blocks && !w->mode_single; i++)
		has_heading |= cmark_node_get_type(w->mode_blocks[i]) == CMARK_NODE_HEADING;
	if (!has_heading) {
		/* The Reasons or Solutions heading owns its text: one entry,
		 * titled by the heading's own label when it has one ("Cause 1:
		 * Permission missing"); numbered ones pair up by number. */
		owner = w->mode_heading;
		numbered = heading_title(owner, 0, &title);
	}
	for (size_t i = 0; i <= w->nr_mode_blocks; i++) {
		cmark_node *n = i < w->nr_mode_blocks ? w->mode_blocks[i] : NULL;
		int is_heading = n && cmark_node_get_type(n) == CMARK_NODE_HEADING;

		if (!n || (has_heading && is_heading)) {
			if (owner && (text.len || title.len))
				article_add_entry(w, mdtree_annot_for(w->t, owner),
						  w->mode, text.buf, title.buf,
						  html.buf, line, col, numbered);
			if (!n)
				break;
			sbuf_reset(&text);
			sbuf_reset(&html);
			sbuf_reset(&title);
			owner = n;
			/* (A sub-heading's number pairs with nothing.) */
			heading_title(n, 1, &title);
			line = mdtree_line(w->t, n);
			continue;
		}
		if (!owner)
			continue; /* text before the first sub-heading */
		if (!line) {
			line = mdtree_line(w->t, n);
			col = cmark_node_get_start_column(n);
		}
		mdtree_plain_text(n, &text);
		sbuf_addch(&text, '\n');
		mdtree_render(n, &html);
	}
done:
	w->nr_mode_blocks = 0;
	w->mode_items = 0;
	w->mode_by_headings = 0;
	w->mode_single = 0;
	sbuf_release(&text);
	sbuf_release(&html);
	sbuf_release(&title);
}

/* Whether the sub-headings of a Reasons/Solutions heading, from first
 * on, are its items ("### Method 1: Run the troubleshooter" with text or
 * steps under it) rather than groups of list items ("#### For phone
 * calls" over a list of fixes): when one of them has no list under it,
 * or they are numbered methods or options. */
int article_headings_are_items(struct walk *w, cmark_node *first)
{
	int has_list = 1;

	for (cmark_node *n = first; n; n = cmark_node_next(n)) {
		cmark_node_type ty = cmark_node_get_type(n);

		if (ty == CMARK_NODE_HEADING) {
			struct sbuf text = SBUF_INIT;
			size_t len;
			int numbered;

			if (cmark_node_get_heading_level(n) <= w->mode_level)
				break;
			if (!has_list)
				return 1;
			has_list = 0;
			mdtree_plain_text(n, &text);
			len = strspn(text.buf, "abcdefghijklmnopqrstuvwxyz"
					       "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
			numbered = text.buf[len] == ' ' &&
				   text.buf[len + 1] >= '0' && text.buf[len + 1] <= '9' &&
				   (text_ieq_n(text.buf, "method ", 7) ||
				    text_ieq_n(text.buf, "option ", 7) ||
				    text_ieq_n(text.buf, "approach ", 9));
			sbuf_release(&text);
			if (numbered)
				return 1;
		} else if (ty == CMARK_NODE_LIST) {
			has_list = 1;
		}
	}
	return !has_list;
}

/* 1 when paragraph's last inline is text ending in ':' ("Causes:"), or in
 * a full-width colon ("原因："). */
static int ends_with_colon(cmark_node *paragraph)
{
	cmark_node *last = cmark_node_last_child(paragraph);
	const char *lit;
	size_t n;

	if (!last || cmark_node_get_type(last) != CMARK_NODE_TEXT)
		return 0;
	lit = cmark_node_get_literal(last);
	n = strlen(lit);
	while (n && (lit[n - 1] == ' ' || lit[n - 1] == '\t'))
		n--;
	return text_colon_len(lit, n) > 0;
}

/* 1 when list, under a Solutions heading (or a lead-in naming solutions),
 * is the steps of one procedure: the paragraph right before it announces
 * them ("To reset the adapter, follow these steps:"; *lead is set to it),
 * or it stands right under a Solutions heading that does ("## Steps to
 * resolve"; *lead is NULL).
 * Lists whose items carry annotations keep one solution an item. */
int article_is_procedure(struct walk *w, cmark_node *list, cmark_node **lead)
{
	cmark_node *prev = cmark_node_previous(list);
	struct sbuf text = SBUF_INIT;
	int steps;

	*lead = NULL;
	if (w->mode != KB_SECTION_SOLUTIONS || w->mode_by_headings || !prev)
		return 0;
	if (cmark_node_get_type(prev) == CMARK_NODE_PARAGRAPH && ends_with_colon(prev))
		*lead = prev;
	else if (prev != w->mode_heading)
		return 0;
	for (cmark_node *it = cmark_node_first_child(list); it;
	     it = cmark_node_next(it))
		if (mdtree_annot_for(w->t, it))
			return 0;
	mdtree_plain_text(prev, &text);
	/* "Troubleshooting steps" over a list: each item a step of its own. */
	steps = heading_says_steps(text.buf) && !heading_is_checklist(text.buf);
	sbuf_release(&text);
	return steps;
}

/* One solution from a procedure: titled by its Solutions heading's label
 * ("Solution: Reset the adapter"), else by the lead-in's first sentence
 * without the colon, else by the heading ("Steps to reset the adapter");
 * its text is the lead-in and the steps, its HTML the steps. */
void article_add_procedure(struct walk *w, cmark_node *lead, cmark_node *list)
{
	struct sbuf text = SBUF_INIT, html = SBUF_INIT, title = SBUF_INIT,
		    heading = SBUF_INIT;
	const char *label = NULL;
	int numbered;

	if (w->mode_heading) {
		mdtree_plain_text(w->mode_heading, &heading);
		label = heading_label(heading.buf, &numbered);
	}
	if (label) {
		sbuf_adds(&title, label);
	} else if (lead) {
		mdtree_plain_text(lead, &text);
		mdtree_title_from_text(text.buf, &title);
		sbuf_reset(&text);
		sbuf_rtrim(&title);
		sbuf_setlen(&title, title.len - text_colon_len(title.buf, title.len));
		sbuf_rtrim(&title);
	} else {
		sbuf_adds(&title, heading.buf);
	}
	if (lead) {
		mdtree_plain_text(lead, &text);
		sbuf_addch(&text, '\n');
	}
	mdtree_plain_text(list, &text);
	mdtree_render(list, &html);
	w->mode_items++;
	article_add_entry(w, NULL, w->mode, text.buf, title.buf, html.buf,
			  mdtree_line(w->t, lead ? lead : list),
			  cmark_node_get_start_column(lead ? lead : list), 0);
	sbuf_release(&heading);
	sbuf_release(&text);
	sbuf_release(&html);
	sbuf_release(&title);
}

/* What the paragraph right before list, ending in a colon, says list is
 * (heading_lead_kind), or KB_SECTION_TEXT. */
enum kb_section_kind article_lead_in_kind(cmark_node *list)
{
	cmark_node *prev = cmark_node_previous(list);
	struct sbuf text = SBUF_INIT;
	enum kb_section_kind kind;

	if (!prev || cmark_node_get_type(prev) != CMARK_NODE_PARAGRAPH ||
	    !ends_with_colon(prev))
		return KB_SECTION_TEXT;
	mdtree_plain_text(prev, &text);
	kind = heading_lead_kind(text.buf);
	sbuf_release(&text);
	return kind;
}

/* 1 when says() holds for the lead-in right before list (a paragraph
 * ending in a colon: "Check the following:"), or else for heading, the
 * Solutions heading the list stands under (may be NULL). */
int article_list_announced(cmark_node *list, int (*says)(const char *),
			   cmark_node *heading)
{
	cmark_node *prev = cmark_node_previous(list);
	struct sbuf text = SBUF_INIT;
	int yes = 0;

	if (prev && cmark_node_get_type(prev) == CMARK_NODE_PARAGRAPH &&
	    ends_with_colon(prev)) {
		mdtree_plain_text(prev, &text);
		yes = says(text.buf);
		sbuf_reset(&text);
	}
	if (!yes && heading) {
		mdtree_plain_text(heading, &text);
		yes = says(text.buf);
	}
	sbuf_release(&text);
	return yes;
}

/* "**Reasons**" or "Possible causes:" alone in a paragraph, as many FAQ
 * pages write their sub-headings, is read as the heading it stands for:
 * one level under the heading above it. Only labels of three words at
 * most (six in bold before a colon) that name causes or solutions, and
 * not the kind of
 * the Reasons or Solutions heading they stand under ("The possible
 * reasons include:" there is its text); "**Fix:** restart the app."
 * stays a paragraph. */
void article_promote_labels(cmark_node *root)
{
	int level = 1; /* of the last heading written as one */
	enum kb_section_kind under = KB_SECTION_TEXT;
	cmark_node *next;

	for (cmark_node *n = cmark_node_first_child(root); n; n = next) {
		struct sbuf text = SBUF_INIT;
		cmark_node_type type = cmark_node_get_type(n);
		enum kb_section_kind kind;
		int span, words, numbered, colon;

		next = cmark_node_next(n);
		if (type == CMARK_NODE_HEADING) {
			level = cmark_node_get_heading_level(n);
			mdtree_plain_text(n, &text);
			under = heading_kind(text.buf);
			sbuf_release(&text);
			continue;
		}
		/* Most paragraphs are neither: looked at without their text. */
		if (type != CMARK_NODE_PARAGRAPH)
			continue;
		span = mdtree_is_one_span(n);
		if (!span && !ends_with_colon(n))
			continue;
		mdtree_plain_text(n, &text);
		sbuf_rtrim(&text);
		words = heading_count_words(text.buf);
		kind = heading_kind(text.buf);
		/* The colon may stand inside the bold ("**How to fix it:**"). */
		colon = text_colon_len(text.buf, text.len) > 0;
		/* "**Cause 1: The keyboard's battery is low.**" is a heading
		 * of any length, as "### Cause 1: ..." would be. */
		if (span && heading_label(text.buf, &numbered) && numbered)
			words = 0;
		/* "Here's what you can do:" says it by a whole phrase. */
		if (!span && colon && words <= 6 &&
		    heading_phrase_kind(text.buf) != KB_SECTION_TEXT)
			words = 0;
		/* In a Reasons section, "Possible reasons are:" is its text;
		 * "**What you can do:**" begins the solutions. */
		if (text.len && (words <= 3 || (span && words <= 6 && colon)) &&
		    !strchr(text.buf, '\n') && kind != KB_SECTION_TEXT &&
		    kind != under)
			mdtree_promote_to_heading(n, level + 1);
		sbuf_release(&text);
	}
}
