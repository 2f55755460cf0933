/* daemon: runs the HTTP server (libmicrohttpd) until SIGTERM or SIGINT:
 * a thread pool, limits and a deadline for each request, the access log,
 * SIGHUP reloads of the KB, and a drain on shutdown. The only file that includes <microhttpd.h>. */
#ifndef CLEW_DAEMON_H
#define CLEW_DAEMON_H

struct app;

struct daemon_limits {
	int max_connections;  /* open connections at most */
	int max_per_ip;       /* open connections per client address */
	/* Seconds a connection has to deliver a whole request (headers and
	 * body) from opening, or from the previous reply; 0: no deadline. */
	int header_timeout;
};

/* Serves app until a stop signal. Returns 0 after a clean drain, 1 when
 * the server could not start (the reason printed on stderr). */
int daemon_run(struct app *app, const struct daemon_limits *lim);

#endif
