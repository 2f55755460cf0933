/* fileio: reading whole files and finding Markdown files under folders. */
#ifndef CLEW_FILEIO_H
#define CLEW_FILEIO_H

#include <stddef.h>

#include "sbuf.h"

/* Reads the whole file at path into out (appending). Returns 0, or -1 with
 * errno set. */
int fileio_read(const char *path, struct sbuf *out);

struct fileio_list {
	char **paths; /* owned, sorted bytewise */
	size_t nr, alloc;
};

#define FILEIO_LIST_INIT { NULL, 0, 0 }

void fileio_list_release(struct fileio_list *l);
void fileio_list_add(struct fileio_list *l, const char *path);
void fileio_list_sort(struct fileio_list *l);

/* Appends every regular *.md / *.markdown file below dir (recursively,
 * skipping names that start with '.' or '_' and folders named "includes":
 * hidden files, and the partials pages include). Returns 0, or -1 with
 * errno set when dir cannot be read. */
int fileio_find_markdown(const char *dir, struct fileio_list *out);

/* Returns 1 when path names a directory, 0 when something else, -1 when it
 * cannot be looked at (errno set). */
int fileio_is_dir(const char *path);

#endif
