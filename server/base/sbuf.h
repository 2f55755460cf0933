/* sbuf: a growable, always NUL-terminated string builder (after git's strbuf). */
#ifndef CLEW_SBUF_H
#define CLEW_SBUF_H

#include <stdarg.h>
#include <stddef.h>

struct sbuf {
	char *buf;    /* never NULL: points at "" until something is added */
	size_t len;   /* bytes used, not counting the NUL */
	size_t alloc; /* bytes allocated; 0 while buf is the shared "" */
};

extern char sbuf_empty[];
#define SBUF_INIT { sbuf_empty, 0, 0 }

void sbuf_init(struct sbuf *sb);
/* Frees the buffer and leaves sb empty and reusable. */
void sbuf_release(struct sbuf *sb);
/* Returns the malloc'd string (caller frees) and leaves sb empty. */
char *sbuf_detach(struct sbuf *sb, size_t *len);
void sbuf_reset(struct sbuf *sb);
void sbuf_grow(struct sbuf *sb, size_t extra);
void sbuf_add(struct sbuf *sb, const void *data, size_t len);
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addch(struct sbuf *sb, int c);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap);
/* Removes trailing ASCII white space. */
void sbuf_rtrim(struct sbuf *sb);
void sbuf_setlen(struct sbuf *sb, size_t len);

#endif
