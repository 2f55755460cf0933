/* lang: the reader's language, negotiated: an explicit choice (?lang=)
 * over Accept-Language (with q-values) over the KB's default, each tag
 * matched with fallback ("zh-Hant-TW" -> "zh-Hant" -> "zh"). Tags are
 * BCP 47 language tags, compared case-insensitively, '_' read as '-'. */
#ifndef CLEW_LANG_H
#define CLEW_LANG_H

#include <stddef.h>

/* Longest tag kept (longer ones are not language tags Clew can offer). */
#define LANG_MAX 36

/* The tags of an Accept-Language value in the order the reader prefers
 * them (by q, then as written), into tags[0 .. max); "*" and entries with
 * q=0 are left out, and so are entries that are not well-formed (the rest
 * of the header is still read). Returns how many. */
size_t lang_accept_parse(const char *header, char tags[][LANG_MAX], size_t max);

/* The one of available[0 .. n) that serves want best: want itself, else
 * its truncations in turn ("zh-Hant-TW", "zh-Hant", "zh"), else the first
 * available tag with want's primary language ("zh" for "zh-TW" finds
 * "zh-CN"). Returns it (borrowed from available), or NULL. */
const char *lang_match(const char *want, const char *const *available, size_t n);

/* The reader's language among available[0 .. n): explicit when it matches
 * one (lang_match), else the first Accept-Language tag that matches one,
 * else def (which need not be among them). Returns a borrowed string. */
const char *lang_choose(const char *explicit, const char *accept,
			const char *const *available, size_t n, const char *def);

/* The language's own name for tag ("简体中文" for zh-CN, "Deutsch" for
 * de-AT), for a list of languages; the tag itself for a language not
 * known here. Borrowed. */
const char *lang_name(const char *tag);

/* 1 when a and b are the same tag (case and '_' aside). */
int lang_eq(const char *a, const char *b);

/* 1 when s is a well-formed language tag: 1-8 letters, then subtags of
 * 1-8 letters or digits, separated by '-' or '_', at most LANG_MAX - 1
 * bytes. */
int lang_is_tag(const char *s);

#endif
