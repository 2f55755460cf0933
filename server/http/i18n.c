/* i18n: message catalogues (i18n/LANG.json), merged with fallback. */
#include "i18n.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "../base/fileio.h"
#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "../base/lang.h"

struct i18n {
	char **langs;         /* en first */
	cJSON **strings;      /* per language: merged, every key */
	char **json;          /* per language: strings as script-safe JSON */
	char **script_json;   /* per language: script_keys' strings, likewise */
	size_t nr;
};

void i18n_free(struct i18n *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nr; i++) {
		free(c->langs[i]);
		cJSON_Delete(c->strings[i]);
		free(c->json[i]);
		free(c->script_json[i]);
	}
	free(c->langs);
	free(c->strings);
	free(c->json);
	free(c->script_json);
	free(c);
}

/* 1 when v is a text, or an object whose values are all texts. */
static int valid_value(const cJSON *v)
{
	const cJSON *f;

	if (cJSON_IsString(v))
		return 1;
	if (!cJSON_IsObject(v) || !v->child)
		return 0;
	cJSON_ArrayForEach(f, v)
		if (!cJSON_IsString(f))
			return 0;
	return 1;
}

/* Puts every key of from into into, replacing what is there. */
static void overlay(cJSON *into, const cJSON *from)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, from) {
		cJSON *copy = cJSON_Duplicate(f, 1);

		if (cJSON_HasObjectItem(into, f->string))
			cJSON_ReplaceItemInObjectCaseSensitive(into, f->string, copy);
		else
			cJSON_AddItemToObject(into, f->string, copy);
	}
}

/* m as JSON text with '<', '>' and '&' escaped (\u003c...): nothing in
 * it can end a <script> element or open a comment. Caller frees. */
static char *script_safe_json(const cJSON *m)
{
	char *raw = cJSON_PrintUnformatted(m);
	struct sbuf out = SBUF_INIT;

	for (const char *p = raw; p && *p; p++) {
		if (*p == '<')
			sbuf_adds(&out, "\\u003c");
		else if (*p == '>')
			sbuf_adds(&out, "\\u003e");
		else if (*p == '&')
			sbuf_adds(&out, "\\u0026");
		else
			sbuf_addch(&out, *p);
	}
	free(raw);
	return sbuf_detach(&out, NULL);
}

/* The keys static/app.js reads (its t() and tn() calls): all a page
 * carries for it, not the whole catalogue (most of a page's bytes, and
 * the page has its words already). tests/api/i18n.test.mjs checks the
 * list against app.js. */
static const char *const script_keys[] = {
	"search_count", "search_no_match", "wizard_copied",
	"wizard_live_most_likely", "wizard_live_next_question", "wizard_live_try_this",
};

/* script_keys' entries of m, as script_safe_json. Caller frees. */
static char *script_subset_json(const cJSON *m)
{
	cJSON *sub = cJSON_CreateObject();
	char *json;

	for (size_t i = 0; i < sizeof(script_keys) / sizeof(*script_keys); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, script_keys[i]);

		if (v)
			cJSON_AddItemToObject(sub, script_keys[i], cJSON_Duplicate(v, 1));
	}
	json = script_safe_json(sub);
	cJSON_Delete(sub);
	return json;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct i18n *i18n_load_dir(const char *dir, struct sbuf *err)
{
	struct i18n *c = xcalloc(1, sizeof(*c));
	cJSON **raw = NULL;
	char **names = NULL;
	size_t nr = 0, alloc = 0, alloc_raw = 0;
	struct sbuf path = SBUF_INIT, text = SBUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t en = (size_t)-1;

	if (!d) {
		sbuf_addf(err, "cannot read the message catalogues' folder %s", dir);
		goto fail;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 5 && !strcmp(de->d_name + len - 5, ".json")) {
			ALLOC_GROW(names, nr + 1, alloc);
			names[nr++] = xstrndup(de->d_name, len - 5);
		}
	}
	closedir(d);
	if (nr)
		qsort(names, nr, sizeof(*names), by_name);
	for (size_t i = 0; i < nr; i++) {
		cJSON *doc, *v;

		sbuf_reset(&path);
		sbuf_addf(&path, "%s/%s.json", dir, names[i]);
		if (!lang_is_tag(names[i])) {
			sbuf_addf(err, "%s: the file's name must be a language tag (en.json, "
				  "zh-CN.json)", path.buf);
			goto fail;
		}
		sbuf_reset(&text);
		if (fileio_read(path.buf, &text)) {
			sbuf_addf(err, "cannot read %s", path.buf);
			goto fail;
		}
		doc = cJSON_Parse(text.buf);
		if (!cJSON_IsObject(doc)) {
			cJSON_Delete(doc);
			sbuf_addf(err, "%s: not a JSON object of key: text", path.buf);
			goto fail;
		}
		cJSON_ArrayForEach(v, doc)
			if (!valid_value(v)) {
				sbuf_addf(err, "%s: '%s' is neither a text nor an object of plural "
					  "forms (\"one\": \"...\", \"other\": \"...\")", path.buf,
					  v->string);
				cJSON_Delete(doc);
				goto fail;
			}
		ALLOC_GROW(raw, i + 1, alloc_raw);
		raw[i] = doc;
		if (lang_eq(names[i], "en"))
			en = i;
	}
	if (en == (size_t)-1) {
		sbuf_addf(err, "%s/en.json is missing: it holds every key, the others' "
			  "fallback", dir);
		goto fail;
	}
	c->langs = xcalloc(nr, sizeof(*c->langs));
	c->strings = xcalloc(nr, sizeof(*c->strings));
	c->json = xcalloc(nr, sizeof(*c->json));
	c->script_json = xcalloc(nr, sizeof(*c->script_json));
	/* en first, then the others in name order; each merged: English,
	 * then its primary language's file, then its own. */
	for (size_t k = 0; k < nr; k++) {
		size_t i = k == 0 ? en : (k <= en ? k - 1 : k);
		size_t primary = strcspn(names[i], "-_");
		cJSON *m = cJSON_Duplicate(raw[en], 1);

		for (size_t j = 0; j < nr; j++)
			if (j != i && j != en && strlen(names[j]) == primary &&
			    !strncasecmp(names[j], names[i], primary))
				overlay(m, raw[j]);
		if (i != en)
			overlay(m, raw[i]);
		c->langs[c->nr] = xstrdup(names[i]);
		c->strings[c->nr] = m;
		c->json[c->nr] = script_safe_json(m);
		c->script_json[c->nr] = script_subset_json(m);
		c->nr++;
	}
	for (size_t i = 0; i < nr; i++) {
		cJSON_Delete(raw[i]);
		free(names[i]);
	}
	free(raw);
	free(names);
	sbuf_release(&path);
	sbuf_release(&text);
	return c;
fail:
	for (size_t i = 0; i < nr; i++) {
		if (raw && i < alloc_raw)
			cJSON_Delete(raw[i]);
		free(names[i]);
	}
	free(raw);
	free(names);
	sbuf_release(&path);
	sbuf_release(&text);
	i18n_free(c);
	return NULL;
}

const char *const *i18n_langs(const struct i18n *c, size_t *n)
{
	*n = c->nr;
	return (const char *const *)c->langs;
}

static size_t index_of(const struct i18n *c, const char *lang)
{
	const char *m = lang ? lang_match(lang, (const char *const *)c->langs, c->nr) : NULL;

	for (size_t i = 0; m && i < c->nr; i++)
		if (c->langs[i] == m)
			return i;
	return 0; /* en */
}

const char *i18n_lang(const struct i18n *c, const char *lang)
{
	return c->langs[index_of(c, lang)];
}

const struct cJSON *i18n_strings(const struct i18n *c, const char *lang)
{
	return c->strings[index_of(c, lang)];
}

const char *i18n_json(const struct i18n *c, const char *lang)
{
	return c->json[index_of(c, lang)];
}

const char *i18n_script_json(const struct i18n *c, const char *lang)
{
	return c->script_json[index_of(c, lang)];
}

const char *i18n_text(const struct i18n *c, const char *lang, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(i18n_strings(c, lang), key);

	if (cJSON_IsObject(v))
		v = cJSON_GetObjectItemCaseSensitive(v, "other");
	return cJSON_IsString(v) ? v->valuestring : key;
}

/* 1 when lang's primary subtag (its first p bytes) is one of list. */
static int is_one_of(const char *lang, size_t p, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == p && !strncasecmp(lang, list[i], p))
			return 1;
	return 0;
}

const char *i18n_plural_category(const char *lang, long n)
{
	static const char *const none[] = { "zh", "ja", "ko", "th", "vi", "id", "ms", "lo",
					    "my", "km" };
	static const char *const zero_one[] = { "fr", "pt", "hi", "bn", "fa", "am" };
	static const char *const slavic[] = { "ru", "uk", "be", "hr", "sr", "bs" };
	size_t p = lang ? strcspn(lang, "-_") : 0;
	long n10 = labs(n) % 10, n100 = labs(n) % 100;

#define IS(list) is_one_of(lang, p, list, sizeof(list) / sizeof(*(list)))
	if (!lang)
		return n == 1 ? "one" : "other";
	if (IS(none))
		return "other";
	if (IS(zero_one))
		return n == 0 || n == 1 ? "one" : "other";
	if (IS(slavic))
		return n10 == 1 && n100 != 11 ? "one" :
		       n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14) ? "few" : "many";
	if (p == 2 && !strncasecmp(lang, "pl", 2))
		return n == 1 ? "one" :
		       n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14) ? "few" : "many";
	if (p == 2 && (!strncasecmp(lang, "cs", 2) || !strncasecmp(lang, "sk", 2)))
		return n == 1 ? "one" : n >= 2 && n <= 4 ? "few" : "other";
	if (p == 2 && !strncasecmp(lang, "ar", 2))
		return n == 0 ? "zero" : n == 1 ? "one" : n == 2 ? "two" :
		       n100 >= 3 && n100 <= 10 ? "few" : n100 >= 11 ? "many" : "other";
	if (p == 2 && (!strncasecmp(lang, "he", 2) || !strncasecmp(lang, "iw", 2)))
		return n == 1 ? "one" : n == 2 ? "two" : "other";
#undef IS
	return n == 1 ? "one" : "other";
}

void i18n_plural(const struct i18n *c, const char *lang, const char *key, long n,
		 struct sbuf *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(i18n_strings(c, lang), key);
	const char *form;

	if (cJSON_IsObject(v)) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, i18n_plural_category(i18n_lang(c, lang), n));

		if (!cJSON_IsString(f))
			f = cJSON_GetObjectItemCaseSensitive(v, "other");
		form = cJSON_IsString(f) ? f->valuestring : key;
	} else {
		form = cJSON_IsString(v) ? v->valuestring : key;
	}
	for (const char *p = form; *p; p++) {
		if (p[0] == '%' && p[1] == 'd') {
			sbuf_addf(out, "%ld", n);
			p++;
		} else {
			sbuf_addch(out, *p);
		}
	}
}

void i18n_fill(struct sbuf *out, const char *text, const char *const *vars)
{
	for (const char *p = text; *p; p++) {
		size_t n = *p == '{' ? strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_") : 0;
		size_t i;

		for (i = 0; n && p[n + 1] == '}' && vars[i]; i += 2)
			if (strlen(vars[i]) == n && !strncmp(p + 1, vars[i], n))
				break;
		if (n && p[n + 1] == '}' && vars[i]) {
			sbuf_adds(out, vars[i + 1]);
			p += n + 1;
		} else {
			sbuf_addch(out, *p);
		}
	}
}
