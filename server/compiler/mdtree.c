/* mdtree: one source file read as front matter plus a cmark tree. */
#define _GNU_SOURCE /* memmem */
#include "mdtree.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/arena.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "alerts.h"
#include "docsyntax.h"
#include "include.h"
#include "rawhtml.h"

/* Safe mode is cmark's default since 0.29; say it anyway. */
#define RENDER_OPTS (CMARK_OPT_SAFE | CMARK_OPT_SMART)

static cmark_node *annot_owner(cmark_node *node)
{
	for (cmark_node *p = cmark_node_parent(node); p; p = cmark_node_parent(p)) {
		cmark_node_type ty = cmark_node_get_type(p);
		if (ty == CMARK_NODE_ITEM || ty == CMARK_NODE_HEADING)
			return p;
	}
	/* A top-level block belongs to the heading above it. */
	for (cmark_node *p = cmark_node_previous(node); p; p = cmark_node_previous(p))
		if (cmark_node_get_type(p) == CMARK_NODE_HEADING)
			return p;
	return NULL;
}

int mdtree_line(const struct mdtree *t, cmark_node *node)
{
	int line = cmark_node_get_start_line(node);

	/* Blocks parsed from the text beside a comment carry the line their
	 * text began on (keep_text_beside_comments); their lines count from
	 * it. A table's nodes, made here, have no position of their own:
	 * each row carries its line. */
	for (cmark_node *p = node; p; p = cmark_node_parent(p)) {
		intptr_t first = (intptr_t)cmark_node_get_user_data(p);

		if (first) {
			line = line ? line + (int)first - 1 : (int)first;
			break;
		}
	}
	return line > 0 ? line + t->line_offset : 0;
}

/* Past the end of the HTML comment that opens at c ("<!--"), or NULL
 * when it is not closed. "<!-->" and "<!--->" are whole (empty) comments,
 * as CommonMark reads them. */
static const char *comment_close(const char *c)
{
	const char *end;

	if (c[4] == '>')
		return c + 5;
	if (c[4] == '-' && c[5] == '>')
		return c + 6;
	end = strstr(c + 4, "-->");
	return end ? end + 3 : NULL;
}

/* Parses every "<!-- ... -->" in the literal of an HTML node. */
static void collect_from_html(struct mdtree *t, cmark_node *node,
			      struct diag *d)
{
	const char *lit = cmark_node_get_literal(node);
	const char *p = lit ? lit : "";
	cmark_node *owner = annot_owner(node);
	int line = mdtree_line(t, node);
	int col = cmark_node_get_start_column(node);

	if (line == 0 && owner) {
		line = mdtree_line(t, owner);
		col = cmark_node_get_start_column(owner);
	}
	while ((p = strstr(p, "<!--"))) {
		const char *end = comment_close(p);
		struct annot a;
		char *inner;
		enum annot_result r;

		if (!end) {
			/* A block that starts with the comment runs to the end
			 * of its list item or page: everything after it would
			 * be hidden. (One that starts inside other HTML ends
			 * where that HTML block does.) */
			if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK &&
			    !strncmp(lit + strspn(lit, " \t"), "<!--", 4)) {
				diag_error(d, t->path, line, col,
					   "HTML comment not closed: '<!--' without "
					   "'-->' (the text after it would be hidden)");
				t->annot_errors++;
			}
			break;
		}
		/* Between "<!--" and "-->" (nothing for "<!-->"). */
		inner = xstrndup(p + 4, end - p >= 7 ? (size_t)(end - p - 7) : 0);
		r = annot_parse(inner, t->path, line, col ? col : 0, d, &a);
		free(inner);
		if (r == ANNOT_FAILED) {
			t->annot_errors++;
		} else if (r == ANNOT_OK) {
			struct mdtree_annot *prev = mdtree_annot_for(t, owner);

			if (owner && prev) {
				diag_error(d, t->path, line, col,
					   "malformed annotation: a second annotation "
					   "for the same item (the first is at line %d)",
					   prev->a.line);
				t->annot_errors++;
				annot_release(&a);
			} else {
				ALLOC_GROW(t->annots, t->nr_annots + 1, t->alloc_annots);
				t->annots[t->nr_annots].owner = owner;
				t->annots[t->nr_annots].a = a;
				t->annots[t->nr_annots].used = 0;
				t->nr_annots++;
			}
		}
		p = end;
	}
}

/* Appends the text of an HTML block outside its comments, when the block
 * starts with one. Returns 1 when that text is more than blanks. */
static int text_beside_comments(const char *lit, struct sbuf *out)
{
	const char *p = lit + strspn(lit, " \t");
	size_t start = out->len;

	if (strncmp(p, "<!--", 4))
		return 0;
	while (*p) {
		const char *c = strstr(p, "<!--"), *end;

		if (!c) {
			sbuf_adds(out, p);
			break;
		}
		sbuf_add(out, p, (size_t)(c - p));
		end = comment_close(c);
		if (!end)
			break; /* reported by collect_from_html */
		p = end;
		if (out->len == start)
			p += strspn(p, " \t"); /* not an indented code block */
	}
	return out->buf[start + strspn(out->buf + start, " \t\n")] != '\0';
}

static cmark_node *parse_markdown(const char *text, size_t len);

/* "<!-- note --> The adapter is off." is one HTML block to CommonMark
 * (a line that starts with a comment is raw HTML to its end), but the
 * comment hides only itself, as GitHub shows it: the text beside the
 * comments is parsed as Markdown and put where the block was. */
static void keep_text_beside_comments(cmark_node *html)
{
	struct sbuf md = SBUF_INIT;
	int line = cmark_node_get_start_line(html);
	cmark_node *doc, *c;

	if (text_beside_comments(cmark_node_get_literal(html), &md)) {
		doc = parse_markdown(md.buf, md.len);
		while ((c = cmark_node_first_child(doc))) {
			cmark_node_unlink(c);
			cmark_node_insert_before(html, c);
			/* Its lines count from the block's (mdtree_line). */
			cmark_node_set_user_data(c, (void *)(intptr_t)(line > 0 ? line : 1));
		}
		cmark_node_free(doc);
	}
	sbuf_release(&md);
}

static int body_line(void *ctx, cmark_node *n)
{
	const struct mdtree *t = ctx;
	int line = mdtree_line(t, n);

	return line ? line - t->line_offset : 0;
}

static cmark_mem xalloc_mem;

/* Reads the annotations in the tree's HTML comments, keeps the text
 * beside comments, then hands the rest of its raw HTML to rawhtml. */
static void collect_and_convert_html(struct mdtree *t, struct diag *d)
{
	cmark_iter *it = cmark_iter_new(t->root);
	cmark_node **doomed = NULL;
	size_t nr = 0, alloc = 0;
	struct rawhtml_report r = { 0 };
	struct rawhtml_lines lines = { body_line, t };
	cmark_event_type ev;
	int html = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type ty = cmark_node_get_type(node);
		const char *lit;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (ty == CMARK_NODE_HTML_BLOCK || ty == CMARK_NODE_HTML_INLINE) {
			collect_from_html(t, node, d);
			lit = cmark_node_get_literal(node);
			html = 1;
			if (ty == CMARK_NODE_HTML_BLOCK && lit &&
			    !strncmp(lit + strspn(lit, " \t"), "<!--", 4)) {
				ALLOC_GROW(doomed, nr + 1, alloc);
				doomed[nr++] = node;
			}
		} else if (ty == CMARK_NODE_TEXT && cmark_node_get_literal(node) &&
			   strstr(cmark_node_get_literal(node), "<!--")) {
			/* Inside a line, an unclosed comment is text to
			 * CommonMark: it hides nothing, but shows. */
			cmark_node *block = node;

			while (cmark_node_get_type(block) >= CMARK_NODE_FIRST_INLINE &&
			       cmark_node_get_type(block) <= CMARK_NODE_LAST_INLINE)
				block = cmark_node_parent(block);
			diag_warn(d, t->path, mdtree_line(t, block), 0,
				  "'<!--' without '-->' is shown as text (close the "
				  "comment, or write it as `<!--` to show it)");
		}
	}
	cmark_iter_free(it);
	/* A block that starts with a comment: the comment hides only
	 * itself. Unlink after the walk: the iterator must not see a
	 * changing tree. */
	for (size_t i = 0; i < nr; i++) {
		keep_text_beside_comments(doomed[i]);
		cmark_node_free(doomed[i]);
	}
	free(doomed);
	if (!html)
		return;
	rawhtml_convert(t->root, &xalloc_mem, &lines, &r);
	if (r.elements || r.handlers || r.urls) {
		struct sbuf what = SBUF_INIT;

		if (r.elements)
			sbuf_addf(&what, "%d element(s) with their content (script, style, "
				  "embedded objects)", r.elements);
		if (r.handlers)
			sbuf_addf(&what, "%s%d event-handler attribute(s)", what.len ? ", " : "",
				  r.handlers);
		if (r.urls)
			sbuf_addf(&what, "%s%d link(s) or image(s) whose address is not safe",
				  what.len ? ", " : "", r.urls);
		diag_warn(d, t->path, r.first_line ? r.first_line + t->line_offset : 0, 0,
			  "raw HTML: left out %s (the first is here)", what.buf);
		sbuf_release(&what);
	}
}

/* cmark's memory. Its own allocator aborts when memory runs out; ours
 * ends the process cleanly (xalloc.h). A tree parsed with an arena takes
 * its nodes, iterators and renderings from it while it lives (the thread's
 * tree_arena): a parse makes hundreds of small blocks, and they go at once
 * in mdtree_release (10,000 articles: 0.53 against 0.48 s of parsing).
 * cmark's allocator functions take no context, so each block starts with
 * a header saying where it came from. */
struct block {
	size_t size;
	size_t in_arena;
};

static _Thread_local struct arena *tree_arena;

static void *mem_alloc(size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - sizeof(*b))
		size = SIZE_MAX - sizeof(*b); /* fails cleanly below */
	b = tree_arena ? arena_alloc(tree_arena, sizeof(*b) + size) :
			 xmalloc(sizeof(*b) + size);
	b->size = size;
	b->in_arena = tree_arena != NULL;
	return b + 1;
}

static void mem_free(void *p)
{
	struct block *b = p ? (struct block *)p - 1 : NULL;

	/* A block of the arena goes with the arena. */
	if (b && !b->in_arena)
		free(b);
}

static void *mem_calloc(size_t nmemb, size_t size)
{
	void *p;

	if (size && nmemb > SIZE_MAX / size)
		return xcalloc(nmemb, size); /* fails cleanly */
	p = mem_alloc(nmemb * size);
	memset(p, 0, nmemb * size);
	return p;
}

static void *mem_realloc(void *p, size_t size)
{
	struct block *b = p ? (struct block *)p - 1 : NULL;
	void *q;

	if (!b)
		return mem_alloc(size);
	if (!b->in_arena) {
		if (size > SIZE_MAX - sizeof(*b))
			size = SIZE_MAX - sizeof(*b);
		b = xrealloc(b, sizeof(*b) + size);
		b->size = size;
		return b + 1;
	}
	/* cmark's buffers grow by realloc: the newest block grows in place. */
	if (tree_arena && arena_resize(tree_arena, b, sizeof(*b) + size)) {
		b->size = size;
		return p;
	}
	q = mem_alloc(size);
	memcpy(q, p, b->size < size ? b->size : size);
	mem_free(p);
	return q;
}

static cmark_mem xalloc_mem = { mem_calloc, mem_realloc, mem_free };

/* A page's body, or an included file's: the docs platforms' syntax
 * rewritten (docsyntax.h), parsed, its pipe tables made tables. */
static void convert_tables(cmark_node *root, const char *body, size_t len);

static cmark_node *parse_body(void *ctx, const char *text, size_t len)
{
	struct sbuf rewritten = SBUF_INIT;
	cmark_node *root;

	(void)ctx;
	if (docsyntax_rewrite(text, len, &rewritten)) {
		text = rewritten.buf;
		len = rewritten.len;
	}
	root = parse_markdown(text, len);
	convert_tables(root, text, len);
	sbuf_release(&rewritten);
	return root;
}

static cmark_node *parse_markdown(const char *text, size_t len)
{
	cmark_parser *p = cmark_parser_new_with_mem(CMARK_OPT_VALIDATE_UTF8,
						    &xalloc_mem);
	cmark_node *root;

	cmark_parser_feed(p, text, len);
	root = cmark_parser_finish(p);
	cmark_parser_free(p);
	return root;
}

/* The one strong or emphasised span that is all of para's content
 * (blank text and a ':' around it allowed), or NULL. */
static cmark_node *only_span(cmark_node *para)
{
	cmark_node *span = NULL;

	for (cmark_node *c = cmark_node_first_child(para); c; c = cmark_node_next(c)) {
		cmark_node_type t = cmark_node_get_type(c);

		if (t == CMARK_NODE_STRONG || t == CMARK_NODE_EMPH) {
			if (span)
				return NULL;
			span = c;
		} else if (t != CMARK_NODE_TEXT ||
			   cmark_node_get_literal(c)[strspn(cmark_node_get_literal(c), " \t:")]) {
			return NULL;
		}
	}
	return span;
}

int mdtree_is_one_span(cmark_node *paragraph)
{
	return only_span(paragraph) != NULL;
}

cmark_node *mdtree_promote_to_heading(cmark_node *paragraph, int level)
{
	cmark_node *h = cmark_node_new_with_mem(CMARK_NODE_HEADING, &xalloc_mem);
	cmark_node *from = only_span(paragraph), *c, *last;

	cmark_node_set_heading_level(h, level < 1 ? 1 : level > 6 ? 6 : level);
	if (!from)
		from = paragraph;
	while ((c = cmark_node_first_child(from))) {
		cmark_node_unlink(c);
		cmark_node_append_child(h, c);
	}
	last = cmark_node_last_child(h);
	if (last && cmark_node_get_type(last) == CMARK_NODE_TEXT) {
		struct sbuf lit = SBUF_INIT;

		sbuf_adds(&lit, cmark_node_get_literal(last));
		sbuf_rtrim(&lit);
		while (text_colon_len(lit.buf, lit.len))
			sbuf_setlen(&lit, lit.len - text_colon_len(lit.buf, lit.len));
		sbuf_rtrim(&lit);
		cmark_node_set_literal(last, lit.buf);
		sbuf_release(&lit);
	}
	cmark_node_replace(paragraph, h);
	cmark_node_free(paragraph);
	return h;
}

/* ---- Pipe tables ----
 * CommonMark has no tables; GitHub's Markdown (GFM) does, and help desks
 * write them. A paragraph with a row of cells, then a delimiter row
 * ("|---|:---:|"), then more rows is turned into a table here: nodes of
 * cmark's custom block type, whose tags are Clew's own constant strings,
 * around the cells' text parsed as Markdown inlines (so raw HTML in a cell
 * is stripped like any other). */

/* Up to this many cells a row; more are dropped, as GFM drops cells
 * beyond the header's. */
#define TABLE_MAX_COLS 64

struct row {
	const char *cell[TABLE_MAX_COLS];
	size_t len[TABLE_MAX_COLS];
	int nr;
};

/* Splits line (len bytes) at its unescaped '|' (the outer ones optional)
 * into trimmed cells. Returns 1 when the line holds a '|' at all. */
static int split_row(const char *line, size_t len, struct row *r)
{
	const char *p = line, *end = line + len, *start;
	int pipes = 0;

	r->nr = 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (p < end && *p == '|') {
		p++;
		pipes++;
	}
	if (end > p && end[-1] == '|' && !(end - 1 > p && end[-2] == '\\')) {
		end--;
		pipes++;
	}
	for (start = p;; p++) {
		if (p == end || (*p == '|' && p[-1] != '\\')) {
			const char *a = start, *b = p;

			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			if (r->nr < TABLE_MAX_COLS) {
				r->cell[r->nr] = a;
				r->len[r->nr++] = (size_t)(b - a);
			}
			if (p == end)
				break;
			pipes++;
			start = p + 1;
		}
	}
	return pipes > 0;
}

/* 1 when every cell of r is a delimiter ("---", ":--", "--:", ":-:"). */
static int is_delimiter_row(const struct row *r)
{
	for (int i = 0; i < r->nr; i++) {
		const char *c = r->cell[i];
		size_t n = r->len[i], j = 0;

		if (j < n && c[j] == ':')
			j++;
		if (j >= n || c[j] != '-')
			return 0;
		while (j < n && c[j] == '-')
			j++;
		if (j < n && c[j] == ':')
			j++;
		if (j != n)
			return 0;
	}
	return r->nr > 0;
}

static cmark_node *tag_node(cmark_node *parent, const char *open,
			    const char *close)
{
	cmark_node *n = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, &xalloc_mem);

	cmark_node_set_on_enter(n, open);
	cmark_node_set_on_exit(n, close);
	if (parent)
		cmark_node_append_child(parent, n);
	return n;
}

/* One row of cells (header: th, else td), as many as the header has; it
 * was written on line (of the body). */
static void table_row(cmark_node *group, const struct row *r, int header,
		      const char *const *align, int cols, int line)
{
	cmark_node *tr = tag_node(group, "<tr>", "</tr>");
	struct sbuf text = SBUF_INIT;

	cmark_node_set_user_data(tr, (void *)(intptr_t)line);
	for (int i = 0; i < cols; i++) {
		static const char *const open[2][4] = {
			{ "<td>", "<td class=\"align-left\">", "<td class=\"align-center\">",
			  "<td class=\"align-right\">" },
			{ "<th>", "<th class=\"align-left\">", "<th class=\"align-center\">",
			  "<th class=\"align-right\">" },
		};
		int a = align[i] ? (align[i][0] == 'l' ? 1 : align[i][0] == 'c' ? 2 : 3) : 0;
		cmark_node *cell = tag_node(tr, open[header][a], header ? "</th>" : "</td>");
		cmark_node *doc, *para, *c;

		if (i >= r->nr)
			continue;
		/* "\|" is a '|' in the cell. */
		sbuf_reset(&text);
		for (size_t j = 0; j < r->len[i]; j++)
			if (!(r->cell[i][j] == '\\' && j + 1 < r->len[i] &&
			      r->cell[i][j + 1] == '|'))
				sbuf_addch(&text, r->cell[i][j]);
		doc = parse_markdown(text.buf, text.len);
		para = cmark_node_first_child(doc);
		if (para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH &&
		    !cmark_node_next(para)) {
			while ((c = cmark_node_first_child(para))) {
				cmark_node_unlink(c);
				cmark_node_append_child(cell, c);
			}
		} else if (text.len && !(para && !cmark_node_next(para) &&
					 cmark_node_get_type(para) == CMARK_NODE_HTML_BLOCK)) {
			/* A cell that reads as another block ("1. Old", "- n/a",
			 * "# of users", "> 5 GB"): its text as it is. (Raw
			 * HTML alone is left out, as everywhere.) */
			c = cmark_node_new_with_mem(CMARK_NODE_TEXT, &xalloc_mem);
			cmark_node_set_literal(c, text.buf);
			cmark_node_append_child(cell, c);
		}
		cmark_node_free(doc);
	}
	sbuf_release(&text);
}

/* Turns paragraph para, whose lines are lines[0 .. nr) of the body (each
 * without its container's indent), into a table when it holds one: a row
 * of cells, a delimiter row with as many, then rows. Lines before the
 * header row stay a paragraph. */
static void convert_table(cmark_node *para, const char *const *lines,
			  const size_t *lens, int nr)
{
	struct row head, r;
	const char *align[TABLE_MAX_COLS];
	cmark_node *table, *body;
	int h = -1;

	for (int i = 1; i < nr && h < 0; i++)
		if (split_row(lines[i - 1], lens[i - 1], &head) &&
		    split_row(lines[i], lens[i], &r) && is_delimiter_row(&r) &&
		    r.nr == head.nr)
			h = i - 1;
	if (h < 0)
		return;
	for (int i = 0; i < r.nr; i++) {
		int left = r.cell[i][0] == ':', right = r.cell[i][r.len[i] - 1] == ':';

		align[i] = left && right ? "center" : left ? "left" : right ? "right" : NULL;
	}
	if (h > 0) {
		/* The paragraph's first lines, as they were. */
		cmark_node *doc = parse_markdown(lines[0],
						 (size_t)(lines[h - 1] + lens[h - 1] - lines[0]));
		cmark_node *c;

		while ((c = cmark_node_first_child(doc))) {
			cmark_node_unlink(c);
			cmark_node_insert_before(para, c);
			cmark_node_set_user_data(c, (void *)(intptr_t)
				cmark_node_get_start_line(para));
		}
		cmark_node_free(doc);
	}
	table = tag_node(NULL, "<table>", "</table>");
	cmark_node_insert_before(para, table);
	/* mdtree_line: the table's line is its header row's, a row's its. */
	cmark_node_set_user_data(table, (void *)(intptr_t)
		(cmark_node_get_start_line(para) + h));
	table_row(tag_node(table, "<thead>", "</thead>"), &head, 1, align, head.nr,
		  cmark_node_get_start_line(para) + h);
	body = tag_node(table, "<tbody>", "</tbody>");
	for (int i = h + 2; i < nr; i++) {
		split_row(lines[i], lens[i], &r);
		table_row(body, &r, 0, align, head.nr,
			  cmark_node_get_start_line(para) + i);
	}
	if (h + 2 == nr)
		cmark_node_free(body);
	cmark_node_free(para);
}

int mdtree_table(cmark_node *node, cmark_node **head, cmark_node **body)
{
	const char *tag;
	cmark_node *thead, *tbody;

	if (cmark_node_get_type(node) != CMARK_NODE_CUSTOM_BLOCK ||
	    !(tag = cmark_node_get_on_enter(node)) || strcmp(tag, "<table>"))
		return 0;
	thead = cmark_node_first_child(node);
	tbody = cmark_node_next(thead);
	*head = cmark_node_first_child(thead);
	*body = tbody ? cmark_node_first_child(tbody) : NULL;
	return 1;
}

/* Finds the tables among the paragraphs of the page and of its list
 * items: body is the text cmark parsed. */
static void convert_tables(cmark_node *root, const char *body, size_t len)
{
	cmark_iter *it;
	cmark_node **paras = NULL;
	size_t nr = 0, alloc = 0, nr_starts = 0, alloc_starts = 0, *starts = NULL;
	cmark_event_type ev;

	/* Most pages have no table: no '|' at all, or no delimiter row,
	 * which needs "-|" or "|-" (or ':' beside the '|'); body is
	 * NUL-terminated, and one NUL inside ends the look early. */
	if (!memchr(body, '|', len) ||
	    (!strstr(body, "-|") && !strstr(body, "|-") && !strstr(body, "- |") &&
	     !strstr(body, "| -") && !strstr(body, "|:") && !strstr(body, ":|")))
		return;
	it = cmark_iter_new(root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node *up = cmark_node_parent(n);

		if (ev == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH &&
		    (cmark_node_get_type(up) == CMARK_NODE_DOCUMENT ||
		     cmark_node_get_type(up) == CMARK_NODE_ITEM) &&
		    cmark_node_get_end_line(n) > cmark_node_get_start_line(n)) {
			ALLOC_GROW(paras, nr + 1, alloc);
			paras[nr++] = n;
		}
	}
	cmark_iter_free(it);
	/* Where each line of body starts. */
	for (size_t i = 0; i <= len; i++)
		if (i == 0 || body[i - 1] == '\n') {
			ALLOC_GROW(starts, nr_starts + 1, alloc_starts);
			starts[nr_starts++] = i;
		}
	for (size_t i = 0; i < nr; i++) {
		int first = cmark_node_get_start_line(paras[i]);
		int last = cmark_node_get_end_line(paras[i]);
		int n = last - first + 1;
		const char **lines;
		size_t *lens;

		if (first < 1 || (size_t)last > nr_starts || n > 10000)
			continue;
		lines = xcalloc((size_t)n, sizeof(*lines));
		lens = xcalloc((size_t)n, sizeof(*lens));
		for (int j = 0; j < n; j++) {
			size_t at = starts[first - 1 + j];
			size_t end = (size_t)(first + j) < nr_starts ?
				     starts[first + j] - 1 : len;

			/* The first line from the paragraph's column (after a
			 * list marker); the others without their indent. */
			if (j == 0)
				at += (size_t)(cmark_node_get_start_column(paras[i]) - 1);
			else
				while (at < end && (body[at] == ' ' || body[at] == '\t'))
					at++;
			if (at > end)
				at = end;
			lines[j] = body + at;
			lens[j] = end - at;
		}
		convert_table(paras[i], lines, lens, n);
		free(lines);
		free(lens);
	}
	free(starts);
	free(paras);
}

int mdtree_parse(struct mdtree *t, const char *path, const char *buf,
		 size_t len, const struct mdtree_roots *roots, struct arena *arena,
		 struct diag *d)
{
	const char *body;
	size_t body_len;

	memset(t, 0, sizeof(*t));
	t->path = path;
	/* cmark's allocator functions cannot tell trees apart: while a
	 * tree's memory is an arena's, it is the thread's only tree. */
	if (tree_arena) {
		fputs("clew: internal error: a second Markdown tree while one "
		      "in an arena lives on this thread\n", stderr);
		abort();
	}
	if (arena) {
		tree_arena = arena;
		t->arena = arena;
	}
	switch (frontmatter_parse(buf, len, path, d, &t->fm)) {
	case 0:
		break;
	case 1:
		t->fm_failed = 1;
		break;
	default:
		mdtree_release(t);
		return -1;
	}
	t->line_offset = t->fm.body_line - 1;
	body = buf + t->fm.body_offset;
	body_len = len - t->fm.body_offset;
	t->root = parse_body(NULL, body, body_len);
	/* Most pages have neither includes nor alerts: no walk for them. */
	if (memmem(body, body_len, "[!INCLUDE", 9) || memmem(body, body_len, "[!include", 9)) {
		struct include_env env = { roots ? roots->paths : NULL, roots ? roots->nr : 0,
					   parse_body, NULL, 0 };

		t->annot_errors += include_resolve(t->root, path, t->line_offset, &env, d);
		t->includes_hash = env.hash;
	}
	if (t->includes_hash || memmem(body, body_len, "[!", 2) || memmem(body, body_len, ":::", 3))
		alerts_convert(t->root, &xalloc_mem);
	collect_and_convert_html(t, d);
	return 0;
}

void mdtree_release(struct mdtree *t)
{
	for (size_t i = 0; i < t->nr_annots; i++)
		annot_release(&t->annots[i].a);
	free(t->annots);
	if (t->root)
		cmark_node_free(t->root);
	frontmatter_release(&t->fm);
	if (t->arena) {
		tree_arena = NULL;
		arena_reset(t->arena);
	}
	memset(t, 0, sizeof(*t));
}

struct mdtree_annot *mdtree_annot_for(struct mdtree *t, cmark_node *owner)
{
	if (!owner)
		return NULL;
	for (size_t i = 0; i < t->nr_annots; i++)
		if (t->annots[i].owner == owner)
			return &t->annots[i];
	return NULL;
}

static int is_block(cmark_node *node)
{
	cmark_node_type ty = cmark_node_get_type(node);
	return ty >= CMARK_NODE_FIRST_BLOCK && ty <= CMARK_NODE_LAST_BLOCK;
}

void mdtree_plain_text(cmark_node *node, struct sbuf *out)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit;

		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if (ev == CMARK_EVENT_ENTER &&
			    (lit = cmark_node_get_literal(n)))
				sbuf_adds(out, lit);
			break;
		case CMARK_NODE_CODE_BLOCK:
			if (ev == CMARK_EVENT_ENTER &&
			    (lit = cmark_node_get_literal(n))) {
				sbuf_adds(out, lit);
				sbuf_rtrim(out);
				sbuf_addch(out, '\n');
			}
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			sbuf_addch(out, ' ');
			break;
		default:
			if (ev == CMARK_EVENT_EXIT && is_block(n) && n != node &&
			    out->len && out->buf[out->len - 1] != '\n')
				sbuf_addch(out, '\n');
			break;
		}
	}
	cmark_iter_free(it);
	sbuf_rtrim(out);
}

void mdtree_render(cmark_node *node, struct sbuf *out)
{
	char *html = cmark_render_html(node, RENDER_OPTS);

	sbuf_adds(out, html);
	mem_free(html);
}

void mdtree_render_children(cmark_node *node, struct sbuf *out)
{
	for (cmark_node *c = cmark_node_first_child(node); c;
	     c = cmark_node_next(c))
		mdtree_render(c, out);
}

/* Words that a full stop ends without ending the sentence. */
static const char *const abbreviations[] = {
	"e.g", "i.e", "eg", "ie", "etc", "approx", "vs", "cf", "incl", "ca",
	"dr", "mr", "mrs", "ms", "st", "no", "fig", "min", "max", "ver", "vol",
	"resp", "esp", "dept", "est", "jr", "sr",
};

/* 1 when the '.', '?' or '!' at s[i] (followed by a blank) ends a
 * sentence: a '?' or '!' when the next word does not start with a
 * lowercase letter ("the Forgot password? link"), a '.' when it does not
 * end an abbreviation ("e.g.") or an initial ("J. Smith"). */
static int ends_sentence(const char *s, size_t i, size_t n)
{
	size_t next = i + 1, start = i;

	next += strspn(s + next, " ");
	if (s[i] != '.')
		return !(next < n && s[next] >= 'a' && s[next] <= 'z');
	while (start > 0 && s[start - 1] != ' ' && s[start - 1] != '(')
		start--;
	if (i - start == 1 && s[start] >= 'A' && s[start] <= 'Z')
		return 0; /* an initial */
	for (size_t k = 0; k < sizeof(abbreviations) / sizeof(*abbreviations); k++)
		if (strlen(abbreviations[k]) == i - start &&
		    text_ieq_n(s + start, abbreviations[k], i - start))
			return 0;
	return 1;
}

void mdtree_title_from_text(const char *text, struct sbuf *out)
{
	enum { MAX = 160 };
	const char *s = text_ltrim(text);
	size_t n = strcspn(s, "\n"), cut = n;

	/* The first sentence: up to ". " (or a CJK full stop), after a word
	 * or two. */
	for (size_t i = 8; i + 1 < n; i++) {
		if ((s[i] == '.' || s[i] == '?' || s[i] == '!') && s[i + 1] == ' ' &&
		    ends_sentence(s, i, n)) {
			cut = i + 1;
			break;
		}
		if (i + 3 <= n && !memcmp(s + i, "\xE3\x80\x82", 3)) {
			cut = i + 3;
			break;
		}
	}
	if (cut <= MAX) {
		sbuf_add(out, s, text_rtrim_len(s, cut));
		return;
	}
	cut = MAX;
	while (cut > MAX / 2 && s[cut] != ' ')
		cut--;
	if (s[cut] != ' ') /* one long word: do not split a UTF-8 sequence */
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	sbuf_add(out, s, text_rtrim_len(s, cut));
	sbuf_adds(out, "\xE2\x80\xA6");
}
