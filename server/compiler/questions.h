/* questions: reads a question catalogue (a Markdown file whose front matter
 * says "type: questions"): one heading per question, an annotation with its
 * id, help paragraphs, and a list of `value`: label options. */
#ifndef CLEW_QUESTIONS_H
#define CLEW_QUESTIONS_H

#include "../base/diag.h"
#include "mdtree.h"
#include "../content/kb.h"

/* Returns 1 when the tree's front matter marks a question catalogue
 * ("type: questions"), or, when its front matter could not be read, when
 * its body holds question annotations. */
int questions_is_catalog(const struct mdtree *t);

/* Appends the questions of t to qs. Returns 0, or -1 after reporting every
 * problem to d (questions that parsed are still appended). */
int questions_from_tree(struct mdtree *t, struct kb_questions *qs,
			struct diag *d);

#endif
