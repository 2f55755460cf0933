/* xalloc: allocation that ends the process with a message instead of
 * returning NULL. */
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tempfile.h"

/* Running out of memory is not a bug: no core dump, no SIGABRT, just a
 * message and exit status 1 (for `clew compile`, "the output was not
 * written", and its temporary file is removed). _exit, not exit: other
 * threads are still running, and atexit handlers and stdio flushing could
 * need the memory there is not. */
static void die_oom(size_t size)
{
	static const char msg[] = "clew: out of memory\n";

	tempfile_remove_all();
	if (fprintf(stderr, "clew: out of memory (allocating %zu bytes)\n", size) < 0)
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(EXIT_FAILURE);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(size && nmemb > (size_t)-1 / size ? (size_t)-1 : nmemb * size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t len)
{
	size_t n = strnlen(s, len);
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
