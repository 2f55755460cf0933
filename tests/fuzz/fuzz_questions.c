/* fuzz_questions: one question catalogue (front matter "type: questions",
 * a heading per question with its annotation, help text, a list of
 * `value`: label options) through questions_from_tree, as `clew compile`
 * reads kb/questions.md. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/base/diag.h"
#include "../../server/base/sbuf.h"
#include "../../server/base/text.h"
#include "../../server/content/kb.h"
#include "../../server/compiler/mdtree.h"
#include "../../server/compiler/questions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What every question the parser keeps must be: the engine and the writer
 * rely on it without checking again. */
static void check_questions(const struct kb_questions *qs)
{
	for (size_t i = 0; i < qs->nr; i++) {
		const struct kb_question *q = &qs->items[i];

		if (!text_is_id(q->id) || !q->text || !q->help_html ||
		    !q->help_text || !q->path)
			abort();
		for (size_t j = 0; j < i; j++)
			if (!strcmp(qs->items[j].id, q->id))
				abort();
		for (size_t j = 0; j < q->nr_options; j++) {
			if (!text_is_id(q->options[j].value) ||
			    !strcmp(q->options[j].value, KB_UNKNOWN) ||
			    !q->options[j].label || !*q->options[j].label)
				abort();
			for (size_t k = 0; k < j; k++)
				if (!strcmp(q->options[k].value, q->options[j].value))
					abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf buf = SBUF_INIT;
	struct diag d = DIAG_INIT;
	struct kb_questions qs = { 0 };
	struct mdtree t;

	if (size > 64 * 1024)
		return -1;
	sbuf_add(&buf, data, size);
	text_normalize_newlines(&buf);
	/* Whatever the front matter says: `clew compile` only asks
	 * questions_is_catalog first, and any file can say it. */
	if (!mdtree_parse(&t, "questions.md", buf.buf, buf.len, NULL, NULL, &d)) {
		(void)questions_is_catalog(&t);
		if (questions_from_tree(&t, &qs, &d) && !d.errors)
			abort(); /* a failure always says why */
		check_questions(&qs);
		mdtree_release(&t);
	}
	kb_questions_release(&qs);
	diag_release(&d);
	sbuf_release(&buf);
	return 0;
}
