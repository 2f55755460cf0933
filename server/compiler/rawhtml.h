/* rawhtml: the HTML authors write in their Markdown, kept safely.
 *
 * Each raw HTML node cmark leaves in a tree (an HTML block, an inline
 * tag) is parsed with libxml2's HTML parser and replaced by ordinary cmark
 * nodes made from what an allow-list keeps: paragraphs, headings, lists,
 * tables, block quotes, code, emphasis, line breaks, details and summary,
 * kbd, sup and sub, links with safe addresses, images with safe sources.
 * The page, the search text and the titles of causes and steps then see it
 * as they see Markdown, and cmark's safe renderer writes it: no byte an
 * author wrote as HTML reaches a page but as escaped text or as a tag of
 * the list. Dropped: script, style and their like with their content;
 * every attribute not on the list (event handlers, style, class); links
 * and images whose address is not safe. Elements not on the list (forms,
 * frames, unknown tags) leave their text. A div whose class names a note
 * or a warning becomes an alert (alerts.h). docs/authoring.md lists it
 * all. */
#ifndef CLEW_RAWHTML_H
#define CLEW_RAWHTML_H

#include <cmark.h>

/* What was left out that an author may want to know of, for one warning
 * a page. */
struct rawhtml_report {
	int elements;   /* script, style, iframe content, ...: with their content */
	int handlers;   /* event-handler attributes (onclick=...) */
	int urls;       /* links and images whose address is not safe */
	int first_line; /* the body line of the first of them; 0: none */
};

/* Where a node of the tree is: its line counted from the body's first
 * (1-based; 0 when unknown), and the offset the tree's line bookkeeping
 * gives it (mdtree_line: a node's user data). */
struct rawhtml_lines {
	int (*line)(void *ctx, cmark_node *node);
	void *ctx;
};

/* Replaces every HTML block and HTML inline node under root by nodes
 * made with mem (the allocator of root's nodes) from what the allow-list
 * keeps; comments go (read the annotations in them first). An HTML block
 * that opens an element (say "<div class="note">") and a later block at
 * its level that closes it enclose the Markdown between: that Markdown's
 * nodes are moved, not rebuilt, into the element. Made nodes carry, as
 * user data, the body line of the HTML they came from. Adds what was
 * dropped to *r. */
void rawhtml_convert(cmark_node *root, cmark_mem *mem,
		     const struct rawhtml_lines *lines, struct rawhtml_report *r);

/* 1 when url may be a link's address (image: an image's source): no
 * scheme (a path or a fragment), or http, https, mailto or tel (an
 * image: http, https, or data:image/ png, gif, jpeg or webp). ASCII
 * white space and control characters, which browsers drop from URLs, are
 * not counted. */
int rawhtml_url_is_safe(const char *url, int image);

#endif
