/* daemon: runs the HTTP server (libmicrohttpd) until SIGTERM or SIGINT. */
#define _GNU_SOURCE
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "../base/xalloc.h"
#include "app.h"
#include "kbstate.h"
#include "metrics.h"
#include "request.h"
#include "router.h"

#define MAX_BODY (64 * 1024)
#define MAX_URI (8 * 1024)
#define DRAIN_SECONDS 5
#define IDLE_SECONDS 15          /* libmicrohttpd's idle timeout */
#define CONN_MEMORY (24 * 1024)  /* per connection: request line and headers */

/* Per-request state (MHD's req_cls), freed when the request completes. */
struct conn_state {
	struct app *app;
	struct http_request req;
	struct sbuf body;
	size_t uri_len;
	int uri_has_nul;
	int started;
	int too_large;
	int status;
	size_t bytes;
	struct timespec start;
	char request_id[40];
	char ip[INET6_ADDRSTRLEN];
	char *method;
	char *path;
	const char *route;
	void *hold;             /* the reply's, released once it is sent */
	void (*hold_release)(void *);
};

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- the request deadline --------------------------------------------
 *
 * libmicrohttpd's CONNECTION_TIMEOUT is an idle timeout: a client that
 * sends one byte a second keeps a connection forever, and a few hundred
 * of them (slowloris) hold every slot. So each connection also has a
 * deadline: its request, headers and body, must be in within
 * header_timeout seconds of the connection opening or of the previous
 * reply on it. A reaper thread shuts down the socket of a connection past
 * its deadline; libmicrohttpd then reads end-of-file and closes the
 * connection itself, on its own thread, as if the client had left. */

struct watch {
	struct watch *prev, *next;
	struct reaper *reaper;
	MHD_socket fd;
	/* CLOCK_MONOTONIC milliseconds; 0 while a request is being answered. */
	atomic_llong deadline;
};

struct reaper {
	pthread_mutex_t lock;  /* guards the list, and so each watch's fd */
	pthread_cond_t wake;   /* on CLOCK_MONOTONIC; signalled to stop */
	pthread_t thread;
	struct watch *head;
	long long timeout_ms;
	int stop;
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct watch *watch_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* The request is in: no deadline until the reply has gone out. */
static void watch_disarm(struct MHD_Connection *c)
{
	struct watch *w = watch_of(c);

	if (w)
		atomic_store(&w->deadline, 0);
}

/* The reply has gone out: the next request on the connection has until
 * now + timeout. (Re-arming only ever sets a deadline later than the one
 * the reaper sleeps towards, so it need not be woken.) */
static void watch_rearm(struct MHD_Connection *c)
{
	struct watch *w = watch_of(c);

	if (w)
		atomic_store(&w->deadline, now_ms() + w->reaper->timeout_ms);
}

/* MHD_OPTION_NOTIFY_CONNECTION: a watch per TCP connection. Called on the
 * connection's thread; CLOSED comes before libmicrohttpd closes the fd, so
 * under the lock the reaper never touches a descriptor already reused. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct reaper *r = cls;
	struct watch *w = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

		if (!ci)
			return;
		w = xcalloc(1, sizeof(*w));
		w->reaper = r;
		w->fd = ci->connect_fd;
		atomic_init(&w->deadline, now_ms() + r->timeout_ms);
		pthread_mutex_lock(&r->lock);
		w->next = r->head;
		if (r->head)
			r->head->prev = w;
		r->head = w;
		pthread_mutex_unlock(&r->lock);
		*socket_context = w;
	} else if (w) {
		pthread_mutex_lock(&r->lock);
		if (w->prev)
			w->prev->next = w->next;
		else
			r->head = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&r->lock);
		free(w);
		*socket_context = NULL;
	}
}

static void *reaper_run(void *arg)
{
	struct reaper *r = arg;

	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		long long now = now_ms(), next = now + r->timeout_ms;
		struct timespec until;
		int closed = 0;

		for (struct watch *w = r->head; w; w = w->next) {
			long long d = atomic_load(&w->deadline);

			if (!d)
				continue;
			if (d <= now) {
				shutdown(w->fd, SHUT_RDWR);
				atomic_store(&w->deadline, 0);
				closed++;
			} else if (d < next) {
				next = d;
			}
		}
		if (closed) {
			fprintf(stderr, "clew serve: closed %d connection(s) that sent no "
				"complete request within %lld s\n", closed,
				r->timeout_ms / 1000);
			fflush(stderr);
		}
		until.tv_sec = (time_t)(next / 1000);
		until.tv_nsec = (long)(next % 1000) * 1000000L;
		pthread_cond_timedwait(&r->wake, &r->lock, &until);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Starts the reaper; 0, or -1 (errno set) when the thread cannot start. */
static int reaper_start(struct reaper *r, int timeout_s)
{
	pthread_condattr_t ca;
	int rc;

	memset(r, 0, sizeof(*r));
	r->timeout_ms = (long long)timeout_s * 1000;
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->wake, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&r->thread, NULL, reaper_run, r);
	if (rc) {
		pthread_cond_destroy(&r->wake);
		pthread_mutex_destroy(&r->lock);
		errno = rc;
		return -1;
	}
	return 0;
}

/* Stops the reaper; call after MHD_stop_daemon (every watch is gone). */
static void reaper_stop(struct reaper *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
}

/* ---- libmicrohttpd's own messages ----------------------------------------
 *
 * libmicrohttpd reports each malformed request on the error log ("Error
 * processing request (HTTP response code is 400 ..."). Any client can cause
 * those, so they are limited to LOG_BURST lines a second, and the lines
 * left out are counted in the next one that is printed. */

#define LOG_BURST 20

struct mhd_log {
	pthread_mutex_t lock;
	time_t second;          /* CLOCK_MONOTONIC second of the window */
	unsigned printed, dropped;
};

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct mhd_log *l = cls;
	struct timespec t;
	unsigned dropped = 0;
	int print;

	clock_gettime(CLOCK_MONOTONIC, &t);
	pthread_mutex_lock(&l->lock);
	if (t.tv_sec != l->second) {
		l->second = t.tv_sec;
		l->printed = 0;
	}
	print = l->printed < LOG_BURST;
	if (print) {
		l->printed++;
		dropped = l->dropped;
		l->dropped = 0;
	} else {
		l->dropped++;
	}
	pthread_mutex_unlock(&l->lock);
	if (!print)
		return;
	if (dropped)
		fprintf(stderr, "clew serve: (%u more libmicrohttpd messages left "
			"out)\n", dropped);
	fputs("clew serve: libmicrohttpd: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

/* The first callback of every request, the only one that sees the whole
 * URI (query too) before it is decoded. It allocates nothing:
 * libmicrohttpd may drop a request before the access handler runs, and
 * then no completion call would free it. What it finds travels to the
 * access handler as a tagged integer in req_cls (odd, where pointers from
 * malloc are even): the URI's length, and whether it encodes a NUL byte
 * (which decoding would turn into an early end of the path). */
#define TAG_NUL 2u
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	size_t len = uri ? strlen(uri) : 0;
	uintptr_t nul = uri && strstr(uri, "%00") ? TAG_NUL : 0;

	(void)cls;
	(void)c;
	return (void *)(((uintptr_t)len << 2) | nul | 1);
}

static struct conn_state *conn_state_new(struct app *app, void *tag)
{
	struct conn_state *cs = xcalloc(1, sizeof(*cs));

	cs->app = app;
	cs->uri_len = ((uintptr_t)tag & 1) ? (size_t)((uintptr_t)tag >> 2) : 0;
	cs->uri_has_nul = ((uintptr_t)tag & 1) && ((uintptr_t)tag & TAG_NUL);
	sbuf_init(&cs->body);
	clock_gettime(CLOCK_MONOTONIC, &cs->start);
	snprintf(cs->request_id, sizeof(cs->request_id), "%lx-%lu",
		 (unsigned long)app->pid, atomic_fetch_add(&app->request_seq, 1) + 1);
	atomic_fetch_add(&app->in_flight, 1);
	return cs;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind,
				   const char *key, const char *value)
{
	(void)kind;
	http_request_add_arg(cls, key, value);
	return MHD_YES;
}

static void client_address(struct MHD_Connection *c, struct conn_state *cs)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	strcpy(cs->ip, "unknown");
	if (!sa)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, cs->ip, sizeof(cs->ip));
		cs->req.client_loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
							    0, 0, 0xff, 0xff };

		inet_ntop(AF_INET6, &in6->sin6_addr, cs->ip, sizeof(cs->ip));
		cs->req.client_loopback =
			IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
			(!memcmp(in6->sin6_addr.s6_addr, v4mapped, 12) &&
			 in6->sin6_addr.s6_addr[12] == 127);
	}
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct conn_state *cs,
				  struct http_reply *rep)
{
	struct app *app = cs->app;
	struct MHD_Response *res;
	enum MHD_Result ret;

	if (rep->fixed_body && rep->status != 304) {
		res = MHD_create_response_from_buffer(rep->fixed_len,
						      (void *)rep->fixed_body,
						      MHD_RESPMEM_PERSISTENT);
		cs->bytes = rep->fixed_len;
	} else {
		size_t len = rep->status == 304 ? 0 : rep->body.len;
		char *body = sbuf_detach(&rep->body, NULL);

		res = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		cs->bytes = len;
	}
	if (!res)
		return MHD_NO;
	if (rep->status != 304)
		MHD_add_response_header(res, "Content-Type", rep->content_type);
	MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(res, "X-Request-Id", cs->request_id);
	if (rep->is_html) {
		MHD_add_response_header(res, "Content-Security-Policy", app->csp);
		MHD_add_response_header(res, "Referrer-Policy", "strict-origin-when-cross-origin");
		if (!http_arg(&cs->req, "embed"))
			MHD_add_response_header(res, "X-Frame-Options", "SAMEORIGIN");
	}
	for (size_t i = 0; i < rep->nr_headers; i++)
		MHD_add_response_header(res, rep->headers[i].name, rep->headers[i].value);
	cs->status = rep->status;
	cs->route = rep->route;
	/* The body may be a page cache entry's: keep it until libmicrohttpd
	 * is done with it (on_completed). */
	cs->hold = rep->hold;
	cs->hold_release = rep->hold_release;
	rep->hold = NULL;
	rep->hold_release = NULL;
	ret = MHD_queue_response(c, (unsigned)rep->status, res);
	MHD_destroy_response(res);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	struct app *app = cls;
	struct conn_state *cs = *req_cls;
	struct http_reply rep = HTTP_REPLY_INIT;
	enum MHD_Result ret;

	(void)version;
	if (!cs || ((uintptr_t)cs & 1)) {
		cs = conn_state_new(app, cs);
		*req_cls = cs;
	}
	if (!cs->started) {
		const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							      "Content-Length");
		cs->started = 1;
		cs->method = xstrdup(method);
		cs->path = xstrdup(url);
		if (len && strtoull(len, NULL, 10) > MAX_BODY)
			cs->too_large = 1;
		/* Answering now would make libmicrohttpd 0.9.75 close the
		 * connection after the reply: answer on the next call. */
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (cs->body.len + *upload_data_size > MAX_BODY)
			cs->too_large = 1;
		else
			sbuf_add(&cs->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}

	watch_disarm(c);
	client_address(c, cs);
	cs->req.method = cs->method;
	cs->req.path = cs->path;
	cs->req.app = app;
	cs->req.request_id = cs->request_id;
	cs->req.client_ip = cs->ip;
	cs->req.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	cs->req.host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	cs->req.origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	cs->req.sec_fetch_site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	cs->req.sec_fetch_mode = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Mode");
	cs->req.sec_fetch_dest = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Dest");
	cs->req.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	cs->req.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	cs->req.if_modified_since = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");
	cs->req.accept_language = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
	cs->req.accept_encoding = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
	cs->req.forwarded =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Forwarded") ||
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For") ||
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP");
	cs->req.body = cs->body.buf;
	cs->req.body_len = cs->body.len;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &cs->req);
	cs->req.kb = app_kb(app);

	if (cs->uri_len > MAX_URI)
		router_error(&cs->req, &rep, 414, "uri_too_long",
			     "the address is longer than 8 KiB");
	else if (cs->uri_has_nul)
		router_error(&cs->req, &rep, 400, "bad_request",
			     "the address encodes a NUL byte (%00)");
	else if (cs->too_large)
		router_error(&cs->req, &rep, 413, "body_too_large",
			     "the request body is larger than 64 KiB");
	else
		router_dispatch(&cs->req, &rep);
	ret = send_reply(c, cs, &rep);
	http_reply_release(&rep);
	return ret;
}

static void log_request(struct conn_state *cs, double seconds)
{
	cJSON *line = cJSON_CreateObject();
	struct sbuf when = SBUF_INIT;
	char secs[32], *s;
	struct timespec now;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
	sbuf_addf(&when, "%s.%03dZ", secs, (int)(now.tv_nsec / 1000000));
	cJSON_AddStringToObject(line, "time", when.buf);
	sbuf_release(&when);
	cJSON_AddStringToObject(line, "method", cs->method ? cs->method : "");
	cJSON_AddStringToObject(line, "path", cs->path ? cs->path : "");
	cJSON_AddNumberToObject(line, "status", cs->status);
	cJSON_AddNumberToObject(line, "bytes", (double)cs->bytes);
	cJSON_AddNumberToObject(line, "us", (double)(long)(seconds * 1e6));
	cJSON_AddStringToObject(line, "client", cs->ip);
	cJSON_AddStringToObject(line, "request_id", cs->request_id);
	s = cJSON_PrintUnformatted(line);
	if (s) {
		/* One write per line, so lines from threads never interleave. */
		size_t n = strlen(s);
		s[n] = '\n';
		fwrite(s, 1, n + 1, stdout);
		fflush(stdout);
		s[n] = '\0';
	}
	free(s);
	cJSON_Delete(line);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct app *app = cls;
	struct conn_state *cs = *req_cls;
	double seconds;

	(void)toe;
	watch_rearm(c);
	if (!cs || ((uintptr_t)cs & 1))
		return; /* the access handler never ran: nothing to free */
	seconds = elapsed(&cs->start);
	if (cs->status) {
		metrics_request(app->metrics, cs->route ? cs->route : "other",
				cs->status, seconds);
		if (app->cfg.access_log)
			log_request(cs, seconds);
	}
	if (cs->hold_release)
		cs->hold_release(cs->hold);
	kbstate_release(cs->req.kb);
	http_request_release_args(&cs->req);
	sbuf_release(&cs->body);
	free(cs->method);
	free(cs->path);
	free(cs);
	*req_cls = NULL;
	atomic_fetch_sub(&app->in_flight, 1);
}

/* Parses "ADDR:PORT" ("[v6]:PORT" for IPv6) into *sa. */
static int parse_listen(const char *listen, struct sockaddr_storage *sa,
			socklen_t *len, int *v6)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	const char *colon = strrchr(listen, ':');
	char *host;
	int rc;

	if (!colon || !colon[1])
		return -1;
	if (listen[0] == '[' && colon > listen && colon[-1] == ']')
		host = xstrndup(listen + 1, (size_t)(colon - listen - 2));
	else
		host = xstrndup(listen, (size_t)(colon - listen));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(*host ? host : NULL, colon + 1, &hints, &res);
	free(host);
	if (rc || !res)
		return -1;
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	*v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return 0;
}

static void reload(struct app *app)
{
	struct sbuf err = SBUF_INIT;
	struct kbstate *kb = app_kb_load(app, &err);

	if (!kb) {
		fprintf(stderr, "clew serve: reload refused, still serving the previous KB: %s\n",
			err.buf);
		metrics_reload(app->metrics, 0);
	} else {
		fprintf(stderr, "clew serve: reloaded %s (content hash %s, %d articles)\n",
			app->cfg.db, kb->content_hash, kb->nr_articles);
		app_set_kb(app, kb);
		metrics_reload(app->metrics, 1);
	}
	sbuf_release(&err);
}

int daemon_run(struct app *app, const struct daemon_limits *lim)
{
	struct sockaddr_storage sa;
	socklen_t sa_len;
	struct MHD_Daemon *d;
	struct reaper reaper;
	struct mhd_log log = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 };
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int v6 = 0, sig;
	unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG;
	struct timespec t0;

	app->pid = (long)getpid();
	if (parse_listen(app->cfg.listen, &sa, &sa_len, &v6)) {
		fprintf(stderr, "clew serve: cannot listen on '%s': give ADDR:PORT, "
			"such as 127.0.0.1:8080 or [::1]:8080\n", app->cfg.listen);
		return 1;
	}
	if (v6)
		flags |= MHD_USE_IPv6;
	/* The signals are taken by this thread alone (sigwait below): block
	 * them before the pool's threads start, so that they inherit it. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (lim->header_timeout && reaper_start(&reaper, lim->header_timeout)) {
		fprintf(stderr, "clew serve: cannot start the deadline thread: %s\n",
			strerror(errno));
		return 1;
	}
	/* A watch per connection only when there is a deadline to keep
	 * (libmicrohttpd never calls a NULL connection callback). */
	/* The logger first: libmicrohttpd logs through it from the next
	 * option on. */
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, app,
			     MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, &log,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads,
			     MHD_OPTION_URI_LOG_CALLBACK, on_uri, app,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
			     MHD_OPTION_NOTIFY_CONNECTION,
			     lim->header_timeout ? on_connection : NULL, &reaper,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)lim->max_connections,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)lim->max_per_ip,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_SECONDS,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
			     MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
			     MHD_OPTION_END);
	if (!d) {
		int e = errno;

		if (lim->header_timeout)
			reaper_stop(&reaper);
		fprintf(stderr, "clew serve: cannot start the server on %s: %s\n",
			app->cfg.listen, strerror(e));
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "clew serve: listening on %s (port %u), %d threads, KB %s\n",
		app->cfg.listen, info ? info->port : 0, app->cfg.threads, app->cfg.db);
	fflush(stderr);

	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig == SIGHUP) {
			reload(app);
			continue;
		}
		break;
	}
	/* Drain: stop accepting, let requests in flight finish, then stop. */
	fprintf(stderr, "clew serve: %s: draining\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	{
		MHD_socket fd = MHD_quiesce_daemon(d);

		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load(&app->in_flight) > 0 && elapsed(&t0) < DRAIN_SECONDS) {
		struct timespec nap = { 0, 10 * 1000 * 1000 };
		nanosleep(&nap, NULL);
	}
	MHD_stop_daemon(d);
	if (lim->header_timeout)
		reaper_stop(&reaper);
	fprintf(stderr, "clew serve: stopped\n");
	return 0;
}
