/* questions: reads a question catalogue written in Markdown. */
#include "questions.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"

int questions_is_catalog(const struct mdtree *t)
{
	const cJSON *type = frontmatter_get(&t->fm, "type");

	/* A catalogue with a YAML slip: read as one, so that its body's
	 * errors are reported and the articles' conditions still find its
	 * questions (not one "unknown question" per condition). */
	if (t->fm_failed)
		for (size_t i = 0; i < t->nr_annots; i++)
			if (t->annots[i].a.kind == ANNOT_QUESTION)
				return 1;
	return cJSON_IsString(type) && text_ieq(type->valuestring, "questions");
}

static int is_reserved(const char *id)
{
	return !strcmp(id, KB_Q_PROBLEM) || !strcmp(id, KB_Q_PLATFORM);
}

/* Reads one option item: `value` then its label. */
static int add_option(struct mdtree *t, struct kb_question *q,
		      cmark_node *item, struct diag *d)
{
	cmark_node *para = cmark_node_first_child(item);
	cmark_node *code = para ? cmark_node_first_child(para) : NULL;
	struct sbuf label = SBUF_INIT;
	const char *value, *l;
	int line = mdtree_line(t, item);
	int col = cmark_node_get_start_column(item);
	int ret = -1;

	if (!code || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH ||
	    cmark_node_get_type(code) != CMARK_NODE_CODE) {
		diag_error(d, t->path, line, col,
			   "option of question '%s' must start with its value in "
			   "backticks, as in: - `yes`: Yes, it does", q->id);
		return -1;
	}
	value = cmark_node_get_literal(code);
	if (!text_is_id(value)) {
		diag_error(d, t->path, line, col,
			   "option value '%s' of question '%s' must be lowercase "
			   "letters, digits, '-', '_' or '.'", value, q->id);
		return -1;
	}
	if (!strcmp(value, KB_UNKNOWN)) {
		diag_error(d, t->path, line, col,
			   "option value 'unknown' of question '%s' is reserved: "
			   "every question accepts it already", q->id);
		return -1;
	}
	for (size_t i = 0; i < q->nr_options; i++)
		if (!strcmp(q->options[i].value, value)) {
			diag_error(d, t->path, line, col,
				   "duplicate option '%s' of question '%s'", value,
				   q->id);
			return -1;
		}
	/* The paragraph's text starts with the value: the label is the rest
	 * (taken whole, so spaces at line breaks survive). */
	mdtree_plain_text(para, &label);
	l = label.buf + (strlen(value) <= label.len ? strlen(value) : label.len);
	while (*l && (strchr(" \t:-", *l) || !strncmp(l, "\xE2\x80\x94", 3) ||
		      !strncmp(l, "\xE2\x80\x93", 3)))
		l += (unsigned char)*l >= 0x80 ? 3 : 1;
	kb_question_add_option(q, value, *l ? l : value);
	ret = 0;
	sbuf_release(&label);
	return ret;
}

static int finish_question(struct mdtree *t, struct kb_question *q,
			   struct sbuf *help_html, struct sbuf *help_text,
			   struct kb_questions *qs, struct diag *d)
{
	int ret = 0;

	sbuf_rtrim(help_text);
	q->help_html = sbuf_detach(help_html, NULL);
	q->help_text = sbuf_detach(help_text, NULL);
	if (!is_reserved(q->id) && q->nr_options == 0) {
		diag_error(d, t->path, q->line, q->col,
			   "question '%s' has no options: add a list of "
			   "- `value`: label items under it", q->id);
		ret = -1;
	}
	if (kb_questions_find(qs, q->id)) {
		const struct kb_question *first = kb_questions_find(qs, q->id);
		diag_error(d, t->path, q->line, q->col,
			   "duplicate question id '%s' (first at %s:%d)", q->id,
			   first->path, first->line);
		ret = -1;
	}
	if (ret) {
		kb_question_release(q);
		return ret;
	}
	ALLOC_GROW(qs->items, qs->nr + 1, qs->alloc);
	qs->items[qs->nr++] = *q;
	memset(q, 0, sizeof(*q));
	return 0;
}

int questions_from_tree(struct mdtree *t, struct kb_questions *qs,
			struct diag *d)
{
	struct kb_question q = { 0 };
	struct sbuf help_html = SBUF_INIT, help_text = SBUF_INIT;
	int open = 0, ret = t->annot_errors ? -1 : 0;

	for (cmark_node *n = cmark_node_first_child(t->root); n;
	     n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
			struct mdtree_annot *ma = mdtree_annot_for(t, n);
			struct sbuf text = SBUF_INIT;

			if (open && finish_question(t, &q, &help_html,
						    &help_text, qs, d))
				ret = -1;
			open = 0;
			if (!ma || ma->a.kind != ANNOT_QUESTION || !ma->a.id)
				continue;
			ma->used = 1;
			mdtree_plain_text(n, &text);
			q.id = xstrdup(ma->a.id);
			q.text = sbuf_detach(&text, NULL);
			q.applies = ma->a.conds;
			memset(&ma->a.conds, 0, sizeof(ma->a.conds));
			q.path = xstrdup(t->path);
			q.line = mdtree_line(t, n);
			q.col = 1;
			q.authored = 1;
			open = 1;
			continue;
		}
		if (!open)
			continue;
		if (cmark_node_get_type(n) == CMARK_NODE_LIST) {
			if (is_reserved(q.id)) {
				diag_error(d, t->path, mdtree_line(t, n), 1,
					   "question '%s' takes its options from the "
					   "articles: remove this list", q.id);
				ret = -1;
				continue;
			}
			for (cmark_node *it = cmark_node_first_child(n); it;
			     it = cmark_node_next(it))
				if (add_option(t, &q, it, d))
					ret = -1;
			continue;
		}
		mdtree_render(n, &help_html);
		mdtree_plain_text(n, &help_text);
		sbuf_addch(&help_text, '\n');
	}
	if (open && finish_question(t, &q, &help_html, &help_text, qs, d))
		ret = -1;
	for (size_t i = 0; i < t->nr_annots; i++) {
		const struct annot *an = &t->annots[i].a;

		if (t->annots[i].used)
			continue;
		diag_error(d, t->path, an->line, an->col,
			   "malformed annotation: in a question catalogue, an "
			   "annotation must be 'question: ID' under the question's "
			   "heading");
		ret = -1;
	}
	sbuf_release(&help_html);
	sbuf_release(&help_text);
	return ret;
}
