/* article_sections: headings made sections, platform scopes, anchors. */
#include "article_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "headings.h"

/* 1 when a level-1 heading follows h: the page's H1s are its sections,
 * not one title. */
static int another_h1(cmark_node *h)
{
	for (cmark_node *n = cmark_node_next(h); n; n = cmark_node_next(n))
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(n) == 1)
			return 1;
	return 0;
}

/* 1 when h is the page's title, as written in its body: it repeats the
 * front matter's, or it is the first heading, an H1 of more than three
 * words ("# Reasons" is a label), and no other H1 follows. */
int article_is_title_heading(const struct walk *w, cmark_node *h,
			     const char *text)
{
	if (w->a->title && heading_repeats_title(text, w->a->title))
		return 1;
	return cmark_node_get_heading_level(h) == 1 && w->headings_seen == 0 &&
	       heading_count_words(text) > 3 && !another_h1(h);
}

/* Returns the platform a heading names, adding it to the article; NULL
 * when the heading is not a platform heading. Headings of level 1 and 2
 * may name one in passing; deeper ones ("### Windows" under "## Causes")
 * must be just the name of a platform of the front matter. */
const char *article_heading_platform(struct walk *w, cmark_node *h,
				     const char *text)
{
	struct sbuf name = SBUF_INIT;
	const char *ret = NULL;
	int level = cmark_node_get_heading_level(h);

	/* The article's own title ("# Printer offline on Windows") is not
	 * one. */
	if (w->a->title && heading_repeats_title(text, w->a->title))
		return NULL;
	/* Deeper headings, and a page's first heading when it is an H1 (the
	 * page's title, as written in its body: "# Teams camera not working
	 * on Windows"), must be just a platform's name; such an H1 is found
	 * by the causes under it only when other H1s follow. */
	if (level > 2 || (level == 1 && w->headings_seen == 0)) {
		heading_platform_name(text_ltrim(text), &name);
		for (size_t i = 0; i < w->a->nr_platforms && !ret; i++)
			if (text_ieq(name.buf, w->a->platforms[i].name))
				ret = w->a->platforms[i].id;
		sbuf_release(&name);
		if (ret || level > 2 || !another_h1(h))
			return ret;
		name = (struct sbuf)SBUF_INIT;
	} else {
		/* Named in the front matter: the name stands in the heading
		 * as a word ("iOS devices", "For iOS users", "Troubleshooting
		 * on iOS"). */
		for (size_t i = 0; i < w->a->nr_platforms; i++)
			if (heading_names(text, w->a->platforms[i].name))
				return w->a->platforms[i].id;
	}
	/* Nor is a Reasons or Solutions heading ("## Causas" over
	 * "### Soluciones"). */
	if (heading_kind(text) != KB_SECTION_TEXT)
		return NULL;
	/* Otherwise only a heading that causes or solutions stand directly
	 * under: a Reasons or Solutions heading whose nearest heading above
	 * (of a higher level) is this one. So "# Title" is not a platform
	 * for the "### Causes" of its "## Windows", but "## Windows" is, with
	 * or without a "### Symptoms" before them. */
	int open[7] = { 0 }; /* levels of text headings still open */
	for (cmark_node *n = cmark_node_next(h); n; n = cmark_node_next(n)) {
		struct sbuf sub = SBUF_INIT;
		enum kb_section_kind k;
		int l, mine = 1;

		if (cmark_node_get_type(n) != CMARK_NODE_HEADING)
			continue;
		l = cmark_node_get_heading_level(n);
		if (l <= level)
			break;
		mdtree_plain_text(n, &sub);
		k = heading_kind(sub.buf);
		sbuf_release(&sub);
		for (int i = level + 1; i < l; i++)
			mine &= !open[i];
		for (int i = l; i <= 6; i++)
			open[i] = 0;
		if (k == KB_SECTION_TEXT) {
			open[l] = 1;
			continue;
		}
		if (!mine)
			continue;
		heading_platform_name(text, &name);
		if (heading_platform_words(&name))
			ret = kb_article_add_platform(w->a, name.buf);
		break;
	}
	sbuf_release(&name);
	return ret;
}

void article_section_end(struct walk *w)
{
	if (!w->section)
		return;
	sbuf_rtrim(&w->text);
	w->section->html = sbuf_detach(&w->html, NULL);
	w->section->text = sbuf_detach(&w->text, NULL);
	w->section = NULL;
}

/* The slot of anchor in w's set, or the empty slot where it would go. */
static struct anchor_slot *anchor_slot(struct walk *w, const char *anchor)
{
	size_t mask = w->alloc_anchors - 1;
	size_t i = text_hash(TEXT_HASH_INIT, anchor, strlen(anchor)) & mask;

	while (w->anchors[i].anchor && strcmp(w->anchors[i].anchor, anchor))
		i = (i + 1) & mask;
	return &w->anchors[i];
}

static void anchor_add(struct walk *w, const char *anchor)
{
	if (2 * (w->nr_anchors + 1) > w->alloc_anchors) {
		struct anchor_slot *old = w->anchors;
		size_t n = w->alloc_anchors;

		w->alloc_anchors = n ? 2 * n : 64;
		w->anchors = xcalloc(w->alloc_anchors, sizeof(*w->anchors));
		for (size_t i = 0; i < n; i++)
			if (old[i].anchor)
				*anchor_slot(w, old[i].anchor) = old[i];
		free(old);
	}
	anchor_slot(w, anchor)->anchor = anchor;
	anchor_slot(w, anchor)->next = 2;
	w->nr_anchors++;
}

/* Makes anchor unique among w's: "causes", then "causes-2", ... */
static void unique_anchor(struct walk *w, struct sbuf *anchor)
{
	struct anchor_slot *base;
	size_t len = anchor->len;

	if (!w->alloc_anchors || !anchor_slot(w, anchor->buf)->anchor)
		return;
	base = anchor_slot(w, anchor->buf);
	for (;;) {
		char num[24];

		snprintf(num, sizeof(num), "-%d", base->next++);
		sbuf_setlen(anchor, len);
		sbuf_adds(anchor, num);
		if (!anchor_slot(w, anchor->buf)->anchor)
			return;
	}
}

/* Opens a section for heading (NULL: the untitled intro). */
void article_section_begin(struct walk *w, cmark_node *heading,
			   const char *text)
{
	struct kb_article *a = w->a;
	struct kb_section *s;
	struct sbuf anchor = SBUF_INIT;
	/* A first H1 that repeats the title: the page shows the title
	 * already (as its own <h1>), so the body's is left out of the HTML,
	 * and its section is untitled, as the intro is: no anchor to link. */
	int title_h1 = heading && cmark_node_get_heading_level(heading) == 1 &&
		       !w->headings_seen && a->title &&
		       heading_repeats_title(text, a->title);

	ALLOC_GROW(a->sections, a->nr_sections + 1, a->alloc_sections);
	s = &a->sections[a->nr_sections];
	memset(s, 0, sizeof(*s));
	if (heading && !title_h1) {
		text_slugify(&anchor, text);
		if (!anchor.len)
			sbuf_addf(&anchor, "section-%zu", a->nr_sections + 1);
		unique_anchor(w, &anchor);
		s->level = cmark_node_get_heading_level(heading);
	}
	s->anchor = sbuf_detach(&anchor, NULL);
	anchor_add(w, s->anchor);
	s->heading = xstrdup(title_h1 ? "" : text);
	s->platform = w->platform ? xstrdup(w->platform) : NULL;
	s->kind = w->mode;
	a->nr_sections++;
	w->section = s;

	if (title_h1) {
		sbuf_adds(&w->text, text);
		sbuf_addch(&w->text, '\n');
		return;
	}
	if (heading) {
		struct sbuf h = SBUF_INIT;

		/* cmark writes "<hN>"; the anchor is [a-z0-9-], safe as is. */
		mdtree_render(heading, &h);
		sbuf_add(&w->html, h.buf, 3);
		sbuf_adds(&w->html, " id=\"");
		sbuf_adds(&w->html, s->anchor);
		sbuf_addch(&w->html, '"');
		sbuf_add(&w->html, h.buf + 3, h.len - 3);
		sbuf_release(&h);
		sbuf_adds(&w->text, text);
		sbuf_addch(&w->text, '\n');
	}
}
