/* text: small string helpers: slugs, case-folding, trimming, hashing. */
#ifndef CLEW_TEXT_H
#define CLEW_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

/* Appends to out a slug of s: ASCII letters and digits lowercased, Latin
 * letters with accents as their ASCII ones ("Über" -> "uber", "ß" ->
 * "ss"), every other run of ASCII bytes turned into one '-', no '-' at
 * either end. Other characters (Chinese, say) are dropped, so the result
 * may be empty. */
void text_slugify(struct sbuf *out, const char *s);

/* Appends an id for s (a platform's name, a file's): its slug, with "+"
 * read as "plus" and "#" as "sharp" ("C++ SDK" -> "cplusplus-sdk", "C#"
 * -> "csharp"), then the code points of the characters the slug left out
 * ("安卓" -> "u5b89-u5353", "鸿蒙 OS" -> "os-u9e3f-u8499"), so that names
 * that differ there differ. Empty only when s has no character but ASCII
 * punctuation and blanks. */
void text_make_id(struct sbuf *out, const char *s);

/* ASCII case-insensitive equality of two NUL-terminated strings. */
int text_ieq(const char *a, const char *b);

/* 1 when s equals one of the n strings of list, ASCII case-insensitively. */
int text_ieq_any(const char *s, const char *const *list, size_t n);

/* ASCII case-insensitive equality of the first n bytes of a and b. */
int text_ieq_n(const char *a, const char *b, size_t n);

/* Returns a pointer past leading ASCII white space of s (borrowed). */
const char *text_ltrim(const char *s);

/* Returns the length of s without trailing ASCII white space. */
size_t text_rtrim_len(const char *s, size_t len);

/* The length in bytes of the colon s[0 .. len) ends with: 1 for ':', 3
 * for the full-width '\xef\xbc\x9a' of CJK text, 0 for none (trailing blanks
 * are not skipped). */
size_t text_colon_len(const char *s, size_t len);

/* Returns 1 when s is a valid identifier: [a-z0-9] then [a-z0-9_.-]*. */
int text_is_id(const char *s);

/* 64-bit FNV-1a, continuing from h (start with TEXT_HASH_INIT). */
#define TEXT_HASH_INIT UINT64_C(0xcbf29ce484222325)
uint64_t text_hash(uint64_t h, const void *data, size_t len);

/* Removes a leading UTF-8 byte-order mark and turns CRLF and lone CR line
 * ends into LF, in place. */
void text_normalize_newlines(struct sbuf *sb);

/* Appends s to out in lower case: ASCII, and the capitals of Latin-1
 * ("É" -> "é"), Latin Extended-A, Greek and Cyrillic, so that words
 * written in those scripts compare without case; everything else as is.
 * The length may not change: every folded letter keeps its byte count. */
void text_fold(struct sbuf *out, const char *s);

/* Returns 1 when s contains a byte >= 0x80. */
int text_has_non_ascii(const char *s);

/* Returns 1 when the NUL-terminated s is well-formed UTF-8 (no stray or
 * missing continuation bytes, no overlong forms, no surrogates, nothing
 * above U+10FFFF). */
int text_is_utf8(const char *s);

/* The value of hex digit c (either case), or -1. */
int text_hex_digit(char c);

#endif
