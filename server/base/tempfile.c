/* tempfile: files removed if the process dies before it is done with them. */
#include "tempfile.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

#define MAX_TEMPFILES 8

/* The registry is process state by nature (a signal handler has no other
 * way to reach it). Written only by the registering thread; a slot is
 * published after its string is complete. */
static char *volatile slots[MAX_TEMPFILES];

static void on_fatal_signal(int sig)
{
	tempfile_remove_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++) {
		struct sigaction old, sa;

		if (sigaction(sigs[i], NULL, &old) || old.sa_handler != SIG_DFL)
			continue; /* somebody else's handler, or ignored: leave it */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fatal_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

int tempfile_register(const char *path)
{
	/* Each time, not once: a disposition reset since (in a child, say)
	 * gets the handler again. */
	install_handlers();
	for (size_t i = 0; i < MAX_TEMPFILES; i++) {
		if (!slots[i]) {
			slots[i] = xstrdup(path);
			return 0;
		}
	}
	return -1;
}

void tempfile_unregister(const char *path)
{
	for (size_t i = 0; i < MAX_TEMPFILES; i++) {
		char *p = slots[i];

		if (p && !strcmp(p, path)) {
			slots[i] = NULL;
			free(p);
			return;
		}
	}
}

void tempfile_remove_all(void)
{
	for (size_t i = 0; i < MAX_TEMPFILES; i++) {
		const char *p = slots[i];

		if (p)
			unlink(p);
	}
}
