/* fileio: reading whole files and finding Markdown files under folders. */
#define _POSIX_C_SOURCE 200809L
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int fileio_read(const char *path, struct sbuf *out)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto cleanup;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto cleanup;
	}
	if (st.st_size > 0)
		sbuf_grow(out, (size_t)st.st_size);
	for (;;) {
		ssize_t n;

		sbuf_grow(out, 8192);
		n = read(fd, out->buf + out->len, out->alloc - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto cleanup;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->buf[out->len] = '\0';
	}
	ret = 0;
cleanup:
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return ret;
}

void fileio_list_release(struct fileio_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->paths[i]);
	free(l->paths);
	l->paths = NULL;
	l->nr = l->alloc = 0;
}

void fileio_list_add(struct fileio_list *l, const char *path)
{
	ALLOC_GROW(l->paths, l->nr + 1, l->alloc);
	l->paths[l->nr++] = xstrdup(path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void fileio_list_sort(struct fileio_list *l)
{
	if (l->nr)
		qsort(l->paths, l->nr, sizeof(*l->paths), cmp_str);
}

static int has_markdown_ext(const char *name)
{
	size_t n = strlen(name);

	return (n > 3 && !strcmp(name + n - 3, ".md")) ||
	       (n > 9 && !strcmp(name + n - 9, ".markdown"));
}

int fileio_find_markdown(const char *dir, struct fileio_list *out)
{
	struct sbuf path = SBUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		struct stat st;

		/* Hidden, and the docs platforms' partials: a name starting
		 * with '_' (Docusaurus, Jekyll), a folder named "includes"
		 * (Microsoft Learn). They are pages' parts, not pages. */
		if (de->d_name[0] == '.' || de->d_name[0] == '_')
			continue;
		sbuf_reset(&path);
		sbuf_adds(&path, dir);
		if (path.len && path.buf[path.len - 1] != '/')
			sbuf_addch(&path, '/');
		sbuf_adds(&path, de->d_name);
		if (stat(path.buf, &st) < 0)
			continue; /* a dangling link: nothing to read */
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(de->d_name, "includes"))
				fileio_find_markdown(path.buf, out);
		} else if (S_ISREG(st.st_mode) && has_markdown_ext(de->d_name))
			fileio_list_add(out, path.buf);
	}
	closedir(d);
	sbuf_release(&path);
	return 0;
}

int fileio_is_dir(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return S_ISDIR(st.st_mode) ? 1 : 0;
}
