/* check_tempfile: registered files are removed when the process dies of a
 * signal, and only the registered ones. Each case runs in a child process,
 * since the handlers and the registry are the process's. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../server/base/tempfile.h"
#include "testutil.h"

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Runs body(a, b) in a child and returns its wait status. */
static int in_child(void (*body)(const char *, const char *), const char *a,
		    const char *b)
{
	int status = 0;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		body(a, b);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static void die_of_sigterm(const char *keep, const char *doomed)
{
	/* As in clew compile, SIGTERM starts with its default action (Check
	 * sets its own handler in the test process). */
	signal(SIGTERM, SIG_DFL);
	tempfile_register(keep);
	tempfile_register(doomed);
	tempfile_unregister(keep);
	raise(SIGTERM);
	_exit(3); /* not reached: the handler dies of the signal again */
}

START_TEST(test_signal_removes_registered)
{
	char *dir = tu_tmpdir();
	char *keep = tu_write(dir, "keep", "k", -1);
	char *doomed = tu_write(dir, "doomed", "d", -1);
	int st = in_child(die_of_sigterm, keep, doomed);

	/* The process still dies of SIGTERM, as a parent expects. */
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGTERM);
	ck_assert(!exists(doomed));
	ck_assert(exists(keep));
	free(keep);
	free(doomed);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static void remove_all_then_exit(const char *a, const char *b)
{
	tempfile_register(a);
	tempfile_register(b);
	tempfile_remove_all();
}

START_TEST(test_remove_all)
{
	char *dir = tu_tmpdir();
	char *a = tu_write(dir, "a", "a", -1);
	char *b = tu_write(dir, "b", "b", -1);
	int st = in_child(remove_all_then_exit, a, b);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert(!exists(a));
	ck_assert(!exists(b));
	free(a);
	free(b);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A handler set by the program (clew serve's, say) is left alone. */
static int own_handler_ran;
static void own_handler(int sig)
{
	(void)sig;
	own_handler_ran = 1;
}

static void keep_own_handler(const char *doomed, const char *unused)
{
	(void)unused;
	signal(SIGHUP, own_handler);
	tempfile_register(doomed);
	raise(SIGHUP);
	_exit(own_handler_ran ? 7 : 8);
}

START_TEST(test_own_handler_kept)
{
	char *dir = tu_tmpdir();
	char *doomed = tu_write(dir, "doomed", "d", -1);
	int st = in_child(keep_own_handler, doomed, NULL);

	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 7);
	ck_assert(exists(doomed));
	free(doomed);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

Suite *tempfile_suite(void)
{
	Suite *s = suite_create("tempfile");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_signal_removes_registered);
	tcase_add_test(tc, test_remove_all);
	tcase_add_test(tc, test_own_handler_kept);
	suite_add_tcase(s, tc);
	return s;
}
