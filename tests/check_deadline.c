/* check_deadline: `clew serve --header-timeout`: a client that sends its
 * request a byte at a time (slowloris), or its body too slowly, is cut off
 * at the deadline while other clients are served; the deadline starts again
 * after each reply on a kept-alive connection; 0 turns it off. */
#define _GNU_SOURCE
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../server/base/sbuf.h"
#include "testutil.h"

#define DEADLINE 2   /* seconds, as given to --header-timeout */
#define SLACK 1.0    /* the reaper's lateness allowed, seconds */
#define MANY 50      /* slow connections at once */


/* ---- the server -------------------------------------------------------- */

static struct {
	char *dir;
	char *db;
	pid_t pid;
	int port;
} srv;

/* Starts clew serve over the shipped KB with --header-timeout timeout;
 * fails the test when it does not come up within 10 s. */
static void serve(const char *timeout)
{
	struct sbuf db = SBUF_INIT, errpath = SBUF_INIT;
	struct diag d = DIAG_INIT;
	double end;

	srv.dir = tu_tmpdir();
	sbuf_addf(&db, "%s/kb.sqlite", srv.dir);
	srv.db = sbuf_detach(&db, NULL);
	ck_assert_int_eq(tu_compile(srv.db, &d, 0, "kb", NULL), 0);
	diag_release(&d);
	sbuf_addf(&errpath, "%s/stderr", srv.dir);
	fflush(NULL);
	srv.pid = fork();
	ck_assert_int_ge(srv.pid, 0);
	if (srv.pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		int err = open(errpath.buf, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (nul < 0 || err < 0)
			_exit(126);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(err, 2);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(tu_bin(), tu_bin(), "serve", "--listen", "127.0.0.1:0",
		      "--threads", "2", "--no-access-log", "--db", srv.db,
		      "--templates", "templates", "--static", "static",
		      "--header-timeout", timeout, (char *)NULL);
		_exit(127);
	}
	for (end = tu_now() + 10; tu_now() < end && !srv.port; tu_nap_ms(10)) {
		char *err = tu_read(errpath.buf, NULL);
		const char *p = err ? strstr(err, "(port ") : NULL;

		if (p)
			srv.port = atoi(p + 6);
		free(err);
	}
	sbuf_release(&errpath);
	ck_assert_msg(srv.port > 0, "clew serve did not start");
}

/* The server's stderr (malloc'd; caller frees; never NULL). */
static char *serve_stderr(void)
{
	struct sbuf path = SBUF_INIT;
	char *text;

	sbuf_addf(&path, "%s/stderr", srv.dir);
	text = tu_read(path.buf, NULL);
	sbuf_release(&path);
	return text ? text : calloc(1, 1);
}

static void serve_stop(void)
{
	int status = 0;

	if (srv.pid > 0) {
		kill(srv.pid, SIGTERM);
		waitpid(srv.pid, &status, 0);
	}
	if (srv.dir)
		tu_rmtree(srv.dir);
	free(srv.dir);
	free(srv.db);
	memset(&srv, 0, sizeof(srv));
}

static void serve_deadline(void)
{
	serve("2");
}

static void serve_no_deadline(void)
{
	serve("0");
}

/* ---- raw connections ---------------------------------------------------- */

static int dial(void)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)srv.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* 1 when the server has closed fd (end of file or reset), without
 * waiting; what it sent before closing is read and dropped. */
static int closed_by_server(int fd)
{
	char buf[512];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
			       errno != EINTR))
			return 1;
		if (n < 0)
			return 0;
	}
}

/* Sends one request on fd and reads its reply's status line; returns the
 * status, or 0 when the connection failed. Keeps the connection open. */
static int request_on(int fd, const char *path)
{
	struct sbuf req = SBUF_INIT, got = SBUF_INIT;
	double end = tu_now() + 5;
	int status = 0;
	const char *hdr_end;
	long clen = -1;

	sbuf_addf(&req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
	if (send(fd, req.buf, req.len, MSG_NOSIGNAL) != (ssize_t)req.len)
		goto done;
	while (tu_now() < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		char buf[4096];
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		sbuf_add(&got, buf, (size_t)n);
		hdr_end = strstr(got.buf, "\r\n\r\n");
		if (!hdr_end)
			continue;
		if (clen < 0) {
			const char *cl = strcasestr(got.buf, "\r\nContent-Length:");

			clen = cl && cl < hdr_end ? atol(cl + 17) : 0;
		}
		if (got.len >= (size_t)(hdr_end + 4 - got.buf) + (size_t)clen) {
			status = atoi(got.buf + 9);
			break;
		}
	}
done:
	sbuf_release(&req);
	sbuf_release(&got);
	return status;
}

static int get_status(const char *path)
{
	int fd = dial(), status = request_on(fd, path);

	close(fd);
	return status;
}

/* Trickles text over the n connections fds, one byte per connection every
 * step_ms, until the server closes them all or give_up seconds pass;
 * closed_at[i] gets the time (since start) at which connection i was
 * found closed, or -1. Between steps a normal request must be answered
 * within a second. */
static void trickle(const int *fds, int n, const char *text, long step_ms,
		    double start, double give_up, double *closed_at)
{
	size_t len = strlen(text), pos = 0;
	int open = n;

	for (int i = 0; i < n; i++)
		closed_at[i] = -1;
	while (open > 0 && tu_now() - start < give_up) {
		double t0;

		for (int i = 0; i < n; i++) {
			if (closed_at[i] >= 0)
				continue;
			if (closed_by_server(fds[i]) ||
			    send(fds[i], text + pos % len, 1, MSG_NOSIGNAL) != 1) {
				closed_at[i] = tu_now() - start;
				open--;
			}
		}
		pos++;
		t0 = tu_now();
		ck_assert_int_eq(get_status("/healthz"), 200);
		ck_assert_msg(tu_now() - t0 < 1.0, "a normal request took %.3f s while "
			      "slow clients were connected", tu_now() - t0);
		tu_nap_ms(step_ms);
	}
}

/* ---- the tests --------------------------------------------------------- */

/* One byte every 100 ms never makes a whole request: closed at the
 * deadline, though never idle for even a second. */
START_TEST(test_slow_headers_closed)
{
	static const char text[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				   "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	int fd = dial();
	double start = tu_now(), at;
	char *err;

	trickle(&fd, 1, text, 100, start, DEADLINE + 5, &at);
	close(fd);
	ck_assert_msg(at >= DEADLINE - 0.05 && at <= DEADLINE + SLACK,
		      "closed after %.2f s, want %d s (+%.1f)", at, DEADLINE, SLACK);
	err = serve_stderr();
	ck_assert_msg(strstr(err, "sent no complete request within 2 s"), "%s", err);
	free(err);
}
END_TEST

/* Many at once, while normal requests keep being answered. */
START_TEST(test_many_slow_clients_closed)
{
	static const char text[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-";
	int fds[MANY];
	double at[MANY], start = tu_now();

	for (int i = 0; i < MANY; i++)
		fds[i] = dial();
	trickle(fds, MANY, text, 200, start, DEADLINE + 5, at);
	for (int i = 0; i < MANY; i++) {
		close(fds[i]);
		ck_assert_msg(at[i] >= 0 && at[i] <= DEADLINE + SLACK,
			      "connection %d: closed after %.2f s, want by %.1f s",
			      i, at[i], DEADLINE + SLACK);
	}
}
END_TEST

/* Headers in time, the body too slow: the deadline covers the body. */
START_TEST(test_slow_body_closed)
{
	static const char head[] = "POST /api/v1/diagnose HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				   "Content-Type: application/json\r\n"
				   "Content-Length: 1000\r\n\r\n";
	int fd = dial();
	double start = tu_now(), at;

	ck_assert_int_eq(send(fd, head, strlen(head), MSG_NOSIGNAL), (ssize_t)strlen(head));
	trickle(&fd, 1, " ", 100, start, DEADLINE + 5, &at);
	close(fd);
	ck_assert_msg(at >= DEADLINE - 0.05 && at <= DEADLINE + SLACK,
		      "closed after %.2f s, want %d s (+%.1f)", at, DEADLINE, SLACK);
}
END_TEST

/* A kept-alive connection: each reply restarts the clock, so requests
 * that come more often than the deadline are all answered, and an idle
 * connection is closed when the deadline after the last reply passes. */
START_TEST(test_keepalive_restarts_deadline)
{
	int fd = dial();
	double start = tu_now(), last;

	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(request_on(fd, "/healthz"), 200);
		tu_nap_ms(DEADLINE * 1000 * 3 / 4);
	}
	ck_assert_int_eq(request_on(fd, "/api/v1/questions"), 200);
	last = tu_now();
	ck_assert(last - start > DEADLINE + 0.5); /* older than one deadline */
	while (!closed_by_server(fd) && tu_now() - last < DEADLINE + 5)
		tu_nap_ms(50);
	ck_assert_msg(tu_now() - last >= DEADLINE - 0.05 && tu_now() - last <= DEADLINE + SLACK,
		      "idle connection closed %.2f s after the last reply", tu_now() - last);
	close(fd);
}
END_TEST

/* --header-timeout 0: no deadline (only the 15 s idle timeout). */
START_TEST(test_zero_is_off)
{
	static const char text[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: bbbbbbbbbbbbbbbbbbbbbbbbbbbb";
	int fd = dial();
	double start = tu_now(), at;

	trickle(&fd, 1, text, 200, start, DEADLINE + 1.5, &at);
	ck_assert_msg(at < 0, "closed after %.2f s with --header-timeout 0", at);
	close(fd);
}
END_TEST

START_TEST(test_bad_values)
{
	char *dir = tu_tmpdir();
	struct tu_run r;

	r = tu_sh(dir, "@ serve --header-timeout -1");
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "--header-timeout takes a number from 0 to 3600"), "%s", r.err);
	tu_run_free(&r);
	r = tu_sh(dir, "CLEW_HEADER_TIMEOUT=soon @ serve");
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "CLEW_HEADER_TIMEOUT takes a number"), "%s", r.err);
	tu_run_free(&r);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

Suite *deadline_suite(void)
{
	Suite *s = suite_create("deadline");
	TCase *tc = tcase_create("deadline");

	tcase_add_checked_fixture(tc, serve_deadline, serve_stop);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_slow_headers_closed);
	tcase_add_test(tc, test_many_slow_clients_closed);
	tcase_add_test(tc, test_slow_body_closed);
	tcase_add_test(tc, test_keepalive_restarts_deadline);
	suite_add_tcase(s, tc);

	tc = tcase_create("off");
	tcase_add_checked_fixture(tc, serve_no_deadline, serve_stop);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_zero_is_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("flags");
	tcase_add_test(tc, test_bad_values);
	suite_add_tcase(s, tc);
	return s;
}
