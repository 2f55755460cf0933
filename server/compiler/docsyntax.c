/* docsyntax: ":::" blocks, ":::image" and "[!INCLUDE]" lines rewritten. */
#define _GNU_SOURCE /* memmem */
#include "docsyntax.h"

#include <string.h>

#include "../base/text.h"
#include "alerts.h"

/* The value of key="..." among a ":::image" line's attributes (the line
 * from p to end), appended to out; 1 when it is there. */
static int image_attr(const char *p, const char *end, const char *key, struct sbuf *out)
{
	size_t n = strlen(key);

	for (; p + n + 2 <= end; p++) {
		const char *v, *close;

		if ((p[-1] != ' ' && p[-1] != '\t') || strncmp(p, key, n) || p[n] != '=' ||
		    (p[n + 1] != '"' && p[n + 1] != '\''))
			continue;
		v = p + n + 2;
		close = memchr(v, p[n + 1], (size_t)(end - v));
		if (!close)
			return 0;
		sbuf_add(out, v, (size_t)(close - v));
		return 1;
	}
	return 0;
}

/* Appends an image's Markdown for a ":::image ...:::" line (attributes
 * from p to end): returns 0, appending nothing, without a source. */
static int add_image(const char *p, const char *end, struct sbuf *out)
{
	struct sbuf src = SBUF_INIT, alt = SBUF_INIT;
	int ok = image_attr(p, end, "source", &src) && src.len &&
		 !memchr(src.buf, '<', src.len) && !memchr(src.buf, '>', src.len);

	if (ok) {
		image_attr(p, end, "alt-text", &alt);
		sbuf_adds(out, "![");
		for (size_t i = 0; i < alt.len; i++) {
			/* Markdown's own characters in the text, escaped. */
			if (strchr("\\[]*_`<>!&", alt.buf[i]))
				sbuf_addch(out, '\\');
			sbuf_addch(out, alt.buf[i]);
		}
		sbuf_adds(out, "](<");
		sbuf_add(out, src.buf, src.len);
		sbuf_adds(out, ">)");
	}
	sbuf_release(&src);
	sbuf_release(&alt);
	return ok;
}

/* The kind of a ":::KIND Title" or ":::KIND[Title]" line (p after the
 * colons, to end): appends its marker to out. -1 (nothing appended) when
 * the word is no alert's. */
static int add_alert(const char *p, const char *end, struct sbuf *out)
{
	size_t n = 0;
	int kind;

	while (p + n < end && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z')))
		n++;
	if ((kind = alerts_kind(p, n)) < 0)
		return -1;
	sbuf_adds(out, "<!--clew:alert ");
	sbuf_add(out, p, n);
	p += n;
	if (p < end && *p == '[' && end[-1] == ']') {
		p++;
		end--;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end)
		sbuf_addch(out, ' ');
	for (; p < end; p++) {
		if (*p == '%' || *p == '-' || *p == '>')
			sbuf_addf(out, "%%%02X", (unsigned char)*p);
		else
			sbuf_addch(out, *p);
	}
	sbuf_adds(out, "-->");
	return kind;
}

/* 1 when the line (p to end) is one of Microsoft Learn's layout lines:
 * ":::zone pivot=...", ":::row:::", ":::column span=...:::", ":::moniker
 * range=...", and their ends (":::zone-end:::", "::: zone-end"). */
static int is_layout(const char *p, const char *end)
{
	static const char *const names[] = { "zone", "row", "column", "moniker" };

	if (end - p < 6 || strncmp(p, ":::", 3))
		return 0;
	p += 3;
	while (p < end && *p == ' ')
		p++;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		size_t n = strlen(names[i]);

		if (end - p >= (long)n && !strncmp(p, names[i], n) &&
		    (p + n == end || strchr(" -:", p[n])))
			return 1;
	}
	return 0;
}

int docsyntax_rewrite(const char *body, size_t len, struct sbuf *out)
{
	const char *p = body, *stop = body + len;
	char fence = 0;
	size_t fence_len = 0, start = out->len;
	int open_alerts = 0, in_image = 0, changed = 0;

	if (!memmem(body, len, ":::", 3) && !memmem(body, len, "[!INCLUDE", 9) &&
	    !memmem(body, len, "[!include", 9))
		return 0;
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		const char *end = nl ? nl : stop, *s = p, *e = end;
		size_t indent;

		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		indent = (size_t)(s - p);
		/* Fenced code: left alone. */
		if (indent < 4 && e - s >= 3 && (*s == '`' || *s == '~') &&
		    (!fence || *s == fence)) {
			size_t n = 0;

			while (s + n < e && s[n] == *s)
				n++;
			if (n >= 3 && !fence) {
				fence = *s;
				fence_len = n;
			} else if (n >= fence_len && fence && s + n == e) {
				fence = 0;
			}
		} else if (!fence && in_image) {
			/* A complex image's long description, left out. */
			if (e - s >= 15 && !strncmp(s, ":::image-end:::", 15))
				in_image = 0;
			changed = 1;
			goto next_line;
		} else if (!fence && e - s >= 3 && !strncmp(s, ":::", 3)) {
			const char *w = s;

			while (w < e && *w == ':')
				w++;
			if (w == e && open_alerts) {
				sbuf_add(out, p, indent);
				sbuf_adds(out, "<!--clew:end-->");
				open_alerts--;
				changed = 1;
				goto next_line;
			}
			if (w - s == 3 && e - w > 8 && !strncmp(w, "image", 5) &&
			    (w[5] == ' ' || w[5] == '\t') && !strncmp(e - 3, ":::", 3)) {
				sbuf_add(out, p, indent);
				if (add_image(w + 5, e - 3, out)) {
					struct sbuf type = SBUF_INIT;

					if (image_attr(w + 5, e - 3, "type", &type) &&
					    !strcmp(type.buf, "complex"))
						in_image = 1;
					sbuf_release(&type);
					changed = 1;
					goto next_line;
				}
				sbuf_setlen(out, out->len - indent);
			} else if (is_layout(s, e)) {
				changed = 1;
				goto next_line;
			} else if (w < e) {
				size_t at = out->len;

				sbuf_add(out, p, indent);
				if (add_alert(w, e, out) >= 0) {
					open_alerts++;
					changed = 1;
					goto next_line;
				}
				sbuf_setlen(out, at);
			}
		} else if (!fence && e - s > 12 && s[0] == '[' && s[1] == '!' &&
			   text_ieq_n(s + 2, "include", 7) && e[-1] == ']') {
			/* [!INCLUDE [title](path)] */
			const char *open = memchr(s, '(', (size_t)(e - s));
			const char *close = open ? memchr(open, ')', (size_t)(e - open)) : NULL;

			if (open && close && close + 2 == e && open > s && open[-1] == ']') {
				const char *a = open + 1, *b = close;
				int ok = b > a;

				for (const char *c = a; c < b; c++)
					if (*c == '>' || (*c == '-' && c + 1 < b && c[1] == '-'))
						ok = 0;
				if (ok) {
					sbuf_add(out, p, indent);
					sbuf_adds(out, "<!--clew:include ");
					sbuf_add(out, a, (size_t)(b - a));
					sbuf_adds(out, "-->");
					changed = 1;
					goto next_line;
				}
			}
		}
		sbuf_add(out, p, (size_t)(end - p));
next_line:
		if (nl)
			sbuf_addch(out, '\n');
		p = nl ? nl + 1 : stop;
	}
	if (!changed) {
		sbuf_setlen(out, start);
		return 0;
	}
	return 1;
}
