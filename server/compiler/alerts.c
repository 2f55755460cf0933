/* alerts: "> [!NOTE]", ":::tip" and alert divs made accessible notes. */
#include "alerts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"

struct kind {
	const char *word;
	enum alert_kind kind;
};

static const struct kind kinds[] = {
	{ "note", ALERT_NOTE },
	{ "info", ALERT_NOTE },
	{ "notice", ALERT_NOTE },
	{ "tip", ALERT_TIP },
	{ "hint", ALERT_TIP },
	{ "success", ALERT_TIP },
	{ "important", ALERT_IMPORTANT },
	{ "warning", ALERT_WARNING },
	{ "warn", ALERT_WARNING },
	{ "caution", ALERT_CAUTION },
	{ "danger", ALERT_CAUTION },
	{ "error", ALERT_CAUTION },
};

/* Per kind: its class and its label. */
static const char *const classes[] = {
	"<div class=\"alert alert-note\" role=\"note\" aria-label=\"Note\">",
	"<div class=\"alert alert-tip\" role=\"note\" aria-label=\"Tip\">",
	"<div class=\"alert alert-important\" role=\"note\" aria-label=\"Important\">",
	"<div class=\"alert alert-warning\" role=\"note\" aria-label=\"Warning\">",
	"<div class=\"alert alert-caution\" role=\"note\" aria-label=\"Caution\">",
};
static const char *const labels[] = { "Note", "Tip", "Important", "Warning", "Caution" };

int alerts_kind(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (strlen(kinds[i].word) == len && text_ieq_n(word, kinds[i].word, len))
			return (int)kinds[i].kind;
	return -1;
}

cmark_node *alerts_new(cmark_mem *mem, enum alert_kind kind, const char *title)
{
	cmark_node *n = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, mem);
	cmark_node *head = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, mem);
	cmark_node *text = cmark_node_new_with_mem(CMARK_NODE_TEXT, mem);

	cmark_node_set_on_enter(n, classes[kind]);
	cmark_node_set_on_exit(n, "</div>");
	cmark_node_set_on_enter(head, "<p class=\"alert-title\">");
	cmark_node_set_on_exit(head, "</p>");
	cmark_node_set_literal(text, title && *title ? title : labels[kind]);
	cmark_node_append_child(head, text);
	cmark_node_append_child(n, head);
	return n;
}

/* The kind "[!KIND]" names, when the text of para's first line (up to a
 * line break) is that and nothing else; sets *end to the node after that
 * line (NULL: the paragraph's end). -1 otherwise. */
static int quote_kind(cmark_node *para, cmark_node **end)
{
	struct sbuf line = SBUF_INIT;
	cmark_node *c;
	const char *s;
	size_t n;
	int kind = -1;

	for (c = cmark_node_first_child(para); c; c = cmark_node_next(c)) {
		cmark_node_type ty = cmark_node_get_type(c);

		if (ty == CMARK_NODE_SOFTBREAK || ty == CMARK_NODE_LINEBREAK)
			break;
		if (ty != CMARK_NODE_TEXT)
			goto done;
		sbuf_adds(&line, cmark_node_get_literal(c));
	}
	s = text_ltrim(line.buf);
	n = text_rtrim_len(s, strlen(s));
	if (n > 4 && s[0] == '[' && s[1] == '!' && s[n - 1] == ']')
		kind = alerts_kind(s + 2, n - 3);
	*end = c ? cmark_node_next(c) : NULL;
done:
	sbuf_release(&line);
	return kind;
}

static void convert_quote(cmark_node *quote, cmark_mem *mem)
{
	cmark_node *para = cmark_node_first_child(quote), *end, *alert, *c;
	int kind;

	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH ||
	    (kind = quote_kind(para, &end)) < 0)
		return;
	while ((c = cmark_node_first_child(para)) && c != end)
		cmark_node_free(c);
	if (!cmark_node_first_child(para))
		cmark_node_free(para);
	alert = alerts_new(mem, (enum alert_kind)kind, NULL);
	cmark_node_set_user_data(alert, cmark_node_get_user_data(quote));
	while ((c = cmark_node_first_child(quote))) {
		cmark_node_unlink(c);
		cmark_node_append_child(alert, c);
	}
	cmark_node_insert_before(quote, alert);
	cmark_node_free(quote);
}

/* The kind and the title (percent-decoded: docsyntax.c writes '%', '-'
 * and '>' as %25, %2D and %3E) of a marker "<!--clew:alert KIND TITLE-->",
 * or -1 when lit is none. */
static int marker_kind(const char *lit, struct sbuf *title)
{
	static const char open[] = "<!--clew:alert ";
	const char *p = lit ? text_ltrim(lit) : "", *end;
	size_t n;
	int kind;

	if (strncmp(p, open, sizeof(open) - 1))
		return -1;
	p += sizeof(open) - 1;
	n = strcspn(p, " -");
	if ((kind = alerts_kind(p, n)) < 0)
		return -1;
	p += n;
	p += strspn(p, " ");
	end = strstr(p, "-->");
	sbuf_reset(title);
	for (; end && p < end; p++) {
		int hi, lo;

		if (*p == '%' && p + 2 < end && (hi = text_hex_digit(p[1])) >= 0 &&
		    (lo = text_hex_digit(p[2])) >= 0) {
			sbuf_addch(title, hi * 16 + lo);
			p += 2;
		} else {
			sbuf_addch(title, *p);
		}
	}
	sbuf_rtrim(title);
	return kind;
}

static int is_end_marker(cmark_node *n)
{
	const char *lit;

	if (cmark_node_get_type(n) != CMARK_NODE_HTML_BLOCK || !(lit = cmark_node_get_literal(n)))
		return 0;
	lit = text_ltrim(lit);
	return !strncmp(lit, "<!--clew:end-->", 15) && !*text_ltrim(lit + 15);
}

/* Wraps the blocks after the marker at open, up to its end marker (NULL:
 * to the end of the level), in an alert. */
static void convert_marker(cmark_node *open, int kind, const char *title, cmark_mem *mem)
{
	cmark_node *alert = alerts_new(mem, (enum alert_kind)kind, title), *c;
	struct sbuf t = SBUF_INIT;
	int depth = 1;

	cmark_node_set_user_data(alert, (void *)(intptr_t)cmark_node_get_start_line(open));
	if (!cmark_node_get_user_data(alert))
		cmark_node_set_user_data(alert, cmark_node_get_user_data(open));
	while ((c = cmark_node_next(open))) {
		if (cmark_node_get_type(c) == CMARK_NODE_HTML_BLOCK) {
			if (marker_kind(cmark_node_get_literal(c), &t) >= 0)
				depth++;
			else if (is_end_marker(c) && --depth == 0) {
				cmark_node_free(c);
				break;
			}
		}
		cmark_node_unlink(c);
		cmark_node_append_child(alert, c);
	}
	cmark_node_insert_before(open, alert);
	cmark_node_free(open);
	sbuf_release(&t);
}

void alerts_convert(cmark_node *root, cmark_mem *mem)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_node **quotes = NULL, **markers = NULL;
	size_t nr_q = 0, alloc_q = 0, nr_m = 0, alloc_m = 0;
	struct sbuf title = SBUF_INIT;
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type ty = cmark_node_get_type(n);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (ty == CMARK_NODE_BLOCK_QUOTE) {
			ALLOC_GROW(quotes, nr_q + 1, alloc_q);
			quotes[nr_q++] = n;
		} else if (ty == CMARK_NODE_HTML_BLOCK &&
			   (marker_kind(cmark_node_get_literal(n), &title) >= 0 || is_end_marker(n))) {
			ALLOC_GROW(markers, nr_m + 1, alloc_m);
			markers[nr_m++] = n;
		}
	}
	cmark_iter_free(it);
	/* Innermost first: a quote inside a quote is converted before the
	 * outer one moves it. */
	for (size_t i = nr_q; i-- > 0;)
		convert_quote(quotes[i], mem);
	/* Markers, last first, so that each one's blocks are whole alerts
	 * already; an end marker left over had no start. */
	for (size_t i = nr_m; i-- > 0;) {
		int kind = marker_kind(cmark_node_get_literal(markers[i]), &title);

		if (kind >= 0)
			convert_marker(markers[i], kind, title.buf, mem);
	}
	/* An end marker left over had no start: it goes. */
	if (nr_m) {
		nr_m = 0;
		it = cmark_iter_new(root);
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
			if (ev == CMARK_EVENT_ENTER && is_end_marker(cmark_iter_get_node(it))) {
				ALLOC_GROW(markers, nr_m + 1, alloc_m);
				markers[nr_m++] = cmark_iter_get_node(it);
			}
		cmark_iter_free(it);
		for (size_t i = 0; i < nr_m; i++)
			cmark_node_free(markers[i]);
	}
	free(quotes);
	free(markers);
	sbuf_release(&title);
}
