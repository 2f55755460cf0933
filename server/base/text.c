/* text: small string helpers: slugs, case-folding, trimming, hashing. */
#include "text.h"

#include <string.h>

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static int lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The ASCII letters of U+00C0-U+017F (Latin-1 and Latin Extended-A):
 * "é" -> "e", "ß" -> "ss", "Ł" -> "l"; "" for the two signs among them. */
static const char *const latin[0x180 - 0xC0] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",
	"i", "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y",
	"th", "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u",
	"u", "u", "y", "th", "y", "a", "a", "a", "a", "a", "a", "c", "c", "c", "c",
	"c", "c", "c", "c", "d", "d", "d", "d", "e", "e", "e", "e", "e", "e", "e",
	"e", "e", "e", "g", "g", "g", "g", "g", "g", "g", "g", "h", "h", "h", "h",
	"i", "i", "i", "i", "i", "i", "i", "i", "i", "i", "ij", "ij", "j", "j", "k",
	"k", "k", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "n", "n", "n",
	"n", "n", "n", "n", "ng", "ng", "o", "o", "o", "o", "o", "o", "oe", "oe",
	"r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s", "s", "s", "t",
	"t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u",
	"u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

/* Decodes the UTF-8 sequence at *p (advancing it); invalid bytes read as
 * U+FFFD, one at a time. */
static uint32_t next_code(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t c;
	int n;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	n = s[0] >= 0xF0 ? 3 : s[0] >= 0xE0 ? 2 : s[0] >= 0xC0 ? 1 : 0;
	c = n == 3 ? s[0] & 0x07 : n == 2 ? s[0] & 0x0F : s[0] & 0x1F;
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + 1;
			return 0xFFFD;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*p = s + (n ? n + 1 : 1);
	return n ? c : 0xFFFD;
}

/* The slug of text_slugify, and with make_id: "+" as "plus" and "#" as
 * "sharp" ("C++" -> "cplusplus"), and the code points of the characters
 * it has no letters for after it ("安卓" -> "u5b89-u5353", "鸿蒙 OS" ->
 * "os-u9e3f-u8499"). */
static void slugify(struct sbuf *out, const char *s, int make_id)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = out->len;
	int pending_dash = 0, dropped = 0;

	while (*p) {
		uint32_t c = next_code(&p);
		const char *word = NULL;
		char one[2] = { 0, 0 };

		if (c < 0x80 && is_alnum((unsigned char)c)) {
			one[0] = (char)lower((unsigned char)c);
			word = one;
		} else if (c >= 0xC0 && c < 0x180) {
			word = latin[c - 0xC0];
		} else if (make_id && (c == '+' || c == '#')) {
			word = c == '+' ? "plus" : "sharp";
		}
		if (word && *word) {
			if (pending_dash && out->len > start)
				sbuf_addch(out, '-');
			pending_dash = 0;
			sbuf_adds(out, word);
		} else if (c < 0x80 || (word && !*word)) {
			pending_dash = 1;
		} else if (c != 0xFFFD) {
			dropped = 1;
		}
	}
	if (!make_id || !dropped)
		return;
	/* Characters left out would make "鸿蒙 OS" and "麒麟 OS" one id. */
	for (p = (const unsigned char *)s; *p;) {
		uint32_t c = next_code(&p);

		if (c < 0x80 || c == 0xFFFD)
			continue;
		if (out->len > start)
			sbuf_addch(out, '-');
		sbuf_addf(out, "u%x", (unsigned)c);
	}
}

void text_slugify(struct sbuf *out, const char *s)
{
	slugify(out, s, 0);
}

void text_make_id(struct sbuf *out, const char *s)
{
	slugify(out, s, 1);
}

int text_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int text_ieq_any(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (text_ieq(s, list[i]))
			return 1;
	return 0;
}

int text_ieq_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
		if (!a[i])
			return 1;
	}
	return 1;
}

const char *text_ltrim(const char *s)
{
	while (*s && strchr(" \t\r\n\f\v", *s))
		s++;
	return s;
}

size_t text_rtrim_len(const char *s, size_t len)
{
	while (len && strchr(" \t\r\n\f\v", s[len - 1]))
		len--;
	return len;
}

size_t text_colon_len(const char *s, size_t len)
{
	if (len && s[len - 1] == ':')
		return 1;
	if (len >= 3 && !memcmp(s + len - 3, "\xef\xbc\x9a", 3))
		return 3;
	return 0;
}

int text_is_id(const char *s)
{
	if (!*s || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

uint64_t text_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

void text_normalize_newlines(struct sbuf *sb)
{
	size_t r = 0, w = 0;

	if (sb->len >= 3 && !memcmp(sb->buf, "\xEF\xBB\xBF", 3))
		r = 3;
	for (; r < sb->len; r++) {
		char c = sb->buf[r];

		if (c == '\r') {
			if (r + 1 < sb->len && sb->buf[r + 1] == '\n')
				continue;
			c = '\n';
		}
		sb->buf[w++] = c;
	}
	sbuf_setlen(sb, w);
}

int text_has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

int text_is_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned char c = *p;
		int more;
		uint32_t cp, min;

		if (c < 0x80) {
			p++;
			continue;
		}
		if ((c & 0xE0) == 0xC0)
			more = 1, cp = c & 0x1F, min = 0x80;
		else if ((c & 0xF0) == 0xE0)
			more = 2, cp = c & 0x0F, min = 0x800;
		else if ((c & 0xF8) == 0xF0)
			more = 3, cp = c & 0x07, min = 0x10000;
		else
			return 0;
		p++;
		for (int i = 0; i < more; i++, p++) {
			if ((*p & 0xC0) != 0x80)
				return 0; /* the NUL ends here too */
			cp = (cp << 6) | (*p & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
	}
	return 1;
}

/* Latin Extended-A capitals, each followed by its small letter: even
 * code points in U+0100..U+0137 and U+014A..U+0177, odd ones in
 * U+0139..U+0148 and U+0179..U+017E (İ, ı, ĸ, ŉ, Ÿ and ſ aside). */
static int latin_ext_a_upper(unsigned cp)
{
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
		return !(cp & 1) && cp != 0x130;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return cp & 1;
	return 0;
}

void text_fold(struct sbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned cp;

		if (*p < 0x80) {
			sbuf_addch(out, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
			p++;
			continue;
		}
		if ((*p & 0xE0) != 0xC0 || (p[1] & 0xC0) != 0x80) {
			sbuf_addch(out, (char)*p++);
			continue;
		}
		/* Two-byte letters: U+0080 .. U+07FF. */
		cp = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
		if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||  /* Latin-1 */
		    (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) || /* Greek */
		    (cp >= 0x410 && cp <= 0x42F))                /* Cyrillic А-Я */
			cp += 0x20;
		else if (cp >= 0x400 && cp <= 0x40F)             /* Ѐ-Џ */
			cp += 0x50;
		else if (latin_ext_a_upper(cp))
			cp += 1;
		sbuf_addch(out, (char)(0xC0 | (cp >> 6)));
		sbuf_addch(out, (char)(0x80 | (cp & 0x3F)));
		p += 2;
	}
}

int text_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}
