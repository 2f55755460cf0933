/* article_fields: an article's front matter: title, slug, date, platforms. */
#include "article_internal.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/lang.h"
#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"

/* Front-matter keys with a meaning of their own; all others are metadata. */
static const char *const known_keys[] = {
	"title", "platform", "platforms", "updatedAt", "updated_at",
	"Products", "product", "slug", "lang", "type", "translation_of",
	"source_version",
};

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

/* The field's text without blanks around it (a folded "title: >" ends in
 * a newline), or NULL. A list, where one value is meant, is reported. */
static char *str_field(const struct mdtree *t, const char *key, struct diag *d)
{
	const cJSON *v = frontmatter_get(&t->fm, key);
	const char *s;

	if (v && !cJSON_IsString(v)) {
		diag_warn(d, t->path, 0, 0, "front matter '%s' should be one "
			  "value, not a list or mapping; it is ignored", key);
		return NULL;
	}
	if (!v || !*(s = text_ltrim(v->valuestring)))
		return NULL;
	return xstrndup(s, text_rtrim_len(s, strlen(s)));
}

/* Adds each comma-separated, trimmed part of s to out ("iOS, Android" is
 * two names, as the author meant). */
static void add_parts(const char *s, struct kb_strs *out)
{
	while (*s) {
		size_t n = strcspn(s, ",");
		struct sbuf part = SBUF_INIT;

		const char *name;
		size_t len;

		sbuf_add(&part, s, n);
		sbuf_rtrim(&part);
		name = text_ltrim(part.buf);
		len = strlen(name);
		/* 'platform: Windows, "Linux"' is one YAML text: its quotes
		 * are the author's, not the name's. */
		if (len >= 2 && (name[0] == '"' || name[0] == '\'') &&
		    name[len - 1] == name[0]) {
			name++;
			len -= 2;
		}
		if (len)
			kb_strs_add_n(out, name, len);
		sbuf_release(&part);
		s += n;
		if (*s == ',')
			s++;
	}
}

/* Adds each string of a scalar-or-list field to out; reports the values
 * that are neither. */
static void list_field(const struct mdtree *t, const char *key,
		       struct kb_strs *out, struct diag *d)
{
	const cJSON *v = frontmatter_get(&t->fm, key), *it;

	if (!v)
		return;
	if (cJSON_IsString(v)) {
		add_parts(v->valuestring, out);
		return;
	}
	if (!cJSON_IsArray(v)) {
		diag_warn(d, t->path, 0, 0, "front matter '%s' should be names "
			  "(a list, or one line with commas); it is ignored", key);
		return;
	}
	cJSON_ArrayForEach(it, v) {
		if (cJSON_IsString(it)) {
			add_parts(it->valuestring, out);
			continue;
		}
		diag_warn(d, t->path, 0, 0, "front matter '%s' should be names "
			  "(a list, or one line with commas); a nested list or "
			  "mapping in it is ignored", key);
		return;
	}
}

/* 1 when s reads as an ISO 8601 date, with a time or not:
 * "2024-03-01", "2024-03-01 10:00", "2024-03-01T10:00:00Z". */
static int is_date(const char *s)
{
	int y, mo, da, h = 0, mi = 0, sec = 0, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &da, &n) != 3 || n != 10 ||
	    mo < 1 || mo > 12 || da < 1 || da > 31)
		return 0;
	s += n;
	if (!*s)
		return 1;
	if ((*s != ' ' && *s != 'T') || sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) != 2 ||
	    n != 5 || h > 23 || mi > 59 || h < 0 || mi < 0)
		return 0;
	s += 1 + n;
	if (*s == ':') {
		if (sscanf(s + 1, "%2d%n", &sec, &n) != 1 || n != 2 || sec < 0 ||
		    sec > 60)
			return 0;
		s += 1 + n;
		if (*s == '.')
			s += 1 + strspn(s + 1, "0123456789");
	}
	if (*s == 'Z')
		s++;
	else if ((*s == '+' || *s == '-') && strlen(s) == 6 && s[3] == ':')
		s += 6;
	return !*s;
}

/* "2020-09-02 15:34:33" -> "2020-09-02T15:34:33"; others are kept. */
static char *normalize_date(char *s)
{
	if (s && strlen(s) >= 16 && s[4] == '-' && s[7] == '-' && s[10] == ' ' &&
	    s[13] == ':')
		s[10] = 'T';
	return s;
}

/* The slug of a page named name (len bytes, no extension) that sets none:
 * the name as it is when it is a valid id, lowercase, else made one. */
void article_file_slug(struct sbuf *out, const char *name, size_t len)
{
	struct sbuf raw = SBUF_INIT;

	sbuf_add(&raw, name, len);
	for (size_t i = 0; i < len; i++)
		sbuf_addch(out, name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	if (!text_is_id(out->buf)) {
		sbuf_reset(out);
		text_make_id(out, raw.buf);
	}
	sbuf_release(&raw);
}

int article_read_front_matter(struct kb_article *a, struct mdtree *t,
			      const char *slug_default, struct diag *d)
{
	struct kb_strs platforms = { 0 };
	const cJSON *it;
	int ret = 0;

	a->title = str_field(t, "title", d);
	if (!a->title) {
		diag_error(d, t->path, 1, 1,
			   "missing title: the front matter needs 'title: ...'");
		ret = -1;
	}
	a->slug = str_field(t, "slug", d);
	if (!a->slug) {
		struct sbuf s = SBUF_INIT;

		article_file_slug(&s, slug_default, strlen(slug_default));
		a->slug = sbuf_detach(&s, NULL);
	}
	if (!text_is_id(a->slug)) {
		diag_error(d, t->path, 1, 1,
			   "bad slug '%s': use lowercase letters, digits, '-', '_' "
			   "(set 'slug:' in the front matter)", a->slug);
		ret = -1;
	}
	a->updated_at = str_field(t, "updatedAt", d);
	if (!a->updated_at)
		a->updated_at = str_field(t, "updated_at", d);
	if (a->updated_at && !is_date(a->updated_at))
		diag_warn(d, t->path, 0, 0, "updatedAt '%s' is not a date as "
			  "YYYY-MM-DD or YYYY-MM-DD HH:MM:SS; it is kept as written",
			  a->updated_at);
	normalize_date(a->updated_at);
	a->lang = str_field(t, "lang", d);
	a->translation_of = str_field(t, "translation_of", d);
	a->source_version = str_field(t, "source_version", d);
	if (a->translation_of && !(a->lang && lang_is_tag(a->lang))) {
		diag_error(d, t->path, 1, 1, "a translation needs 'lang:' with a language "
			   "tag (zh-CN, pt-BR, de)");
		ret = -1;
	}

	list_field(t, "platform", &platforms, d);
	list_field(t, "platforms", &platforms, d);
	for (size_t i = 0; i < platforms.nr; i++)
		if (!kb_article_add_platform(a, platforms.items[i]))
			diag_warn(d, t->path, 0, 0, "platform '%s' has no letter "
				  "or digit; it is ignored", platforms.items[i]);
	kb_strs_release(&platforms);
	list_field(t, "Products", &a->products, d);
	list_field(t, "product", &a->products, d);

	a->meta = cJSON_CreateObject();
	cJSON_ArrayForEach(it, t->fm.fields)
		if (!text_ieq_any(it->string, known_keys, COUNT(known_keys)))
			cJSON_AddItemToObject(a->meta, it->string,
					      cJSON_Duplicate(it, 1));
	return ret;
}
