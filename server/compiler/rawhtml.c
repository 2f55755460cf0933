/* rawhtml: authors' HTML parsed with libxml2 and kept through an allow-list. */
#include "rawhtml.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "alerts.h"

/* What an element becomes. */
enum el_kind {
	EL_UNWRAP,  /* not on the list: its content stays, in its place */
	EL_DROP,    /* dropped with its content */
	EL_PARA,
	EL_HEADING,
	EL_LIST,
	EL_ITEM,
	EL_QUOTE,
	EL_PRE,
	EL_RULE,
	EL_TABLE,
	EL_DIV,     /* no mark of its own, but an alert by its class */
	EL_BLOCK,   /* a block element written as tag: blocks inside */
	EL_BLOCK_I, /* a block element written as tag: inlines inside */
	EL_STRONG,
	EL_EMPH,
	EL_CODE,
	EL_LINK,
	EL_IMAGE,
	EL_BREAK,
	EL_INLINE,  /* an inline element written as tag */
	EL_VOID,    /* an empty element with nothing to keep (wbr, input) */
};

struct el {
	const char *name;
	enum el_kind kind;
	const char *open, *close; /* EL_BLOCK*, EL_INLINE: the tags written */
};

/* Sorted by name (bsearch). */
static const struct el elements[] = {
	{ "a", EL_LINK, NULL, NULL },
	{ "abbr", EL_INLINE, "<abbr>", "</abbr>" },
	{ "address", EL_DIV, NULL, NULL },
	{ "applet", EL_DROP, NULL, NULL },
	{ "area", EL_VOID, NULL, NULL },
	{ "article", EL_DIV, NULL, NULL },
	{ "aside", EL_DIV, NULL, NULL },
	{ "b", EL_STRONG, NULL, NULL },
	{ "base", EL_VOID, NULL, NULL },
	{ "blockquote", EL_QUOTE, NULL, NULL },
	{ "br", EL_BREAK, NULL, NULL },
	{ "canvas", EL_DROP, NULL, NULL },
	{ "caption", EL_BLOCK_I, "<p class=\"caption\">", "</p>" },
	{ "center", EL_DIV, NULL, NULL },
	{ "cite", EL_EMPH, NULL, NULL },
	{ "code", EL_CODE, NULL, NULL },
	{ "col", EL_VOID, NULL, NULL },
	{ "dd", EL_BLOCK, "<dd>", "</dd>" },
	{ "del", EL_INLINE, "<del>", "</del>" },
	{ "details", EL_BLOCK, "<details>", "</details>" },
	{ "dfn", EL_EMPH, NULL, NULL },
	{ "div", EL_DIV, NULL, NULL },
	{ "dl", EL_BLOCK, "<dl>", "</dl>" },
	{ "dt", EL_BLOCK_I, "<dt>", "</dt>" },
	{ "em", EL_EMPH, NULL, NULL },
	{ "embed", EL_DROP, NULL, NULL },
	{ "figcaption", EL_BLOCK_I, "<figcaption>", "</figcaption>" },
	{ "figure", EL_BLOCK, "<figure>", "</figure>" },
	{ "footer", EL_DIV, NULL, NULL },
	{ "frame", EL_DROP, NULL, NULL },
	{ "frameset", EL_DROP, NULL, NULL },
	{ "h1", EL_HEADING, NULL, NULL },
	{ "h2", EL_HEADING, NULL, NULL },
	{ "h3", EL_HEADING, NULL, NULL },
	{ "h4", EL_HEADING, NULL, NULL },
	{ "h5", EL_HEADING, NULL, NULL },
	{ "h6", EL_HEADING, NULL, NULL },
	{ "head", EL_DROP, NULL, NULL },
	{ "header", EL_DIV, NULL, NULL },
	{ "hr", EL_RULE, NULL, NULL },
	{ "i", EL_EMPH, NULL, NULL },
	{ "img", EL_IMAGE, NULL, NULL },
	{ "input", EL_VOID, NULL, NULL },
	{ "ins", EL_INLINE, "<ins>", "</ins>" },
	{ "kbd", EL_INLINE, "<kbd>", "</kbd>" },
	{ "li", EL_ITEM, NULL, NULL },
	{ "link", EL_VOID, NULL, NULL },
	{ "main", EL_DIV, NULL, NULL },
	{ "mark", EL_INLINE, "<mark>", "</mark>" },
	{ "math", EL_DROP, NULL, NULL },
	{ "menu", EL_LIST, NULL, NULL },
	{ "meta", EL_VOID, NULL, NULL },
	{ "nav", EL_DIV, NULL, NULL },
	{ "noembed", EL_DROP, NULL, NULL },
	{ "object", EL_DROP, NULL, NULL },
	{ "ol", EL_LIST, NULL, NULL },
	{ "option", EL_DROP, NULL, NULL },
	{ "p", EL_PARA, NULL, NULL },
	{ "param", EL_VOID, NULL, NULL },
	{ "pre", EL_PRE, NULL, NULL },
	{ "q", EL_INLINE, "<q>", "</q>" },
	{ "s", EL_INLINE, "<s>", "</s>" },
	{ "samp", EL_CODE, NULL, NULL },
	{ "script", EL_DROP, NULL, NULL },
	{ "section", EL_DIV, NULL, NULL },
	{ "select", EL_DROP, NULL, NULL },
	{ "small", EL_INLINE, "<small>", "</small>" },
	{ "source", EL_VOID, NULL, NULL },
	{ "strike", EL_INLINE, "<s>", "</s>" },
	{ "strong", EL_STRONG, NULL, NULL },
	{ "style", EL_DROP, NULL, NULL },
	{ "sub", EL_INLINE, "<sub>", "</sub>" },
	{ "summary", EL_BLOCK_I, "<summary>", "</summary>" },
	{ "sup", EL_INLINE, "<sup>", "</sup>" },
	{ "svg", EL_DROP, NULL, NULL },
	{ "table", EL_TABLE, NULL, NULL },
	{ "template", EL_DROP, NULL, NULL },
	{ "textarea", EL_DROP, NULL, NULL },
	{ "title", EL_DROP, NULL, NULL },
	{ "track", EL_VOID, NULL, NULL },
	{ "tt", EL_CODE, NULL, NULL },
	{ "u", EL_INLINE, "<u>", "</u>" },
	{ "ul", EL_LIST, NULL, NULL },
	{ "var", EL_EMPH, NULL, NULL },
	{ "wbr", EL_VOID, NULL, NULL },
};

static int el_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct el *)e)->name);
}

/* The entry of the element named name (lowercase), or NULL. */
static const struct el *el_find(const char *name)
{
	return bsearch(name, elements, sizeof(elements) / sizeof(*elements),
		       sizeof(*elements), el_cmp);
}

static int is_inline_kind(enum el_kind k)
{
	return k >= EL_STRONG;
}

/* Elements the block pass does not count when it asks whether an HTML
 * block leaves an element open: those with no content, and those whose
 * end tag HTML lets an author leave out ("<p>text" is whole). */
static const char *const uncounted[] = {
	"area", "base", "body", "br", "caption", "col", "colgroup", "dd", "dt",
	"embed", "head", "hr", "html", "img", "input", "li", "link", "meta",
	"optgroup", "option", "p", "param", "rp", "rt", "source", "tbody", "td",
	"tfoot", "th", "thead", "tr", "track", "wbr",
};

/* ---- Addresses ---- */

int rawhtml_url_is_safe(const char *url, int image)
{
	static const char *const link_schemes[] = { "http", "https", "mailto", "tel" };
	static const char *const image_types[] = { "png", "gif", "jpeg", "webp" };
	struct sbuf u = SBUF_INIT;
	size_t scheme = 0;
	int ok = 0;

	for (const char *p = url; *p; p++)
		if ((unsigned char)*p > ' ' && *p != 0x7f)
			sbuf_addch(&u, *p);
	/* A scheme: a letter, then letters, digits, '+', '-' or '.'. */
	while (scheme < u.len && ((u.buf[scheme] >= 'a' && u.buf[scheme] <= 'z') ||
				  (u.buf[scheme] >= 'A' && u.buf[scheme] <= 'Z') ||
				  (scheme && ((u.buf[scheme] >= '0' && u.buf[scheme] <= '9') ||
					      strchr("+-.", u.buf[scheme])))))
		scheme++;
	if (scheme == u.len || u.buf[scheme] != ':' || scheme == 0) {
		ok = 1; /* a path, a query or a fragment: no scheme */
		goto done;
	}
	if (image) {
		if (text_ieq_n(u.buf, "http:", 5) || text_ieq_n(u.buf, "https:", 6)) {
			ok = 1;
		} else if (text_ieq_n(u.buf, "data:image/", 11)) {
			for (size_t i = 0; i < sizeof(image_types) / sizeof(*image_types); i++) {
				size_t n = strlen(image_types[i]);

				if (text_ieq_n(u.buf + 11, image_types[i], n) &&
				    text_ieq_n(u.buf + 11 + n, ";base64,", 8))
					ok = 1;
			}
		}
		goto done;
	}
	for (size_t i = 0; i < sizeof(link_schemes) / sizeof(*link_schemes); i++)
		if (strlen(link_schemes[i]) == scheme &&
		    text_ieq_n(u.buf, link_schemes[i], scheme))
			ok = 1;
done:
	sbuf_release(&u);
	return ok;
}

/* ---- libxml2 ---- */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

/* Parses html (len bytes) as the body of a page; returns the document
 * (caller frees with xmlFreeDoc) and sets *body to its body element (NULL
 * when the fragment had nothing for one). */
static htmlDocPtr parse_fragment(const char *html, size_t len, xmlNode **body)
{
	htmlDocPtr doc;
	xmlNode *root;

	pthread_once(&xml_once, xml_init);
	*body = NULL;
	if (len > INT32_MAX)
		return NULL;
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
			     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
			     HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
			     HTML_PARSE_NODEFDTD);
	if (!doc)
		return NULL;
	root = xmlDocGetRootElement(doc);
	for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "body"))
			*body = c;
	return doc;
}

static const char *attr(xmlNode *el, const char *name)
{
	for (xmlAttr *a = el->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, name) && a->children &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

/* ---- Building cmark nodes ---- */

struct conv {
	cmark_mem *mem;
	struct rawhtml_report *r;
	int line;                /* the body line of the HTML being converted */
	cmark_node **md;         /* Markdown blocks enclosed by the HTML */
	int *md_offset;          /* their line offsets (user data to give) */
	size_t nr_md;
};

static void note_dropped(struct conv *cv, int *count)
{
	(*count)++;
	if (cv->line > 0 && (!cv->r->first_line || cv->line < cv->r->first_line))
		cv->r->first_line = cv->line;
}

static cmark_node *node_new(struct conv *cv, cmark_node_type type)
{
	return cmark_node_new_with_mem(type, cv->mem);
}

/* Appends child to parent; a child parent cannot hold is freed. */
static void append(cmark_node *parent, cmark_node *child)
{
	if (!cmark_node_append_child(parent, child))
		cmark_node_free(child);
}

/* Appends text with its runs of ASCII white space made one space (as a
 * browser shows them), as a text node of parent (after the one there). */
static void add_text(struct conv *cv, cmark_node *parent, const char *s)
{
	struct sbuf t = SBUF_INIT;
	cmark_node *last = cmark_node_last_child(parent), *n;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f') {
			if (!t.len || t.buf[t.len - 1] != ' ')
				sbuf_addch(&t, ' ');
		} else {
			sbuf_addch(&t, *s);
		}
	}
	if (!t.len)
		goto done;
	if (last && cmark_node_get_type(last) == CMARK_NODE_TEXT) {
		struct sbuf joined = SBUF_INIT;

		sbuf_adds(&joined, cmark_node_get_literal(last));
		sbuf_add(&joined, t.buf, t.len);
		cmark_node_set_literal(last, joined.buf);
		sbuf_release(&joined);
		goto done;
	}
	n = node_new(cv, CMARK_NODE_TEXT);
	cmark_node_set_literal(n, t.buf);
	append(parent, n);
done:
	sbuf_release(&t);
}

/* The text of el and its descendants, as it is (a code span's, a pre's). */
static void raw_text(xmlNode *el, struct sbuf *out)
{
	for (xmlNode *c = el->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			sbuf_adds(out, (const char *)c->content);
		} else if (c->type == XML_ELEMENT_NODE) {
			const struct el *e = el_find((const char *)c->name);

			if (e && e->kind == EL_BREAK)
				sbuf_addch(out, '\n');
			else if (!e || e->kind != EL_DROP)
				raw_text(c, out);
		}
	}
}

/* Appends "name="value"" with value escaped for an attribute. */
static void add_attr(struct sbuf *out, const char *name, const char *value)
{
	sbuf_addf(out, " %s=\"", name);
	for (const char *p = value; *p; p++) {
		switch (*p) {
		case '&': sbuf_adds(out, "&amp;"); break;
		case '"': sbuf_adds(out, "&quot;"); break;
		case '<': sbuf_adds(out, "&lt;"); break;
		case '>': sbuf_adds(out, "&gt;"); break;
		default: sbuf_addch(out, *p); break;
		}
	}
	sbuf_addch(out, '"');
}

/* Counts the event handlers among el's attributes (all are dropped but
 * those the element's conversion reads). */
static void check_attrs(struct conv *cv, xmlNode *el)
{
	for (xmlAttr *a = el->properties; a; a = a->next)
		if (text_ieq_n((const char *)a->name, "on", 2))
			note_dropped(cv, &cv->r->handlers);
}

static void conv_inlines(struct conv *cv, xmlNode *first, cmark_node *parent);
static void conv_blocks(struct conv *cv, xmlNode *first, cmark_node *parent);

/* The Markdown block a placeholder names, moved to parent. */
static void place_markdown(struct conv *cv, xmlNode *el, cmark_node *parent)
{
	const char *k = attr(el, "data-k");
	char *end;
	unsigned long i = k ? strtoul(k, &end, 10) : 0;

	if (!k || *end || i >= cv->nr_md || !cv->md[i])
		return;
	cmark_node_set_user_data(cv->md[i], (void *)(intptr_t)cv->md_offset[i]);
	append(parent, cv->md[i]);
	cv->md[i] = NULL;
}

static int is_placeholder(xmlNode *el)
{
	return !strcmp((const char *)el->name, "clew-md");
}

/* The node inline element el makes, without its content; NULL when el
 * keeps only its content. Sets *whole when el is done with (a code span,
 * an image, a line break: appended to parent; or dropped). */
static cmark_node *inline_node(struct conv *cv, xmlNode *el, cmark_node *parent, int *whole)
{
	const struct el *e = el_find((const char *)el->name);
	enum el_kind k = e ? e->kind : EL_UNWRAP;
	cmark_node *n = NULL;
	const char *v;

	*whole = 1;
	check_attrs(cv, el);
	switch (k) {
	case EL_DROP:
		note_dropped(cv, &cv->r->elements);
		return NULL;
	case EL_VOID:
		return NULL;
	case EL_CODE: {
		struct sbuf t = SBUF_INIT;

		raw_text(el, &t);
		for (size_t i = 0; i < t.len; i++)
			if (t.buf[i] == '\n' || t.buf[i] == '\r' || t.buf[i] == '\t')
				t.buf[i] = ' ';
		n = node_new(cv, CMARK_NODE_CODE);
		cmark_node_set_literal(n, t.buf);
		append(parent, n);
		sbuf_release(&t);
		return NULL;
	}
	case EL_IMAGE:
		v = attr(el, "src");
		if (!v)
			return NULL;
		if (!rawhtml_url_is_safe(v, 1)) {
			note_dropped(cv, &cv->r->urls);
			return NULL;
		}
		n = node_new(cv, CMARK_NODE_IMAGE);
		cmark_node_set_url(n, text_ltrim(v));
		if ((v = attr(el, "title")))
			cmark_node_set_title(n, v);
		if ((v = attr(el, "alt")))
			add_text(cv, n, v);
		append(parent, n);
		return NULL;
	case EL_BREAK:
		append(parent, node_new(cv, CMARK_NODE_LINEBREAK));
		return NULL;
	default:
		break;
	}
	*whole = 0;
	switch (k) {
	case EL_STRONG:
		return node_new(cv, CMARK_NODE_STRONG);
	case EL_EMPH:
		return node_new(cv, CMARK_NODE_EMPH);
	case EL_LINK:
		v = attr(el, "href");
		if (v && rawhtml_url_is_safe(v, 0)) {
			n = node_new(cv, CMARK_NODE_LINK);
			cmark_node_set_url(n, text_ltrim(v));
			if ((v = attr(el, "title")))
				cmark_node_set_title(n, v);
		} else if (v) {
			note_dropped(cv, &cv->r->urls);
		}
		return n;
	case EL_INLINE: {
		struct sbuf open = SBUF_INIT;

		n = node_new(cv, CMARK_NODE_CUSTOM_INLINE);
		if (!strcmp(e->name, "abbr") && (v = attr(el, "title"))) {
			sbuf_adds(&open, "<abbr");
			add_attr(&open, "title", v);
			sbuf_addch(&open, '>');
			cmark_node_set_on_enter(n, open.buf);
		} else {
			cmark_node_set_on_enter(n, e->open);
		}
		cmark_node_set_on_exit(n, e->close);
		sbuf_release(&open);
		return n;
	}
	default:
		return NULL;
	}
}

/* Appends what inline element el makes, its content converted, to
 * parent. */
static void conv_inline(struct conv *cv, xmlNode *el, cmark_node *parent)
{
	const struct el *e = el_find((const char *)el->name);
	int whole;
	cmark_node *n = inline_node(cv, el, parent, &whole);

	if (whole)
		return;
	if (n) {
		conv_inlines(cv, el->children, n);
		if (cmark_node_first_child(n) || cmark_node_get_type(n) == CMARK_NODE_LINK)
			append(parent, n);
		else
			cmark_node_free(n);
		return;
	}
	/* A block element where only inlines may be (a paragraph in a
	 * table cell): its content, set apart by a line break. */
	if (e && !is_inline_kind(e->kind) && e->kind != EL_UNWRAP &&
	    cmark_node_last_child(parent) &&
	    cmark_node_get_type(cmark_node_last_child(parent)) != CMARK_NODE_LINEBREAK)
		append(parent, node_new(cv, CMARK_NODE_LINEBREAK));
	conv_inlines(cv, el->children, parent);
}

static void conv_inlines(struct conv *cv, xmlNode *first, cmark_node *parent)
{
	for (xmlNode *c = first; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
			add_text(cv, parent, (const char *)c->content);
		else if (c->type == XML_ELEMENT_NODE && is_placeholder(c))
			; /* a Markdown block has no place among inlines: see conv_blocks */
		else if (c->type == XML_ELEMENT_NODE)
			conv_inline(cv, c, parent);
	}
}

/* Trims the blanks and line breaks at the ends of an inline container;
 * returns 1 when nothing is left. */
static int trim_ends(cmark_node *n)
{
	cmark_node *c;

	while ((c = cmark_node_first_child(n)) &&
	       ((cmark_node_get_type(c) == CMARK_NODE_TEXT &&
		 !*text_ltrim(cmark_node_get_literal(c))) ||
		cmark_node_get_type(c) == CMARK_NODE_LINEBREAK))
		cmark_node_free(c);
	while ((c = cmark_node_last_child(n)) &&
	       ((cmark_node_get_type(c) == CMARK_NODE_TEXT &&
		 !*text_ltrim(cmark_node_get_literal(c))) ||
		cmark_node_get_type(c) == CMARK_NODE_LINEBREAK))
		cmark_node_free(c);
	if ((c = cmark_node_first_child(n)) && cmark_node_get_type(c) == CMARK_NODE_TEXT)
		cmark_node_set_literal(c, text_ltrim(cmark_node_get_literal(c)));
	if ((c = cmark_node_last_child(n)) && cmark_node_get_type(c) == CMARK_NODE_TEXT) {
		const char *lit = cmark_node_get_literal(c);
		char *cut = xstrndup(lit, text_rtrim_len(lit, strlen(lit)));

		cmark_node_set_literal(c, cut);
		free(cut);
	}
	return !cmark_node_first_child(n);
}

/* trim_ends, and n freed when nothing is left: returns n or NULL. */
static cmark_node *trim_inlines(cmark_node *n)
{
	if (trim_ends(n)) {
		cmark_node_free(n);
		return NULL;
	}
	return n;
}

/* Builds the rows of table el into a table of mdtree's shape (mdtree.h's
 * mdtree_table: a head row, then the body's rows; every row with as many
 * cells). A table without a header row takes its first row as one. */
static void conv_table(struct conv *cv, xmlNode *el, cmark_node *parent);

/* A row of cells, gathered before the table is built. */
struct cells {
	xmlNode **cell;
	int *span;
	size_t nr, alloc;
};

static void gather_rows(xmlNode *el, xmlNode ***rows, size_t *nr, size_t *alloc, int *head)
{
	for (xmlNode *c = el->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)c->name, "tr")) {
			ALLOC_GROW(*rows, *nr + 1, *alloc);
			(*rows)[(*nr)++] = c;
		} else if (!strcmp((const char *)c->name, "thead")) {
			size_t before = *nr;

			gather_rows(c, rows, nr, alloc, head);
			if (*head < 0 && *nr > before)
				*head = (int)(*nr - 1);
		} else if (!strcmp((const char *)c->name, "tbody") ||
			   !strcmp((const char *)c->name, "tfoot")) {
			gather_rows(c, rows, nr, alloc, head);
		}
	}
}

static cmark_node *tag_node(struct conv *cv, cmark_node *parent, const char *open,
			    const char *close)
{
	cmark_node *n = node_new(cv, CMARK_NODE_CUSTOM_BLOCK);

	cmark_node_set_on_enter(n, open);
	cmark_node_set_on_exit(n, close);
	if (parent)
		append(parent, n);
	return n;
}

static void conv_table(struct conv *cv, xmlNode *el, cmark_node *parent)
{
	xmlNode **rows = NULL, *caption = NULL;
	size_t nr = 0, alloc = 0;
	int head = -1, cols = 0;
	cmark_node *table, *group;

	gather_rows(el, &rows, &nr, &alloc, &head);
	for (xmlNode *c = el->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "caption"))
			caption = c;
	if (caption) {
		cmark_node *p = node_new(cv, CMARK_NODE_PARAGRAPH);

		conv_inlines(cv, caption->children, p);
		if ((p = trim_inlines(p)))
			append(parent, p);
	}
	if (!nr)
		goto done;
	/* The columns: the widest row, spans counted. */
	for (size_t i = 0; i < nr; i++) {
		int n = 0;

		for (xmlNode *c = rows[i]->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE &&
			    (!strcmp((const char *)c->name, "td") || !strcmp((const char *)c->name, "th"))) {
				const char *span = attr(c, "colspan");
				int s = span ? atoi(span) : 1;

				n += s < 1 ? 1 : s > 64 ? 64 : s;
			}
		if (n > cols)
			cols = n > 64 ? 64 : n;
	}
	if (head < 0) {
		/* The first row is the head when all its cells are th, or the
		 * table has no th at all. */
		head = 0;
	}
	table = tag_node(cv, parent, "<table>", "</table>");
	cmark_node_set_user_data(table, (void *)(intptr_t)(cv->line > 0 ? cv->line : 1));
	for (int part = 0; part < 2; part++) {
		group = part ? tag_node(cv, table, "<tbody>", "</tbody>") :
			       tag_node(cv, table, "<thead>", "</thead>");
		for (size_t i = 0; i < nr; i++) {
			cmark_node *tr;
			int n = 0;

			if ((part == 0) != (i == (size_t)head))
				continue;
			tr = tag_node(cv, group, "<tr>", "</tr>");
			for (xmlNode *c = rows[i]->children; c && n < cols; c = c->next) {
				const char *span;
				int s;
				cmark_node *cell;

				if (c->type != XML_ELEMENT_NODE ||
				    (strcmp((const char *)c->name, "td") && strcmp((const char *)c->name, "th")))
					continue;
				cell = tag_node(cv, tr, part ? "<td>" : "<th>", part ? "</td>" : "</th>");
				conv_inlines(cv, c->children, cell);
				trim_ends(cell);
				n++;
				span = attr(c, "colspan");
				for (s = span ? atoi(span) : 1; s > 1 && n < cols; s--, n++)
					tag_node(cv, tr, part ? "<td>" : "<th>", part ? "</td>" : "</th>");
			}
			for (; n < cols; n++)
				tag_node(cv, tr, part ? "<td>" : "<th>", part ? "</td>" : "</th>");
		}
		if (part == 1 && !cmark_node_first_child(group))
			cmark_node_free(group);
	}
done:
	free(rows);
}

/* The alert kind div's class names ("alert alert-warning", "note",
 * "callout callout-tip"), or -1. */
static int div_alert(xmlNode *div)
{
	const char *cls = attr(div, "class");
	int kind = -1, any = 0;

	if (!cls)
		return -1;
	for (const char *p = cls; *p;) {
		size_t n = strcspn(p, " \t\n-_");

		if (n) {
			int k = alerts_kind(p, n);

			if (k >= 0 && kind < 0)
				kind = k;
			if (n == 5 && text_ieq_n(p, "alert", 5))
				any = 1;
			if ((n == 7 && text_ieq_n(p, "callout", 7)) ||
			    (n == 10 && text_ieq_n(p, "admonition", 10)))
				any = 1;
		}
		p += n;
		p += strspn(p, " \t\n-_");
	}
	return kind >= 0 ? kind : any ? ALERT_NOTE : -1;
}

static cmark_node *para_for(struct conv *cv, cmark_node *parent, cmark_node **para)
{
	if (!*para) {
		*para = node_new(cv, CMARK_NODE_PARAGRAPH);
		append(parent, *para);
	}
	return *para;
}

static void end_para(cmark_node **para)
{
	if (*para)
		trim_inlines(*para);
	*para = NULL;
}

/* An ITEM for content that is not one (an li's, or a stray child of a
 * list): its blocks converted. */
static void conv_item(struct conv *cv, xmlNode *first, cmark_node *list)
{
	cmark_node *item = node_new(cv, CMARK_NODE_ITEM);

	append(list, item);
	conv_blocks(cv, first, item);
	if (!cmark_node_first_child(item))
		append(item, node_new(cv, CMARK_NODE_PARAGRAPH));
}

static void conv_block(struct conv *cv, xmlNode *el, cmark_node *parent)
{
	const struct el *e = el_find((const char *)el->name);
	enum el_kind k = e ? e->kind : EL_UNWRAP;
	cmark_node *n;
	const char *v;

	check_attrs(cv, el);
	switch (k) {
	case EL_DROP:
		note_dropped(cv, &cv->r->elements);
		return;
	case EL_PARA:
		n = node_new(cv, CMARK_NODE_PARAGRAPH);
		conv_inlines(cv, el->children, n);
		if ((n = trim_inlines(n)))
			append(parent, n);
		return;
	case EL_HEADING:
		n = node_new(cv, CMARK_NODE_HEADING);
		cmark_node_set_heading_level(n, el->name[1] - '0');
		conv_inlines(cv, el->children, n);
		if ((n = trim_inlines(n)))
			append(parent, n);
		return;
	case EL_LIST:
		n = node_new(cv, CMARK_NODE_LIST);
		cmark_node_set_list_type(n, el->name[0] == 'o' ? CMARK_ORDERED_LIST : CMARK_BULLET_LIST);
		if (el->name[0] == 'o') {
			int start = (v = attr(el, "start")) ? atoi(v) : 1;

			cmark_node_set_list_start(n, start < 0 ? 1 : start);
			cmark_node_set_list_delim(n, CMARK_PERIOD_DELIM);
		}
		cmark_node_set_list_tight(n, 1);
		for (xmlNode *c = el->children; c; c = c->next) {
			if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "li")) {
				check_attrs(cv, c);
				conv_item(cv, c->children, n);
			} else if ((c->type == XML_TEXT_NODE && *text_ltrim((const char *)c->content)) ||
				   c->type == XML_ELEMENT_NODE) {
				/* Content outside any li: an item of its own. */
				xmlNode *next = c->next;

				c->next = NULL;
				conv_item(cv, c, n);
				c->next = next;
			}
		}
		if (cmark_node_first_child(n))
			append(parent, n);
		else
			cmark_node_free(n);
		return;
	case EL_ITEM:
	case EL_DIV:
	case EL_UNWRAP:
	case EL_VOID:
		if (k == EL_DIV && div_alert(el) >= 0) {
			n = alerts_new(cv->mem, (enum alert_kind)div_alert(el), NULL);
			conv_blocks(cv, el->children, n);
			append(parent, n);
			return;
		}
		conv_blocks(cv, el->children, parent);
		return;
	case EL_QUOTE:
		n = node_new(cv, CMARK_NODE_BLOCK_QUOTE);
		conv_blocks(cv, el->children, n);
		if (cmark_node_first_child(n))
			append(parent, n);
		else
			cmark_node_free(n);
		return;
	case EL_PRE: {
		struct sbuf t = SBUF_INIT;

		raw_text(el, &t);
		/* The HTML parser drops a newline right after <pre>. */
		if (!t.len || t.buf[t.len - 1] != '\n')
			sbuf_addch(&t, '\n');
		n = node_new(cv, CMARK_NODE_CODE_BLOCK);
		cmark_node_set_literal(n, t.buf);
		for (xmlNode *c = el->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "code") &&
			    (v = attr(c, "class")) && !strncmp(v, "language-", 9)) {
				size_t len = strcspn(v + 9, " \t\n");
				char *info = xstrndup(v + 9, len);

				cmark_node_set_fence_info(n, info);
				free(info);
			}
		append(parent, n);
		sbuf_release(&t);
		return;
	}
	case EL_RULE:
		append(parent, node_new(cv, CMARK_NODE_THEMATIC_BREAK));
		return;
	case EL_TABLE:
		conv_table(cv, el, parent);
		return;
	case EL_BLOCK:
		n = tag_node(cv, NULL, e->open, e->close);
		if (!strcmp(e->name, "details") && xmlHasProp(el, (const xmlChar *)"open"))
			cmark_node_set_on_enter(n, "<details open>");
		conv_blocks(cv, el->children, n);
		append(parent, n);
		return;
	case EL_BLOCK_I:
		n = tag_node(cv, NULL, e->open, e->close);
		conv_inlines(cv, el->children, n);
		if ((n = trim_inlines(n)))
			append(parent, n);
		return;
	default:
		return; /* inlines: conv_blocks puts them in a paragraph */
	}
}

static void conv_blocks(struct conv *cv, xmlNode *first, cmark_node *parent)
{
	cmark_node *para = NULL;

	for (xmlNode *c = first; c; c = c->next) {
		const struct el *e;

		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (para || *text_ltrim((const char *)c->content))
				add_text(cv, para_for(cv, parent, &para), (const char *)c->content);
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_placeholder(c)) {
			end_para(&para);
			place_markdown(cv, c, parent);
			continue;
		}
		e = el_find((const char *)c->name);
		if (e && (is_inline_kind(e->kind) || e->kind == EL_VOID)) {
			if (e->kind != EL_VOID && e->kind != EL_BREAK)
				conv_inline(cv, c, para_for(cv, parent, &para));
			else if (para && e->kind == EL_BREAK)
				conv_inline(cv, c, para);
			continue;
		}
		if (!e) {
			/* An element not on the list: its content where it is,
			 * inlines joining the paragraph around it. */
			int blocks = 0;

			for (xmlNode *g = c->children; g && !blocks; g = g->next) {
				const struct el *ge = g->type == XML_ELEMENT_NODE ?
						      el_find((const char *)g->name) : NULL;

				blocks = (ge && !is_inline_kind(ge->kind) && ge->kind != EL_VOID &&
					  ge->kind != EL_UNWRAP) ||
					 (g->type == XML_ELEMENT_NODE && is_placeholder(g));
			}
			if (!blocks) {
				conv_inlines(cv, c->children, para_for(cv, parent, &para));
				continue;
			}
		}
		end_para(&para);
		conv_block(cv, c, parent);
	}
	end_para(&para);
}

/* ---- The passes over the tree ---- */

/* The tag an inline HTML node's literal is: sets name (lowercase) and
 * returns 1 for a start tag, 2 for a self-closed one ("<br/>"), -1 for
 * an end tag; 0 for a comment, a declaration and the like. */
static int tag_of(const char *lit, struct sbuf *name)
{
	const char *p = lit;
	int end = 0;

	sbuf_reset(name);
	if (*p++ != '<')
		return 0;
	if (*p == '/') {
		end = 1;
		p++;
	}
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	for (; (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	       (*p >= '0' && *p <= '9') || *p == '-'; p++)
		sbuf_addch(name, *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	if (end)
		return -1;
	{
		size_t n = strlen(lit);

		return n >= 2 && lit[n - 2] == '/' ? 2 : 1;
	}
}

/* Builds the node an inline start tag opens, its content to come: the
 * tag parsed for its attributes. Returns NULL when the element keeps only
 * its content (or nothing: *drop set when its content goes too). */
static cmark_node *open_inline(struct conv *cv, const char *lit, const char *name, int *drop)
{
	const struct el *e = el_find(name);
	xmlNode *body, *el = NULL;
	htmlDocPtr doc;
	cmark_node *holder, *n;

	*drop = e && e->kind == EL_DROP;
	if (*drop) {
		note_dropped(cv, &cv->r->elements);
		return NULL;
	}
	/* Only its event handlers, for the report, when it keeps only its
	 * content: a tag the parser reads as a start tag and nothing more
	 * has no attribute to look at otherwise. */
	if ((!e || (!is_inline_kind(e->kind) && e->kind != EL_VOID)) && !strstr(lit, "on") &&
	    !strstr(lit, "ON") && !strstr(lit, "On"))
		return NULL;
	doc = parse_fragment(lit, strlen(lit), &body);
	for (xmlNode *c = body ? body->children : NULL; c && !el; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			el = c;
	/* The parser may put the element in a paragraph of its own. */
	if (el && strcmp((const char *)el->name, name) && el->children &&
	    el->children->type == XML_ELEMENT_NODE)
		el = el->children;
	if (!el || strcmp((const char *)el->name, name) ||
	    !e || (!is_inline_kind(e->kind) && e->kind != EL_VOID)) {
		if (el && !strcmp((const char *)el->name, name))
			check_attrs(cv, el);
		xmlFreeDoc(doc);
		return NULL;
	}
	holder = node_new(cv, CMARK_NODE_PARAGRAPH);
	if (e->kind == EL_CODE) {
		/* Its content is the siblings up to its end tag. */
		n = node_new(cv, CMARK_NODE_CODE);
	} else {
		int whole;

		n = inline_node(cv, el, holder, &whole);
		if (whole)
			n = cmark_node_first_child(holder);
	}
	if (n)
		cmark_node_unlink(n);
	cmark_node_free(holder);
	xmlFreeDoc(doc);
	return n;
}

/* Wraps the siblings after marker, up to end (exclusive; NULL: all),
 * in node n, which takes marker's place; a code span takes their text. */
static void wrap_siblings(cmark_node *marker, cmark_node *end, cmark_node *n)
{
	cmark_node *c;

	if (n && cmark_node_get_type(n) == CMARK_NODE_CODE) {
		struct sbuf t = SBUF_INIT;

		while ((c = cmark_node_next(marker)) && c != end) {
			const char *lit = cmark_node_get_literal(c);

			if (lit && cmark_node_get_type(c) != CMARK_NODE_HTML_INLINE)
				sbuf_adds(&t, lit);
			else if (cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK)
				sbuf_addch(&t, ' ');
			cmark_node_free(c);
		}
		cmark_node_set_literal(n, t.buf);
		sbuf_release(&t);
	} else if (n) {
		while ((c = cmark_node_next(marker)) && c != end) {
			cmark_node_unlink(c);
			if (!cmark_node_append_child(n, c))
				cmark_node_free(c);
		}
	}
	if (n)
		cmark_node_insert_before(marker, n);
	cmark_node_free(marker);
}

struct open_tag {
	cmark_node *marker;
	cmark_node *node; /* what it makes; NULL: its content stays */
	char *name;
};

/* Pairs the inline tags among parent's children: what a start tag and
 * its end tag enclose goes into the element's node (a start tag without
 * one runs to the end of parent, as a browser reads it). */
static void pair_inlines(struct conv *cv, cmark_node *parent)
{
	struct open_tag *stack = NULL;
	size_t nr = 0, alloc = 0;
	struct sbuf name = SBUF_INIT;
	cmark_node *c, *next;

	for (c = cmark_node_first_child(parent); c; c = next) {
		const char *lit;
		int kind, drop;

		next = cmark_node_next(c);
		if (cmark_node_get_type(c) != CMARK_NODE_HTML_INLINE)
			continue;
		lit = cmark_node_get_literal(c);
		kind = tag_of(lit ? lit : "", &name);
		if (kind == 0) {
			cmark_node_free(c); /* a comment and its like */
		} else if (kind == -1) {
			size_t i = nr;

			while (i > 0 && strcmp(stack[i - 1].name, name.buf))
				i--;
			if (i > 0) {
				/* It closes stack[i - 1] and what opened inside. */
				while (nr >= i) {
					nr--;
					wrap_siblings(stack[nr].marker, c, stack[nr].node);
					free(stack[nr].name);
				}
			}
			cmark_node_free(c);
		} else {
			cmark_node *n = open_inline(cv, lit, name.buf, &drop);
			const struct el *e = el_find(name.buf);

			if (drop) {
				/* Up to its end tag, or the end of parent. */
				cmark_node *d = c, *dn = NULL;
				struct sbuf end = SBUF_INIT;

				sbuf_addf(&end, "</%s", name.buf);
				for (; d; d = dn) {
					const char *dl = cmark_node_get_literal(d);
					int last = d != c && cmark_node_get_type(d) == CMARK_NODE_HTML_INLINE &&
						   dl && text_ieq_n(dl, end.buf, end.len);

					dn = cmark_node_next(d);
					cmark_node_free(d);
					if (last)
						break;
				}
				next = dn;
				sbuf_release(&end);
			} else if (kind == 2 || (e && (e->kind == EL_BREAK || e->kind == EL_IMAGE ||
						       e->kind == EL_VOID))) {
				if (n)
					cmark_node_insert_before(c, n);
				cmark_node_free(c);
			} else {
				ALLOC_GROW(stack, nr + 1, alloc);
				stack[nr].marker = c;
				stack[nr].node = n;
				stack[nr].name = xstrdup(name.buf);
				nr++;
			}
		}
	}
	while (nr > 0) {
		nr--;
		wrap_siblings(stack[nr].marker, NULL, stack[nr].node);
		free(stack[nr].name);
	}
	free(stack);
	sbuf_release(&name);
}

/* How many elements an HTML block leaves open (negative: closes more
 * than it opens), by its tags, comments aside; those with no content or
 * an optional end tag are not counted. */
static int tag_balance(const char *lit)
{
	struct sbuf name = SBUF_INIT;
	int depth = 0;

	for (const char *p = lit; (p = strchr(p, '<'));) {
		int end = p[1] == '/';
		const char *q = p + 1 + end, *close;
		char quote = 0;

		if (!strncmp(p, "<!--", 4)) {
			const char *e = strstr(p + 4, "-->");

			if (!e)
				break;
			p = e + 3;
			continue;
		}
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))) {
			p++;
			continue;
		}
		sbuf_reset(&name);
		while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		       (*q >= '0' && *q <= '9') || *q == '-') {
			sbuf_addch(&name, *q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
			q++;
		}
		for (close = q; *close && (quote || *close != '>'); close++)
			if (*close == '"' || *close == '\'')
				quote = quote == *close ? 0 : quote ? quote : *close;
		if (!*close)
			break;
		if (!text_ieq_any(name.buf, uncounted, sizeof(uncounted) / sizeof(*uncounted)) &&
		    !(close > q && close[-1] == '/'))
			depth += end ? -1 : 1;
		p = close + 1;
	}
	sbuf_release(&name);
	return depth;
}

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(cmark_node *const *)a, y = (uintptr_t)*(cmark_node *const *)b;

	return x < y ? -1 : x > y;
}

/* The line offset node's lines count from (mdtree_line's user data on
 * it or an ancestor), 1 when none. */
static int line_offset(cmark_node *node)
{
	for (cmark_node *p = node; p; p = cmark_node_parent(p)) {
		intptr_t first = (intptr_t)cmark_node_get_user_data(p);

		if (first)
			return (int)first;
	}
	return 1;
}

/* Converts the HTML block at blocks[i] and, when it leaves an element
 * open, the blocks after it at its level up to the one that closes it;
 * marks the HTML blocks it took in gone[]. */
static void convert_block(struct conv *cv, cmark_node **blocks, cmark_node **sorted,
			  unsigned char *gone, size_t nr, size_t i,
			  const struct rawhtml_lines *lines)
{
	cmark_node *first = blocks[i], *last = first, *frag, *c, *next;
	struct sbuf html = SBUF_INIT;
	int depth = tag_balance(cmark_node_get_literal(first));
	xmlNode *body;
	htmlDocPtr doc;

	cv->line = lines->line(lines->ctx, first);
	cv->nr_md = 0;
	sbuf_adds(&html, cmark_node_get_literal(first));
	for (c = cmark_node_next(first); depth > 0 && c; c = cmark_node_next(c)) {
		last = c;
		if (cmark_node_get_type(c) == CMARK_NODE_HTML_BLOCK) {
			cmark_node **at = bsearch(&c, sorted, nr, sizeof(*sorted), ptr_cmp);

			if (at)
				gone[at - sorted] = 1;
			sbuf_adds(&html, cmark_node_get_literal(c));
			depth += tag_balance(cmark_node_get_literal(c));
		} else {
			cv->md = xrealloc(cv->md, (cv->nr_md + 1) * sizeof(*cv->md));
			cv->md_offset = xrealloc(cv->md_offset, (cv->nr_md + 1) * sizeof(int));
			cv->md[cv->nr_md] = c;
			cv->md_offset[cv->nr_md] = line_offset(c);
			sbuf_addf(&html, "\n<clew-md data-k=\"%zu\"></clew-md>\n", cv->nr_md);
			cv->nr_md++;
		}
	}
	/* Unlink the enclosed Markdown first: the conversion moves it. */
	for (size_t k = 0; k < cv->nr_md; k++)
		cmark_node_unlink(cv->md[k]);
	frag = node_new(cv, CMARK_NODE_CUSTOM_BLOCK);
	doc = parse_fragment(html.buf, html.len, &body);
	/* What the parser put in a head (a script or a style before any
	 * text) is dropped too, and counted. */
	for (xmlNode *h = doc && xmlDocGetRootElement(doc) ? xmlDocGetRootElement(doc)->children : NULL;
	     h; h = h->next)
		if (h->type == XML_ELEMENT_NODE && !strcmp((const char *)h->name, "head"))
			for (xmlNode *x = h->children; x; x = x->next) {
				const struct el *e = x->type == XML_ELEMENT_NODE ?
						     el_find((const char *)x->name) : NULL;

				if (e && e->kind == EL_DROP)
					note_dropped(cv, &cv->r->elements);
			}
	if (body)
		conv_blocks(cv, body->children, frag);
	xmlFreeDoc(doc);
	/* Markdown the HTML left no place for (inside a dropped element,
	 * say) is kept, after it. */
	for (size_t k = 0; k < cv->nr_md; k++)
		if (cv->md[k]) {
			cmark_node_set_user_data(cv->md[k], (void *)(intptr_t)cv->md_offset[k]);
			append(frag, cv->md[k]);
		}
	while ((c = cmark_node_first_child(frag))) {
		cmark_node_unlink(c);
		if (!cmark_node_get_user_data(c))
			cmark_node_set_user_data(c, (void *)(intptr_t)(cv->line > 0 ? cv->line : 1));
		if (!cmark_node_insert_before(first, c))
			cmark_node_free(c);
	}
	cmark_node_free(frag);
	for (c = first; c; c = next) {
		next = c == last ? NULL : cmark_node_next(c);
		cmark_node_free(c);
	}
	sbuf_release(&html);
}

/* A node whose children may be, or hold, raw HTML; collected first, as
 * the passes change the tree. */
void rawhtml_convert(cmark_node *root, cmark_mem *mem,
		     const struct rawhtml_lines *lines, struct rawhtml_report *r)
{
	struct conv cv = { .mem = mem, .r = r };
	cmark_iter *it = cmark_iter_new(root);
	cmark_node **blocks = NULL, **parents = NULL, **sorted;
	size_t nr_blocks = 0, alloc_blocks = 0, nr_parents = 0, alloc_parents = 0;
	unsigned char *gone;
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type ty = cmark_node_get_type(n);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (ty == CMARK_NODE_HTML_BLOCK) {
			ALLOC_GROW(blocks, nr_blocks + 1, alloc_blocks);
			blocks[nr_blocks++] = n;
		} else if (ty == CMARK_NODE_HTML_INLINE &&
			   (!nr_parents || parents[nr_parents - 1] != cmark_node_parent(n))) {
			ALLOC_GROW(parents, nr_parents + 1, alloc_parents);
			parents[nr_parents++] = cmark_node_parent(n);
		}
	}
	cmark_iter_free(it);
	/* Inline tags first: a block's conversion moves Markdown, not
	 * rebuilds it, so its parents stay valid. */
	for (size_t i = 0; i < nr_parents; i++) {
		cv.line = lines->line(lines->ctx, parents[i]);
		pair_inlines(&cv, parents[i]);
	}
	sorted = xmalloc((nr_blocks + 1) * sizeof(*sorted));
	if (nr_blocks)
		memcpy(sorted, blocks, nr_blocks * sizeof(*sorted));
	qsort(sorted, nr_blocks, sizeof(*sorted), ptr_cmp);
	gone = xcalloc(nr_blocks + 1, 1);
	for (size_t i = 0; i < nr_blocks; i++) {
		cmark_node **at = bsearch(&blocks[i], sorted, nr_blocks, sizeof(*sorted), ptr_cmp);

		if (!gone[at - sorted]) {
			gone[at - sorted] = 1;
			convert_block(&cv, blocks, sorted, gone, nr_blocks, i, lines);
		}
	}
	free(gone);
	free(sorted);
	free(blocks);
	free(parents);
	free(cv.md);
	free(cv.md_offset);
}
