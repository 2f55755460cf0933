/* article_links: causes linked to solutions, checks, links between pages. */
#include "article_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"

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

int article_link_solutions(struct kb_article *a, const char *path,
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

int article_check_unique_ids(struct kb_article *a, const char *path,
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

int article_check_unused_annotations(struct mdtree *t, struct diag *d)
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
void article_fix_links(struct kb_article *a, struct mdtree *t, struct diag *d)
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
			article_file_slug(&slug, name.buf, name.len);
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
