/* alerts: notes and warnings set apart from the text, as the docs
 * platforms write them ("> [!NOTE]" on GitHub and Microsoft Learn,
 * ":::tip" in Docusaurus, <div class="alert warning"> in help-center
 * exports), made one accessible block: a div with role "note", a label
 * and the kind's class, holding a title and the content. */
#ifndef CLEW_ALERTS_H
#define CLEW_ALERTS_H

#include <stddef.h>

#include <cmark.h>

enum alert_kind {
	ALERT_NOTE,
	ALERT_TIP,
	ALERT_IMPORTANT,
	ALERT_WARNING,
	ALERT_CAUTION,
};

/* The kind word (len bytes) names, any case: note, tip, important,
 * warning, caution, and their kin (info -> note, hint and success -> tip,
 * danger and error -> caution). Returns -1 for any other word. */
int alerts_kind(const char *word, size_t len);

/* A new alert of kind, its nodes made with mem: a custom block holding a
 * title block (title, or the kind's label when title is NULL or ""). The
 * caller appends the content after the title and owns the node. */
cmark_node *alerts_new(cmark_mem *mem, enum alert_kind kind, const char *title);

/* Under root: each block quote whose first line is "[!KIND]" (and
 * nothing else) becomes an alert of that kind holding the rest of the
 * quote; each HTML block "<!--clew:alert KIND TITLE-->" (docsyntax.h's
 * rewrite of ":::KIND TITLE") and the blocks after it at its level, up to
 * the matching "<!--clew:end-->", become an alert. A marker without its
 * end runs to the end of its level. */
void alerts_convert(cmark_node *root, cmark_mem *mem);

#endif
