/* article: turns one FAQ page into a kb_article by structure and annotations. */
#include "article.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "headings.h"
#include "steps.h"

/* Front-matter keys with a meaning of their own; all others are metadata. */
static const char *const known_keys[] = {
	"title", "platform", "platforms", "updatedAt", "updated_at",
	"Products", "product", "slug", "lang", "type",
};

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

/* The field's text without blanks around it (a folded "title: >" ends in
 * a newline), or NULL. A list, where one value is meant, is reported. */
static char *str_field(const struct mdtree *t, const char *key, struct diag *d)
{
	const cJSON *v = frontmatter_get(&t->fm, key);
	const char *s;

	if (v && !cJSON_IsString(v)) {
		diag_warn(d, t->path, 0, 0, "front matter '%s' should be one "
			  "value, not a list or mapping; it is ignored", key);
		return NULL;
	}
	if (!v || !*(s = text_ltrim(v->valuestring)))
		return NULL;
	return xstrndup(s, text_rtrim_len(s, strlen(s)));
}

/* Adds each comma-separated, trimmed part of s to out ("iOS, Android" is
 * two names, as the author meant). */
static void add_parts(const char *s, struct kb_strs *out)
{
	while (*s) {
		size_t n = strcspn(s, ",");
		struct sbuf part = SBUF_INIT;

		const char *name;
		size_t len;

		sbuf_add(&part, s, n);
		sbuf_rtrim(&part);
		name = text_ltrim(part.buf);
		len = strlen(name);
		/* 'platform: Windows, "Linux"' is one YAML text: its quotes
		 * are the author's, not the name's. */
		if (len >= 2 && (name[0] == '"' || name[0] == '\'') &&
		    name[len - 1] == name[0]) {
			name++;
			len -= 2;
		}
		if (len)
			kb_strs_add_n(out, name, len);
		sbuf_release(&part);
		s += n;
		if (*s == ',')
			s++;
	}
}

/* Adds each string of a scalar-or-list field to out; reports the values
 * that are neither. */
static void list_field(const struct mdtree *t, const char *key,
		       struct kb_strs *out, struct diag *d)
{
	const cJSON *v = frontmatter_get(&t->fm, key), *it;

	if (!v)
		return;
	if (cJSON_IsString(v)) {
		add_parts(v->valuestring, out);
		return;
	}
	if (!cJSON_IsArray(v)) {
		diag_warn(d, t->path, 0, 0, "front matter '%s' should be names "
			  "(a list, or one line with commas); it is ignored", key);
		return;
	}
	cJSON_ArrayForEach(it, v) {
		if (cJSON_IsString(it)) {
			add_parts(it->valuestring, out);
			continue;
		}
		diag_warn(d, t->path, 0, 0, "front matter '%s' should be names "
			  "(a list, or one line with commas); a nested list or "
			  "mapping in it is ignored", key);
		return;
	}
}

/* 1 when s reads as an ISO 8601 date, with a time or not:
 * "2024-03-01", "2024-03-01 10:00", "2024-03-01T10:00:00Z". */
static int is_date(const char *s)
{
	int y, mo, da, h = 0, mi = 0, sec = 0, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &da, &n) != 3 || n != 10 ||
	    mo < 1 || mo > 12 || da < 1 || da > 31)
		return 0;
	s += n;
	if (!*s)
		return 1;
	if ((*s != ' ' && *s != 'T') || sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) != 2 ||
	    n != 5 || h > 23 || mi > 59 || h < 0 || mi < 0)
		return 0;
	s += 1 + n;
	if (*s == ':') {
		if (sscanf(s + 1, "%2d%n", &sec, &n) != 1 || n != 2 || sec < 0 ||
		    sec > 60)
			return 0;
		s += 1 + n;
		if (*s == '.')
			s += 1 + strspn(s + 1, "0123456789");
	}
	if (*s == 'Z')
		s++;
	else if ((*s == '+' || *s == '-') && strlen(s) == 6 && s[3] == ':')
		s += 6;
	return !*s;
}

/* "2020-09-02 15:34:33" -> "2020-09-02T15:34:33"; others are kept. */
static char *normalize_date(char *s)
{
	if (s && strlen(s) >= 16 && s[4] == '-' && s[7] == '-' && s[10] == ' ' &&
	    s[13] == ':')
		s[10] = 'T';
	return s;
}

/* The slug of a page named name (len bytes, no extension) that sets none:
 * the name as it is when it is a valid id, lowercase, else made one. */
static void file_slug(struct sbuf *out, const char *name, size_t len)
{
	struct sbuf raw = SBUF_INIT;

	sbuf_add(&raw, name, len);
	for (size_t i = 0; i < len; i++)
		sbuf_addch(out, name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	if (!text_is_id(out->buf)) {
		sbuf_reset(out);
		text_make_id(out, raw.buf);
	}
	sbuf_release(&raw);
}

static int read_front_matter(struct kb_article *a, struct mdtree *t,
			     const char *slug_default, struct diag *d)
{
	struct kb_strs platforms = { 0 };
	const cJSON *it;
	int ret = 0;

	a->title = str_field(t, "title", d);
	if (!a->title) {
		diag_error(d, t->path, 1, 1,
			   "missing title: the front matter needs 'title: ...'");
		ret = -1;
	}
	a->slug = str_field(t, "slug", d);
	if (!a->slug) {
		struct sbuf s = SBUF_INIT;

		file_slug(&s, slug_default, strlen(slug_default));
		a->slug = sbuf_detach(&s, NULL);
	}
	if (!text_is_id(a->slug)) {
		diag_error(d, t->path, 1, 1,
			   "bad slug '%s': use lowercase letters, digits, '-', '_' "
			   "(set 'slug:' in the front matter)", a->slug);
		ret = -1;
	}
	a->updated_at = str_field(t, "updatedAt", d);
	if (!a->updated_at)
		a->updated_at = str_field(t, "updated_at", d);
	if (a->updated_at && !is_date(a->updated_at))
		diag_warn(d, t->path, 0, 0, "updatedAt '%s' is not a date as "
			  "YYYY-MM-DD or YYYY-MM-DD HH:MM:SS; it is kept as written",
			  a->updated_at);
	normalize_date(a->updated_at);
	a->lang = str_field(t, "lang", d);

	list_field(t, "platform", &platforms, d);
	list_field(t, "platforms", &platforms, d);
	for (size_t i = 0; i < platforms.nr; i++)
		if (!kb_article_add_platform(a, platforms.items[i]))
			diag_warn(d, t->path, 0, 0, "platform '%s' has no letter "
				  "or digit; it is ignored", platforms.items[i]);
	kb_strs_release(&platforms);
	list_field(t, "Products", &a->products, d);
	list_field(t, "product", &a->products, d);

	a->meta = cJSON_CreateObject();
	cJSON_ArrayForEach(it, t->fm.fields)
		if (!text_ieq_any(it->string, known_keys, COUNT(known_keys)))
			cJSON_AddItemToObject(a->meta, it->string,
					      cJSON_Duplicate(it, 1));
	return ret;
}

/* State of the walk over the body's top-level blocks. */
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
static int is_title_heading(const struct walk *w, cmark_node *h,
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
static const char *heading_platform(struct walk *w, cmark_node *h,
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

static void section_end(struct walk *w)
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
static void section_begin(struct walk *w, cmark_node *heading,
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

/* Appends "<name><sep><n>" ("ios-fix-2"): sbuf_addf's printf costs more
 * than the rest of an entry's id. */
static void add_numbered(struct sbuf *out, const char *name, const char *sep,
			 size_t n)
{
	char digits[24];
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n && i);
	sbuf_adds(out, name);
	sbuf_adds(out, sep);
	sbuf_add(out, digits + i, sizeof(digits) - i);
}

/* The deepest heading open above level (0: none). */
static int heading_above(const struct walk *w, int level)
{
	for (int l = level - 1; l >= 1; l--)
		if (w->open_heading[l])
			return w->open_heading[l];
	return 0;
}

/* An entry's group: its Reasons/Solutions heading's, or, outside one
 * (an annotated item, a labelled paragraph), its section's heading. */
static int entry_group(const struct walk *w)
{
	if (w->mode != KB_SECTION_TEXT)
		return w->mode_group;
	return w->section && w->section->level ?
	       w->open_heading[w->section->level] : 0;
}

static const char *item_platform(struct walk *w)
{
	if (w->platform)
		return w->platform;
	if (w->a->nr_platforms == 1)
		return w->a->platforms[0].id;
	return NULL;
}

/* Records the fix probabilities an annotation gives its links ("fixes:
 * c1=0.7" on solution, or "solutions: s1=0.7" on cause): fix[i] for
 * refs->items[i], 0 where none. Both sides giving one pair different
 * values is an error. */
static void add_fixes(struct walk *w, const char *cause, const char *solution,
		      const struct kb_strs *refs, const double *fix)
{
	for (size_t i = 0; fix && i < refs->nr; i++) {
		const char *c = cause ? cause : refs->items[i];
		const char *s = solution ? solution : refs->items[i];

		if (fix[i] <= 0)
			continue;
		if (kb_article_add_fix(w->a, c, s, fix[i], refs->line, refs->col)) {
			diag_error(w->d, w->a->path, refs->line, refs->col,
				   "the chance that '%s' fixes '%s' is given twice, "
				   "as %g and as %g: keep one", s, c, fix[i],
				   kb_article_fix(w->a, c, s));
			w->failed = 1;
		}
	}
}

/* Adds one cause or solution (by the annotation if any, else the mode)
 * from its plain text and rendered HTML; title overrides the first
 * sentence of text when given. */
static void add_entry(struct walk *w, struct mdtree_annot *ma,
		      enum kb_section_kind kind, const char *text_in,
		      const char *title_in, const char *html_in, int line,
		      int col, int ordered)
{
	struct sbuf text = SBUF_INIT, title = SBUF_INIT, html = SBUF_INIT,
		    id = SBUF_INIT;
	const char *platform = item_platform(w);

	if (ma) {
		if (ma->a.kind == ANNOT_QUESTION)
			return; /* reported with the unused annotations */
		kind = ma->a.kind == ANNOT_CAUSE ? KB_SECTION_CAUSES :
						   KB_SECTION_SOLUTIONS;
		ma->used = 1;
	}
	if (kind == KB_SECTION_TEXT)
		return;
	/* An item with nothing in it: left out, unless annotated (others
	 * may name it). Text indented too little falls out of its item. */
	if (!*text_ltrim(text_in) && !(title_in && *title_in)) {
		const char *what = kind == KB_SECTION_CAUSES ? "cause" : "solution";

		if (!ma || !ma->a.id) {
			diag_warn(w->d, w->t->path, line, col, "empty %s item "
				  "left out", what);
			return;
		}
		diag_warn(w->d, w->t->path, line, col, "%s '%s' has no text "
			  "(the lines under an item need its indent: 3 spaces "
			  "under '1.', 4 under '10.')", what, ma->a.id);
	}
	sbuf_adds(&text, text_in);
	if (title_in && *title_in)
		sbuf_adds(&title, title_in);
	else
		mdtree_title_from_text(text.buf, &title);
	sbuf_adds(&html, html_in);

	if (kind == KB_SECTION_CAUSES) {
		struct kb_cause *c;
		size_t n = 1;

		for (size_t i = 0; i < w->a->nr_causes; i++)
			n += !!(w->a->causes[i].platform == NULL ? !platform :
				platform && !strcmp(w->a->causes[i].platform, platform));
		ALLOC_GROW(w->a->causes, w->a->nr_causes + 1, w->a->alloc_causes);
		c = &w->a->causes[w->a->nr_causes++];
		memset(c, 0, sizeof(*c));
		if (ma && ma->a.id) {
			c->id = xstrdup(ma->a.id);
			c->explicit_id = 1;
		} else {
			add_numbered(&id, platform ? platform : "cause", "-", n);
			c->id = sbuf_detach(&id, NULL);
		}
		if (!title.len)
			sbuf_addf(&title, "Cause %zu", n);
		c->platform = platform ? xstrdup(platform) : NULL;
		if (ma) {
			c->weight = ma->a.weight;
			c->when = ma->a.conds;
			memset(&ma->a.conds, 0, sizeof(ma->a.conds));
			c->solutions = ma->a.refs;
			memset(&ma->a.refs, 0, sizeof(ma->a.refs));
			add_fixes(w, c->id, NULL, &c->solutions, ma->a.ref_fix);
		}
		c->title = sbuf_detach(&title, NULL);
		c->html = sbuf_detach(&html, NULL);
		c->text = sbuf_detach(&text, NULL);
		c->line = line;
		c->col = col;
		c->group = entry_group(w);
	} else {
		struct kb_solution *s;
		size_t n = 1;

		for (size_t i = 0; i < w->a->nr_solutions; i++)
			n += !!(w->a->solutions[i].platform == NULL ? !platform :
				platform && !strcmp(w->a->solutions[i].platform, platform));
		ALLOC_GROW(w->a->solutions, w->a->nr_solutions + 1,
			   w->a->alloc_solutions);
		s = &w->a->solutions[w->a->nr_solutions++];
		memset(s, 0, sizeof(*s));
		if (ma && ma->a.id) {
			s->id = xstrdup(ma->a.id);
		} else {
			add_numbered(&id, platform ? platform : "solution", "-fix-", n);
			s->id = sbuf_detach(&id, NULL);
		}
		if (!title.len)
			sbuf_addf(&title, "Solution %zu", n);
		s->platform = platform ? xstrdup(platform) : NULL;
		if (ma) {
			s->fixes = ma->a.refs;
			memset(&ma->a.refs, 0, sizeof(ma->a.refs));
			add_fixes(w, NULL, s->id, &s->fixes, ma->a.ref_fix);
			s->cost = ma->a.cost;
			s->cost_line = ma->a.cost > 0 ? ma->a.line : 0;
			s->fix = ma->a.fix;
		}
		s->ordered = ordered;
		s->check = w->checks_named;
		s->title = sbuf_detach(&title, NULL);
		s->html = sbuf_detach(&html, NULL);
		s->text = sbuf_detach(&text, NULL);
		s->line = line;
		s->col = col;
		s->group = entry_group(w);
	}
	sbuf_release(&text);
	sbuf_release(&title);
	sbuf_release(&html);
	sbuf_release(&id);
}

static void add_labelled(struct walk *w, cmark_node *para);

static void add_item(struct walk *w, cmark_node *item, int ordered)
{
	struct mdtree_annot *ma = mdtree_annot_for(w->t, item);
	struct sbuf text = SBUF_INIT, html = SBUF_INIT, title = SBUF_INIT;
	cmark_node *first, *lead;

	if (!ma && w->mode == KB_SECTION_TEXT) {
		/* "- **Cause:** ... **Fix:** ..." reads as the paragraph. */
		first = cmark_node_first_child(item);
		if (first && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH)
			add_labelled(w, first);
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
	add_entry(w, ma, w->mode, text.buf, title.buf, html.buf,
		  mdtree_line(w->t, item), cmark_node_get_start_column(item),
		  ordered);
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
static void add_labelled(struct walk *w, cmark_node *para)
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
			add_entry(w, NULL, kind, t, NULL, h, mdtree_line(w->t, para),
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
static void flush_mode(struct walk *w)
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
				add_entry(w, mdtree_annot_for(w->t, owner), w->mode,
					  text.buf, title.buf, html.buf, line, col,
					  numbered);
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
static int headings_are_items(struct walk *w, cmark_node *first)
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

static int ends_with_colon(cmark_node *paragraph);

/* 1 when list, under a Solutions heading (or a lead-in naming solutions),
 * is the steps of one procedure: the paragraph right before it announces
 * them ("To reset the adapter, follow these steps:"; *lead is set to it),
 * or it stands right under a Solutions heading that does ("## Steps to
 * resolve"; *lead is NULL).
 * Lists whose items carry annotations keep one solution an item. */
static int is_procedure(struct walk *w, cmark_node *list, cmark_node **lead)
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
static void add_procedure(struct walk *w, cmark_node *lead, cmark_node *list)
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
	add_entry(w, NULL, w->mode, text.buf, title.buf, html.buf,
		  mdtree_line(w->t, lead ? lead : list),
		  cmark_node_get_start_column(lead ? lead : list), 0);
	sbuf_release(&heading);
	sbuf_release(&text);
	sbuf_release(&html);
	sbuf_release(&title);
}

/* Under a Reasons or Solutions heading, each row of a table is an item:
 * titled by its cell in the column whose header names the heading's kind
 * ("Cause" in a Causes section), else by its first cell; its HTML the
 * other cells, each after its column's header. Under a Reasons heading, a
 * column whose header names solutions ("Resolution") gives each row's
 * cause its own solution. */
static void add_table_rows(struct walk *w, cmark_node *head, cmark_node *row)
{
	int key = -1, fix = -1, col = 0;

	for (cmark_node *th = cmark_node_first_child(head); th;
	     th = cmark_node_next(th), col++) {
		struct sbuf h = SBUF_INIT;
		enum kb_section_kind kind;

		mdtree_plain_text(th, &h);
		kind = heading_kind(h.buf);
		if (kind == w->mode && key < 0)
			key = col;
		else if (kind == KB_SECTION_SOLUTIONS && fix < 0 &&
			 w->mode == KB_SECTION_CAUSES)
			fix = col;
		sbuf_release(&h);
	}
	if (key < 0)
		key = 0;
	if (fix == key)
		fix = -1;
	for (; row; row = cmark_node_next(row)) {
		struct sbuf text = SBUF_INIT, html = SBUF_INIT, title = SBUF_INIT,
			    cell = SBUF_INIT, fix_text = SBUF_INIT, fix_html = SBUF_INIT;
		cmark_node *th = cmark_node_first_child(head), *td, *key_td = NULL;
		int line = mdtree_line(w->t, row);

		col = 0;
		for (td = cmark_node_first_child(row); td;
		     td = cmark_node_next(td), th = th ? cmark_node_next(th) : NULL, col++) {
			sbuf_reset(&cell);
			mdtree_plain_text(td, &cell);
			if (!cell.len)
				continue;
			if (col == fix) {
				sbuf_adds(&fix_text, cell.buf);
				mdtree_render_children(td, &fix_html);
				continue;
			}
			if (col == key) {
				mdtree_title_from_text(cell.buf, &title);
				key_td = td;
			} else {
				sbuf_adds(&html, "<p>");
				if (th && cmark_node_first_child(th)) {
					sbuf_adds(&html, "<strong>");
					mdtree_render_children(th, &html);
					sbuf_adds(&html, "</strong>: ");
				}
				mdtree_render_children(td, &html);
				sbuf_adds(&html, "</p>\n");
			}
			sbuf_adds(&text, cell.buf);
			sbuf_addch(&text, '\n');
		}
		if (text.len) {
			size_t c = w->a->nr_causes, sol = w->a->nr_solutions;

			/* Only the key cell: it is the item's HTML too. */
			if (!html.len && key_td) {
				sbuf_adds(&html, "<p>");
				mdtree_render_children(key_td, &html);
				sbuf_adds(&html, "</p>\n");
			}
			w->mode_items++;
			add_entry(w, NULL, w->mode, text.buf, title.buf, html.buf,
				  line, 1, 0);
			/* The row's own fix, for its cause only. */
			if (fix_text.len && w->a->nr_causes > c) {
				add_entry(w, NULL, KB_SECTION_SOLUTIONS, fix_text.buf,
					  NULL, fix_html.buf, line, 1, 0);
				if (w->a->nr_solutions > sol)
					kb_strs_add(&w->a->solutions[sol].fixes,
						    w->a->causes[c].id);
			}
		}
		sbuf_release(&text);
		sbuf_release(&html);
		sbuf_release(&title);
		sbuf_release(&cell);
		sbuf_release(&fix_text);
		sbuf_release(&fix_html);
	}
}

/* What the paragraph right before list, ending in a colon, says list is
 * (heading_lead_kind), or KB_SECTION_TEXT. */
static enum kb_section_kind lead_in_kind(cmark_node *list)
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
static int list_announced(cmark_node *list, int (*says)(const char *),
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

static void walk_block(struct walk *w, cmark_node *n)
{
	cmark_node *head, *rows;

	if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
		struct sbuf text = SBUF_INIT;
		int level = cmark_node_get_heading_level(n), single;
		const char *platform;
		enum kb_section_kind kind;

		section_end(w);
		mdtree_plain_text(n, &text);
		if (w->mode != KB_SECTION_TEXT && level <= w->mode_level) {
			flush_mode(w);
			w->mode = KB_SECTION_TEXT;
		}
		if (w->platform && level <= w->platform_level)
			w->platform = NULL;
		platform = heading_platform(w, n, text.buf);
		if (platform) {
			w->platform = platform;
			w->platform_level = level;
		}
		/* The page's title ("# Fixing Bluetooth headset problems")
		 * says what the page is about, not what its lists are. */
		kind = is_title_heading(w, n, text.buf) ? KB_SECTION_TEXT :
		       heading_kind(text.buf);
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
				w->mode_by_headings = headings_are_items(w, n);
		}
		if (kind != KB_SECTION_TEXT && !platform) {
			flush_mode(w);
			w->mode = kind;
			w->mode_level = level;
			w->mode_heading = n;
			w->nr_mode_blocks = 0;
			w->mode_items = 0;
			w->mode_by_headings = 0;
			w->mode_single = single;
			w->mode_group = heading_above(w, level);
		}
		section_begin(w, n, text.buf);
		sbuf_release(&text);
		w->headings_seen++;
		w->open_heading[level] = w->headings_seen;
		for (int l = level + 1; l <= 6; l++)
			w->open_heading[l] = 0;
		return;
	}
	if (!w->section)
		section_begin(w, NULL, "");
	if (w->mode != KB_SECTION_TEXT) {
		ALLOC_GROW(w->mode_blocks, w->nr_mode_blocks + 1, w->alloc_mode_blocks);
		w->mode_blocks[w->nr_mode_blocks++] = n;
	}
	mdtree_render(n, &w->html);
	mdtree_plain_text(n, &w->text);
	sbuf_addch(&w->text, '\n');
	if (w->mode == KB_SECTION_TEXT &&
	    cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH)
		add_labelled(w, n);
	if (w->mode != KB_SECTION_TEXT && !w->mode_by_headings &&
	    mdtree_table(n, &head, &rows))
		add_table_rows(w, head, rows);
	if (cmark_node_get_type(n) == CMARK_NODE_LIST) {
		int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
		enum kb_section_kind mode = w->mode;
		int group = w->mode_group;
		cmark_node *heading = w->mode_heading, *lead;

		/* Outside Reasons and Solutions sections, a sentence right
		 * before the list may say what it is: "There are a few
		 * common reasons why the email does not arrive:". */
		if (mode == KB_SECTION_TEXT) {
			w->mode_group = entry_group(w);
			w->mode = lead_in_kind(n);
			w->mode_heading = NULL;
		}
		w->checklist = list_announced(n, heading_is_checklist, w->mode_heading);
		w->checks_named = w->checklist &&
				  list_announced(n, heading_names_checks, w->mode_heading);
		if (w->mode_single) {
			/* One solution, the whole section; but a list of
			 * checks in it is one step an item. */
			if (w->checklist) {
				w->mode_single = 0;
				for (cmark_node *it = cmark_node_first_child(n); it;
				     it = cmark_node_next(it))
					add_item(w, it, ordered);
				w->mode_single = 1;
			}
		} else if (is_procedure(w, n, &lead)) {
			add_procedure(w, lead, n);
		} else {
			for (cmark_node *it = cmark_node_first_child(n); it;
			     it = cmark_node_next(it))
				add_item(w, it, ordered);
		}
		w->checklist = w->checks_named = 0;
		w->mode = mode;
		w->mode_group = group;
		w->mode_heading = heading;
	}
}

static struct kb_cause *find_cause(struct kb_article *a, const char *id)
{
	for (size_t i = 0; i < a->nr_causes; i++)
		if (!strcmp(a->causes[i].id, id))
			return &a->causes[i];
	return NULL;
}

static struct kb_solution *find_solution(struct kb_article *a, const char *id)
{
	for (size_t i = 0; i < a->nr_solutions; i++)
		if (!strcmp(a->solutions[i].id, id))
			return &a->solutions[i];
	return NULL;
}

static int same_platform(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Causes without authored solutions get the solutions of their platform
 * under the same heading as theirs (of their platform anywhere, when
 * there are none there): paired one to one when both are numbered lists
 * of the same length, else all of them; but a solution whose annotation
 * says which causes it fixes fixes only those. */
static int in_scope(const struct kb_cause *c, const char *platform, int group,
		    int by_group)
{
	return same_platform(c->platform, platform) &&
	       (!by_group || c->group == group);
}

static void link_default_solutions(struct kb_article *a)
{
	/* Which causes were linked by their authors, before defaults apply. */
	char *authored = xcalloc(a->nr_causes ? a->nr_causes : 1, 1);

	for (size_t i = 0; i < a->nr_causes; i++)
		authored[i] = a->causes[i].solutions.nr > 0;
	for (size_t i = 0; i < a->nr_causes; i++) {
		struct kb_cause *c = &a->causes[i];
		size_t nc = 0, ns = 0, idx = 0;
		int all_ordered = 1, by_group = 1;

		if (authored[i])
			continue;
		for (size_t j = 0; j < a->nr_solutions; j++)
			ns += in_scope(c, a->solutions[j].platform,
				       a->solutions[j].group, 1);
		if (!ns)
			by_group = 0;
		ns = 0;
		for (size_t j = 0; j < a->nr_causes; j++) {
			if (!in_scope(c, a->causes[j].platform, a->causes[j].group,
				      by_group))
				continue;
			idx += j < i;
			nc++;
		}
		for (size_t j = 0; j < a->nr_solutions; j++) {
			if (!in_scope(c, a->solutions[j].platform,
				      a->solutions[j].group, by_group))
				continue;
			ns++;
			all_ordered &= a->solutions[j].ordered;
		}
		for (size_t j = 0, k = 0; j < a->nr_solutions; j++) {
			const struct kb_solution *s = &a->solutions[j];
			int mine = in_scope(c, s->platform, s->group, by_group);

			if (nc == ns && all_ordered) {
				if (mine && k++ == idx && !s->fixes.nr)
					kb_strs_add(&c->solutions, s->id);
			} else if ((mine || (!s->platform && (!by_group ||
					      s->group == c->group))) &&
				   !s->fixes.nr) {
				kb_strs_add(&c->solutions, s->id);
			}
		}
		/* Every fix of its scope for a cause, the page not saying
		 * which one works: each has an equal share of the default
		 * chance (unless its 'fix:' says otherwise), so that one
		 * failure does not count as k. */
		for (size_t j = 0; c->solutions.nr > 1 && !(nc == ns && all_ordered) &&
				   j < c->solutions.nr; j++) {
			const struct kb_solution *s = find_solution(a, c->solutions.items[j]);

			if (s && !(s->fix > 0))
				kb_article_add_fix(a, c->id, s->id,
						   KB_FIX_DEFAULT / (double)c->solutions.nr, 0, 0);
		}
	}
	free(authored);
}

static int link_solutions(struct kb_article *a, const char *path,
			  struct diag *d)
{
	int ret = 0;

	for (size_t i = 0; i < a->nr_causes; i++) {
		struct kb_cause *c = &a->causes[i];

		for (size_t j = 0; j < c->solutions.nr; j++) {
			if (find_solution(a, c->solutions.items[j]))
				continue;
			diag_error(d, path, c->solutions.line, c->solutions.col,
				   "unknown solution '%s' in cause '%s' (this "
				   "article's solutions: %s%s)",
				   c->solutions.items[j], c->id,
				   a->nr_solutions ? a->solutions[0].id : "none",
				   a->nr_solutions > 1 ? ", ..." : "");
			ret = -1;
		}
	}
	for (size_t i = 0; i < a->nr_solutions; i++) {
		struct kb_solution *s = &a->solutions[i];

		for (size_t j = 0; j < s->fixes.nr; j++) {
			struct kb_cause *c = find_cause(a, s->fixes.items[j]);

			if (!c) {
				diag_error(d, path, s->fixes.line, s->fixes.col,
					   "unknown cause '%s' in 'fixes' of solution '%s'",
					   s->fixes.items[j], s->id);
				ret = -1;
				continue;
			}
			if (!kb_strs_has(&c->solutions, s->id))
				kb_strs_add(&c->solutions, s->id);
		}
	}
	if (!ret)
		link_default_solutions(a);
	return ret;
}

static int check_unique_ids(struct kb_article *a, const char *path,
			    struct diag *d)
{
	int ret = 0;

	for (size_t i = 0; i < a->nr_causes; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a->causes[i].id, a->causes[j].id)) {
				diag_error(d, path, a->causes[i].line, a->causes[i].col,
					   "duplicate cause id '%s' (first at line %d)",
					   a->causes[i].id, a->causes[j].line);
				ret = -1;
				break;
			}
	for (size_t i = 0; i < a->nr_solutions; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a->solutions[i].id, a->solutions[j].id)) {
				diag_error(d, path, a->solutions[i].line,
					   a->solutions[i].col,
					   "duplicate solution id '%s' (first at line %d)",
					   a->solutions[i].id, a->solutions[j].line);
				ret = -1;
				break;
			}
	return ret;
}

static int check_unused_annotations(struct mdtree *t, struct diag *d)
{
	int ret = 0;

	for (size_t i = 0; i < t->nr_annots; i++) {
		const struct annot *an = &t->annots[i].a;

		if (t->annots[i].used)
			continue;
		if (an->kind == ANNOT_QUESTION)
			diag_error(d, t->path, an->line, an->col,
				   "malformed annotation: 'question:' belongs in a "
				   "question catalogue (front matter 'type: questions')");
		else
			diag_error(d, t->path, an->line, an->col,
				   "malformed annotation: a '%s:' annotation must "
				   "stand inside the list item it describes",
				   an->kind == ANNOT_CAUSE ? "cause" : "solution");
		ret = -1;
	}
	return ret;
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

/* "**Reasons**" or "Possible causes:" alone in a paragraph, as many FAQ
 * pages write their sub-headings, is read as the heading it stands for:
 * one level under the heading above it. Only labels of three words at
 * most (six in bold before a colon) that name causes or solutions, and
 * not the kind of
 * the Reasons or Solutions heading they stand under ("The possible
 * reasons include:" there is its text); "**Fix:** restart the app."
 * stays a paragraph. */
static void promote_labels(cmark_node *root)
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

/* 1 when url reaches past the page by itself: a scheme ("https:",
 * "mailto:"), a path from the site's root, or an anchor in the page. */
static int url_is_absolute(const char *url)
{
	size_t n = 0;

	if (*url == '/' || *url == '#')
		return 1;
	if (!((*url >= 'a' && *url <= 'z') || (*url >= 'A' && *url <= 'Z')))
		return 0;
	while (url[n] && (strchr("+-.", url[n]) || (url[n] >= '0' && url[n] <= '9') ||
			  (url[n] >= 'a' && url[n] <= 'z') || (url[n] >= 'A' && url[n] <= 'Z')))
		n++;
	return url[n] == ':';
}

/* The line of the block that holds inline node n. */
static int block_line(struct mdtree *t, cmark_node *n)
{
	while (n && cmark_node_get_type(n) >= CMARK_NODE_FIRST_INLINE &&
	       cmark_node_get_type(n) <= CMARK_NODE_LAST_INLINE)
		n = cmark_node_parent(n);
	return n ? mdtree_line(t, n) : 0;
}

/* Links between pages ("[the reset guide](reset-guide.md#steps)") point
 * at a file beside this one, which a served page cannot reach: they go to
 * "/articles/reset-guide#steps" (the slug a page of that name gets when it
 * sets none), kept in a->links for the check that it exists. An image by
 * a path relative to the page cannot be served either: warned. */
static void fix_links(struct kb_article *a, struct mdtree *t, struct diag *d)
{
	cmark_iter *it = cmark_iter_new(t->root);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type ty = cmark_node_get_type(n);
		const char *url, *base;
		size_t len;

		if (ev != CMARK_EVENT_ENTER ||
		    (ty != CMARK_NODE_LINK && ty != CMARK_NODE_IMAGE) ||
		    !(url = cmark_node_get_url(n)) || !*url || url_is_absolute(url))
			continue;
		if (ty == CMARK_NODE_IMAGE) {
			diag_warn(d, t->path, block_line(t, n), 0, "image '%s' is a "
				  "path from the page: Clew serves no files beside its "
				  "articles, so it will not show (use a full https:// "
				  "address)", url);
			continue;
		}
		len = strcspn(url, "#?");
		base = url;
		for (size_t i = 0; i < len; i++)
			if (url[i] == '/')
				base = url + i + 1;
		if (len >= 3 && text_ieq_n(url + len - 3, ".md", 3))
			len -= 3;
		else if (len >= 9 && text_ieq_n(url + len - 9, ".markdown", 9))
			len -= 9;
		else
			continue;
		if (url + len > base) {
			struct sbuf slug = SBUF_INIT, to = SBUF_INIT, name = SBUF_INIT;

			/* "Reset%20Guide.md" names "Reset Guide.md". */
			for (const char *c = base; c < url + len; c++) {
				int hi, lo;

				if (*c == '%' && c + 2 < url + len &&
				    (hi = text_hex_digit(c[1])) >= 0 &&
				    (lo = text_hex_digit(c[2])) >= 0) {
					sbuf_addch(&name, (char)(hi * 16 + lo));
					c += 2;
				} else {
					sbuf_addch(&name, *c);
				}
			}
			file_slug(&slug, name.buf, name.len);
			sbuf_release(&name);
			sbuf_addf(&to, "/articles/%s%s", slug.buf,
				  url + strcspn(url, "#?"));
			kb_strs_add(&a->links, slug.buf);
			cmark_node_set_url(n, to.buf);
			sbuf_release(&slug);
			sbuf_release(&to);
		}
	}
	cmark_iter_free(it);
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
	if (t->fm_failed || read_front_matter(a, t, slug_default, d))
		failed = 1;
	w.a = a;
	w.t = t;
	w.d = d;
	sbuf_init(&w.html);
	sbuf_init(&w.text);
	fix_links(a, t, d);
	promote_labels(t->root);
	for (cmark_node *n = cmark_node_first_child(t->root); n;
	     n = cmark_node_next(n))
		walk_block(&w, n);
	flush_mode(&w);
	free(w.mode_blocks);
	free(w.anchors);
	section_end(&w);
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
	if (check_unused_annotations(t, d))
		failed = 1;
	if (check_unique_ids(a, t->path, d))
		failed = 1;
	if (link_solutions(a, t->path, d))
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
