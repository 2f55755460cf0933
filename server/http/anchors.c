/* anchors: an id for each cause and solution where its article's html
 * says it, for links from pages that do not repeat it. */
#include "anchors.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"

/* 1 when id may stand in an attribute and a fragment as it is. */
static int id_safe(const char *id)
{
	if (!*id)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return 0;
	return 1;
}

/* Appends the id of the last heading of html that opens before at (the
 * compiler writes them "<hN id=\"...\">"). Returns 0 when there is none. */
static int heading_above(const char *html, const char *at, struct sbuf *out)
{
	const char *found = NULL;

	for (const char *p = html; (p = strstr(p, "<h")) && p < at; p++)
		if (p[2] >= '1' && p[2] <= '6' && !strncmp(p + 3, " id=\"", 5))
			found = p + 8;
	if (!found)
		return 0;
	sbuf_add(out, found, strcspn(found, "\""));
	return 1;
}

/* When body (a place in html) is where a list item's content starts, as
 * cmark writes it ("<li>" then, in a loose list, a newline): where the
 * item's "<li" ends, for an attribute. Else NULL. */
static const char *item_at(const char *html, const char *body)
{
	const char *p = body;

	if (p > html && p[-1] == '\n')
		p--;
	if (p - html >= 4 && !strncmp(p - 4, "<li>", 4))
		return p - 1;
	return NULL;
}

/* Anchors entry e (a cause or solution of doc) with prefix. */
static void anchor_entry(cJSON *doc, cJSON *e, const char *prefix)
{
	const char *html = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "html"));
	const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(e, "html"));
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(e, "id"));
	const char *at = NULL, *li = NULL;
	struct sbuf anchor = SBUF_INIT, attr = SBUF_INIT;

	if (!html || !body || !*body || !id)
		return;
	/* The first place html says it, or better, the first that is a
	 * list item's whole start. */
	for (const char *p = html; (p = strstr(p, body)); p++) {
		if (!at)
			at = p;
		if ((li = item_at(html, p))) {
			at = p;
			break;
		}
	}
	if (!at)
		return;
	sbuf_addf(&anchor, "%s%s", prefix, id);
	sbuf_addf(&attr, "id=\"%s\"", anchor.buf);
	if (li && id_safe(id) && !strstr(html, attr.buf)) {
		struct sbuf out = SBUF_INIT;

		sbuf_add(&out, html, (size_t)(li - html));
		sbuf_addch(&out, ' ');
		sbuf_adds(&out, attr.buf);
		sbuf_adds(&out, li);
		/* (html is freed here: not read again.) */
		cJSON_ReplaceItemInObject(doc, "html", cJSON_CreateString(out.buf));
		sbuf_release(&out);
	} else {
		sbuf_reset(&anchor);
		if (!heading_above(html, at, &anchor))
			goto cleanup;
	}
	cJSON_DeleteItemFromObject(e, "anchor");
	cJSON_AddStringToObject(e, "anchor", anchor.buf);
cleanup:
	sbuf_release(&anchor);
	sbuf_release(&attr);
}

void anchors_add(cJSON *doc)
{
	cJSON *e;

	cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "causes"))
		anchor_entry(doc, e, "cause-");
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "solutions"))
		anchor_entry(doc, e, "fix-");
}

const char *anchors_solution(const cJSON *doc, const char *id)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "solutions")) {
		const char *sid = cJSON_GetStringValue(cJSON_GetObjectItem(e, "id"));

		if (sid && id && !strcmp(sid, id))
			return cJSON_GetStringValue(cJSON_GetObjectItem(e, "anchor"));
	}
	return NULL;
}
