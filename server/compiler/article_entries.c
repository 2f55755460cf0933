/* article_entries: one cause or solution added to an article, with its id. */
#include "article_internal.h"

#include <string.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"

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

/* An entry's group: its Reasons/Solutions heading's, or, outside one
 * (an annotated item, a labelled paragraph), its section's heading. */
int article_entry_group(const struct walk *w)
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
void article_add_entry(struct walk *w, struct mdtree_annot *ma,
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
		c->group = article_entry_group(w);
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
		s->group = article_entry_group(w);
	}
	sbuf_release(&text);
	sbuf_release(&title);
	sbuf_release(&html);
	sbuf_release(&id);
}
