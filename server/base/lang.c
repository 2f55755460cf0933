/* lang: Accept-Language and ?lang= negotiated against what the KB has. */
#include "lang.h"

#include <stdlib.h>
#include <string.h>

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c == '_' ? '-' : c;
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* 1 when the first n bytes of a and of b are the same (case aside). */
static int prefix_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!a[i] || !b[i] || lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* 1 when the first n bytes of a and all of b are the same tag. */
static int eq_n(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n && b[i]; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return i == n && !b[i];
}

const char *lang_name(const char *tag)
{
	/* Most specific first: a region or script before the language. */
	static const char *const names[][2] = {
		{ "zh-TW", "繁體中文" }, { "zh-HK", "繁體中文" }, { "zh-Hant", "繁體中文" },
		{ "zh", "简体中文" }, { "pt-BR", "Português (Brasil)" }, { "pt", "Português" },
		{ "en", "English" }, { "fr", "Français" }, { "de", "Deutsch" },
		{ "es", "Español" }, { "it", "Italiano" }, { "nl", "Nederlands" },
		{ "ja", "日本語" }, { "ko", "한국어" }, { "ru", "Русский" }, { "uk", "Українська" },
		{ "pl", "Polski" }, { "tr", "Türkçe" }, { "ar", "العربية" }, { "he", "עברית" },
		{ "sv", "Svenska" }, { "da", "Dansk" }, { "nb", "Norsk bokmål" },
		{ "fi", "Suomi" }, { "cs", "Čeština" }, { "hu", "Magyar" }, { "el", "Ελληνικά" },
		{ "vi", "Tiếng Việt" }, { "th", "ไทย" }, { "id", "Bahasa Indonesia" },
		{ "hi", "हिन्दी" },
	};
	const char *avail[sizeof(names) / sizeof(*names)];
	const char *m;

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		avail[i] = names[i][0];
	m = tag ? lang_match(tag, avail, sizeof(names) / sizeof(*names)) : NULL;
	for (size_t i = 0; m && i < sizeof(names) / sizeof(*names); i++)
		if (avail[i] == m && (strcspn(tag, "-_") == strcspn(m, "-_")))
			return names[i][1];
	return tag;
}

int lang_eq(const char *a, const char *b)
{
	return eq_n(a, strlen(a), b);
}

int lang_is_tag(const char *s)
{
	size_t len = strlen(s), run = 0, subtag = 0;

	if (!len || len >= LANG_MAX)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '-' || s[i] == '_') {
			if (!run || run > 8)
				return 0;
			run = 0;
			subtag++;
		} else if (subtag == 0 ? is_alpha((unsigned char)s[i]) : is_alnum((unsigned char)s[i])) {
			run++;
		} else {
			return 0; /* the first subtag is letters only */
		}
	}
	return 1;
}

struct weighted {
	char tag[LANG_MAX];
	int q;     /* q-value times 1000 */
	size_t at; /* written order */
};

static int by_q(const void *x, const void *y)
{
	const struct weighted *a = x, *b = y;

	if (a->q != b->q)
		return b->q - a->q;
	return a->at < b->at ? -1 : a->at > b->at;
}

/* Reads a q-value ("0", "0.8", "1", "1.000") at p (to end): 0..1000, or
 * -1 when malformed. */
static int read_q(const char *p, const char *end)
{
	int q = 0, digits = 0;

	if (p >= end || (*p != '0' && *p != '1'))
		return -1;
	q = (*p - '0') * 1000;
	p++;
	if (p < end && *p == '.') {
		int scale = 100;

		for (p++; p < end && *p >= '0' && *p <= '9' && digits < 3; p++, digits++) {
			q += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (p != end || q > 1000)
		return -1;
	return q;
}

size_t lang_accept_parse(const char *header, char tags[][LANG_MAX], size_t max)
{
	struct weighted w[32];
	size_t n = 0, at = 0;
	const char *p = header ? header : "";

	while (*p && n < sizeof(w) / sizeof(*w)) {
		const char *end = p + strcspn(p, ","), *semi, *t = p, *te;
		int q = 1000;

		while (t < end && (*t == ' ' || *t == '\t'))
			t++;
		semi = memchr(t, ';', (size_t)(end - t));
		te = semi ? semi : end;
		while (te > t && (te[-1] == ' ' || te[-1] == '\t'))
			te--;
		if (semi) {
			const char *a = semi + 1;

			while (a < end && (*a == ' ' || *a == '\t'))
				a++;
			if (end - a >= 2 && (a[0] == 'q' || a[0] == 'Q') && a[1] == '=') {
				const char *qe = end;

				while (qe > a + 2 && (qe[-1] == ' ' || qe[-1] == '\t'))
					qe--;
				q = read_q(a + 2, qe);
			} else {
				q = -1;
			}
		}
		if (q > 0 && te > t && (size_t)(te - t) < LANG_MAX) {
			memcpy(w[n].tag, t, (size_t)(te - t));
			w[n].tag[te - t] = '\0';
			w[n].q = q;
			w[n].at = at++;
			if (lang_is_tag(w[n].tag))
				n++;
		}
		p = *end ? end + 1 : end;
	}
	qsort(w, n, sizeof(*w), by_q);
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		memcpy(tags[i], w[i].tag, LANG_MAX);
	return n;
}

const char *lang_match(const char *want, const char *const *available, size_t n)
{
	size_t len, primary;

	if (!want || !lang_is_tag(want))
		return NULL;
	/* want, then each truncation of it. */
	for (len = strlen(want); len > 0;) {
		for (size_t i = 0; i < n; i++)
			if (eq_n(want, len, available[i]))
				return available[i];
		while (len > 0 && want[len - 1] != '-' && want[len - 1] != '_')
			len--;
		if (len > 0)
			len--;
	}
	/* Another region or script of the same language. */
	primary = strcspn(want, "-_");
	for (size_t i = 0; i < n; i++)
		if (strcspn(available[i], "-_") == primary &&
		    prefix_eq(available[i], want, primary))
			return available[i];
	return NULL;
}

const char *lang_choose(const char *explicit, const char *accept,
			const char *const *available, size_t n, const char *def)
{
	char tags[16][LANG_MAX];
	size_t nr;
	const char *m;

	if (explicit && *explicit && (m = lang_match(explicit, available, n)))
		return m;
	nr = lang_accept_parse(accept, tags, 16);
	for (size_t i = 0; i < nr; i++)
		if ((m = lang_match(tags[i], available, n)))
			return m;
	return def;
}
