/* check_http: `clew serve` end to end over HTTP on 127.0.0.1: routes, error
 * codes, security headers, the no-JS wizard, escaping, path traversal,
 * malformed requests, SIGHUP reload and SIGTERM drain. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "../server/base/sbuf.h"
#include "../server/base/xalloc.h"
#include "../server/store/store.h"
#include "testutil.h"

#define ARTICLE "bluetooth-call-audio"
#define XSS_SCRIPT "<script>alert(1)</script>"
#define XSS_IMG "\"><img src=x onerror=alert(1)>"
#define XSS_SCRIPT_ESCAPED "&lt;script&gt;alert(1)&lt;/script&gt;"

/* ---- the server under test ------------------------------------------- */

struct server {
	pid_t pid;     /* 0: not running */
	int port;
	char *dir;     /* tu_tmpdir: the KB, stderr, a static copy */
	char *db;      /* the KB path it serves (malloc'd) */
};

static const char *bin(void)
{
	const char *b = getenv("CLEW_BIN");
	return b && *b ? b : "build/clew";
}


/* Waits up to ms for pid to exit; returns 1 with *status set when it did. */
static int wait_exit(pid_t pid, long ms, int *status)
{
	double end = tu_now() + (double)ms / 1000;

	do {
		pid_t w = waitpid(pid, status, WNOHANG);

		if (w == pid || (w < 0 && errno == ECHILD))
			return 1;
		tu_nap_ms(10);
	} while (tu_now() < end);
	return 0;
}

/* The server's stderr so far (malloc'd; caller frees; never NULL). */
static char *server_stderr(const struct server *s)
{
	struct sbuf path = SBUF_INIT;
	char *text;

	sbuf_addf(&path, "%s/stderr", s->dir);
	text = tu_read(path.buf, NULL);
	sbuf_release(&path);
	return text ? text : xstrdup("");
}

/* How many times needle occurs in the server's stderr so far. */
static int stderr_count(const struct server *s, const char *needle)
{
	char *err = server_stderr(s);
	int n = 0;

	for (const char *p = err; (p = strstr(p, needle)); p++)
		n++;
	free(err);
	return n;
}

/* Waits up to ms for the server's stderr to hold more than `already`
 * occurrences of needle; returns 1 if it does. */
static int stderr_wait_count(const struct server *s, const char *needle,
			     int already, long ms)
{
	double end = tu_now() + (double)ms / 1000;

	do {
		if (stderr_count(s, needle) > already)
			return 1;
		tu_nap_ms(10);
	} while (tu_now() < end);
	return 0;
}

static int stderr_wait_for(const struct server *s, const char *needle, long ms)
{
	return stderr_wait_count(s, needle, 0, ms);
}

/* Stops the server: SIGTERM, up to 5 s to exit, then SIGKILL. Returns the
 * wait status, or -1 when it had to be killed or was not running. */
static int server_stop(struct server *s)
{
	int status = -1;

	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	if (!wait_exit(s->pid, 5000, &status)) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &status, 0);
		status = -1;
	}
	s->pid = 0;
	return status;
}

/* Starts `CLEW_BIN serve` on 127.0.0.1:0 over s->db (s->dir is set), with
 * the NULL-ended extra flags after the defaults (a later flag wins), and
 * waits for its "listening ... (port N)" line. Returns 0, or -1 (and the
 * server is gone) when it does not come up. */
static int server_start(struct server *s, ...)
{
	const char *argv[40];
	struct sbuf errpath = SBUF_INIT;
	size_t n = 0;
	va_list ap;
	const char *a;
	double end;

	argv[n++] = bin();
	argv[n++] = "serve";
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = "--threads";
	argv[n++] = "4";
	argv[n++] = "--templates";
	argv[n++] = "templates";
	argv[n++] = "--static";
	argv[n++] = "static";
	argv[n++] = "--no-access-log";
	argv[n++] = "--db";
	argv[n++] = s->db;
	va_start(ap, s);
	while ((a = va_arg(ap, const char *)) && n < 39)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;

	sbuf_addf(&errpath, "%s/stderr", s->dir);
	fflush(NULL);
	s->port = 0;
	s->pid = fork();
	if (s->pid < 0) {
		perror("fork");
		s->pid = 0;
		sbuf_release(&errpath);
		return -1;
	}
	if (s->pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		int err = open(errpath.buf, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (nul < 0 || err < 0)
			_exit(126);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(err, 2);
		/* Never outlive the test process, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	sbuf_release(&errpath);

	end = tu_now() + 10;
	while (tu_now() < end) {
		char *err = server_stderr(s);
		const char *p = strstr(err, "(port ");
		int status;

		if (p)
			s->port = atoi(p + 6);
		if (s->port > 0) {
			free(err);
			return 0;
		}
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			fprintf(stderr, "clew serve exited early (status %d):\n%s\n",
				status, err);
			free(err);
			s->pid = 0;
			return -1;
		}
		free(err);
		tu_nap_ms(10);
	}
	fprintf(stderr, "clew serve did not say it was listening within 10 s\n");
	server_stop(s);
	return -1;
}

/* Makes a temporary folder for s, with s->db = dir/name. */
static void server_init(struct server *s, const char *name)
{
	struct sbuf db = SBUF_INIT;

	memset(s, 0, sizeof(*s));
	s->dir = tu_tmpdir();
	sbuf_addf(&db, "%s/%s", s->dir, name);
	s->db = sbuf_detach(&db, NULL);
}

/* Stops the server and removes its folder. */
static void server_release(struct server *s)
{
	server_stop(s);
	if (s->dir)
		tu_rmtree(s->dir);
	free(s->dir);
	free(s->db);
	memset(s, 0, sizeof(*s));
}

/* Fixture servers that did not exit 0 on SIGTERM, for the last test to
 * report: an unchecked teardown runs in the runner itself, where (in fork
 * mode) a failed assertion would end the whole run without a summary. */
static struct sbuf unclean_stops = SBUF_INIT;

/* For the fixtures' teardown: stops the server and removes its folder;
 * records it when it did not exit 0 (a crash, a sanitizer report, a hang),
 * with its stderr on ours. */
static void server_release_clean(struct server *s, const char *name)
{
	int status = s->pid > 0 ? server_stop(s) : 0;

	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *err = server_stderr(s);

		fprintf(stderr, "clew serve (%s) did not stop cleanly (status %d):\n%s\n",
			name, status, err);
		free(err);
		sbuf_addf(&unclean_stops, "%s%s (wait status %d)",
			  unclean_stops.len ? ", " : "", name, status);
	}
	server_release(s);
}

/* Compiles the NULL-ended inputs into out; 0 on success (diagnostics on
 * stderr otherwise). */
static int compile_kb(const char *out, ...)
{
	const char *in[8] = { NULL };
	struct diag d = DIAG_INIT;
	size_t n = 0;
	va_list ap;
	const char *p;
	int rc;

	va_start(ap, out);
	while ((p = va_arg(ap, const char *)) && n < 7)
		in[n++] = p;
	va_end(ap);
	rc = tu_compile(out, &d, 0, in[0], in[1], in[2], in[3], in[4], in[5], in[6], NULL);
	if (rc)
		tu_diag_dump(&d);
	diag_release(&d);
	return rc;
}

/* The content hash stored in a compiled KB (malloc'd; caller frees). */
static char *kb_hash(const char *db)
{
	char *err = NULL, *hash = NULL;
	struct store *st = store_open(db, &err);

	if (st)
		hash = store_meta(st, "content_hash");
	else
		fprintf(stderr, "%s: %s\n", db, err);
	store_free(st);
	free(err);
	return hash;
}

/* ---- HTTP requests (libcurl) ----------------------------------------- */

struct reply {
	CURLcode rc;
	long status;
	struct sbuf body;
	char **hdrs;   /* "Name: value" lines of the final response */
	size_t nr_hdrs;
};

static size_t on_body(char *data, size_t size, size_t n, void *cls)
{
	sbuf_add(cls, data, size * n);
	return size * n;
}

static void reply_drop_headers(struct reply *r)
{
	for (size_t i = 0; i < r->nr_hdrs; i++)
		free(r->hdrs[i]);
	free(r->hdrs);
	r->hdrs = NULL;
	r->nr_hdrs = 0;
}

static size_t on_header(char *data, size_t size, size_t n, void *cls)
{
	struct reply *r = cls;
	size_t len = size * n;
	char *line;

	/* A status line starts a new response (after a 100 Continue). */
	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		reply_drop_headers(r);
		return len;
	}
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (!len)
		return size * n;
	line = xstrndup(data, len);
	r->hdrs = xrealloc(r->hdrs, (r->nr_hdrs + 1) * sizeof(*r->hdrs));
	r->hdrs[r->nr_hdrs++] = line;
	return size * n;
}

static void reply_release(struct reply *r)
{
	sbuf_release(&r->body);
	reply_drop_headers(r);
}

/* The value of the response header name (borrowed from r), or NULL. */
static const char *reply_header(const struct reply *r, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < r->nr_hdrs; i++) {
		const char *h = r->hdrs[i];

		if (!strncasecmp(h, name, n) && h[n] == ':') {
			h += n + 1;
			while (*h == ' ' || *h == '\t')
				h++;
			return h;
		}
	}
	return NULL;
}

/* Sends METHOD path (with its query; sent as is, no dot squashing) to
 * 127.0.0.1:port over handle c. headers: NULL-ended extra header lines, or
 * NULL. body: sent when non-NULL (len < 0: strlen). Returns the reply
 * (release with reply_release); rc says whether the transport worked. */
static struct reply http_on(CURL *c, int port, const char *method,
			    const char *path, const char *const *headers,
			    const char *body, long len)
{
	struct reply r = { CURLE_OK, 0, SBUF_INIT, NULL, 0 };
	struct curl_slist *hl = curl_slist_append(NULL, "Expect:");
	struct sbuf url = SBUF_INIT;

	for (; headers && *headers; headers++)
		hl = curl_slist_append(hl, *headers);
	sbuf_addf(&url, "http://127.0.0.1:%d%s", port, path);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url.buf);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(len < 0 ? (long)strlen(body) : len));
	}
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, body ? "POST" : "GET"))
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	r.rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_slist_free_all(hl);
	sbuf_release(&url);
	return r;
}

static struct reply http_req(int port, const char *method, const char *path,
			     const char *const *headers, const char *body, long len)
{
	CURL *c = curl_easy_init();
	struct reply r;

	ck_assert_ptr_nonnull(c);
	r = http_on(c, port, method, path, headers, body, len);
	curl_easy_cleanup(c);
	return r;
}

static struct reply get(int port, const char *path)
{
	return http_req(port, "GET", path, NULL, NULL, 0);
}

/* POSTs a JSON body (Content-Type: application/json). */
static struct reply post_json(int port, const char *path, const char *json)
{
	static const char *const h[] = { "Content-Type: application/json", NULL };

	return http_req(port, "POST", path, h, json, -1);
}

#define assert_transport(r)                                                    \
	ck_assert_msg((r).rc == CURLE_OK, "transport: %s", curl_easy_strerror((r).rc))

#define assert_status(r, want)                                                 \
	do {                                                                   \
		assert_transport(r);                                           \
		ck_assert_msg((r).status == (want), "status %ld, want %d; body: %.400s", \
			      (r).status, (want), (r).body.buf);               \
	} while (0)

#define assert_has(hay, needle)                                                \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "'%s' not found in: %.600s", \
		      (needle), (hay))

#define assert_lacks(hay, needle)                                              \
	ck_assert_msg(strstr((hay), (needle)) == NULL, "'%s' found in: %.600s", \
		      (needle), strstr((hay), (needle)))

static void assert_header_has(const struct reply *r, const char *name,
			      const char *needle)
{
	const char *v = reply_header(r, name);

	ck_assert_msg(v != NULL, "no %s header", name);
	ck_assert_msg(strstr(v, needle) != NULL, "%s: '%s' lacks '%s'", name, v, needle);
}

/* The body as JSON; the test fails when it is not. Caller frees. */
static cJSON *json_body(const struct reply *r)
{
	cJSON *doc = cJSON_Parse(r->body.buf);

	ck_assert_msg(doc != NULL, "not JSON: %.400s", r->body.buf);
	assert_header_has(r, "Content-Type", "application/json");
	return doc;
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	ck_assert_msg(cJSON_IsString(v), "'%s' is not a string", key);
	return v->valuestring;
}

/* Checks r is an API error: status, JSON {"error":{"code","message"}}, and
 * a message containing msg_part (when not NULL). */
static void assert_api_error(const struct reply *r, int status, const char *code,
			     const char *msg_part)
{
	cJSON *doc, *err;

	assert_status(*r, status);
	doc = json_body(r);
	err = cJSON_GetObjectItem(doc, "error");
	ck_assert_msg(cJSON_IsObject(err), "no error object: %s", r->body.buf);
	ck_assert_str_eq(json_str(err, "code"), code);
	ck_assert(*json_str(err, "message"));
	if (msg_part)
		assert_has(json_str(err, "message"), msg_part);
	cJSON_Delete(doc);
}

/* The security headers every HTML page carries. */
static void assert_page_headers(const struct reply *r, const char *frame_ancestors)
{
	const char *csp = reply_header(r, "Content-Security-Policy");
	struct sbuf fa = SBUF_INIT;

	assert_header_has(r, "Content-Type", "text/html");
	ck_assert_msg(csp != NULL, "no Content-Security-Policy");
	assert_lacks(csp, "unsafe-inline");
	assert_has(csp, "default-src 'self'");
	sbuf_addf(&fa, "frame-ancestors %s", frame_ancestors);
	assert_has(csp, fa.buf);
	sbuf_release(&fa);
	assert_header_has(r, "X-Content-Type-Options", "nosniff");
	ck_assert_ptr_nonnull(reply_header(r, "Referrer-Policy"));
}

/* ---- HTML scraping for the wizard ------------------------------------ */

/* Appends s[0, n) to out with HTML character references decoded. */
static void html_decode(struct sbuf *out, const char *s, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} named[] = { { "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		      { "quot;", '"' }, { "apos;", '\'' } };

	for (size_t i = 0; i < n; i++) {
		size_t k;

		if (s[i] != '&') {
			sbuf_addch(out, s[i]);
			continue;
		}
		for (k = 0; k < sizeof(named) / sizeof(*named); k++) {
			size_t len = strlen(named[k].name);

			if (i + 1 + len <= n && !strncmp(s + i + 1, named[k].name, len)) {
				sbuf_addch(out, named[k].c);
				i += len;
				break;
			}
		}
		if (k < sizeof(named) / sizeof(*named))
			continue;
		if (i + 2 < n && s[i + 1] == '#') {
			int hex = s[i + 2] == 'x' || s[i + 2] == 'X';
			char *end;
			long c = strtol(s + i + 2 + hex, &end, hex ? 16 : 10);

			if (*end == ';' && end > s + i + 2 + hex && c > 0 && c < 128) {
				sbuf_addch(out, (int)c);
				i = (size_t)(end - s);
				continue;
			}
		}
		sbuf_addch(out, '&');
	}
}

/* The decoded value of attribute name="..." in the tag [tag, end), or NULL
 * (malloc'd; caller frees). */
static char *tag_attr(const char *tag, const char *end, const char *name)
{
	struct sbuf pat = SBUF_INIT, val = SBUF_INIT;
	const char *p, *q;

	sbuf_addf(&pat, " %s=\"", name);
	p = memmem(tag, (size_t)(end - tag), pat.buf, pat.len);
	if (!p) {
		sbuf_release(&pat);
		return NULL;
	}
	p += pat.len;
	q = memchr(p, '"', (size_t)(end - p));
	sbuf_release(&pat);
	if (!q)
		return NULL;
	html_decode(&val, p, (size_t)(q - p));
	return sbuf_detach(&val, NULL);
}

/* The href of the <a> tag that ends at hit (its '>'), decoded (malloc'd;
 * caller frees), or NULL. */
static char *href_before(const char *html, const char *hit)
{
	const char *a;

	for (a = hit; a > html && strncmp(a, "<a ", 3); a--)
		;
	if (strncmp(a, "<a ", 3))
		return NULL;
	return tag_attr(a, hit + 1, "href");
}

/* The href of the first link whose text is text, decoded (malloc'd; caller
 * frees), or NULL. */
static char *link_to(const char *html, const char *text)
{
	struct sbuf pat = SBUF_INIT;
	const char *hit;

	sbuf_addf(&pat, ">%s</a>", text);
	hit = strstr(html, pat.buf);
	sbuf_release(&pat);
	return hit ? href_before(html, hit) : NULL;
}

static void url_encode(struct sbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) {
			sbuf_addch(out, *p);
		} else {
			sbuf_addch(out, '%');
			sbuf_addch(out, hex[*p >> 4]);
			sbuf_addch(out, hex[*p & 15]);
		}
	}
}

/* The answer the walk prefers for a question, or NULL (the first option). */
static const char *preferred(const char *question)
{
	if (!strcmp(question, "platform"))
		return "android";
	if (!strcmp(question, "sco_supported"))
		return "no";
	return NULL;
}

/* The wizard's <form class="CLS"> in html, or NULL; checks it is a GET
 * of /wizard and sets *end to its "</form>". */
static const char *wizard_form(const char *html, const char *cls, const char **end)
{
	struct sbuf open = SBUF_INIT;
	const char *form, *tag_end, *get;
	char *action;

	sbuf_addf(&open, "<form class=\"%s\"", cls);
	form = strstr(html, open.buf);
	sbuf_release(&open);
	if (!form)
		return NULL;
	*end = strstr(form, "</form>");
	ck_assert_ptr_nonnull(*end);
	tag_end = strchr(form, '>');
	action = tag_attr(form, tag_end, "action");
	ck_assert_str_eq(action, "/wizard");
	free(action);
	get = strstr(form, "method=\"get\"");
	ck_assert_msg(get && get < tag_end, "the %s form is no GET", cls);
	return form;
}

/* Appends a form field, urlencoded, after sep ('?', '&', or 0: none). */
static void add_field(struct sbuf *q, char sep, const char *name, const char *value)
{
	if (sep)
		sbuf_addch(q, sep);
	url_encode(q, name);
	sbuf_addch(q, '=');
	url_encode(q, value);
}
/* Submits the <form class="question"> in html the way a browser would,
 * choosing one radio option; returns the GET URL (malloc'd; caller frees),
 * or NULL when the page has no question form. */
static char *submit_question(const char *html)
{
	const char *end, *p, *form = wizard_form(html, "question", &end);
	struct sbuf url = SBUF_INIT;
	char *radio_name = NULL, *radio_value = NULL;
	int first = 1;

	if (!form)
		return NULL;
	sbuf_adds(&url, "/wizard");
	for (p = form; (p = strstr(p, "<input")) && p < end; p++) {
		const char *close = strchr(p, '>');
		char *type = tag_attr(p, close, "type");
		char *name = tag_attr(p, close, "name");
		char *value = tag_attr(p, close, "value");

		ck_assert_ptr_nonnull(type);
		ck_assert_ptr_nonnull(name);
		ck_assert_ptr_nonnull(value);
		if (!strcmp(type, "hidden")) {
			add_field(&url, first ? '?' : '&', name, value);
			first = 0;
		} else if (!strcmp(type, "radio")) {
			const char *want = preferred(name);

			if (!radio_name || (want && !strcmp(value, want) &&
					    strcmp(radio_value, want))) {
				free(radio_name);
				free(radio_value);
				radio_name = name;
				radio_value = value;
				name = value = NULL;
			}
		}
		free(type);
		free(name);
		free(value);
	}
	ck_assert_msg(radio_name != NULL, "a question form without options: %.600s", form);
	sbuf_addch(&url, first ? '?' : '&');
	url_encode(&url, radio_name);
	sbuf_addch(&url, '=');
	url_encode(&url, radio_value);
	free(radio_name);
	free(radio_value);
	return sbuf_detach(&url, NULL);
}

/* ---- raw sockets ----------------------------------------------------- */

/* Sends data to the port over a fresh TCP connection, then reads until the
 * server closes or 5 s pass. Returns what came back (malloc'd; caller
 * frees); *closed says whether the server closed the connection. */
static char *raw_exchange(int port, const void *data, size_t len, int *closed)
{
	struct sockaddr_in sa;
	struct sbuf got = SBUF_INIT;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	double end = tu_now() + 5;
	size_t off = 0;

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	while (off < len) {
		ssize_t n = send(fd, (const char *)data + off, len - off, MSG_NOSIGNAL);

		if (n <= 0)
			break; /* the server may hang up before reading it all */
		off += (size_t)n;
	}
	*closed = 0;
	while (tu_now() < end) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		char buf[4096];
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			*closed = 1;
			break;
		}
		sbuf_add(&got, buf, (size_t)n);
		/* Enough to judge once a whole header block is here. */
		if (strstr(got.buf, "\r\n\r\n") && got.len > 12)
			break;
	}
	close(fd);
	return sbuf_detach(&got, NULL);
}

/* Checks a raw exchange ended in a 4xx answer or a closed connection. */
static void assert_refused(const char *what, const char *got, int closed)
{
	if (!*got) {
		ck_assert_msg(closed, "%s: no answer and the connection stayed open", what);
		return;
	}
	ck_assert_msg(strlen(got) >= 12 && !strncmp(got, "HTTP/1.", 7) && got[9] == '4',
		      "%s: answered %.80s", what, got);
}

static void assert_healthy(int port)
{
	struct reply r = get(port, "/healthz");

	assert_status(r, 200);
	assert_has(r.body.buf, "\"status\":\"ok\"");
	reply_release(&r);
}

/* ---- the fixtures ---------------------------------------------------- */

static struct server main_srv, opt_srv, hostile_srv, nokb_srv, reload_srv, lang_srv;

static void start_or_abort(struct server *s, int started)
{
	if (!started)
		return;
	server_release(s);
	ck_abort_msg("the server did not start");
}

/* The shipped KB, default flags. */
static void main_setup(void)
{
	server_init(&main_srv, "kb.sqlite");
	ck_assert_int_eq(compile_kb(main_srv.db, "kb", NULL), 0);
	start_or_abort(&main_srv, server_start(&main_srv, NULL));
}

static void main_teardown(void)
{
	server_release_clean(&main_srv, "routes");
}

static void opt_setup(void)
{
	server_init(&opt_srv, "kb.sqlite");
	ck_assert_int_eq(compile_kb(opt_srv.db, "kb", NULL), 0);
	start_or_abort(&opt_srv, server_start(&opt_srv, "--frame-ancestors",
					      "https://help.example.com", "--cors",
					      "https://allowed.example", NULL));
}

static void opt_teardown(void)
{
	server_release_clean(&opt_srv, "options");
}

/* A KB with markup in its title and causes, and a static folder with a
 * symlink out of it. */
static void hostile_setup(void)
{
	struct sbuf st = SBUF_INIT, link = SBUF_INIT;
	char *css;
	size_t len;

	server_init(&hostile_srv, "kb.sqlite");
	ck_assert_int_eq(compile_kb(hostile_srv.db, "tests/data/http/xss.md",
				    "tests/data/kb/questions.md", NULL), 0);
	sbuf_addf(&st, "%s/static", hostile_srv.dir);
	ck_assert_int_eq(mkdir(st.buf, 0755), 0);
	css = tu_read("static/app.css", &len);
	ck_assert_ptr_nonnull(css);
	free(tu_write(st.buf, "app.css", css, (long)len));
	free(css);
	sbuf_addf(&link, "%s/evil.css", st.buf);
	ck_assert_int_eq(symlink("/etc/passwd", link.buf), 0);
	start_or_abort(&hostile_srv, server_start(&hostile_srv, "--static", st.buf, NULL));
	sbuf_release(&st);
	sbuf_release(&link);
}

static void hostile_teardown(void)
{
	server_release_clean(&hostile_srv, "hostile");
}

/* --db names a file that does not exist (yet). */
static void nokb_setup(void)
{
	server_init(&nokb_srv, "later.sqlite");
	start_or_abort(&nokb_srv, server_start(&nokb_srv, NULL));
}

static void nokb_teardown(void)
{
	server_release_clean(&nokb_srv, "no-kb");
}

/* Articles in English, in German (de-DE) and in no stated language. */
static void lang_setup(void)
{
	server_init(&lang_srv, "kb.sqlite");
	ck_assert_int_eq(compile_kb(lang_srv.db, "tests/data/lang",
				    "tests/data/kb/questions.md", NULL), 0);
	start_or_abort(&lang_srv, server_start(&lang_srv, NULL));
}

static void lang_teardown(void)
{
	server_release_clean(&lang_srv, "lang");
}

static void reload_setup(void)
{
	server_init(&reload_srv, "served.sqlite");
	ck_assert_int_eq(compile_kb(reload_srv.db, "kb", NULL), 0);
	start_or_abort(&reload_srv, server_start(&reload_srv, NULL));
}

static void reload_teardown(void)
{
	server_release_clean(&reload_srv, "reload");
}

/* ---- 1. every route answers ------------------------------------------ */

START_TEST(test_healthz_and_metrics)
{
	struct reply r = get(main_srv.port, "/healthz");
	char *hash = kb_hash(main_srv.db);
	cJSON *doc, *kb;

	assert_status(r, 200);
	doc = json_body(&r);
	ck_assert_str_eq(json_str(doc, "status"), "ok");
	kb = cJSON_GetObjectItem(doc, "kb");
	ck_assert(cJSON_IsObject(kb));
	ck_assert_int_eq(cJSON_GetObjectItem(kb, "articles")->valueint, 2);
	ck_assert_ptr_nonnull(hash);
	ck_assert_str_eq(json_str(kb, "content_hash"), hash);
	assert_header_has(&r, "Cache-Control", "no-store");
	assert_header_has(&r, "X-Content-Type-Options", "nosniff");
	ck_assert_ptr_nonnull(reply_header(&r, "X-Request-Id"));
	cJSON_Delete(doc);
	reply_release(&r);

	/* A request is counted once its reply has gone, on the server's
	 * thread: the client may ask for /metrics before that. */
	for (int i = 0; i < 100; i++) {
		r = get(main_srv.port, "/metrics");
		if (strstr(r.body.buf, "clew_http_requests_total{route=\"/healthz\",status=\"200\"}"))
			break;
		reply_release(&r);
		tu_nap_ms(20);
	}
	assert_status(r, 200);
	assert_header_has(&r, "Content-Type", "text/plain");
	assert_has(r.body.buf, "# TYPE clew_http_requests_total counter");
	assert_has(r.body.buf, "clew_http_requests_total{route=\"/healthz\",status=\"200\"}");
	assert_has(r.body.buf, hash);
	reply_release(&r);

	r = http_req(main_srv.port, "HEAD", "/healthz", NULL, NULL, 0);
	assert_status(r, 200);
	ck_assert_uint_eq(r.body.len, 0);
	reply_release(&r);
	free(hash);
}
END_TEST

START_TEST(test_api_articles)
{
	struct reply r = get(main_srv.port, "/api/v1/articles");
	cJSON *all, *doc, *it;
	int total, found = 0;

	assert_status(r, 200);
	all = json_body(&r);
	total = cJSON_GetObjectItem(all, "total")->valueint;
	ck_assert_int_eq(total, 2);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(all, "items")), total);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(all, "items"))
		found += !strcmp(json_str(it, "slug"), ARTICLE);
	ck_assert_int_eq(found, 1);
	ck_assert_ptr_nonnull(reply_header(&r, "ETag"));
	reply_release(&r);

	r = get(main_srv.port, "/api/v1/articles?platform=linux");
	assert_status(r, 200);
	doc = json_body(&r);
	ck_assert_int_eq(cJSON_GetObjectItem(doc, "total")->valueint, 1);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items")), 1);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "items")) {
		const cJSON *pl;
		int linux_seen = 0;

		ck_assert_str_eq(json_str(it, "slug"), "linux-bluetooth-headset-audio");
		cJSON_ArrayForEach(pl, cJSON_GetObjectItem(it, "platforms"))
			linux_seen += !strcmp(json_str(pl, "id"), "linux");
		ck_assert_int_eq(linux_seen, 1);
	}
	cJSON_Delete(doc);
	reply_release(&r);

	r = get(main_srv.port, "/api/v1/articles?limit=1&offset=1");
	assert_status(r, 200);
	doc = json_body(&r);
	ck_assert_int_eq(cJSON_GetObjectItem(doc, "total")->valueint, total);
	ck_assert_int_eq(cJSON_GetObjectItem(doc, "limit")->valueint, 1);
	ck_assert_int_eq(cJSON_GetObjectItem(doc, "offset")->valueint, 1);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items")), 1);
	ck_assert_str_eq(json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "items"), 0), "slug"),
			 json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(all, "items"), 1), "slug"));
	cJSON_Delete(doc);
	reply_release(&r);

	r = get(main_srv.port, "/api/v1/articles?limit=abc");
	assert_api_error(&r, 400, "bad_request", "limit");
	reply_release(&r);
	r = get(main_srv.port, "/api/v1/articles?limit=0");
	assert_api_error(&r, 400, "bad_request", "limit");
	reply_release(&r);
	r = get(main_srv.port, "/api/v1/articles?offset=-1");
	assert_api_error(&r, 400, "bad_request", "offset");
	reply_release(&r);
	cJSON_Delete(all);
}
END_TEST

START_TEST(test_api_article_etag)
{
	struct reply r = get(main_srv.port, "/api/v1/articles/" ARTICLE);
	cJSON *doc, *c;
	char *etag, *inm;
	int found = 0;

	assert_status(r, 200);
	doc = json_body(&r);
	ck_assert_str_eq(json_str(doc, "slug"), ARTICLE);
	ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "causes")), 0);
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "causes"))
		found += !strcmp(json_str(c, "id"), "android-a2dp-only");
	ck_assert_int_eq(found, 1);
	cJSON_Delete(doc);
	ck_assert_ptr_nonnull(reply_header(&r, "ETag"));
	etag = strdup(reply_header(&r, "ETag"));
	ck_assert_msg(etag[0] == '"' && etag[strlen(etag) - 1] == '"', "ETag %s", etag);
	reply_release(&r);

	if (asprintf(&inm, "If-None-Match: %s", etag) < 0)
		abort();
	{
		const char *const h[] = { inm, NULL };

		r = http_req(main_srv.port, "GET", "/api/v1/articles/" ARTICLE, h, NULL, 0);
		assert_status(r, 304);
		ck_assert_uint_eq(r.body.len, 0);
		reply_release(&r);
	}
	{
		const char *const h[] = { "If-None-Match: \"0000000000000000\"", NULL };

		r = http_req(main_srv.port, "GET", "/api/v1/articles/" ARTICLE, h, NULL, 0);
		assert_status(r, 200);
		ck_assert_uint_gt(r.body.len, 0);
		reply_release(&r);
	}
	free(inm);
	free(etag);

	r = get(main_srv.port, "/api/v1/articles/no-such-article");
	assert_api_error(&r, 404, "not_found", "no-such-article");
	reply_release(&r);
}
END_TEST

START_TEST(test_api_search_and_questions)
{
	struct reply r = get(main_srv.port, "/api/v1/search?q=SCO");
	cJSON *doc, *it, *opt;
	int found = 0;

	assert_status(r, 200);
	doc = json_body(&r);
	ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "hits")), 0);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "hits"))
		found += !strcmp(json_str(it, "slug"), ARTICLE);
	ck_assert_int_ge(found, 1);
	cJSON_Delete(doc);
	reply_release(&r);

	r = get(main_srv.port, "/api/v1/search");
	assert_api_error(&r, 400, "bad_query", "'q'");
	reply_release(&r);

	r = get(main_srv.port, "/api/v1/questions");
	assert_status(r, 200);
	doc = json_body(&r);
	found = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "questions")) {
		if (strcmp(json_str(it, "id"), "sco_supported"))
			continue;
		found = 1;
		ck_assert(*json_str(it, "text"));
		opt = cJSON_GetArrayItem(cJSON_GetObjectItem(it, "options"), 0);
		ck_assert_str_eq(json_str(opt, "value"), "yes");
		opt = cJSON_GetArrayItem(cJSON_GetObjectItem(it, "options"), 1);
		ck_assert_str_eq(json_str(opt, "value"), "no");
	}
	ck_assert_int_eq(found, 1);
	cJSON_Delete(doc);
	reply_release(&r);
}
END_TEST

static const char *first_cause(const cJSON *doc)
{
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "causes"), 0);

	ck_assert_msg(c != NULL, "no causes");
	return json_str(c, "id");
}

START_TEST(test_api_diagnose)
{
	struct reply r = get(main_srv.port, "/api/v1/diagnose?problem=" ARTICLE
			     "&platform=android&sco_supported=no");
	cJSON *doc;

	assert_status(r, 200);
	doc = json_body(&r);
	ck_assert_str_eq(json_str(doc, "problem"), ARTICLE);
	ck_assert_str_eq(first_cause(doc), "android-a2dp-only");
	cJSON_Delete(doc);
	reply_release(&r);

	r = post_json(main_srv.port, "/api/v1/diagnose",
		      "{\"problem\":\"" ARTICLE "\",\"answers\":"
		      "{\"platform\":\"android\",\"sco_supported\":\"no\"}}");
	assert_status(r, 200);
	doc = json_body(&r);
	ck_assert_str_eq(first_cause(doc), "android-a2dp-only");
	cJSON_Delete(doc);
	reply_release(&r);

	/* With the problem chosen, 'platform' offers its platforms only:
	 * the KB's Linux article does not make Linux a choice here. */
	r = get(main_srv.port, "/api/v1/diagnose?problem=" ARTICLE);
	assert_status(r, 200);
	doc = json_body(&r);
	{
		const cJSON *next = cJSON_GetObjectItem(doc, "next_question");
		const cJSON *opts = cJSON_GetObjectItem(next, "options");

		ck_assert_str_eq(json_str(next, "id"), "platform");
		ck_assert_int_eq(cJSON_GetArraySize(opts), 2);
		ck_assert_str_eq(json_str(cJSON_GetArrayItem(opts, 0), "value"), "ios");
		ck_assert_str_eq(json_str(cJSON_GetArrayItem(opts, 1), "value"), "android");
	}
	cJSON_Delete(doc);
	reply_release(&r);

	/* Content-Type parameters are fine. */
	{
		static const char *const h[] = {
			"Content-Type: application/json; charset=utf-8", NULL
		};

		r = http_req(main_srv.port, "POST", "/api/v1/diagnose", h,
			     "{\"problem\":\"" ARTICLE "\"}", -1);
		assert_status(r, 200);
		reply_release(&r);
	}
}
END_TEST

/* ---- 2. error codes -------------------------------------------------- */

START_TEST(test_diagnose_errors)
{
	struct reply r = post_json(main_srv.port, "/api/v1/diagnose", "{\"problem\":");

	assert_api_error(&r, 400, "bad_json", NULL);
	reply_release(&r);
	r = post_json(main_srv.port, "/api/v1/diagnose", "[1,2]");
	assert_api_error(&r, 400, "bad_json", NULL);
	reply_release(&r);
	r = post_json(main_srv.port, "/api/v1/diagnose", "");
	assert_api_error(&r, 400, "bad_json", NULL);
	reply_release(&r);

	r = get(main_srv.port, "/api/v1/diagnose?problem=" ARTICLE "&nosuch=yes");
	assert_api_error(&r, 400, "bad_answer", "sco_supported");
	assert_has(r.body.buf, "nosuch");
	reply_release(&r);
	r = post_json(main_srv.port, "/api/v1/diagnose",
		      "{\"answers\":{\"nosuch\":\"yes\"}}");
	assert_api_error(&r, 400, "bad_answer", "sco_supported");
	reply_release(&r);

	r = get(main_srv.port, "/api/v1/diagnose?sco_supported=maybe");
	assert_api_error(&r, 400, "bad_answer", "valid: yes, no, unknown");
	reply_release(&r);
	r = post_json(main_srv.port, "/api/v1/diagnose",
		      "{\"answers\":{\"sco_supported\":\"maybe\"}}");
	assert_api_error(&r, 400, "bad_answer", "valid: yes, no, unknown");
	reply_release(&r);
	r = post_json(main_srv.port, "/api/v1/diagnose",
		      "{\"answers\":{\"sco_supported\":true}}");
	assert_api_error(&r, 400, "bad_request", "sco_supported");
	reply_release(&r);
	r = post_json(main_srv.port, "/api/v1/diagnose", "{\"nonsense\":1}");
	assert_api_error(&r, 400, "bad_request", "nonsense");
	reply_release(&r);
	r = get(main_srv.port, "/api/v1/diagnose?problem=no-such-problem");
	assert_api_error(&r, 400, "bad_answer", NULL);
	reply_release(&r);

	{
		static const char *const h[] = { "Content-Type: text/plain", NULL };

		r = http_req(main_srv.port, "POST", "/api/v1/diagnose", h,
			     "{\"problem\":\"" ARTICLE "\"}", -1);
		assert_api_error(&r, 415, "unsupported_media_type", NULL);
		reply_release(&r);
	}
	{
		static const char *const h[] = { "Content-Type: application/jsonx", NULL };

		r = http_req(main_srv.port, "POST", "/api/v1/diagnose", h, "{}", -1);
		assert_api_error(&r, 415, "unsupported_media_type", NULL);
		reply_release(&r);
	}
	{
		/* A valid JSON object just over 64 KiB. */
		size_t n = 64 * 1024 + 100;
		char *big = malloc(n + 1);

		ck_assert_ptr_nonnull(big);
		memset(big, ' ', n);
		big[0] = '{';
		big[n - 1] = '}';
		big[n] = '\0';
		r = post_json(main_srv.port, "/api/v1/diagnose", big);
		assert_api_error(&r, 413, "body_too_large", NULL);
		reply_release(&r);
		/* Just under the limit is read. */
		big[60 * 1024] = '}';
		big[60 * 1024 + 1] = '\0';
		r = post_json(main_srv.port, "/api/v1/diagnose", big);
		assert_status(r, 200);
		reply_release(&r);
		free(big);
	}
	assert_healthy(main_srv.port);
}
END_TEST

START_TEST(test_http_errors)
{
	struct reply r = get(main_srv.port, "/api/v1/nothing-here");
	struct sbuf url = SBUF_INIT;

	assert_api_error(&r, 404, "not_found", NULL);
	reply_release(&r);
	r = get(main_srv.port, "/api/v1/articles/a/b");
	assert_api_error(&r, 404, "not_found", NULL);
	reply_release(&r);

	r = get(main_srv.port, "/no/such/page");
	assert_status(r, 404);
	assert_page_headers(&r, "'self'");
	assert_has(r.body.buf, "<h1>404</h1>");
	assert_has(r.body.buf, "</html>");
	reply_release(&r);
	r = get(main_srv.port, "/articles/no-such-article");
	assert_status(r, 404);
	assert_page_headers(&r, "'self'");
	reply_release(&r);

	r = http_req(main_srv.port, "DELETE", "/api/v1/articles", NULL, NULL, 0);
	assert_api_error(&r, 405, "method_not_allowed", NULL);
	assert_header_has(&r, "Allow", "GET");
	assert_lacks(reply_header(&r, "Allow"), "DELETE");
	reply_release(&r);
	r = post_json(main_srv.port, "/api/v1/articles", "{}");
	assert_api_error(&r, 405, "method_not_allowed", NULL);
	reply_release(&r);
	r = http_req(main_srv.port, "PUT", "/", NULL, NULL, 0);
	assert_status(r, 405);
	assert_header_has(&r, "Allow", "GET");
	assert_header_has(&r, "Content-Type", "text/html");
	reply_release(&r);

	sbuf_adds(&url, "/api/v1/search?q=");
	while (url.len < 8 * 1024 + 16)
		sbuf_adds(&url, "abcdefgh");
	r = get(main_srv.port, url.buf);
	assert_api_error(&r, 414, "uri_too_long", NULL);
	reply_release(&r);
	sbuf_release(&url);
	assert_healthy(main_srv.port);
}
END_TEST

/* ---- HTML pages and static files ------------------------------------- */

START_TEST(test_html_pages)
{
	static const char *const pages[] = {
		"/", "/articles/" ARTICLE, "/search?q=headset",
		"/wizard?problem=" ARTICLE, "/wizard",
	};
	struct reply r;

	for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
		r = get(main_srv.port, pages[i]);
		assert_status(r, 200);
		assert_page_headers(&r, "'self'");
		assert_has(r.body.buf, "<!doctype html>");
		assert_has(r.body.buf, "</html>");
		reply_release(&r);
	}

	r = get(main_srv.port, "/");
	assert_has(r.body.buf, "Start troubleshooting");
	assert_has(r.body.buf, "href=\"/wizard?problem=" ARTICLE "\"");
	assert_has(r.body.buf, "href=\"/articles/" ARTICLE "\"");
	reply_release(&r);

	r = get(main_srv.port, "/articles/" ARTICLE);
	assert_has(r.body.buf, "<h1>Why won&#39;t calls use my Bluetooth headset");
	assert_has(r.body.buf, "href=\"/wizard?problem=" ARTICLE "\"");
	assert_has(r.body.buf, "SCO");
	/* The platform chips link to their sections; every in-page link
	 * has its target. */
	assert_has(r.body.buf, "<a class=\"chip\" href=\"#");
	for (const char *h = strstr(r.body.buf, "href=\"#"); h;
	     h = strstr(h + 1, "href=\"#")) {
		struct sbuf target = SBUF_INIT;

		sbuf_adds(&target, "id=\"");
		sbuf_add(&target, h + 7, strcspn(h + 7, "\""));
		sbuf_addch(&target, '"');
		ck_assert_msg(strstr(r.body.buf, target.buf), "no %s", target.buf);
		sbuf_release(&target);
	}
	reply_release(&r);

	r = get(main_srv.port, "/search?q=headset");
	assert_has(r.body.buf, "value=\"headset\"");
	assert_has(r.body.buf, "<ol class=\"hits\">");
	/* Events are recorded: a hit opens through /search/open. */
	assert_has(r.body.buf, "href=\"/search/open?q=headset&amp;to=");
	reply_release(&r);

	r = get(main_srv.port, "/wizard?problem=" ARTICLE);
	assert_has(r.body.buf, "<form class=\"question\"");
	assert_has(r.body.buf, "name=\"problem\" value=\"" ARTICLE "\"");
	assert_has(r.body.buf, "type=\"radio\" name=\"platform\"");
	reply_release(&r);

	/* Without --cors, no origin gets CORS headers; API replies carry no CSP. */
	r = http_req(main_srv.port, "GET", "/api/v1/articles",
		     (const char *const[]){ "Origin: https://allowed.example", NULL },
		     NULL, 0);
	assert_status(r, 200);
	ck_assert_ptr_null(reply_header(&r, "Access-Control-Allow-Origin"));
	ck_assert_ptr_null(reply_header(&r, "Content-Security-Policy"));
	assert_header_has(&r, "X-Content-Type-Options", "nosniff");
	reply_release(&r);
}
END_TEST

START_TEST(test_static_files)
{
	struct reply r = get(main_srv.port, "/");
	const char *p;
	char *css_url, *etag, *inm;
	size_t len;
	char *file = tu_read("static/app.css", &len);

	assert_status(r, 200);
	p = strstr(r.body.buf, "<link rel=\"stylesheet\"");
	ck_assert_ptr_nonnull(p);
	css_url = tag_attr(p, strchr(p, '>'), "href");
	ck_assert_ptr_nonnull(css_url);
	ck_assert_msg(!strncmp(css_url, "/static/app.css?v=", 18), "css link %s", css_url);
	reply_release(&r);

	r = get(main_srv.port, "/static/app.css");
	assert_status(r, 200);
	assert_header_has(&r, "Content-Type", "text/css");
	ck_assert_uint_eq(r.body.len, len);
	ck_assert(!memcmp(r.body.buf, file, len));
	ck_assert_ptr_nonnull(reply_header(&r, "ETag"));
	assert_header_has(&r, "Cache-Control", "max-age=");
	assert_lacks(reply_header(&r, "Cache-Control"), "immutable");
	etag = strdup(reply_header(&r, "ETag"));
	reply_release(&r);

	r = get(main_srv.port, css_url);
	assert_status(r, 200);
	assert_header_has(&r, "Cache-Control", "immutable");
	ck_assert_str_eq(reply_header(&r, "ETag"), etag);
	reply_release(&r);

	r = get(main_srv.port, "/static/app.css?v=0000000000");
	assert_status(r, 200);
	assert_lacks(reply_header(&r, "Cache-Control"), "immutable");
	reply_release(&r);

	if (asprintf(&inm, "If-None-Match: %s", etag) < 0)
		abort();
	r = http_req(main_srv.port, "GET", "/static/app.css",
		     (const char *const[]){ inm, NULL }, NULL, 0);
	assert_status(r, 304);
	ck_assert_uint_eq(r.body.len, 0);
	reply_release(&r);

	r = get(main_srv.port, "/static/no-such.css");
	assert_status(r, 404);
	reply_release(&r);
	free(inm);
	free(etag);
	free(css_url);
	free(file);
}
END_TEST

/* ---- the help-desk widget -------------------------------------------- */

START_TEST(test_embed_js)
{
	size_t len;
	char *file = tu_read("static/embed.js", &len);
	struct reply r = get(main_srv.port, "/embed.js");

	assert_status(r, 200);
	assert_header_has(&r, "Content-Type", "text/javascript");
	ck_assert_uint_eq(r.body.len, len);
	ck_assert(!memcmp(r.body.buf, file, len));
	/* A fixed address in host pages: cached for minutes, not for good. */
	assert_header_has(&r, "Cache-Control", "max-age=300");
	assert_lacks(reply_header(&r, "Cache-Control"), "immutable");
	ck_assert_ptr_nonnull(reply_header(&r, "ETag"));
	assert_header_has(&r, "Cross-Origin-Resource-Policy", "cross-origin");
	reply_release(&r);

	r = http_req(main_srv.port, "POST", "/embed.js", NULL, NULL, 0);
	assert_status(r, 405);
	assert_header_has(&r, "Allow", "GET");
	reply_release(&r);
	free(file);
}
END_TEST

/* Every /wizard link of a panel page keeps 'embed' and 'lang', wherever
 * they stood in the URL; the page is marked as the widget's and may be
 * framed (by --frame-ancestors, without X-Frame-Options). */
START_TEST(test_embed_links)
{
	static const char *const urls[] = {
		"/wizard?embed=https%3A%2F%2Fdesk.example&problem=" ARTICLE "&platform=ios",
		"/wizard?problem=" ARTICLE "&platform=ios&lang=en&embed=https%3A%2F%2Fdesk.example",
	};

	for (size_t u = 0; u < sizeof(urls) / sizeof(*urls); u++) {
		struct reply r = get(main_srv.port, urls[u]);
		const char *p = r.body.buf;
		int links = 0;

		assert_status(r, 200);
		ck_assert_ptr_nonnull(strstr(r.body.buf, "<body class=\"embed\""));
		ck_assert_ptr_null(reply_header(&r, "X-Frame-Options"));
		while ((p = strstr(p, "href=\"/wizard?"))) {
			const char *end = strchr(p + 6, '"');

			ck_assert_ptr_nonnull(end);
			ck_assert_msg(memmem(p, (size_t)(end - p), "embed=https%3A%2F%2Fdesk.example", 32),
				      "a link leaves the panel: %.*s", (int)(end - p), p);
			if (u == 1)
				ck_assert_msg(memmem(p, (size_t)(end - p), "lang=en", 7),
					      "a link drops the language: %.*s", (int)(end - p), p);
			links++;
			p = end;
		}
		ck_assert_int_ge(links, 3); /* change, skip, start over at least */
		reply_release(&r);
	}
	/* Outside the widget, pages are not framed by others. */
	{
		struct reply r = get(main_srv.port, "/wizard?problem=" ARTICLE);

		assert_header_has(&r, "X-Frame-Options", "SAMEORIGIN");
		ck_assert_ptr_null(strstr(r.body.buf, "<body class=\"embed\">"));
		reply_release(&r);
	}
}
END_TEST

/* 'lang' picks the KB's language nearest the reader's: the page says it,
 * and the problems offered are those in it (and those in no stated
 * language); a language neither the KB nor the interface has changes
 * nothing, one only the interface has (i18n/) changes its words only. */
START_TEST(test_wizard_language)
{
	struct reply r = get(lang_srv.port, "/wizard?lang=de-AT");

	assert_status(r, 200);
	ck_assert_ptr_nonnull(strstr(r.body.buf, "<html lang=\"de-DE\" dir=\"ltr\">"));
	ck_assert_ptr_nonnull(strstr(r.body.buf, "value=\"ohrhoerer-stumm\""));
	ck_assert_ptr_nonnull(strstr(r.body.buf, "value=\"speaker-drops\""));
	ck_assert_ptr_null(strstr(r.body.buf, "value=\"earpiece-silent\""));
	reply_release(&r);

	r = get(lang_srv.port, "/wizard?lang=EN");
	assert_status(r, 200);
	ck_assert_ptr_nonnull(strstr(r.body.buf, "<html lang=\"en\" dir=\"ltr\">"));
	ck_assert_ptr_null(strstr(r.body.buf, "value=\"ohrhoerer-stumm\""));
	ck_assert_ptr_nonnull(strstr(r.body.buf, "value=\"earpiece-silent\""));
	reply_release(&r);

	/* An article in a language written right to left says so. */
	r = get(lang_srv.port, "/articles/sammaa-samita");
	assert_status(r, 200);
	ck_assert_ptr_nonnull(strstr(r.body.buf, "<html lang=\"ar\" dir=\"rtl\">"));
	reply_release(&r);

	r = get(lang_srv.port, "/wizard?lang=it");
	assert_status(r, 200);
	ck_assert_ptr_nonnull(strstr(r.body.buf, "<html lang=\"en\" dir=\"ltr\">"));
	ck_assert_ptr_nonnull(strstr(r.body.buf, "value=\"ohrhoerer-stumm\""));
	ck_assert_ptr_nonnull(strstr(r.body.buf, "value=\"earpiece-silent\""));
	reply_release(&r);

	r = get(lang_srv.port, "/wizard?lang=fr");
	assert_status(r, 200);
	ck_assert_ptr_nonnull(strstr(r.body.buf, "<html lang=\"fr\" dir=\"ltr\">"));
	ck_assert_ptr_nonnull(strstr(r.body.buf, "<h1>Assistant de dépannage</h1>"));
	ck_assert_ptr_nonnull(strstr(r.body.buf, "value=\"ohrhoerer-stumm\""));
	ck_assert_ptr_nonnull(strstr(r.body.buf, "value=\"earpiece-silent\""));
	reply_release(&r);

	/* 'lang' steers the page, it is not an answer: the API ignores it. */
	r = get(lang_srv.port, "/wizard?lang=de&problem=ohrhoerer-stumm&voice_profile=no");
	assert_status(r, 200);
	ck_assert_ptr_nonnull(strstr(r.body.buf, "Das Ger"));
	reply_release(&r);

	/* An article page is in the article's language. */
	r = get(lang_srv.port, "/articles/ohrhoerer-stumm");
	assert_status(r, 200);
	ck_assert_ptr_nonnull(strstr(r.body.buf, "<html lang=\"de-DE\" dir=\"ltr\">"));
	reply_release(&r);
}
END_TEST

/* When the questions run out, the wizard says whether one cause stands
 * out: with every answer "I don't know", none does. */
/* Where a problem has no steps to try, the wizard asks while a question
 * tells causes apart, then says why it stopped. */
START_TEST(test_wizard_done_text)
{
	struct server srv;
	struct reply r;

	server_init(&srv, "kb.sqlite");
	ck_assert_int_eq(compile_kb(srv.db, "tests/data/http/no-steps.md",
				    "tests/data/kb/questions.md", NULL), 0);
	start_or_abort(&srv, server_start(&srv, NULL));
	r = get(srv.port, "/wizard?problem=no-steps");
	assert_status(r, 200);
	assert_has(r.body.buf, "<form class=\"question\"");
	assert_lacks(r.body.buf, "<form class=\"try\"");
	reply_release(&r);
	r = get(srv.port, "/wizard?problem=no-steps&device_kind=unknown&voice_profile=unknown");
	assert_status(r, 200);
	assert_has(r.body.buf, "<p class=\"done\">No further question would tell "
		   "these apart: here they are, most likely first.</p>");
	reply_release(&r);
	r = get(srv.port, "/wizard?problem=no-steps&device_kind=earpiece&voice_profile=yes");
	assert_status(r, 200);
	assert_has(r.body.buf, "<p class=\"done\">That is as far as the questions "
		   "go: here is the most likely cause.</p>");
	assert_lacks(r.body.buf, "class=\"outcome");
	reply_release(&r);
	server_release_clean(&srv, "no-steps");
}
END_TEST

/* "change" asks that question again, and only that: no step beside it. */
START_TEST(test_wizard_change_with_a_step)
{
	struct reply r = get(main_srv.port, "/wizard?problem=" ARTICLE "&platform=android"
			     "&bt_permissions=yes&tried=android-check-offcall-sco:failed"
			     "&ask=sco_supported");

	assert_status(r, 200);
	assert_has(r.body.buf, "<form class=\"question\"");
	assert_has(r.body.buf, "type=\"radio\" name=\"sco_supported\"");
	assert_lacks(r.body.buf, "<form class=\"try\"");
	assert_lacks(r.body.buf, "class=\"outcome");
	reply_release(&r);
}
END_TEST

/* How many times needle stands in haystack. */
static int occurrences(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* A checklist page is a troubleshooter: its first step offered at once,
 * its ranked list read as what most likely fixes it (each step once). */
START_TEST(test_wizard_checklist)
{
	struct server srv;
	struct reply r;

	server_init(&srv, "kb.sqlite");
	ck_assert_int_eq(compile_kb(srv.db, "tests/data/checklist", NULL), 0);
	start_or_abort(&srv, server_start(&srv, NULL));
	r = get(srv.port, "/wizard?problem=wifi-drops");
	assert_status(r, 200);
	assert_has(r.body.buf, "<form class=\"try\"");
	assert_has(r.body.buf, "<h2 tabindex=\"-1\">Restart the router</h2>");
	assert_has(r.body.buf, "<h2>What most likely fixes it</h2>");
	/* (The page's head carries every word of the interface, for app.js.) */
	assert_lacks(strstr(r.body.buf, "<body"), "How to fix it");
	/* Each step once in the list: its check and its fix are one. */
	ck_assert_int_eq(occurrences(r.body.buf, "<h3>Restart the router</h3>"), 1);
	ck_assert_int_eq(occurrences(r.body.buf,
				     "<h3>Forget the network and join it again</h3>"), 1);
	ck_assert_int_eq(occurrences(r.body.buf, "Forget the network and join it again"), 2);
	reply_release(&r);
	r = get(srv.port, "/wizard?problem=wifi-drops&tried=windows-fix-1:failed"
		"&tried=windows-fix-2:failed&tried=windows-fix-3:failed&tried=windows-fix-4:failed");
	assert_status(r, 200);
	assert_has(r.body.buf, "<div class=\"outcome not-fixed\">");
	/* "Step 5: Contact support" is the hand-over text, not a step. */
	assert_has(r.body.buf, "say when the drops happen");
	reply_release(&r);
	server_release_clean(&srv, "checklist");
}
END_TEST

/* The home page's platforms each link to that platform's problems and
 * articles; an id the KB lacks lists everything. */
START_TEST(test_index_by_platform)
{
	struct reply r = get(main_srv.port, "/");

	assert_status(r, 200);
	assert_has(r.body.buf, "<a class=\"chip\" href=\"/?platform=android\">Android</a>");
	ck_assert_ptr_null(strstr(r.body.buf, "/search?q="));
	reply_release(&r);

	r = get(main_srv.port, "/?platform=android");
	assert_status(r, 200);
	assert_has(r.body.buf, "Start troubleshooting on Android");
	assert_has(r.body.buf, "href=\"/wizard?problem=bluetooth-call-audio\"");
	ck_assert_ptr_null(strstr(r.body.buf, "/wizard?problem=linux-bluetooth-headset-audio"));
	ck_assert_ptr_null(strstr(r.body.buf, "href=\"/articles/linux-bluetooth-headset-audio\""));
	ck_assert_ptr_null(strstr(r.body.buf, "action=\"/wizard/detect\""));
	assert_has(r.body.buf, "href=\"/?platform=android\" aria-current=\"page\"");
	reply_release(&r);

	r = get(main_srv.port, "/?platform=nosuch");
	assert_status(r, 200);
	assert_has(r.body.buf, "/wizard?problem=linux-bluetooth-headset-audio");
	reply_release(&r);
}
END_TEST

/* A solution whose body only repeats its title is shown once, not as a
 * summary over the same sentence, and a longer body does not open with
 * the summary's sentence again; and where no cause asks what the
 * Bluetooth probe reads (Android articles only), no page offers to
 * detect. */
START_TEST(test_wizard_brief_solutions)
{
	static const char *const pages[] = {
		"/", "/wizard", "/wizard?problem=earpiece-silent",
	};
	struct reply r = get(lang_srv.port, "/wizard?problem=earpiece-silent"
			     "&voice_profile=no");

	assert_status(r, 200);
	assert_has(r.body.buf, "<div class=\"solution brief\"><p>Pair the device "
		   "again and allow calls when asked.</p>");
	ck_assert_ptr_null(strstr(r.body.buf, "<summary>Pair the device"));
	/* A longer one keeps its summary; the body goes on after it. */
	assert_has(r.body.buf, "<summary>Use a headset that can carry calls &amp; "
		   "music.</summary>\n<div class=\"body\"><p>Look for "
		   "<strong>&quot;Hands-Free&quot;</strong> in its specifications.</p>");
	/* A title that is no sentence goes only as a paragraph of its own
	 * (here in the step on offer, which the cause's list then names by
	 * a link to it: a fix's text is on a page once). */
	assert_has(r.body.buf, "<h2 tabindex=\"-1\">Restart</h2>\n<div class=\"body\">"
		   "<p>Restarting the phone clears the audio route.</p>");
	assert_has(r.body.buf, "<p class=\"fix\"><a href=\"#try\">Restart</a></p>");
	ck_assert_ptr_null(strstr(strstr(r.body.buf, "<ol class=\"causes\">"), "Restarting"));
	reply_release(&r);

	/* An article with no causes has nothing to troubleshoot: its page. */
	r = get(lang_srv.port, "/wizard?problem=glossary");
	assert_status(r, 303);
	assert_header_has(&r, "Location", "/articles/glossary");
	reply_release(&r);
	r = get(lang_srv.port, "/wizard?problem=nosuch");
	assert_status(r, 400);
	reply_release(&r);

	for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
		r = get(lang_srv.port, pages[i]);
		assert_status(r, 200);
		ck_assert_msg(!strstr(r.body.buf, "action=\"/wizard/detect\""), "%s",
			      pages[i]);
		reply_release(&r);
	}
}
END_TEST

/* ---- the probe's access rule over a real connection --------------------- */

/* --probe loopback (the default): this test's client is on loopback, so it
 * reaches the probe (200, or 503 where this machine has no BlueZ); the
 * same request relayed by a proxy on this host, which names the client it
 * came from, is refused. */
START_TEST(test_probe_behind_proxy)
{
	static const char *const relayed[][2] = {
		{ "X-Forwarded-For: 203.0.113.9", NULL },
		{ "Forwarded: for=203.0.113.9;proto=https", NULL },
		{ "X-Real-IP: 203.0.113.9", NULL },
	};
	struct reply r = get(main_srv.port, "/api/v1/probe/bluetooth");

	ck_assert_msg(r.status == 200 || r.status == 503, "direct: %ld", r.status);
	reply_release(&r);
	for (size_t i = 0; i < sizeof(relayed) / sizeof(*relayed); i++) {
		r = http_req(main_srv.port, "GET", "/api/v1/probe/bluetooth",
			     relayed[i], NULL, 0);
		ck_assert_msg(r.status == 403, "%s: %ld", relayed[i][0], r.status);
		assert_has(r.body.buf, "\"forbidden\"");
		reply_release(&r);
	}
}
END_TEST

/* ---- 3. headers: frame-ancestors and CORS ---------------------------- */

START_TEST(test_default_has_no_cors)
{
	static const char *const h[] = { "Origin: https://allowed.example",
					 "Access-Control-Request-Method: POST", NULL };
	struct reply r = http_req(main_srv.port, "OPTIONS", "/api/v1/diagnose", h, NULL, 0);

	assert_status(r, 204);
	assert_header_has(&r, "Allow", "POST");
	ck_assert_ptr_null(reply_header(&r, "Access-Control-Allow-Origin"));
	ck_assert_ptr_null(reply_header(&r, "Access-Control-Allow-Methods"));
	reply_release(&r);
}
END_TEST

START_TEST(test_frame_ancestors_option)
{
	static const char *const pages[] = { "/", "/articles/" ARTICLE,
					     "/wizard?problem=" ARTICLE, "/nowhere" };

	for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
		struct reply r = get(opt_srv.port, pages[i]);

		assert_transport(r);
		assert_page_headers(&r, "https://help.example.com");
		assert_lacks(reply_header(&r, "Content-Security-Policy"),
			     "frame-ancestors 'self'");
		reply_release(&r);
	}
}
END_TEST

START_TEST(test_cors)
{
	static const char *const pre[] = { "Origin: https://allowed.example",
					   "Access-Control-Request-Method: POST",
					   "Access-Control-Request-Headers: content-type", NULL };
	static const char *const ok[] = { "Origin: https://allowed.example", NULL };
	static const char *const bad[] = { "Origin: https://evil.example", NULL };
	static const char *const bad_pre[] = { "Origin: https://evil.example",
					       "Access-Control-Request-Method: POST", NULL };
	struct reply r = http_req(opt_srv.port, "OPTIONS", "/api/v1/diagnose", pre, NULL, 0);

	assert_status(r, 204);
	ck_assert_uint_eq(r.body.len, 0);
	ck_assert_str_eq(reply_header(&r, "Access-Control-Allow-Origin"),
			 "https://allowed.example");
	assert_header_has(&r, "Access-Control-Allow-Methods", "POST");
	assert_header_has(&r, "Access-Control-Allow-Headers", "Content-Type");
	assert_header_has(&r, "Vary", "Origin");
	reply_release(&r);

	r = http_req(opt_srv.port, "GET", "/api/v1/articles/" ARTICLE, ok, NULL, 0);
	assert_status(r, 200);
	ck_assert_str_eq(reply_header(&r, "Access-Control-Allow-Origin"),
			 "https://allowed.example");
	assert_header_has(&r, "Vary", "Origin");
	reply_release(&r);

	r = http_req(opt_srv.port, "POST", "/api/v1/diagnose",
		     (const char *const[]){ "Origin: https://allowed.example",
					    "Content-Type: application/json", NULL },
		     "{\"problem\":\"" ARTICLE "\"}", -1);
	assert_status(r, 200);
	ck_assert_str_eq(reply_header(&r, "Access-Control-Allow-Origin"),
			 "https://allowed.example");
	reply_release(&r);

	/* Errors carry it too, or the browser hides them from the caller. */
	r = http_req(opt_srv.port, "GET", "/api/v1/search", ok, NULL, 0);
	assert_api_error(&r, 400, "bad_query", NULL);
	ck_assert_ptr_nonnull(reply_header(&r, "Access-Control-Allow-Origin"));
	reply_release(&r);

	/* The interface's words are every origin's: one "*", not the
	 * allowed origin besides (two values, and the browser refuses). */
	r = http_req(opt_srv.port, "GET", "/api/v1/messages?lang=en", ok, NULL, 0);
	assert_status(r, 200);
	{
		int n = 0;

		for (size_t i = 0; i < r.nr_hdrs; i++)
			n += !strncasecmp(r.hdrs[i], "Access-Control-Allow-Origin:", 28);
		ck_assert_int_eq(n, 1);
	}
	ck_assert_str_eq(reply_header(&r, "Access-Control-Allow-Origin"), "*");
	reply_release(&r);

	r = http_req(opt_srv.port, "GET", "/api/v1/articles/" ARTICLE, bad, NULL, 0);
	assert_status(r, 200);
	ck_assert_ptr_null(reply_header(&r, "Access-Control-Allow-Origin"));
	reply_release(&r);
	r = http_req(opt_srv.port, "OPTIONS", "/api/v1/diagnose", bad_pre, NULL, 0);
	assert_status(r, 204);
	ck_assert_ptr_null(reply_header(&r, "Access-Control-Allow-Origin"));
	ck_assert_ptr_null(reply_header(&r, "Access-Control-Allow-Methods"));
	reply_release(&r);
	/* A prefix of an allowed origin is not allowed. */
	r = http_req(opt_srv.port, "GET", "/api/v1/articles",
		     (const char *const[]){ "Origin: https://allowed.exam", NULL }, NULL, 0);
	assert_status(r, 200);
	ck_assert_ptr_null(reply_header(&r, "Access-Control-Allow-Origin"));
	reply_release(&r);
	r = http_req(opt_srv.port, "GET", "/api/v1/articles",
		     (const char *const[]){ "Origin: https://allowed.example.evil", NULL },
		     NULL, 0);
	assert_status(r, 200);
	ck_assert_ptr_null(reply_header(&r, "Access-Control-Allow-Origin"));
	reply_release(&r);
}
END_TEST

/* ---- 4. the no-JS wizard, by its own links and forms ------------------ */

/* Walking the tree document (`clew tree --format json`) over the tree
 * page's HTML, in document order. */
struct tree_walk {
	const char *html; /* the page */
	const char *at;   /* where the next node must come after */
	int links;        /* nodes found, each a link */
	char *step_href;  /* a step after another failed (malloc'd) */
	const cJSON *step;
	char *leaf_href;  /* the last end (malloc'd) */
	const cJSON *leaf;
};

/* href ("/wizard?k=v&amp;...") with one more argument, encoded as the
 * page encodes it. */
static void tree_href_add(struct sbuf *href, const char *k, const char *v)
{
	sbuf_adds(href, strchr(href->buf, '?') ? "&amp;" : "?");
	url_encode(href, k);
	sbuf_addch(href, '=');
	url_encode(href, v);
}

/* The text of the element that opens with open, from tw->at on, up to
 * close, decoded (malloc'd; caller frees); moves tw->at to it. Fails the
 * test when there is none. */
static char *tree_next(struct tree_walk *tw, const char *open, const char *close)
{
	const char *p = strstr(tw->at, open), *end;
	struct sbuf text = SBUF_INIT;

	ck_assert_msg(p != NULL, "'%s' not found after: %.300s", open, tw->at);
	p += strlen(open);
	end = strstr(p, close);
	ck_assert_ptr_nonnull(end);
	html_decode(&text, p, (size_t)(end - p));
	tw->at = end;
	return sbuf_detach(&text, NULL);
}

/* The decoded text of the link to href, which must come next (after
 * tw->at) with prefix right before it. */
static char *tree_link(struct tree_walk *tw, const char *prefix, const char *href)
{
	struct sbuf open = SBUF_INIT;
	char *text;

	sbuf_addf(&open, "%s<a href=\"%s\">", prefix, href);
	text = tree_next(tw, open.buf, "</a>");
	/* Each path has its own link. */
	ck_assert_msg(strstr(tw->at, open.buf) == NULL, "two links to %s", href);
	sbuf_release(&open);
	tw->links++;
	return text;
}

static int tree_percent(double p)
{
	double d = floor(p * 100 + 0.5 + 1e-9);

	return d < 0 ? 0 : d > 100 ? 100 : (int)d;
}

/* Checks node (its path leads to href) and what follows it on the page:
 * a question's link and answers, a chain of steps as one ordered list
 * numbered along the path with each step's time and chance, an end's
 * outcome and most likely cause. */
static void tree_check(struct tree_walk *tw, const cJSON *node, struct sbuf *href,
		       int nr_steps, int after_steps)
{
	size_t len = href->len;
	const cJSON *e;
	char *text;

	if (cJSON_GetObjectItem(node, "question")) {
		if (after_steps) {
			text = tree_next(tw, "<p class=\"tree-then\">", "</p>");
			ck_assert_str_eq(text, "Still not fixed:");
			free(text);
		}
		text = tree_link(tw, "<p class=\"tree-question\">", href->buf);
		ck_assert_str_eq(text, json_str(node, "text"));
		free(text);
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(node, "answers")) {
			text = tree_next(tw, "<p class=\"tree-answer\">", "</p>");
			ck_assert_str_eq(text, json_str(e, "label"));
			free(text);
			tree_href_add(href, json_str(node, "question"), json_str(e, "value"));
			tree_check(tw, cJSON_GetObjectItem(e, "node"), href, nr_steps, 0);
			sbuf_setlen(href, len);
		}
		return;
	}
	if (cJSON_GetObjectItem(node, "step")) {
		struct sbuf ol = SBUF_INIT, meta = SBUF_INIT, tried = SBUF_INIT;
		double cost = cJSON_GetNumberValue(cJSON_GetObjectItem(node, "cost"));
		const char *close;

		if (!after_steps) {
			sbuf_addf(&ol, "<ol class=\"tree-steps\" start=\"%d\"", nr_steps + 1);
			free(tree_next(tw, ol.buf, ">"));
		} else {
			/* The same list as the step before. */
			close = strstr(tw->at, "</ol>");
			ck_assert_msg(close && strstr(tw->at, href->buf) < close,
				      "step %s is not in the list before it", href->buf);
		}
		text = tree_link(tw, "<li>", href->buf);
		ck_assert_str_eq(text, json_str(node, "text"));
		free(text);
		if (cost < 1)
			sbuf_adds(&meta, "under 1 min");
		else if (lround(cost) < 60)
			sbuf_addf(&meta, "%ld min", lround(cost));
		else if (lround(cost) % 60)
			sbuf_addf(&meta, "%ld h %ld min", lround(cost) / 60, lround(cost) % 60);
		else
			sbuf_addf(&meta, "%ld h", lround(cost) / 60);
		sbuf_addf(&meta, " · %d%% chance", tree_percent(cJSON_GetNumberValue(
			cJSON_GetObjectItem(node, "fix_probability"))));
		text = tree_next(tw, "</a> <span class=\"tree-meta\">", "</span>");
		ck_assert_str_eq(text, meta.buf);
		free(text);
		if (nr_steps > 0 && !tw->step) {
			tw->step = node;
			tw->step_href = xstrdup(href->buf);
		}
		sbuf_addf(&tried, "%s:failed", json_str(node, "step"));
		tree_href_add(href, "tried", tried.buf);
		tree_check(tw, cJSON_GetObjectItem(node, "failed"), href, nr_steps + 1, 1);
		sbuf_setlen(href, len);
		sbuf_release(&ol);
		sbuf_release(&meta);
		sbuf_release(&tried);
		return;
	}
	{
		const cJSON *top = cJSON_GetArrayItem(cJSON_GetObjectItem(node, "causes"), 0);
		int handover = !strcmp(json_str(node, "outcome"), "not_fixed");
		struct sbuf want = SBUF_INIT;

		if (after_steps)
			ck_assert_msg(strstr(tw->at, "</ol>") < strstr(tw->at, href->buf),
				      "the end %s is in the list of steps", href->buf);
		text = tree_link(tw, handover ? "<p class=\"tree-leaf handover\">" :
				 "<p class=\"tree-leaf\">", href->buf);
		ck_assert_ptr_nonnull(top);
		sbuf_addf(&want, "<strong class=\"tree-end\">%s</strong> Most likely cause (%d%%): %s",
			  !handover ? "Ends with the causes ranked." :
			  after_steps ? "None fixed it: hand over to support." :
			  "Hand over to support.",
			  tree_percent(cJSON_GetNumberValue(cJSON_GetObjectItem(top, "probability"))),
			  json_str(top, "title"));
		ck_assert_str_eq(text, want.buf);
		free(text);
		sbuf_release(&want);
		free(tw->leaf_href);
		tw->leaf_href = xstrdup(href->buf);
		tw->leaf = node;
	}
}

/* href as the browser requests it: "&amp;" read as '&' (malloc'd). */
static char *tree_url(const char *href)
{
	struct sbuf u = SBUF_INIT;

	html_decode(&u, href, strlen(href));
	return sbuf_detach(&u, NULL);
}

/* /wizard/tree is an outline of the whole tree `clew tree` prints: every
 * question with its answers, every step (a chain of them one ordered
 * list, with time and chance), every end (its outcome and most likely
 * cause), each in full and each a link to the wizard at the step its path
 * leads to; those links open that step. */
START_TEST(test_wizard_tree)
{
	struct reply r = get(main_srv.port, "/wizard/tree?problem=" ARTICLE);
	char *dir = tu_tmpdir(), *url, *ref;
	struct sbuf line = SBUF_INIT, href = SBUF_INIT, page = SBUF_INIT;
	struct tree_walk tw = { 0 };
	struct tu_run run;
	cJSON *tree;

	assert_status(r, 200);
	assert_header_has(&r, "Content-Type", "text/html");
	assert_lacks(r.body.buf, "<svg");
	assert_has(r.body.buf, "<details open>");
	sbuf_addf(&line, "@ tree --db %s --problem " ARTICLE " --format json", main_srv.db);
	run = tu_sh(dir, line.buf);
	ck_assert_int_eq(run.status, 0);
	tree = cJSON_Parse(run.out);
	ck_assert_ptr_nonnull(tree);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(tree, "truncated")));
	tw.html = tw.at = strstr(r.body.buf, "<div class=\"tree\">");
	ck_assert_ptr_nonnull(tw.html);
	sbuf_adds(&href, "/wizard?problem=" ARTICLE);
	tree_check(&tw, cJSON_GetObjectItem(tree, "root"), &href, 0, 0);
	ck_assert_int_eq(tw.links, cJSON_GetObjectItem(tree, "nodes")->valueint);
	/* No branch for a platform the article has no cause for. */
	assert_lacks(r.body.buf, "platform=linux");
	assert_lacks(r.body.buf, "class=\"tree-cut\"");
	ck_assert_ptr_nonnull(tw.step);
	ck_assert_ptr_nonnull(tw.leaf);

	/* A step's link: the wizard offers that step. */
	url = tree_url(tw.step_href);
	reply_release(&r);
	r = get(main_srv.port, url);
	assert_status(r, 200);
	html_decode(&page, r.body.buf, r.body.len);
	sbuf_reset(&line);
	sbuf_addf(&line, "Try this</p>\n<h2 tabindex=\"-1\">%s</h2>", json_str(tw.step, "text"));
	assert_has(page.buf, line.buf);
	free(url);
	reply_release(&r);

	/* An end's link: handed over, its most likely cause first. */
	url = tree_url(tw.leaf_href);
	r = get(main_srv.port, url);
	assert_status(r, 200);
	sbuf_reset(&page);
	html_decode(&page, r.body.buf, r.body.len);
	ck_assert_str_eq(json_str(tw.leaf, "outcome"), "not_fixed");
	assert_has(page.buf, "Not fixed yet: hand it to support");
	sbuf_reset(&line);
	sbuf_addf(&line, "<li class=\"cause first\">\n<h3>%s</h3>", json_str(
		cJSON_GetArrayItem(cJSON_GetObjectItem(tw.leaf, "causes"), 0), "title"));
	assert_has(page.buf, line.buf);
	free(url);
	reply_release(&r);

	/* With no problem, a step tried before the problem is answered is
	 * named SLUG/ID, as the wizard names it, and its link works. */
	r = get(main_srv.port, "/wizard/tree");
	assert_status(r, 200);
	ref = strstr(r.body.buf, "tried=" ARTICLE "%2F");
	ck_assert_ptr_nonnull(ref);
	while (ref > r.body.buf && *ref != '"')
		ref--;
	url = tree_url(ref + 1);
	*strchr(url, '"') = '\0';
	reply_release(&r);
	r = get(main_srv.port, url);
	assert_status(r, 200);
	assert_lacks(r.body.buf, "class=\"error");
	free(url);
	reply_release(&r);

	r = get(main_srv.port, "/wizard/tree?problem=no-such-problem");
	assert_status(r, 400);
	reply_release(&r);
	cJSON_Delete(tree);
	tu_run_free(&run);
	tu_rmtree(dir);
	free(dir);
	free(tw.step_href);
	free(tw.leaf_href);
	sbuf_release(&line);
	sbuf_release(&href);
	sbuf_release(&page);
}
END_TEST

/* "change" next to an answer: that answer left out and its question asked
 * next, every other answer kept (not only those given before it); the
 * form's answer then joins them. 'ask' for a question answered already,
 * or for no question of the KB, changes nothing. */
START_TEST(test_wizard_change)
{
	struct reply r = get(main_srv.port, "/wizard?problem=" ARTICLE
			     "&platform=android&bt_permissions=yes&sco_supported=no");
	char *change, *next;

	assert_status(r, 200);
	change = link_to(r.body.buf, "change");
	ck_assert_ptr_nonnull(change);
	/* The page made a session (sid, 22 characters), kept on its links. */
	{
		static const char head[] = "/wizard?problem=" ARTICLE
			"&bt_permissions=yes&sco_supported=no&sid=";

		ck_assert_msg(!strncmp(change, head, sizeof(head) - 1), "%s", change);
		ck_assert_str_eq(change + sizeof(head) - 1 + 22, "&ask=platform");
	}
	reply_release(&r);

	r = get(main_srv.port, change);
	assert_status(r, 200);
	assert_has(r.body.buf, "type=\"radio\" name=\"platform\"");
	assert_has(r.body.buf, "name=\"bt_permissions\" value=\"yes\"");
	assert_has(r.body.buf, "name=\"sco_supported\" value=\"no\"");
	assert_lacks(r.body.buf, "name=\"ask\"");
	next = submit_question(r.body.buf);
	ck_assert_ptr_nonnull(next);
	assert_has(next, "bt_permissions=yes");
	assert_has(next, "sco_supported=no");
	assert_has(next, "platform=");
	assert_lacks(next, "ask=");
	reply_release(&r);

	/* No link of the page keeps 'ask'. */
	r = get(main_srv.port, change);
	assert_lacks(strstr(r.body.buf, "<nav class=\"wizard-nav\""), "ask=");
	reply_release(&r);

	r = get(main_srv.port, "/wizard?problem=" ARTICLE "&platform=android&ask=platform");
	assert_status(r, 200);
	assert_lacks(r.body.buf, "type=\"radio\" name=\"platform\"");
	reply_release(&r);
	r = get(main_srv.port, "/wizard?problem=" ARTICLE "&ask=no_such_question");
	assert_status(r, 200);
	assert_has(r.body.buf, "<form class=\"question\"");
	reply_release(&r);
	free(change);
	free(next);
}
END_TEST

/* Submits the <form class="try"> in html as its button with value
 * ending in ":RESULT" would (GET: its hidden fields, then tried=...);
 * returns the URL (caller frees), or NULL when there is no such form.
 * With post set, returns the urlencoded body instead (for the "Yes"
 * button, a form POST). */
static char *submit_try(const char *html, const char *result, int post)
{
	const char *end, *p, *form = wizard_form(html, "try", &end);
	struct sbuf q = SBUF_INIT, want = SBUF_INIT, url = SBUF_INIT;
	int found = 0;

	if (!form)
		return NULL;
	for (p = form; (p = strstr(p, "<input")) && p < end; p++) {
		const char *close = strchr(p, '>');
		char *type = tag_attr(p, close, "type");
		char *name = tag_attr(p, close, "name");
		char *value = tag_attr(p, close, "value");

		ck_assert_ptr_nonnull(type);
		ck_assert_str_eq(type, "hidden");
		add_field(&q, q.len ? '&' : 0, name, value);
		free(type);
		free(name);
		free(value);
	}
	sbuf_addf(&want, ":%s", result);
	for (p = form; (p = strstr(p, "<button")) && p < end; p++) {
		const char *close = strchr(p, '>');
		char *value = tag_attr(p, close, "value");
		char *method = tag_attr(p, close, "formmethod");
		size_t n = value ? strlen(value) : 0;

		if (n > want.len && !strcmp(value + n - want.len, want.buf)) {
			/* Only "Yes, it's fixed" is a POST. */
			ck_assert_msg(!post == !method, "the %s button's method", result);
			add_field(&q, q.len ? '&' : 0, "tried", value);
			found = 1;
		}
		free(value);
		free(method);
	}
	ck_assert_msg(found, "no '%s' button in the step's form", result);
	sbuf_release(&want);
	if (post)
		return sbuf_detach(&q, NULL);
	sbuf_addf(&url, "/wizard?%s", q.buf);
	sbuf_release(&q);
	return sbuf_detach(&url, NULL);
}

/* From the home page to the end of a session, as a reader with no
 * JavaScript: each question answered, each step offered reported as
 * not fixing it, until the wizard hands the problem over. */
START_TEST(test_wizard_walk)
{
	struct reply r = get(main_srv.port, "/");
	const char *p, *top, *meter;
	char *url = NULL, *next, *back, *start;
	int steps, tried = 0;

	assert_status(r, 200);
	/* The "Start troubleshooting" link of this article. */
	for (p = r.body.buf; (p = strstr(p, ">Start troubleshooting</a>")); p++) {
		char *href = href_before(r.body.buf, p);

		ck_assert_ptr_nonnull(href);
		if (!strcmp(href, "/wizard?problem=" ARTICLE)) {
			url = href;
			break;
		}
		free(href);
	}
	ck_assert_msg(url != NULL, "no Start troubleshooting link for " ARTICLE);
	reply_release(&r);

	for (steps = 0; steps < 20; steps++) {
		r = get(main_srv.port, url);
		assert_status(r, 200);
		assert_page_headers(&r, "'self'");
		next = submit_question(r.body.buf);
		if (!next) {
			next = submit_try(r.body.buf, "failed", 0);
			tried += next != NULL;
		}
		if (!next)
			break;
		free(url);
		url = next;
		reply_release(&r);
	}
	ck_assert_msg(steps < 20, "the wizard still goes on after 20 steps: %s", url);
	ck_assert_int_ge(tried, 2);
	assert_has(url, "platform=android");
	assert_has(url, "tried=");

	/* The end: not fixed, the page's own "contact support" text, and a
	 * summary to copy; the causes still ranked below. */
	assert_has(r.body.buf, "<div class=\"outcome not-fixed\">");
	assert_has(r.body.buf, "contact support");
	assert_has(r.body.buf, "<textarea id=\"summary\"");
	assert_has(r.body.buf, "Steps tried:");
	assert_has(r.body.buf, "did not fix it: ");
	assert_has(r.body.buf, "Most likely causes");
	assert_lacks(r.body.buf, "<form class=\"try\"");
	assert_lacks(r.body.buf, "<form class=\"question\"");
	top = strstr(r.body.buf, "<ol class=\"causes\">");
	ck_assert_ptr_nonnull(top);
	top = strstr(top, "<li class=\"cause");
	ck_assert_ptr_nonnull(top);
	meter = strstr(top, "<meter");
	ck_assert_ptr_nonnull(meter);
	ck_assert_ptr_nonnull(strstr(meter, "value=\""));
	ck_assert_ptr_nonnull(strstr(top, "href=\"/articles/" ARTICLE "\""));
	assert_has(r.body.buf, "<ul class=\"steps\">");
	assert_has(r.body.buf, "<li class=\"tried\"><span class=\"q\">Tried: ");
	assert_has(r.body.buf, "<strong>Did not fix it</strong>");

	back = link_to(r.body.buf, "Back");
	start = link_to(r.body.buf, "Start over");
	ck_assert_ptr_nonnull(back);
	ck_assert_ptr_nonnull(start);
	ck_assert_str_eq(start, "/wizard?problem=" ARTICLE);
	ck_assert_msg(!strncmp(back, "/wizard?", 8) && strlen(back) < strlen(url),
		      "Back is %s after %s", back, url);
	reply_release(&r);

	/* Back: the last step offered again. */
	r = get(main_srv.port, back);
	assert_status(r, 200);
	assert_has(r.body.buf, "<form class=\"try\"");
	/* "Yes, it's fixed" is a form POST, answered 303 with the result
	 * page's address; that page says it is fixed. */
	{
		char *body = submit_try(r.body.buf, "fixed", 1);
		const char *h[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
		struct reply pr;
		const char *loc;

		reply_release(&r);
		pr = http_req(main_srv.port, "POST", "/wizard", h, body, strlen(body));
		assert_status(pr, 303);
		loc = reply_header(&pr, "Location");
		ck_assert_ptr_nonnull(loc);
		ck_assert_msg(!strncmp(loc, "/wizard?problem=" ARTICLE, 16 + strlen(ARTICLE)),
			      "Location: %s", loc);
		assert_has(loc, "%3Afixed");
		r = get(main_srv.port, loc);
		assert_status(r, 200);
		assert_has(r.body.buf, "<div class=\"outcome fixed\">");
		assert_lacks(r.body.buf, "<form class=\"try\"");
		reply_release(&pr);
		free(body);
	}
	reply_release(&r);
	r = get(main_srv.port, start);
	assert_status(r, 200);
	assert_has(r.body.buf, "<form class=\"question\"");
	assert_has(r.body.buf, "type=\"radio\" name=\"platform\"");
	reply_release(&r);

	/* The skip link of a question leads on too. */
	r = get(main_srv.port, start);
	{
		char *skip = link_to(r.body.buf, "Skip (I don't know)");

		ck_assert_ptr_nonnull(skip);
		assert_has(skip, "platform=unknown");
		reply_release(&r);
		r = get(main_srv.port, skip);
		assert_status(r, 200);
		free(skip);
	}
	reply_release(&r);
	free(back);
	free(start);
	free(url);
}
END_TEST

/* The wizard's form POST: another site's form is refused, a body that is
 * not a form or not readable gets a clear error, GET and POST answer. */
START_TEST(test_wizard_post_checks)
{
	const char *form[] = { "Content-Type: application/x-www-form-urlencoded",
			       "Origin: https://evil.example", NULL };
	const char *json[] = { "Content-Type: application/json", NULL };
	const char *plain[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	const char *body = "problem=" ARTICLE "&tried=android-use-sco-device%3Afixed";
	struct reply r;

	r = http_req(main_srv.port, "POST", "/wizard", form, body, strlen(body));
	assert_status(r, 403);
	reply_release(&r);
	r = http_req(main_srv.port, "POST", "/wizard", json, "{}", 2);
	assert_status(r, 415);
	reply_release(&r);
	r = http_req(main_srv.port, "POST", "/wizard", plain, "a=%ZZ", 5);
	assert_status(r, 400);
	reply_release(&r);
	r = http_req(main_srv.port, "POST", "/wizard", plain, "a=%00", 5);
	assert_status(r, 400);
	reply_release(&r);
	r = http_req(main_srv.port, "POST", "/wizard", plain, body, strlen(body));
	assert_status(r, 303);
	reply_release(&r);
	r = http_req(main_srv.port, "PUT", "/wizard", plain, body, strlen(body));
	assert_status(r, 405);
	assert_has(reply_header(&r, "Allow"), "POST");
	reply_release(&r);
}
END_TEST

/* ---- 5. escaping ----------------------------------------------------- */

static void assert_no_markup(const char *what, const char *body)
{
	ck_assert_msg(!strstr(body, XSS_SCRIPT), "%s: raw <script> in %.600s", what,
		      strstr(body, XSS_SCRIPT));
	ck_assert_msg(!strstr(body, "<img src=x"), "%s: raw <img> in %.600s", what,
		      strstr(body, "<img src=x"));
	ck_assert_msg(!strstr(body, XSS_IMG), "%s: raw attribute break-out", what);
	ck_assert_msg(!strstr(body, "<script>alert"), "%s: an inline <script>", what);
}

START_TEST(test_html_escaping)
{
	static const char *const pages[] = {
		"/articles/hostile-markup", "/", "/wizard?problem=hostile-markup",
		"/wizard?problem=hostile-markup&voice_profile=yes",
		"/wizard?problem=hostile-markup&voice_profile=no",
	};
	struct reply r;

	for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
		r = get(hostile_srv.port, pages[i]);
		assert_status(r, 200);
		assert_no_markup(pages[i], r.body.buf);
		/* The title is there, escaped. */
		assert_has(r.body.buf, "Hostile " XSS_SCRIPT_ESCAPED " title "
			   "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
		reply_release(&r);
	}
	/* The cause whose title keeps the markup (from a code span). */
	r = get(hostile_srv.port, "/wizard?problem=hostile-markup&voice_profile=yes");
	assert_has(r.body.buf, "<h3>An ordinary cause " XSS_SCRIPT_ESCAPED " in code.</h3>");
	reply_release(&r);

	r = get(hostile_srv.port, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
	assert_transport(r);
	ck_assert_msg(r.status == 200 || r.status == 400, "status %ld", r.status);
	assert_no_markup("search", r.body.buf);
	assert_has(r.body.buf, "value=\"" XSS_SCRIPT_ESCAPED "\"");
	reply_release(&r);

	r = get(hostile_srv.port, "/search?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
	assert_transport(r);
	assert_no_markup("search", r.body.buf);
	assert_has(r.body.buf, "value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\"");
	reply_release(&r);

	/* In the wizard's hidden fields and change links. */
	r = get(hostile_srv.port, "/wizard?problem=hostile-markup&q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E");
	assert_transport(r);
	assert_no_markup("wizard q", r.body.buf);
	reply_release(&r);
}
END_TEST

/* ---- 6. path traversal ----------------------------------------------- */

static void assert_not_served(int port, const char *path)
{
	struct reply r = get(port, path);

	assert_transport(r);
	ck_assert_msg(r.status == 404, "%s: status %ld", path, r.status);
	ck_assert_msg(!strstr(r.body.buf, "root:"), "%s served /etc/passwd", path);
	ck_assert_msg(!strstr(r.body.buf, "SQLite format"), "%s served the KB", path);
	reply_release(&r);
}

START_TEST(test_path_traversal)
{
	static const char *const paths[] = {
		"/static/../kb.sqlite",
		"/static/../../../../etc/passwd",
		"/static/%2e%2e/%2e%2e/etc/passwd",
		"/static/..%2f..%2fetc%2fpasswd",
		"/static/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
		"/static//etc/passwd",
		"/static/%2fetc%2fpasswd",
		"/static/..",
		"/static/.",
		"/static/",
		"/static/%2e%2e",
		"/static/app.css/../../kb.sqlite",
		"/static/..%5c..%5cetc%5cpasswd",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++)
		assert_not_served(main_srv.port, paths[i]);
	assert_healthy(main_srv.port);
}
END_TEST

/* A percent-encoded NUL must not cut the path short: /x%00y is not /x. */
START_TEST(test_encoded_nul)
{
	static const char *const paths[] = {
		"/static/app.css%00.png",
		"/api/v1/articles/" ARTICLE "%00.json",
		"/healthz%00x",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		struct reply r = get(main_srv.port, paths[i]);

		assert_transport(r);
		ck_assert_msg(r.status == 400 || r.status == 404,
			      "%s: status %ld (served as if the path ended at the NUL)",
			      paths[i], r.status);
		reply_release(&r);
	}
}
END_TEST

START_TEST(test_static_symlink)
{
	struct reply r = get(hostile_srv.port, "/static/app.css");

	assert_status(r, 200);
	reply_release(&r);
	assert_not_served(hostile_srv.port, "/static/evil.css");
}
END_TEST

/* ---- 7. malformed requests ------------------------------------------- */

START_TEST(test_malformed_requests)
{
	struct sbuf req = SBUF_INIT;
	unsigned char blob[2048];
	char *got;
	int closed;

	got = raw_exchange(main_srv.port, "GARBAGE\r\n\r\n", strlen("GARBAGE\r\n\r\n"), &closed);
	assert_refused("GARBAGE", got, closed);
	free(got);

	/* A 20 KiB request line. */
	sbuf_adds(&req, "GET /api/v1/search?q=");
	while (req.len < 20 * 1024)
		sbuf_adds(&req, "aaaaaaaa");
	sbuf_adds(&req, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
	got = raw_exchange(main_srv.port, req.buf, req.len, &closed);
	assert_refused("20 KiB request line", got, closed);
	free(got);

	/* A 20 KiB header field: within the connection's memory, so it
	 * may be answered; anything but a hang or a crash will do. */
	sbuf_reset(&req);
	sbuf_adds(&req, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
	while (req.len < 20 * 1024)
		sbuf_adds(&req, "bbbbbbbb");
	sbuf_adds(&req, "\r\nConnection: close\r\n\r\n");
	got = raw_exchange(main_srv.port, req.buf, req.len, &closed);
	ck_assert_msg(closed || !strncmp(got, "HTTP/1.1 ", 9), "20 KiB header: %.80s", got);
	free(got);

	/* Headers beyond the connection's memory. */
	sbuf_reset(&req);
	sbuf_adds(&req, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
	for (int i = 0; req.len < 80 * 1024; i++)
		sbuf_addf(&req, "X-H%d: %0200d\r\n", i, 0);
	sbuf_adds(&req, "\r\n");
	got = raw_exchange(main_srv.port, req.buf, req.len, &closed);
	assert_refused("80 KiB of headers", got, closed);
	free(got);

	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = (unsigned char)((i * 7919u + 13u) & 0xff);
	blob[0] = 0x16; /* like a TLS hello */
	blob[1] = 0x03;
	got = raw_exchange(main_srv.port, blob, sizeof(blob), &closed);
	assert_refused("binary", got, closed);
	free(got);

	sbuf_reset(&req);
	sbuf_adds(&req, "GET / HTTP/9.9\r\nHost: x\r\n\r\n");
	got = raw_exchange(main_srv.port, req.buf, req.len, &closed);
	/* 505 HTTP Version Not Supported is the right answer here. */
	if (strncmp(got, "HTTP/1.1 505", 12))
		assert_refused("HTTP/9.9", got, closed);
	free(got);

	sbuf_reset(&req);
	sbuf_adds(&req, "POST /api/v1/diagnose HTTP/1.1\r\nHost: x\r\n"
		  "Content-Type: application/json\r\nContent-Length: -5\r\n\r\n{}");
	got = raw_exchange(main_srv.port, req.buf, req.len, &closed);
	assert_refused("negative Content-Length", got, closed);
	free(got);
	sbuf_release(&req);

	assert_healthy(main_srv.port);
}
END_TEST

/* ---- 2b. no KB: 503 until a SIGHUP loads one ------------------------- */

START_TEST(test_no_kb_then_sighup)
{
	static const char *const api[] = { "/healthz", "/api/v1/articles",
					   "/api/v1/articles/" ARTICLE,
					   "/api/v1/search?q=SCO", "/api/v1/diagnose" };
	struct reply r;
	double end;

	for (size_t i = 0; i < sizeof(api) / sizeof(*api); i++) {
		r = get(nokb_srv.port, api[i]);
		assert_api_error(&r, 503, "kb_unavailable", NULL);
		reply_release(&r);
	}
	r = get(nokb_srv.port, "/");
	assert_status(r, 503);
	assert_page_headers(&r, "'self'");
	reply_release(&r);
	r = get(nokb_srv.port, "/metrics");
	assert_status(r, 200);
	reply_release(&r);
	r = get(nokb_srv.port, "/static/app.css");
	assert_status(r, 200);
	reply_release(&r);

	ck_assert_int_eq(compile_kb(nokb_srv.db, "kb", NULL), 0);
	ck_assert_int_eq(kill(nokb_srv.pid, SIGHUP), 0);
	end = tu_now() + 5;
	do {
		r = get(nokb_srv.port, "/healthz");
		assert_transport(r);
		if (r.status == 200)
			break;
		reply_release(&r);
		tu_nap_ms(20);
	} while (tu_now() < end);
	assert_status(r, 200);
	reply_release(&r);
	r = get(nokb_srv.port, "/api/v1/articles/" ARTICLE);
	assert_status(r, 200);
	reply_release(&r);
	r = get(nokb_srv.port, "/");
	assert_status(r, 200);
	reply_release(&r);
}
END_TEST

/* ---- 8. SIGHUP reload under load ------------------------------------- */

struct hammer {
	int port;
	double seconds;
	long requests;
	long failures;
	char first_failure[256];
};

static void *hammer_run(void *arg)
{
	struct hammer *h = arg;
	static const char *const json[] = { "Content-Type: application/json", NULL };
	CURL *c = curl_easy_init();
	double end = tu_now() + h->seconds;

	while (c && tu_now() < end) {
		struct reply r;

		for (int k = 0; k < 2; k++) {
			if (k == 0)
				r = http_on(c, h->port, "GET", "/api/v1/articles/" ARTICLE,
					    NULL, NULL, 0);
			else
				r = http_on(c, h->port, "POST", "/api/v1/diagnose", json,
					    "{\"problem\":\"" ARTICLE "\",\"answers\":"
					    "{\"platform\":\"android\"}}", -1);
			h->requests++;
			if (r.rc != CURLE_OK || r.status != 200) {
				if (!h->failures++)
					snprintf(h->first_failure, sizeof(h->first_failure),
						 "%s: %s, status %ld: %.120s",
						 k ? "diagnose" : "article",
						 curl_easy_strerror(r.rc), r.status,
						 r.body.buf);
			}
			reply_release(&r);
		}
	}
	curl_easy_cleanup(c);
	return NULL;
}

/* The content hash /healthz reports (malloc'd; caller frees), or NULL. */
static char *served_hash(int port)
{
	struct reply r = get(port, "/healthz");
	char *hash = NULL;

	if (r.rc == CURLE_OK && r.status == 200) {
		cJSON *doc = cJSON_Parse(r.body.buf);
		const cJSON *h = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "kb"),
						     "content_hash");

		if (cJSON_IsString(h))
			hash = strdup(h->valuestring);
		cJSON_Delete(doc);
	}
	reply_release(&r);
	return hash;
}

/* Polls /healthz up to 30 s for hash: a reload takes well under a
 * second, but a sanitized build on a loaded machine has been seen to
 * take more than 5. */
static int wait_for_hash(int port, const char *hash)
{
	double end = tu_now() + 30;

	do {
		char *h = served_hash(port);
		int same = h && !strcmp(h, hash);

		free(h);
		if (same)
			return 1;
		tu_nap_ms(20);
	} while (tu_now() < end);
	return 0;
}

START_TEST(test_reload_under_load)
{
	struct hammer h = { reload_srv.port, 2.0, 0, 0, "" };
	struct sbuf next = SBUF_INIT;
	char *old = served_hash(reload_srv.port), *want;
	pthread_t t;
	struct reply r;

	ck_assert_ptr_nonnull(old);
	ck_assert_int_eq(pthread_create(&t, NULL, hammer_run, &h), 0);
	tu_nap_ms(300);
	sbuf_addf(&next, "%s/next.sqlite", reload_srv.dir);
	ck_assert_int_eq(compile_kb(next.buf, "kb", "tests/data/faq-plain.md", NULL), 0);
	want = kb_hash(next.buf);
	ck_assert_ptr_nonnull(want);
	ck_assert_str_ne(want, old);
	ck_assert_int_eq(rename(next.buf, reload_srv.db), 0);
	ck_assert_int_eq(kill(reload_srv.pid, SIGHUP), 0);
	ck_assert_msg(wait_for_hash(reload_srv.port, want),
		      "/healthz never showed the new hash %s", want);
	pthread_join(t, NULL);

	ck_assert_msg(h.failures == 0, "%ld of %ld requests failed during the reload; "
		      "first: %s", h.failures, h.requests, h.first_failure);
	ck_assert_int_ge(h.requests, 10);
	ck_assert(stderr_wait_for(&reload_srv, "reloaded", 5000));

	r = get(reload_srv.port, "/healthz");
	assert_status(r, 200);
	assert_has(r.body.buf, "\"articles\":3");
	reply_release(&r);
	r = get(reload_srv.port, "/metrics");
	assert_has(r.body.buf, "clew_kb_reloads_total{result=\"ok\"} 1");
	reply_release(&r);
	free(want);
	free(old);
	sbuf_release(&next);
}
END_TEST

/* Puts garbage where the KB was and sends SIGHUP: refused, old KB kept.
 * With in_place, the garbage is written over the served file itself (as
 * `cp bad.sqlite kb.sqlite` would), not renamed over it. Returns the hash
 * served before (malloc'd; caller frees). */
static char *refuse_reload_how(struct server *s, int in_place)
{
	struct sbuf tmp = SBUF_INIT;
	char *before = served_hash(s->port), *garbage;
	int refused = stderr_count(s, "reload refused");

	ck_assert_ptr_nonnull(before);
	garbage = malloc(8192);
	ck_assert_ptr_nonnull(garbage);
	for (int i = 0; i < 8192; i++)
		garbage[i] = (char)((i * 131 + 7) & 0xff);
	if (in_place) {
		FILE *f = fopen(s->db, "w"); /* same inode, cut to nothing */

		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(garbage, 1, 8192, f), 8192);
		ck_assert_int_eq(fclose(f), 0);
		free(garbage);
	} else {
		sbuf_addf(&tmp, "%s/garbage.tmp", s->dir);
		free(tu_write(s->dir, "garbage.tmp", garbage, 8192));
		free(garbage);
		ck_assert_int_eq(rename(tmp.buf, s->db), 0);
		sbuf_release(&tmp);
	}
	ck_assert_int_eq(kill(s->pid, SIGHUP), 0);
	ck_assert_msg(stderr_wait_count(s, "reload refused", refused, 5000),
		      "no new 'reload refused' line on stderr");
	return before;
}

static char *refuse_reload(struct server *s)
{
	return refuse_reload_how(s, 0);
}

START_TEST(test_reload_refused)
{
	char *before = refuse_reload(&reload_srv), *after;
	struct reply r;

	after = served_hash(reload_srv.port);
	ck_assert_ptr_nonnull(after);
	ck_assert_str_eq(after, before);
	r = get(reload_srv.port, "/api/v1/articles/" ARTICLE);
	assert_status(r, 200);
	reply_release(&r);
	r = get(reload_srv.port, "/api/v1/diagnose?problem=" ARTICLE
		"&platform=android&sco_supported=no");
	assert_status(r, 200);
	reply_release(&r);
	r = get(reload_srv.port, "/wizard?problem=" ARTICLE);
	assert_status(r, 200);
	reply_release(&r);
	r = get(reload_srv.port, "/metrics");
	assert_has(r.body.buf, "clew_kb_reloads_total{result=\"failed\"} 1");
	reply_release(&r);
	free(before);
	free(after);
}
END_TEST

/* After a refused reload the old KB keeps serving everything, search too,
 * however many requests run at once (search needs its own SQLite handle). */
START_TEST(test_search_after_refused_reload)
{
	enum { N = 16, ROUNDS = 6 };
	char *before = refuse_reload(&reload_srv);
	long bad = 0, total = 0;
	char first_bad[200] = "";

	for (int round = 0; round < ROUNDS; round++) {
		CURLM *m = curl_multi_init();
		CURL *c[N];
		struct reply r[N];
		int running = 1;

		for (int i = 0; i < N; i++) {
			struct sbuf url = SBUF_INIT;

			memset(&r[i], 0, sizeof(r[i]));
			sbuf_init(&r[i].body);
			c[i] = curl_easy_init();
			sbuf_addf(&url, "http://127.0.0.1:%d%s", reload_srv.port,
				  i % 2 ? "/api/v1/search?q=SCO" : "/search?q=headset");
			curl_easy_setopt(c[i], CURLOPT_URL, url.buf);
			curl_easy_setopt(c[i], CURLOPT_PROXY, "");
			curl_easy_setopt(c[i], CURLOPT_NOPROXY, "*");
			curl_easy_setopt(c[i], CURLOPT_TIMEOUT, 20L);
			curl_easy_setopt(c[i], CURLOPT_WRITEFUNCTION, on_body);
			curl_easy_setopt(c[i], CURLOPT_WRITEDATA, &r[i].body);
			curl_multi_add_handle(m, c[i]);
			sbuf_release(&url);
		}
		while (running) {
			curl_multi_perform(m, &running);
			if (running)
				curl_multi_poll(m, NULL, 0, 100, NULL);
		}
		for (int i = 0; i < N; i++) {
			long status = 0;

			curl_easy_getinfo(c[i], CURLINFO_RESPONSE_CODE, &status);
			total++;
			if (status != 200 && !bad++)
				snprintf(first_bad, sizeof(first_bad), "status %ld: %.150s",
					 status, r[i].body.buf);
			curl_multi_remove_handle(m, c[i]);
			curl_easy_cleanup(c[i]);
			sbuf_release(&r[i].body);
		}
		curl_multi_cleanup(m);
	}
	free(before);
	ck_assert_msg(bad == 0, "%ld of %ld concurrent searches failed after a refused "
		      "reload; first: %s", bad, total, first_bad);
}
END_TEST

/* The served file overwritten in place by 8 KiB of garbage (what `cp`
 * does: the same inode, truncated, written): the reload is refused, and
 * the KB serves on, search and articles alike, since the server read the
 * file whole when it loaded it. */
START_TEST(test_kb_overwritten_in_place)
{
	static const char *const paths[] = {
		"/api/v1/search?q=SCO", "/search?q=headset",
		"/api/v1/articles/" ARTICLE, "/articles/" ARTICLE,
		"/api/v1/diagnose?problem=" ARTICLE "&platform=android",
	};
	struct sbuf next = SBUF_INIT;
	char *before, *after, *want;

	/* First the served KB must be the file at reload_srv.db: a new one
	 * renamed there and taken. */
	sbuf_addf(&next, "%s/next.sqlite", reload_srv.dir);
	ck_assert_int_eq(compile_kb(next.buf, "kb", NULL), 0);
	want = kb_hash(next.buf);
	ck_assert_int_eq(rename(next.buf, reload_srv.db), 0);
	ck_assert_int_eq(kill(reload_srv.pid, SIGHUP), 0);
	ck_assert_msg(wait_for_hash(reload_srv.port, want), "the new KB was not taken");
	free(want);
	sbuf_release(&next);

	before = refuse_reload_how(&reload_srv, 1);
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
			struct reply r = get(reload_srv.port, paths[i]);

			ck_assert_msg(r.status == 200, "%s: %ld after the file was "
				      "overwritten: %.200s", paths[i], r.status, r.body.buf);
			reply_release(&r);
		}
	}
	after = served_hash(reload_srv.port);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

/* ---- 9. SIGTERM drains ----------------------------------------------- */

START_TEST(test_sigterm_drain)
{
	static const char body[] = "{\"problem\":\"" ARTICLE "\",\"answers\":"
				   "{\"platform\":\"android\",\"sco_supported\":\"no\"}}";
	struct server s;
	struct sbuf head = SBUF_INIT, got = SBUF_INIT;
	struct sockaddr_in sa;
	struct reply r;
	int fd, status = -1, port;
	double end;

	server_init(&s, "kb.sqlite");
	ck_assert_int_eq(compile_kb(s.db, "kb", NULL), 0);
	ck_assert_int_eq(server_start(&s, NULL), 0);
	port = s.port;

	/* A request in flight: headers sent, the body held back until the
	 * server drains. The 100 Continue says the server has begun it. */
	sbuf_addf(&head, "POST /api/v1/diagnose HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		  "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		  "Expect: 100-continue\r\n\r\n", strlen(body));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(send(fd, head.buf, head.len, MSG_NOSIGNAL), (ssize_t)head.len);
	end = tu_now() + 5;
	while (!strstr(got.buf, "\r\n\r\n") && tu_now() < end) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		char buf[512];
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		sbuf_add(&got, buf, (size_t)n);
	}
	ck_assert_msg(!strncmp(got.buf, "HTTP/1.1 100", 12), "no 100 Continue: %s", got.buf);

	ck_assert_int_eq(kill(s.pid, SIGTERM), 0);
	ck_assert_msg(stderr_wait_for(&s, "draining", 5000), "no 'draining' line");

	/* The request in flight completes. */
	ck_assert_int_eq(send(fd, body, strlen(body), MSG_NOSIGNAL), (ssize_t)strlen(body));
	sbuf_reset(&got);
	end = tu_now() + 5;
	while (!strstr(got.buf, "android-a2dp-only") && tu_now() < end) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		char buf[4096];
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		sbuf_add(&got, buf, (size_t)n);
	}
	close(fd);
	ck_assert_msg(!strncmp(got.buf, "HTTP/1.1 200", 12), "in-flight reply: %.200s", got.buf);
	assert_has(got.buf, "android-a2dp-only");

	ck_assert_msg(wait_exit(s.pid, 5000, &status), "still running 5 s after SIGTERM");
	s.pid = 0;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "exit status %d", status);
	ck_assert(stderr_wait_for(&s, "stopped", 0));

	r = get(port, "/healthz");
	ck_assert_int_eq(r.rc, CURLE_COULDNT_CONNECT);
	reply_release(&r);
	sbuf_release(&head);
	sbuf_release(&got);
	server_release(&s);
}
END_TEST

/* SIGINT stops it the same way, with nothing in flight. */
START_TEST(test_sigint_stops)
{
	struct server s;
	int status = -1;

	server_init(&s, "kb.sqlite");
	ck_assert_int_eq(compile_kb(s.db, "kb", NULL), 0);
	ck_assert_int_eq(server_start(&s, NULL), 0);
	assert_healthy(s.port);
	ck_assert_int_eq(kill(s.pid, SIGINT), 0);
	ck_assert_msg(wait_exit(s.pid, 5000, &status), "still running 5 s after SIGINT");
	s.pid = 0;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
	server_release(&s);
}
END_TEST

/* Runs last: every fixture's server has been stopped by now. */
START_TEST(test_servers_stopped_cleanly)
{
	ck_assert_msg(unclean_stops.len == 0, "servers that did not exit 0 on SIGTERM: %s "
		      "(their stderr is on the runner's)", unclean_stops.buf);
}
END_TEST

static TCase *tcase(Suite *s, const char *name, SFun setup, SFun teardown)
{
	TCase *tc = tcase_create(name);

	if (setup)
		tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc;

	curl_global_init(CURL_GLOBAL_DEFAULT);

	tc = tcase(s, "routes", main_setup, main_teardown);
	tcase_add_test(tc, test_healthz_and_metrics);
	tcase_add_test(tc, test_api_articles);
	tcase_add_test(tc, test_api_article_etag);
	tcase_add_test(tc, test_api_search_and_questions);
	tcase_add_test(tc, test_api_diagnose);
	tcase_add_test(tc, test_diagnose_errors);
	tcase_add_test(tc, test_http_errors);
	tcase_add_test(tc, test_html_pages);
	tcase_add_test(tc, test_static_files);
	tcase_add_test(tc, test_embed_js);
	tcase_add_test(tc, test_embed_links);
	tcase_add_test(tc, test_probe_behind_proxy);
	tcase_add_test(tc, test_default_has_no_cors);
	tcase_add_test(tc, test_wizard_walk);
	tcase_add_test(tc, test_wizard_post_checks);
	tcase_add_test(tc, test_wizard_checklist);
	tcase_add_test(tc, test_wizard_change_with_a_step);
	tcase_add_test(tc, test_wizard_change);
	tcase_add_test(tc, test_wizard_tree);
	tcase_add_test(tc, test_index_by_platform);
	tcase_add_test(tc, test_wizard_done_text);
	tcase_add_test(tc, test_path_traversal);
	tcase_add_test(tc, test_encoded_nul);
	tcase_add_test(tc, test_malformed_requests);

	tc = tcase(s, "options", opt_setup, opt_teardown);
	tcase_add_test(tc, test_frame_ancestors_option);
	tcase_add_test(tc, test_cors);

	tc = tcase(s, "hostile", hostile_setup, hostile_teardown);
	tcase_add_test(tc, test_html_escaping);
	tcase_add_test(tc, test_static_symlink);

	tc = tcase(s, "lang", lang_setup, lang_teardown);
	tcase_add_test(tc, test_wizard_language);
	tcase_add_test(tc, test_wizard_brief_solutions);

	tc = tcase(s, "no-kb", nokb_setup, nokb_teardown);
	tcase_add_test(tc, test_no_kb_then_sighup);

	tc = tcase(s, "reload", reload_setup, reload_teardown);
	tcase_add_test(tc, test_reload_under_load);
	tcase_add_test(tc, test_reload_refused);
	tcase_add_test(tc, test_search_after_refused_reload);
	tcase_add_test(tc, test_kb_overwritten_in_place);

	tc = tcase(s, "signals", NULL, NULL);
	tcase_add_test(tc, test_sigterm_drain);
	tcase_add_test(tc, test_sigint_stops);
	tcase_add_test(tc, test_servers_stopped_cleanly);
	return s;
}
