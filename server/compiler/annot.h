/* annot: parses the annotations authors write in HTML comments, such as
 * <!-- cause: android-a2dp-only; when: sco_supported=no; solutions: use-sco -->.
 * The syntax is documented in docs/authoring.md. */
#ifndef CLEW_ANNOT_H
#define CLEW_ANNOT_H

#include "../base/diag.h"
#include "../content/kb.h"

enum annot_kind {
	ANNOT_CAUSE,
	ANNOT_SOLUTION,
	ANNOT_QUESTION,
};

struct annot {
	enum annot_kind kind;
	char *id;
	struct kb_conds conds; /* "when" of a cause, "applies" of a question */
	struct kb_strs refs;   /* "solutions" of a cause, "fixes" of a solution */
	double *ref_fix;       /* per ref: its "=P" fix probability; 0: none */
	double weight;         /* cause "weight"; 0 when absent */
	double cost;           /* solution "cost", minutes; 0 when absent */
	double fix;            /* solution "fix": its default P; 0: absent */
	int line, col;
};

enum annot_result {
	ANNOT_NONE = 0, /* an ordinary comment: not ours */
	ANNOT_OK = 1,
	ANNOT_FAILED = -1, /* malformed: errors were added to d */
};

/* Parses one HTML comment (the whole "<!-- ... -->" or just its inside).
 * On ANNOT_OK fills *out (release with annot_release); on ANNOT_FAILED
 * reports each problem to d at path:line:col (the comment's position). */
enum annot_result annot_parse(const char *comment, const char *path, int line,
			      int col, struct diag *d, struct annot *out);

void annot_release(struct annot *a);

/* Parses a cost ("5", "5 min", "90 s", "1.5 h") into minutes. Returns
 * 0, or -1 when it is no positive duration of a day or less. */
int annot_parse_cost(const char *s, double *minutes);

/* Parses a probability ("0.7", "70%"). Returns 0, or -1 when it is not
 * above 0 and at most 1. */
int annot_parse_probability(const char *s, double *p);

/* Parses "q=v|v, q2=v" into conds; returns 0, or -1 after reporting. */
int annot_parse_conds(const char *s, const char *path, int line, int col,
		      struct diag *d, struct kb_conds *conds);

#endif
