/* check_compress: Accept-Encoding negotiation (q-values, '*', garbage),
 * the encoders (decoded back to the same bytes) and the copies kept. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <zlib.h>

#include "../server/base/sbuf.h"
#include "../server/http/compress.h"

START_TEST(test_negotiate_plain)
{
	ck_assert_int_eq(cz_negotiate(NULL), CZ_IDENTITY);
	ck_assert_int_eq(cz_negotiate(""), CZ_IDENTITY);
	ck_assert_int_eq(cz_negotiate("br"), CZ_BR);
	ck_assert_int_eq(cz_negotiate("gzip"), CZ_GZIP);
	ck_assert_int_eq(cz_negotiate("x-gzip"), CZ_GZIP);
	ck_assert_int_eq(cz_negotiate("deflate"), CZ_IDENTITY);
	ck_assert_int_eq(cz_negotiate("identity"), CZ_IDENTITY);
	/* Chromium's and Firefox's */
	ck_assert_int_eq(cz_negotiate("gzip, deflate, br, zstd"), CZ_BR);
	ck_assert_int_eq(cz_negotiate("gzip, deflate, br"), CZ_BR);
	/* br before gzip at equal q, whatever the order */
	ck_assert_int_eq(cz_negotiate("gzip, br"), CZ_BR);
	/* case and blanks */
	ck_assert_int_eq(cz_negotiate("  GZIP\t"), CZ_GZIP);
	ck_assert_int_eq(cz_negotiate("Br ; Q=1"), CZ_BR);
}
END_TEST

START_TEST(test_negotiate_q)
{
	ck_assert_int_eq(cz_negotiate("gzip;q=1, br;q=0.5"), CZ_GZIP);
	ck_assert_int_eq(cz_negotiate("gzip;q=0.5, br;q=0.501"), CZ_BR);
	ck_assert_int_eq(cz_negotiate("br;q=0"), CZ_IDENTITY);
	ck_assert_int_eq(cz_negotiate("br;q=0, gzip"), CZ_GZIP);
	ck_assert_int_eq(cz_negotiate("br;q=0.000, gzip;q=0.001"), CZ_GZIP);
	ck_assert_int_eq(cz_negotiate("gzip;q=0, br;q=0"), CZ_IDENTITY);
	ck_assert_int_eq(cz_negotiate("br;q=1.000"), CZ_BR);
	/* '*' stands for what is not named */
	ck_assert_int_eq(cz_negotiate("*"), CZ_BR);
	ck_assert_int_eq(cz_negotiate("br;q=0, *"), CZ_GZIP);
	ck_assert_int_eq(cz_negotiate("*;q=0"), CZ_IDENTITY);
	ck_assert_int_eq(cz_negotiate("gzip, *;q=0"), CZ_GZIP);
	/* identity refused and nothing else accepted: identity anyway */
	ck_assert_int_eq(cz_negotiate("identity;q=0, *;q=0"), CZ_IDENTITY);
	ck_assert_int_eq(cz_negotiate("identity;q=0"), CZ_IDENTITY);
	ck_assert_int_eq(cz_negotiate("identity;q=0, gzip"), CZ_GZIP);
	/* a parameter other than q is ignored */
	ck_assert_int_eq(cz_negotiate("br;level=5"), CZ_BR);
	/* the first of two elements for one coding counts */
	ck_assert_int_eq(cz_negotiate("br;q=0, br"), CZ_IDENTITY);
}
END_TEST

START_TEST(test_negotiate_garbage)
{
	static const char *const none[] = {
		"gzip;q=", "br;q=", "gz", ",,,", ";;;", "br;", "br;q", "br;=1",
		"br;q=2", "br;q=1.5", "br;q=-1", "br;q=0.5x", "br;q=1.0001",
		"br gzip", "\"br\"", "br;q=\"1\"", "b r", "br\x01", "\xff\xfe",
		"br\xff", "\xc3\xa9" "br", "gzip;q=0.", "=", "q=1", NULL
	};
	char *big;

	for (int i = 0; none[i]; i++)
		ck_assert_msg(cz_negotiate(none[i]) == CZ_IDENTITY, "'%s'", none[i]);
	/* an element that cannot be read leaves the others alone */
	ck_assert_int_eq(cz_negotiate("br;q=, gzip"), CZ_GZIP);
	ck_assert_int_eq(cz_negotiate(",,, br ,,"), CZ_BR);
	ck_assert_int_eq(cz_negotiate("\xff" ", gzip"), CZ_GZIP);
	ck_assert_int_eq(cz_negotiate("gzip;q=0.5;;, br;q=0.1"), CZ_BR);
	/* 8 KB: not read at all */
	big = malloc(8193);
	memset(big, 'a', 8192);
	big[8192] = '\0';
	memcpy(big, "br, ", 4);
	ck_assert_int_eq(cz_negotiate(big), CZ_IDENTITY);
	for (int i = 0; i + 4 <= 8192; i += 4)
		memcpy(big + i, "br, ", 4);
	ck_assert_int_eq(cz_negotiate(big), CZ_IDENTITY);
	/* just under the limit: read */
	big[CZ_MAX_HEADER] = '\0';
	ck_assert_int_eq(cz_negotiate(big), CZ_BR);
	free(big);
}
END_TEST

START_TEST(test_types)
{
	ck_assert(cz_type_compressible("text/html; charset=utf-8"));
	ck_assert(cz_type_compressible("application/json"));
	ck_assert(cz_type_compressible("text/javascript; charset=utf-8"));
	ck_assert(cz_type_compressible("image/svg+xml"));
	ck_assert(!cz_type_compressible("image/png"));
	ck_assert(!cz_type_compressible("font/woff2"));
	ck_assert(!cz_type_compressible("application/octet-stream"));
	ck_assert(!cz_type_compressible("application/gzip"));
	ck_assert(!cz_type_compressible(NULL));
	ck_assert_str_eq(cz_name(CZ_BR), "br");
	ck_assert_str_eq(cz_name(CZ_GZIP), "gzip");
	ck_assert_ptr_null(cz_name(CZ_IDENTITY));
	ck_assert_str_eq(cz_etag_suffix(CZ_BR), "-br");
	ck_assert_str_eq(cz_etag_suffix(CZ_GZIP), "-gz");
	ck_assert_str_eq(cz_etag_suffix(CZ_IDENTITY), "");
}
END_TEST

/* Some text that compresses as a page does. */
static void sample(struct sbuf *sb, size_t n)
{
	for (size_t i = 0; sb->len < n; i++)
		sbuf_addf(sb, "<li class=\"cause\">Cause %zu: the headset uses A2DP only</li>\n", i);
}

static void gunzip(const char *in, size_t len, struct sbuf *out)
{
	z_stream zs;
	char buf[4096];
	int rc;

	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = (Bytef *)buf;
		zs.avail_out = sizeof(buf);
		rc = inflate(&zs, Z_NO_FLUSH);
		ck_assert(rc == Z_OK || rc == Z_STREAM_END);
		sbuf_add(out, buf, sizeof(buf) - zs.avail_out);
	} while (rc != Z_STREAM_END);
	inflateEnd(&zs);
}

static void unbrotli(const char *in, size_t len, struct sbuf *out, size_t max)
{
	size_t n = max;

	sbuf_grow(out, max);
	ck_assert_int_eq(BrotliDecoderDecompress(len, (const uint8_t *)in, &n,
						 (uint8_t *)out->buf), BROTLI_DECODER_RESULT_SUCCESS);
	out->len = n;
	out->buf[n] = '\0';
}

START_TEST(test_encode_round_trip)
{
	struct sbuf in = SBUF_INIT, enc = SBUF_INIT, dec = SBUF_INIT;

	sample(&in, 20000);
	for (int level = CZ_FAST; level <= CZ_BEST; level++) {
		sbuf_reset(&enc);
		sbuf_reset(&dec);
		ck_assert_int_eq(cz_encode(CZ_GZIP, level, in.buf, in.len, &enc), 0);
		ck_assert_uint_lt(enc.len, in.len / 4);
		gunzip(enc.buf, enc.len, &dec);
		ck_assert_uint_eq(dec.len, in.len);
		ck_assert(!memcmp(dec.buf, in.buf, in.len));
		sbuf_reset(&enc);
		sbuf_reset(&dec);
		ck_assert_int_eq(cz_encode(CZ_BR, level, in.buf, in.len, &enc), 0);
		ck_assert_uint_lt(enc.len, in.len / 4);
		unbrotli(enc.buf, enc.len, &dec, in.len + 1);
		ck_assert_uint_eq(dec.len, in.len);
		ck_assert(!memcmp(dec.buf, in.buf, in.len));
	}
	/* appends; identity is no encoding */
	sbuf_reset(&enc);
	sbuf_adds(&enc, "x");
	ck_assert_int_eq(cz_encode(CZ_IDENTITY, CZ_FAST, in.buf, in.len, &enc), -1);
	ck_assert_str_eq(enc.buf, "x");
	/* an empty body encodes too */
	sbuf_reset(&enc);
	ck_assert_int_eq(cz_encode(CZ_GZIP, CZ_FAST, "", 0, &enc), 0);
	sbuf_release(&in);
	sbuf_release(&enc);
	sbuf_release(&dec);
}
END_TEST

START_TEST(test_set)
{
	struct sbuf in = SBUF_INIT, dec = SBUF_INIT;
	struct cz_set *s, *tiny, *png;
	const char *br, *gz, *again;
	size_t br_len = 0, gz_len = 0, n = 0;

	sample(&in, 30000);
	s = cz_set_new(in.buf, in.len, "text/html; charset=utf-8", 0);
	ck_assert(cz_set_varies(s));
	ck_assert_uint_eq(cz_set_bytes(s), 0);
	ck_assert_ptr_null(cz_set_get(s, CZ_IDENTITY, &n));
	br = cz_set_get(s, CZ_BR, &br_len);
	ck_assert_ptr_nonnull(br);
	ck_assert_uint_eq(cz_set_bytes(s), br_len);
	gz = cz_set_get(s, CZ_GZIP, &gz_len);
	ck_assert_ptr_nonnull(gz);
	ck_assert_uint_eq(cz_set_bytes(s), br_len + gz_len);
	/* made once: the same copy again */
	again = cz_set_get(s, CZ_BR, &n);
	ck_assert_ptr_eq(again, br);
	ck_assert_uint_eq(n, br_len);
	unbrotli(br, br_len, &dec, in.len + 1);
	ck_assert(dec.len == in.len && !memcmp(dec.buf, in.buf, in.len));
	sbuf_reset(&dec);
	gunzip(gz, gz_len, &dec);
	ck_assert(dec.len == in.len && !memcmp(dec.buf, in.buf, in.len));
	cz_set_free(s);

	/* eager: made at once */
	s = cz_set_new(in.buf, in.len, "application/json", 1);
	ck_assert_uint_gt(cz_set_bytes(s), 0);
	cz_set_free(s);

	/* too small, or of a type that is compressed already: no copies */
	tiny = cz_set_new(in.buf, CZ_MIN_BYTES - 1, "text/html", 1);
	ck_assert(!cz_set_varies(tiny));
	ck_assert_ptr_null(cz_set_get(tiny, CZ_BR, &n));
	png = cz_set_new(in.buf, in.len, "image/png", 1);
	ck_assert(!cz_set_varies(png));
	ck_assert_ptr_null(cz_set_get(png, CZ_GZIP, &n));
	ck_assert_uint_eq(cz_set_bytes(png), 0);
	cz_set_free(tiny);
	cz_set_free(png);
	cz_set_free(NULL);
	sbuf_release(&in);
	sbuf_release(&dec);
}
END_TEST

/* Random bytes do not compress: the set keeps no copy and says so. */
START_TEST(test_set_incompressible)
{
	char *data = malloc(4096);
	unsigned x = 12345;
	struct cz_set *s;
	size_t n;

	for (int i = 0; i < 4096; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (char)(x >> 16);
	}
	s = cz_set_new(data, 4096, "application/json", 0);
	ck_assert_ptr_null(cz_set_get(s, CZ_BR, &n));
	ck_assert_ptr_null(cz_set_get(s, CZ_GZIP, &n));
	cz_set_free(s);
	free(data);
}
END_TEST

Suite *compress_suite(void)
{
	Suite *s = suite_create("compress");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_negotiate_plain);
	tcase_add_test(tc, test_negotiate_q);
	tcase_add_test(tc, test_negotiate_garbage);
	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_encode_round_trip);
	tcase_add_test(tc, test_set);
	tcase_add_test(tc, test_set_incompressible);
	suite_add_tcase(s, tc);
	return s;
}
