/* compile_report: a compile run's outcome and every problem, as a JSON
 * file (`clew compile --report FILE`), for a big import's review and for
 * tools. The format is in docs/authoring.md ("Big imports"). */
#ifndef CLEW_COMPILE_REPORT_H
#define CLEW_COMPILE_REPORT_H

#include "../base/diag.h"
#include "compile.h"

/* Writes the report of a run that wrote output (written 1) or not to
 * path ("-": standard output). Returns 0, or -1 with a message in err
 * (a caller's sbuf). */
struct sbuf;
int compile_report_write(const char *path, const char *output, int written,
			 const struct compile_stats *st, const struct diag *d,
			 struct sbuf *err);

#endif
