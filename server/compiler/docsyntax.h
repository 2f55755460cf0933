/* docsyntax: the block syntax of the docs platforms that CommonMark reads
 * as text, rewritten line for line (the line count kept, so every line
 * number stays the source's) before the page is parsed:
 *
 *   :::note Title ... :::                 (Docusaurus; any alert kind,
 *                                          alerts.h, ":::tip[Title]" too)
 *       -> <!--clew:alert note Title--> ... <!--clew:end-->  (alerts.h)
 *   :::image type="content" source="a.png" alt-text="Text":::
 *       -> ![Text](<a.png>)                 (Microsoft Learn; a "complex"
 *                                          image's long description, up
 *                                          to :::image-end:::, is left out)
 *   [!INCLUDE [title](path.md)]            (Microsoft Learn, alone on its
 *       -> <!--clew:include path.md-->      line; include.h resolves it)
 *   :::zone ...:::, :::row:::, :::column:::, their -end lines
 *       -> blank (their content stays)
 *
 * Fenced code blocks are left as they are. */
#ifndef CLEW_DOCSYNTAX_H
#define CLEW_DOCSYNTAX_H

#include <stddef.h>

#include "../base/sbuf.h"

/* When body (len bytes, NUL-terminated) holds any of the syntax above,
 * appends its rewrite to out and returns 1; otherwise returns 0 and
 * leaves out alone. */
int docsyntax_rewrite(const char *body, size_t len, struct sbuf *out);

#endif
