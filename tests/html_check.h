/* html_check: what the compiler's HTML may hold, checked with a real
 * parser (libxml2) on the output: every element, attribute and address
 * on a list written here, apart from rawhtml.c's own. Header-only, for
 * tests/check_rawhtml.c and the fuzz_article harness. */
#ifndef CLEW_TESTS_HTML_CHECK_H
#define CLEW_TESTS_HTML_CHECK_H

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

static const char *const html_check_elements[] = {
	"a", "abbr", "blockquote", "body", "br", "code", "dd", "del", "details",
	"div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
	"h5", "h6", "head", "hr", "html", "img", "ins", "kbd", "li", "mark", "ol",
	"p", "pre", "q", "s", "small", "strong", "sub", "summary", "sup", "table",
	"tbody", "td", "th", "thead", "tr", "u", "ul",
};

/* Attributes, each with the elements it may be on ("*": any of them). */
static const struct {
	const char *name, *on;
} html_check_attrs[] = {
	{ "href", " a " },
	{ "title", " a img abbr " },
	{ "src", " img " },
	{ "alt", " img " },
	{ "id", " h1 h2 h3 h4 h5 h6 " },
	{ "class", " div p th td code " },
	{ "role", " div " },
	{ "aria-label", " div " },
	{ "start", " ol " },
	{ "open", " details " },
};

/* 1 when url is no script: a relative address, or a scheme other than
 * javascript, vbscript, file and data; an image may have a data URL of a
 * PNG, GIF, JPEG or WebP image. (Markdown links may use any other scheme,
 * "ms-settings:" say, as cmark's safe mode allows; the stricter list of
 * raw HTML's links is rawhtml_url_is_safe's, tested on its own.) */
static int html_check_url(const char *url, int image)
{
	char clean[4096];
	size_t n = 0, s = 0;

	for (const char *p = url; *p && n + 1 < sizeof(clean); p++)
		if ((unsigned char)*p > ' ' && *p != 0x7f)
			clean[n++] = *p;
	clean[n] = '\0';
	/* A scheme, as the URL standard reads one: a letter, then letters,
	 * digits, '+', '-', '.', then ':'. Anything else is a relative URL. */
	while (s < n && (((clean[s] | 32) >= 'a' && (clean[s] | 32) <= 'z') ||
			 (s && ((clean[s] >= '0' && clean[s] <= '9') || clean[s] == '+' ||
				clean[s] == '-' || clean[s] == '.'))))
		s++;
	if (s == 0 || s == n || clean[s] != ':')
		return 1;
	if (!strncasecmp(clean, "javascript:", 11) || !strncasecmp(clean, "vbscript:", 9) ||
	    !strncasecmp(clean, "file:", 5))
		return 0;
	if (strncasecmp(clean, "data:", 5))
		return 1;
	return image && (!strncasecmp(clean, "data:image/png;", 15) ||
			 !strncasecmp(clean, "data:image/gif;", 15) ||
			 !strncasecmp(clean, "data:image/jpeg;", 16) ||
			 !strncasecmp(clean, "data:image/webp;", 16));
}

/* Appends to why (size bytes) what is wrong under n; returns the count. */
static int html_check_node(xmlNode *n, char *why, size_t size)
{
	int bad = 0;

	for (; n; n = n->next) {
		const char *name = (const char *)n->name;
		int known = 0;

		if (n->type == XML_COMMENT_NODE) {
			snprintf(why, size, "a comment");
			bad++;
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < sizeof(html_check_elements) / sizeof(*html_check_elements); i++)
			known |= !strcmp(name, html_check_elements[i]);
		if (!known) {
			snprintf(why, size, "element <%s>", name);
			bad++;
		}
		for (xmlAttr *a = n->properties; a; a = a->next) {
			const char *an = (const char *)a->name;
			const char *v = a->children && a->children->content ?
					(const char *)a->children->content : "";
			char on[32];
			int ok = 0;

			snprintf(on, sizeof(on), " %s ", name);
			for (size_t i = 0; i < sizeof(html_check_attrs) / sizeof(*html_check_attrs); i++)
				ok |= !strcmp(an, html_check_attrs[i].name) &&
				      strstr(html_check_attrs[i].on, on) != NULL;
			if (ok && !strcmp(an, "href"))
				ok = html_check_url(v, 0);
			if (ok && !strcmp(an, "src"))
				ok = html_check_url(v, 1);
			if (!ok) {
				snprintf(why, size, "attribute %s=\"%.60s\" on <%s>", an, v, name);
				bad++;
			}
		}
		bad += html_check_node(n->children, why, size);
	}
	return bad;
}

/* 0 when html holds only what the lists allow; otherwise the number of
 * problems, the last described in why. */
static int html_check(const char *html, char *why, size_t size)
{
	htmlDocPtr doc;
	int bad;

	why[0] = '\0';
	if (!*html)
		return 0;
	doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
			     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
			     HTML_PARSE_NONET);
	if (!doc) {
		snprintf(why, size, "not parsed");
		return 1;
	}
	bad = html_check_node(doc->children, why, size);
	xmlFreeDoc(doc);
	return bad;
}

#endif
