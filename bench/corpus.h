/* corpus: a deterministic synthetic FAQ corpus for the benchmarks. */
/* Header-only, shared by the bench programs; the includer defines
 * _GNU_SOURCE before any #include (mkdtemp, nftw). */
#ifndef CLEW_BENCH_CORPUS_H
#define CLEW_BENCH_CORPUS_H

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../server/base/sbuf.h"
#include "../server/base/xalloc.h"
#include "bench.h"

/* Article i is generated from its own seed, so the first n articles are the
 * same whatever the final size: a corpus grows by appending files. */
#define CORPUS_SEED UINT64_C(0x636c65772d62656e)

/* Roughly by frequency: words near the front are picked far more often. */
static const char *const corpus_words[] = {
	"the", "to", "a", "when", "is", "of", "and", "in", "on", "for",
	"audio", "call", "device", "app", "network", "user", "connection",
	"video", "server", "error", "after", "with", "not", "can", "does",
	"stream", "channel", "microphone", "speaker", "headset", "bluetooth",
	"permission", "settings", "camera", "screen", "sdk", "token",
	"timeout", "latency", "bandwidth", "packet", "loss", "echo", "noise",
	"volume", "playback", "recording", "route", "session", "login",
	"account", "message", "notification", "background", "foreground",
	"battery", "memory", "crash", "freeze", "restart", "update", "version",
	"install", "upgrade", "firewall", "proxy", "port", "certificate",
	"encryption", "signal", "wifi", "cellular", "switch", "resolution",
	"frame", "rate", "bitrate", "codec", "encoder", "decoder", "render",
	"view", "window", "layout", "button", "tap", "click", "page",
	"browser", "tab", "cookie", "cache", "storage", "disk", "file",
	"folder", "path", "log", "trace", "debug", "release", "build",
	"compile", "library", "framework", "module", "plugin", "extension",
	"driver", "hardware", "software", "system", "kernel", "thread",
	"process", "service", "daemon", "task", "queue", "event", "callback",
	"listener", "handler", "method", "function", "parameter", "argument",
	"value", "config", "option", "flag", "profile", "mode", "state",
	"status", "result", "response", "request", "header", "body", "payload",
	"format", "encoding", "charset", "language", "locale", "region",
	"zone", "clock", "time", "date", "interval", "delay", "retry",
	"attempt", "failure", "success", "warning", "alert", "prompt",
	"dialog", "popup", "menu", "toolbar", "sidebar", "panel", "list",
	"item", "entry", "record", "row", "column", "table", "database",
	"query", "index", "search", "filter", "sort", "order", "group",
	"member", "host", "guest", "participant", "attendee", "moderator",
	"admin", "owner", "role", "privilege", "policy", "rule", "quota",
	"limit", "threshold", "capacity", "load", "traffic", "throughput",
	"jitter", "buffer", "underrun", "overflow", "sample", "channels",
	"stereo", "mono", "input", "output", "source", "sink", "mixer",
	"gain", "mute", "unmute", "toggle", "enable", "disable", "grant",
	"deny", "revoke", "renew", "expire", "refresh", "reload", "sync",
	"upload", "download", "transfer", "share", "export", "import",
	"backup", "restore", "reset", "wipe", "erase", "delete", "remove",
	"create", "open", "close", "start", "stop", "pause", "resume", "join",
	"leave", "kick", "ban", "invite", "accept", "reject", "answer",
	"hang", "dial", "ring", "vibrate", "silent", "loud", "quiet",
	"distorted", "choppy", "robotic", "delayed", "missing", "blank",
	"black", "frozen", "blurry", "pixelated", "mirrored", "rotated",
	"cropped", "stretched", "offline", "online", "idle", "busy",
	"available", "unavailable", "reachable", "unreachable", "blocked",
	"allowed", "trusted", "untrusted", "signed", "unsigned", "valid",
	"invalid", "expired", "revoked", "corrupt", "stale", "fresh", "empty",
	"full", "partial", "complete", "pending", "queued", "running",
	"stopped", "paused", "killed", "suspended", "throttled", "limited",
	"unlimited", "default", "custom", "manual", "automatic", "native",
	"hybrid", "embedded", "external", "internal", "primary", "secondary",
	"fallback", "preferred", "legacy", "deprecated", "experimental",
	"stable", "beta", "nightly", "keychain", "manifest", "entitlement",
	"sandbox", "simulator", "emulator", "gradle", "xcode", "cocoapods",
	"webview", "websocket", "webrtc", "gateway", "relay", "turn", "stun",
	"ice", "candidate", "dns", "ipv6", "nat", "vpn", "mtu", "tls",
};
#define CORPUS_NR_WORDS (sizeof(corpus_words) / sizeof(*corpus_words))

/* Each appears in about one article in 400 (10% of articles carry one). */
static const char *const corpus_rare[] = {
	"kestrelwire", "quillon", "marrowgate", "tessellink", "brackenfold",
	"vantablur", "orreline", "duskmote", "cindervale", "halcyonet",
	"pellucid", "gossamerx", "fernwick", "lumenrot", "obsidock",
	"wyrmhold", "saltmarsh", "thistledown", "quorumix", "emberlace",
	"glimmerset", "ravenpost", "moorlight", "copperfen", "stillwake",
	"ironbloom", "nettlecast", "driftmark", "ashgrove", "pinecrest",
	"umberline", "velvetjar", "wickerbay", "zinnober", "yarrowby",
	"larkspire", "mistralex", "hollowmere", "brindlecap", "sorrelkey",
};
#define CORPUS_NR_RARE (sizeof(corpus_rare) / sizeof(*corpus_rare))

static const struct {
	const char *name;    /* as in the front matter */
	const char *heading; /* the `## ` heading; starts with the name */
	const char *id;      /* the platform id Clew derives */
} corpus_platforms[] = {
	{ "iOS", "iOS devices", "ios" },
	{ "Android", "Android devices", "android" },
	{ "Windows", "Windows hosts", "windows" },
	{ "macOS", "macOS", "macos" },
	{ "Linux", "Linux servers", "linux" },
	{ "Web", "Web browsers", "web" },
};
#define CORPUS_NR_PLATFORMS                                                    \
	(sizeof(corpus_platforms) / sizeof(*corpus_platforms))

static const char *const corpus_products[] = {
	"Voice", "Video", "Chat", "Recording", "Streaming", "Whiteboard",
};
#define CORPUS_NR_PRODUCTS (sizeof(corpus_products) / sizeof(*corpus_products))

struct corpus {
	struct sbuf dir; /* the mkdtemp folder; "" until corpus_init */
	struct sbuf src; /* dir/src: the articles */
	struct sbuf db;  /* dir/kb.sqlite: where the benchmarks compile to */
	size_t nr;       /* articles written so far */
	size_t bytes;    /* their total size */
};

#define CORPUS_INIT { SBUF_INIT, SBUF_INIT, SBUF_INIT, 0, 0 }

/* Returns a number in [lo, hi]. */
static size_t corpus_between(uint64_t *s, size_t lo, size_t hi)
{
	return lo + (size_t)(bench_rand(s) % (hi - lo + 1));
}

/* A word with a skewed distribution: index n*u^2, so word 0 is about 5%
 * of the text and the last ones about 0.1% each. */
static const char *corpus_word(uint64_t *s)
{
	double u = bench_unit(s);

	return corpus_words[(size_t)(u * u * (double)CORPUS_NR_WORDS)];
}

/* The error code article i mentions: unique, so it finds one article. */
static void corpus_error_code(struct sbuf *sb, size_t i)
{
	uint64_t s = CORPUS_SEED ^ (uint64_t)i;

	sbuf_addf(sb, "0x%06llx%04zx",
		  (unsigned long long)(bench_rand(&s) & 0xffffff), i & 0xffff);
}

/* Appends n words, the first capitalised, without a final period. */
static void corpus_words_n(struct sbuf *sb, uint64_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *w = corpus_word(s);

		if (i) {
			sbuf_addch(sb, ' ');
			sbuf_adds(sb, w);
		} else {
			sbuf_addch(sb, w[0] >= 'a' && w[0] <= 'z' ? w[0] - 32 : w[0]);
			sbuf_adds(sb, w + 1);
		}
	}
}

/* Appends one causes or solutions list item (without the number). */
static void corpus_item(struct sbuf *sb, uint64_t *s, int solution,
			int with_code)
{
	/* Drawn in a fixed order: argument evaluation order is unspecified. */
	const char *w1, *w2, *w3;
	uint64_t extra;

	corpus_words_n(sb, s, corpus_between(s, 3, 5));
	extra = bench_rand(s) % 4;
	w1 = corpus_word(s);
	w2 = corpus_word(s);
	w3 = corpus_word(s);
	if (extra == 0)
		sbuf_addf(sb, " `%s_%s`", w1, w2);
	else if (extra == 1 && solution)
		sbuf_addf(sb, ", see [the %s guide](https://docs.example.com/%s/%s)",
			  w1, w2, w3);
	sbuf_adds(sb, ".");
	if (with_code)
		sbuf_addf(sb, "\n\n   ```\n   %s.%s = %s\n   ```", w3, w1, w2);
	sbuf_addch(sb, '\n');
}

/* Replaces sb with the text of article i (about 1 KB of Markdown). */
static void corpus_article(struct sbuf *sb, size_t i)
{
	uint64_t s = CORPUS_SEED ^ ((uint64_t)i * UINT64_C(0x2545f4914f6cdd1d));
	size_t plat[3], nr_plat = corpus_between(&s, 2, 3);
	size_t prod = bench_rand(&s) % CORPUS_NR_PRODUCTS;
	int annotated = bench_rand(&s) % 4 == 0; /* one article in four */
	size_t code_platform = bench_rand(&s) % nr_plat;
	uint64_t when;

	/* nr_plat distinct platforms. */
	for (size_t n = 0; n < nr_plat;) {
		size_t p = bench_rand(&s) % CORPUS_NR_PLATFORMS, k;

		for (k = 0; k < n && plat[k] != p; k++)
			;
		if (k == n)
			plat[n++] = p;
	}

	sbuf_reset(sb);
	sbuf_adds(sb, "---\ntitle: Why does ");
	corpus_words_n(sb, &s, corpus_between(&s, 3, 6));
	sbuf_addf(sb, " fail on %s", corpus_platforms[plat[0]].name);
	for (size_t k = 1; k < nr_plat; k++)
		sbuf_addf(sb, "%s%s", k + 1 < nr_plat ? ", " : " or ",
			  corpus_platforms[plat[k]].name);
	sbuf_adds(sb, "?\nplatform: [");
	for (size_t k = 0; k < nr_plat; k++)
		sbuf_addf(sb, "%s\"%s\"", k ? "," : "", corpus_platforms[plat[k]].name);
	when = bench_rand(&s);
	sbuf_addf(sb, "]\nupdatedAt: %d-%02d-%02d %02d:%02d:%02d\n",
		  2019 + (int)(when % 6), 1 + (int)((when >> 8) % 12),
		  1 + (int)((when >> 16) % 28), (int)((when >> 24) % 24),
		  (int)((when >> 32) % 60), (int)((when >> 40) % 60));
	sbuf_addf(sb, "Products: [\"%s\",\"%s\"]\nslug: kb-%06zu\n---\n",
		  corpus_products[prod],
		  corpus_products[(prod + 1 + when % (CORPUS_NR_PRODUCTS - 1)) %
				  CORPUS_NR_PRODUCTS],
		  i);

	sbuf_adds(sb, "## Issue description\n\n");
	corpus_words_n(sb, &s, corpus_between(&s, 8, 12));
	sbuf_adds(sb, ". The log shows error `");
	corpus_error_code(sb, i);
	sbuf_adds(sb, "`");
	if (bench_rand(&s) % 10 == 0)
		sbuf_addf(sb, " near the %s module",
			  corpus_rare[bench_rand(&s) % CORPUS_NR_RARE]);
	sbuf_adds(sb, ".\n");

	for (size_t k = 0; k < nr_plat; k++) {
		const char *id = corpus_platforms[plat[k]].id;
		size_t nc = corpus_between(&s, 2, 4), ns = corpus_between(&s, 2, 4);
		int annotate = annotated && k == 0;

		sbuf_addf(sb, "\n## %s\n\n### Reasons\n\n",
			  corpus_platforms[plat[k]].heading);
		for (size_t j = 0; j < nc; j++) {
			sbuf_addf(sb, "%zu. ", j + 1);
			if (annotate && j == 0)
				sbuf_addf(sb, "<!-- cause: %s-root; when: platform=%s; "
					  "solutions: %s-main; weight: 2 -->\n   ",
					  id, id, id);
			corpus_item(sb, &s, 0, 0);
		}
		sbuf_adds(sb, "\n### Solutions\n\n");
		for (size_t j = 0; j < ns; j++) {
			sbuf_addf(sb, "%zu. ", j + 1);
			if (annotate && j == 0)
				sbuf_addf(sb, "<!-- solution: %s-main -->\n   ", id);
			corpus_item(sb, &s, 1, k == code_platform && j == ns - 1);
		}
	}
}

/* Creates an empty corpus folder under /tmp. Returns 0, or -1 with errno
 * set. corpus_release (and corpus_remove) must follow either way. */
static int corpus_init(struct corpus *c)
{
	sbuf_adds(&c->dir, "/tmp/clew-corpus-XXXXXX");
	if (!mkdtemp(c->dir.buf)) {
		sbuf_reset(&c->dir);
		return -1;
	}
	sbuf_addf(&c->src, "%s/src", c->dir.buf);
	sbuf_addf(&c->db, "%s/kb.sqlite", c->dir.buf);
	return mkdir(c->src.buf, 0700);
}

/* Writes articles c->nr .. n-1 (one open and write per file). Returns 0,
 * or -1 with errno set. */
static int corpus_grow(struct corpus *c, size_t n)
{
	struct sbuf text = SBUF_INIT, path = SBUF_INIT;
	FILE *f = NULL;
	int ret = -1;

	for (; c->nr < n; c->nr++) {
		corpus_article(&text, c->nr);
		sbuf_reset(&path);
		sbuf_addf(&path, "%s/kb-%06zu.md", c->src.buf, c->nr);
		/* One generated article. */
		f = fopen(path.buf, "w");
		if (!f)
			goto cleanup;
		if (fwrite(text.buf, 1, text.len, f) != text.len)
			goto cleanup;
		if (fclose(f)) {
			f = NULL;
			goto cleanup;
		}
		f = NULL;
		c->bytes += text.len;
	}
	ret = 0;
cleanup:
	if (f) {
		int saved = errno;
		fclose(f);
		errno = saved;
	}
	sbuf_release(&text);
	sbuf_release(&path);
	return ret;
}

static int corpus_unlink_cb(const char *path, const struct stat *st, int flag,
			    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes the corpus folder and everything in it; a no-op before
 * corpus_init succeeded. Returns 0, or -1. */
static int corpus_remove(struct corpus *c)
{
	if (!c->dir.len)
		return 0;
	if (getenv("BENCH_KEEP")) {
		fprintf(stderr, "BENCH_KEEP: the corpus is left in %s\n", c->dir.buf);
		return 0;
	}
	return nftw(c->dir.buf, corpus_unlink_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void corpus_release(struct corpus *c)
{
	sbuf_release(&c->dir);
	sbuf_release(&c->src);
	sbuf_release(&c->db);
	c->nr = c->bytes = 0;
}

#endif
