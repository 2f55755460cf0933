/* mhd_floor: the least a libmicrohttpd server can do per request, for
 * bench/http to compare clew with: one file's bytes, read once, answered
 * to every request from one response built at start-up (no routing, no
 * per-request headers), on the same poll-based internal thread as clew
 * serve --threads 1. Its rate is the ceiling clew's article GET can reach
 * with libmicrohttpd 0.9.75 on this machine.
 *
 *   build/bench/mhd_floor PORT FILE [THREADS]   serves until SIGINT or SIGTERM
 *
 * THREADS (default 1) above 1 is a thread pool of that size, as clew
 * serve --threads. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "../server/base/fileio.h"
#include "../server/base/sbuf.h"

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **req_cls)
{
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	(void)upload_size;
	/* Queued on the second call: 0.9.75 closes the connection after a
	 * response queued on the first. */
	if (!*req_cls) {
		*req_cls = cls;
		return MHD_YES;
	}
	return MHD_queue_response(c, MHD_HTTP_OK, cls);
}

int main(int argc, char **argv)
{
	struct sbuf body = SBUF_INIT;
	struct MHD_Response *res = NULL;
	struct MHD_Daemon *d = NULL;
	sigset_t stop;
	char *end = NULL;
	long port = argc >= 3 ? strtol(argv[1], &end, 10) : 0;
	long threads = argc == 4 ? strtol(argv[3], NULL, 10) : 1;
	int sig, ret = 1;

	if (argc < 3 || argc > 4 || !end || *end || port <= 0 || port > 65535 ||
	    threads < 1 || threads > 256) {
		fprintf(stderr, "usage: %s PORT FILE [THREADS]\n", argv[0]);
		return 2;
	}
	if (fileio_read(argv[2], &body)) {
		fprintf(stderr, "mhd_floor: cannot read %s: %s\n", argv[2],
			strerror(errno));
		goto cleanup;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	res = MHD_create_response_from_buffer(body.len, body.buf,
					      MHD_RESPMEM_PERSISTENT);
	if (!res || MHD_add_response_header(res, "Content-Type",
					    "application/json") != MHD_YES)
		goto cleanup;
	d = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD, (uint16_t)port, NULL,
			     NULL, answer, res, MHD_OPTION_CONNECTION_LIMIT,
			     (unsigned)4096, MHD_OPTION_THREAD_POOL_SIZE,
			     (unsigned)(threads > 1 ? threads : 0), MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "mhd_floor: cannot listen on port %ld: %s\n", port,
			strerror(errno));
		goto cleanup;
	}
	sigwait(&stop, &sig);
	ret = 0;
cleanup:
	if (d)
		MHD_stop_daemon(d);
	if (res)
		MHD_destroy_response(res);
	sbuf_release(&body);
	return ret;
}
