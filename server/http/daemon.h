/* daemon: runs the HTTP server (libmicrohttpd) until SIGTERM or SIGINT:
 * a thread pool, limits, the access log, SIGHUP reloads of the KB, and a
 * drain on shutdown. The only file that includes <microhttpd.h>. */
#ifndef CLEW_DAEMON_H
#define CLEW_DAEMON_H

struct app;

/* Serves app until a stop signal. Returns 0 after a clean drain, 1 when
 * the server could not start (the reason printed on stderr). */
int daemon_run(struct app *app, int max_connections, int max_per_ip);

#endif
