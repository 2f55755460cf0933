/* i18n: the interface's words in each language, from message catalogues:
 * one JSON file a language, i18n/LANG.json (LANG a language tag: en,
 * zh-CN, fr), an object of key -> text, or key -> plural forms ({"one":
 * "1 article", "other": "%d articles"}, CLDR's categories). en.json holds
 * every key; another language's missing keys come from its primary
 * language's file (zh for zh-TW), then from English, key by key. The
 * templates read them as {{t.KEY}}; docs/translating.md says how to add
 * a language. */
#ifndef CLEW_I18N_H
#define CLEW_I18N_H

#include <stddef.h>

struct cJSON;
struct sbuf;
struct i18n;

/* Loads every LANG.json file in dir. Returns the catalogues (free with
 * i18n_free), or NULL with the reason in err: dir or a file unreadable, a
 * file that is not a JSON object, a value that is neither text nor an
 * object of texts, a file name that is no language tag, no en.json. */
struct i18n *i18n_load_dir(const char *dir, struct sbuf *err);
void i18n_free(struct i18n *c);

/* The languages the catalogues have, en first; borrowed. */
const char *const *i18n_langs(const struct i18n *c, size_t *n);

/* The catalogue language that serves lang (lang_match; en when none
 * does); borrowed. */
const char *i18n_lang(const struct i18n *c, const char *lang);

/* The strings of lang (i18n_lang's), every key there: borrowed, valid
 * while c lives. */
const struct cJSON *i18n_strings(const struct i18n *c, const char *lang);

/* The strings of lang as JSON text, with '<', '>' and '&' written as
 * \u escapes, so that it may stand in an HTML <script type=
 * "application/json"> element as it is (app.js reads it). Borrowed. */
const char *i18n_json(const struct i18n *c, const char *lang);

/* Of those strings, only the ones static/app.js reads, as i18n_json
 * writes them: what a page carries for its script. Borrowed. */
const char *i18n_script_json(const struct i18n *c, const char *lang);

/* The text of key in lang, or key itself when no catalogue has it; for a
 * plural entry, its "other" form. Borrowed. */
const char *i18n_text(const struct i18n *c, const char *lang, const char *key);

/* The form of plural entry key for the count n in lang (its CLDR
 * category, else "other"), with each "%d" in it replaced by n, appended
 * to out. */
void i18n_plural(const struct i18n *c, const char *lang, const char *key, long n,
		 struct sbuf *out);

/* CLDR's plural category of the integer n in lang: "zero", "one", "two",
 * "few", "many" or "other" (Chinese, Japanese, Korean: always "other";
 * English, German, Spanish...: "one" for 1; French, Portuguese: "one" for
 * 0 and 1; Russian, Ukrainian, Polish, Czech, Arabic, Hebrew: their own
 * rules). */
const char *i18n_plural_category(const char *lang, long n);

/* Appends text to out with each {name} in it replaced by its value:
 * vars holds name, value pairs, then NULL ({"n", "5", NULL}). A {name}
 * vars does not have stays as it is. For the catalogues' texts with a
 * value inside ("Nothing matches “{q}”."), where the value goes where
 * the language puts it. */
void i18n_fill(struct sbuf *out, const char *text, const char *const *vars);

#endif
