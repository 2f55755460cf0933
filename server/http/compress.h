/* compress: Content-Encoding for replies: Accept-Encoding negotiated
 * (RFC 9110, 12.5.3), Brotli (libbrotlienc) and gzip (zlib), and the
 * encoded copies of a body made once and kept beside it (struct cz_set).
 * No libmicrohttpd here: the router applies it to a reply. */
#ifndef CLEW_COMPRESS_H
#define CLEW_COMPRESS_H

#include <stddef.h>

#include "../base/sbuf.h"

enum cz_coding { CZ_IDENTITY = 0, CZ_GZIP = 1, CZ_BR = 2 };
#define CZ_NR_CODINGS 3

/* Bodies shorter than this are sent as they are: a few hundred bytes
 * gain less than the encoding costs (and than a header line). */
#define CZ_MIN_BYTES 1024

/* An Accept-Encoding longer than this is not read (identity): browsers
 * send some 30 bytes. */
#define CZ_MAX_HEADER 2048

/* How hard to work: CZ_BEST for a body encoded once and kept (Brotli 11,
 * gzip 9), CZ_FAST for one encoded for one reply (Brotli 5, gzip 5). */
enum cz_level { CZ_FAST, CZ_BEST };

/* The coding to send for an Accept-Encoding value (NULL: the header is
 * absent): br or gzip when the client names it (or '*') with a q above
 * 0, br before gzip at equal q; identity otherwise, also for a header
 * that cannot be read (an element that cannot be read is left out, a
 * header longer than CZ_MAX_HEADER is not read at all). identity;q=0
 * with nothing else acceptable still gets identity (RFC 9110 allows it;
 * a 406 would help nobody). */
enum cz_coding cz_negotiate(const char *accept_encoding);

/* The coding's Content-Encoding token ("br", "gzip"); NULL for identity. */
const char *cz_name(enum cz_coding c);

/* What the coding adds inside an ETag's quotes ("-br", "-gz"; "" for
 * identity), so that each encoding is its own representation. */
const char *cz_etag_suffix(enum cz_coding c);

/* 1 when a body of this MIME type gains from compression (text, JSON,
 * JavaScript, SVG, XML); 0 for images, fonts, archives and unknown types. */
int cz_type_compressible(const char *content_type);

/* Appends in[0, len) encoded with c at level to out. Returns 0, or -1
 * (out as it was) when the encoder fails or c is identity. */
int cz_encode(enum cz_coding c, enum cz_level level, const void *in, size_t len,
	      struct sbuf *out);

/* The encoded copies of one body, made at CZ_BEST once, on first use
 * (eager: now), and kept; safe to use from several threads. */
struct cz_set;

/* data[0, len) is borrowed and must outlive the set; type is its MIME
 * type. Returns the set (caller frees with cz_set_free). A body too small
 * or of a type not worth compressing gets a set that has no copies. */
struct cz_set *cz_set_new(const char *data, size_t len, const char *type, int eager);
/* NULL is a no-op. */
void cz_set_free(struct cz_set *s);

/* The body encoded with c, its length in *len; borrowed, valid as long
 * as the set. NULL for identity, and when encoding does not make the
 * body smaller or it is not worth compressing: then send it as it is. */
const char *cz_set_get(struct cz_set *s, enum cz_coding c, size_t *len);

/* 1 when the body is of a type and size that is compressed (so its
 * replies vary with Accept-Encoding). */
int cz_set_varies(const struct cz_set *s);

/* Bytes the copies made so far hold. */
size_t cz_set_bytes(struct cz_set *s);

#endif
