/* compress: Accept-Encoding negotiated; Brotli and gzip encoding. */
#include "compress.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <brotli/encode.h>
#include <zlib.h>

#include "../base/xalloc.h"

/* ---- Accept-Encoding ----------------------------------------------------
 *
 * Accept-Encoding = #( codings [ weight ] ), codings = token, weight =
 * OWS ";" OWS "q=" qvalue (RFC 9110). Parameters other than q are
 * accepted and ignored. An element that does not parse is left out, as
 * if the client had not sent it. */

static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Parses a qvalue ("0", "0.5", "1.000") at *pp into thousandths; moves
 * *pp past it. -1 when it is not one. */
static int parse_q(const char **pp)
{
	const char *p = *pp;
	int q, scale = 100;

	if (*p != '0' && *p != '1')
		return -1;
	q = (*p++ - '0') * 1000;
	if (*p == '.') {
		p++;
		for (int i = 0; i < 3 && *p >= '0' && *p <= '9'; i++, p++) {
			q += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (q > 1000)
		return -1;
	*pp = p;
	return q;
}

enum cz_coding cz_negotiate(const char *ae)
{
	/* q in thousandths; -1: not named */
	int q_br = -1, q_gzip = -1, q_star = -1;
	const char *p = ae;

	if (!ae || strlen(ae) > CZ_MAX_HEADER)
		return CZ_IDENTITY;
	while (*p) {
		const char *tok, *next;
		size_t tok_len;
		int q = 1000, ok = 1;

		p = skip_ows(p);
		tok = p;
		while (is_tchar((unsigned char)*p))
			p++;
		tok_len = (size_t)(p - tok);
		p = skip_ows(p);
		while (ok && *p == ';') {
			const char *name;

			p = skip_ows(p + 1);
			name = p;
			while (is_tchar((unsigned char)*p))
				p++;
			if (p == name || *p != '=') {
				ok = 0;
				break;
			}
			if (p - name == 1 && (*name == 'q' || *name == 'Q')) {
				p++;
				q = parse_q(&p);
				ok = q >= 0;
			} else {
				const char *v = ++p;

				while (is_tchar((unsigned char)*p))
					p++;
				ok = p > v;
			}
			p = skip_ows(p);
		}
		if (*p && *p != ',')
			ok = 0;
		next = strchr(p, ',');
		if (ok && tok_len) {
			if (tok_len == 2 && !strncasecmp(tok, "br", 2)) {
				if (q_br < 0)
					q_br = q;
			} else if ((tok_len == 4 && !strncasecmp(tok, "gzip", 4)) ||
				   (tok_len == 6 && !strncasecmp(tok, "x-gzip", 6))) {
				if (q_gzip < 0)
					q_gzip = q;
			} else if (tok_len == 1 && *tok == '*') {
				if (q_star < 0)
					q_star = q;
			}
		}
		if (!next)
			break;
		p = next + 1;
	}
	if (q_br < 0)
		q_br = q_star;
	if (q_gzip < 0)
		q_gzip = q_star;
	if (q_br > 0 && q_br >= q_gzip)
		return CZ_BR;
	if (q_gzip > 0)
		return CZ_GZIP;
	return CZ_IDENTITY;
}

const char *cz_name(enum cz_coding c)
{
	return c == CZ_BR ? "br" : c == CZ_GZIP ? "gzip" : NULL;
}

const char *cz_etag_suffix(enum cz_coding c)
{
	return c == CZ_BR ? "-br" : c == CZ_GZIP ? "-gz" : "";
}

int cz_type_compressible(const char *type)
{
	static const char *const yes[] = {
		"text/", "application/json", "application/javascript",
		"application/xml", "application/yaml", "image/svg+xml",
		"application/manifest+json", "application/problem+json", NULL
	};

	if (!type)
		return 0;
	for (int i = 0; yes[i]; i++)
		if (!strncasecmp(type, yes[i], strlen(yes[i])))
			return 1;
	return 0;
}

/* ---- encoders ----------------------------------------------------------- */

static int encode_br(int quality, const void *in, size_t len, struct sbuf *out)
{
	size_t cap = BrotliEncoderMaxCompressedSize(len), n;

	if (!cap)
		return -1;
	n = cap;
	sbuf_grow(out, cap);
	if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
				   len, in, &n, (uint8_t *)out->buf + out->len))
		return -1;
	out->len += n;
	out->buf[out->len] = '\0';
	return 0;
}

static int encode_gzip(int level, const void *in, size_t len, struct sbuf *out)
{
	z_stream zs;
	size_t cap;
	int rc;

	memset(&zs, 0, sizeof(zs));
	/* 15 + 16: a 32 KiB window with the gzip wrapper. */
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	cap = deflateBound(&zs, (uLong)len);
	sbuf_grow(out, cap);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)out->buf + out->len;
	zs.avail_out = (uInt)cap;
	rc = deflate(&zs, Z_FINISH);
	if (rc == Z_STREAM_END) {
		out->len += zs.total_out;
		out->buf[out->len] = '\0';
	}
	deflateEnd(&zs);
	return rc == Z_STREAM_END ? 0 : -1;
}

int cz_encode(enum cz_coding c, enum cz_level level, const void *in, size_t len,
	      struct sbuf *out)
{
	/* zlib counts in uInt: bodies here are far smaller, but say so. */
	if (len > 0x7fffffffu)
		return -1;
	if (c == CZ_BR)
		return encode_br(level == CZ_BEST ? 11 : 5, in, len, out);
	if (c == CZ_GZIP)
		return encode_gzip(level == CZ_BEST ? 9 : 5, in, len, out);
	return -1;
}

/* ---- the copies kept ---------------------------------------------------- */

struct cz_copy {
	atomic_int made;  /* 1 once data/len are set (data may be NULL) */
	char *data;
	size_t len;
};

struct cz_set {
	const char *data;
	size_t len;
	int varies;
	pthread_mutex_t lock; /* guards making the copies */
	struct cz_copy copy[CZ_NR_CODINGS];
};

/* Makes copy c; call with the lock held. */
static void make_copy(struct cz_set *s, enum cz_coding c)
{
	struct cz_copy *k = &s->copy[c];
	struct sbuf out = SBUF_INIT;

	if (atomic_load_explicit(&k->made, memory_order_relaxed))
		return;
	if (!cz_encode(c, CZ_BEST, s->data, s->len, &out) && out.len < s->len)
		k->data = sbuf_detach(&out, &k->len);
	sbuf_release(&out);
	atomic_store_explicit(&k->made, 1, memory_order_release);
}

struct cz_set *cz_set_new(const char *data, size_t len, const char *type, int eager)
{
	struct cz_set *s = xcalloc(1, sizeof(*s));

	s->data = data;
	s->len = len;
	s->varies = len >= CZ_MIN_BYTES && cz_type_compressible(type);
	pthread_mutex_init(&s->lock, NULL);
	for (int c = 0; c < CZ_NR_CODINGS; c++)
		atomic_init(&s->copy[c].made, c == CZ_IDENTITY || !s->varies);
	if (eager && s->varies) {
		make_copy(s, CZ_BR);
		make_copy(s, CZ_GZIP);
	}
	return s;
}

void cz_set_free(struct cz_set *s)
{
	if (!s)
		return;
	for (int c = 0; c < CZ_NR_CODINGS; c++)
		free(s->copy[c].data);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

const char *cz_set_get(struct cz_set *s, enum cz_coding c, size_t *len)
{
	struct cz_copy *k;

	if (!s || c == CZ_IDENTITY || c >= CZ_NR_CODINGS || !s->varies)
		return NULL;
	k = &s->copy[c];
	if (!atomic_load_explicit(&k->made, memory_order_acquire)) {
		pthread_mutex_lock(&s->lock);
		make_copy(s, c);
		pthread_mutex_unlock(&s->lock);
	}
	if (k->data)
		*len = k->len;
	return k->data;
}

int cz_set_varies(const struct cz_set *s)
{
	return s && s->varies;
}

size_t cz_set_bytes(struct cz_set *s)
{
	size_t n = 0;

	for (int c = 0; s && c < CZ_NR_CODINGS; c++)
		if (atomic_load_explicit(&s->copy[c].made, memory_order_acquire))
			n += s->copy[c].len;
	return n;
}
