/* treeview: lays out the decision tree for the /wizard/tree page. */
#include "treeview.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "pages.h"

/* Geometry, in SVG user units. */
enum {
	COL = 390,   /* distance between depths */
	BOX_W = 250, /* node box */
	BOX_H = 30,
	ROW = 42,    /* distance between leaves */
	MARGIN = 10,
	MAX_LABEL = 34, /* characters shown in a box; the rest in a tooltip */
};

struct layout {
	cJSON *nodes, *edges;
	int next_row;
	int max_depth;
};

/* Appends s cut to at most max characters (UTF-8 aware), with "…". */
static void shorten(struct sbuf *out, const char *s, int max)
{
	int chars = 0;
	const char *p = s;

	while (*p && chars < max) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		chars++;
	}
	sbuf_add(out, s, (size_t)(p - s));
	if (*p)
		sbuf_adds(out, "\xE2\x80\xA6");
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static cJSON *add_node(struct layout *l, int depth, int y, int leaf,
		       const char *label, const char *title)
{
	cJSON *n = cJSON_CreateObject();
	struct sbuf s = SBUF_INIT;

	cJSON_AddNumberToObject(n, "x", MARGIN + depth * COL);
	cJSON_AddNumberToObject(n, "y", y - BOX_H / 2);
	cJSON_AddNumberToObject(n, "w", BOX_W);
	cJSON_AddNumberToObject(n, "h", BOX_H);
	cJSON_AddNumberToObject(n, "tx", MARGIN + depth * COL + 8);
	cJSON_AddNumberToObject(n, "ty", y + 5);
	cJSON_AddBoolToObject(n, "leaf", leaf);
	shorten(&s, label, MAX_LABEL);
	cJSON_AddStringToObject(n, "label", s.buf);
	cJSON_AddStringToObject(n, "title", title);
	cJSON_AddItemToArray(l->nodes, n);
	sbuf_release(&s);
	return n;
}

/* Lays out node at depth; path is the wizard URL leading to it. Returns
 * the node's vertical centre. */
static int place(struct layout *l, const cJSON *node, int depth,
		 struct sbuf *path)
{
	const cJSON *edges = cJSON_GetObjectItemCaseSensitive(node, "answers");
	const cJSON *e;
	int first = -1, last = -1, y;

	if (depth > l->max_depth)
		l->max_depth = depth;
	if (!cJSON_IsArray(edges)) {
		/* A leaf: the top cause, linking to the wizard at this path. */
		const cJSON *top = cJSON_GetArrayItem(
			cJSON_GetObjectItemCaseSensitive(node, "causes"), 0);
		struct sbuf label = SBUF_INIT, title = SBUF_INIT;
		cJSON *n;

		y = MARGIN + BOX_H / 2 + l->next_row++ * ROW;
		if (top) {
			double p = cJSON_GetObjectItemCaseSensitive(top, "probability")->valuedouble;

			sbuf_addf(&label, "%.0f%% ", p * 100);
			sbuf_adds(&label, str(top, "title"));
			sbuf_addf(&title, "%.0f%%: %s", p * 100, str(top, "title"));
		} else {
			sbuf_adds(&label, "No listed cause");
			sbuf_adds(&title, "No listed cause fits these answers");
		}
		n = add_node(l, depth, y, 1, label.buf, title.buf);
		cJSON_AddStringToObject(n, "url", path->buf);
		sbuf_release(&label);
		sbuf_release(&title);
		return y;
	}
	cJSON_ArrayForEach(e, edges) {
		size_t len = path->len;
		int cy;

		sbuf_addch(path, strchr(path->buf, '?') ? '&' : '?');
		page_url_encode(path, str(node, "question"));
		sbuf_addch(path, '=');
		page_url_encode(path, str(e, "value"));
		cy = place(l, cJSON_GetObjectItemCaseSensitive(e, "node"), depth + 1, path);
		sbuf_setlen(path, len);
		if (first < 0)
			first = cy;
		last = cy;
		{
			cJSON *edge = cJSON_CreateObject();
			struct sbuf label = SBUF_INIT;

			/* The edge's y at the parent is fixed once all children
			 * are placed: filled in below. */
			cJSON_AddNumberToObject(edge, "x1", MARGIN + depth * COL + BOX_W);
			cJSON_AddNumberToObject(edge, "x2", MARGIN + (depth + 1) * COL);
			cJSON_AddNumberToObject(edge, "y2", cy);
			cJSON_AddNumberToObject(edge, "lx", MARGIN + depth * COL + BOX_W + 6);
			cJSON_AddNumberToObject(edge, "ly", cy - 4);
			shorten(&label, str(e, "label"), 20);
			cJSON_AddStringToObject(edge, "label", label.buf);
			cJSON_AddStringToObject(edge, "title", str(e, "label"));
			cJSON_AddItemToArray(l->edges, edge);
			sbuf_release(&label);
		}
	}
	y = (first + last) / 2;
	/* Give this node's edges (the last ones added without y1) their start. */
	for (cJSON *edge = l->edges->child; edge; edge = edge->next)
		if (!cJSON_GetObjectItemCaseSensitive(edge, "y1") &&
		    cJSON_GetObjectItemCaseSensitive(edge, "x1")->valueint ==
			    MARGIN + depth * COL + BOX_W)
			cJSON_AddNumberToObject(edge, "y1", y);
	{
		struct sbuf title = SBUF_INIT;

		sbuf_addf(&title, "%s (%s, %.2f bits)", str(node, "text"),
			  str(node, "question"),
			  cJSON_GetObjectItemCaseSensitive(node, "information_gain")->valuedouble);
		add_node(l, depth, y, 0, str(node, "text"), title.buf);
		sbuf_release(&title);
	}
	return y;
}

cJSON *treeview_layout(const cJSON *tree, const char *problem)
{
	struct layout l = { cJSON_CreateArray(), cJSON_CreateArray(), 0, 0 };
	struct sbuf path = SBUF_INIT;
	cJSON *doc = cJSON_CreateObject();

	sbuf_adds(&path, "/wizard");
	if (problem) {
		sbuf_adds(&path, "?problem=");
		page_url_encode(&path, problem);
	}
	place(&l, cJSON_GetObjectItemCaseSensitive(tree, "root"), 0, &path);
	cJSON_AddNumberToObject(doc, "width", 2 * MARGIN + l.max_depth * COL + BOX_W);
	cJSON_AddNumberToObject(doc, "height", 2 * MARGIN + (l.next_row ? l.next_row : 1) * ROW);
	cJSON_AddItemToObject(doc, "nodes", l.nodes);
	cJSON_AddItemToObject(doc, "edges", l.edges);
	sbuf_release(&path);
	return doc;
}
