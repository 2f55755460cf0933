/* article_tables: the rows of a table read as causes and solutions. */
#include "article_internal.h"

#include "../base/sbuf.h"
#include "headings.h"

/* Under a Reasons or Solutions heading, each row of a table is an item:
 * titled by its cell in the column whose header names the heading's kind
 * ("Cause" in a Causes section), else by its first cell; its HTML the
 * other cells, each after its column's header. Under a Reasons heading, a
 * column whose header names solutions ("Resolution") gives each row's
 * cause its own solution. */
void article_add_table_rows(struct walk *w, cmark_node *head, cmark_node *row)
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
			article_add_entry(w, NULL, w->mode, text.buf, title.buf,
					  html.buf, line, 1, 0);
			/* The row's own fix, for its cause only. */
			if (fix_text.len && w->a->nr_causes > c) {
				article_add_entry(w, NULL, KB_SECTION_SOLUTIONS,
						  fix_text.buf, NULL, fix_html.buf,
						  line, 1, 0);
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
