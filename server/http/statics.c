/* statics: the files of static/, read into memory once at start. */
#define _DEFAULT_SOURCE
#include "statics.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/fileio.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "compress.h"

struct statics {
	struct static_file *files;
	size_t nr, alloc;
};

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".json", "application/json" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".woff2", "font/woff2" },
	{ ".html", "text/html; charset=utf-8" },
};

static const char *type_of(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		size_t e = strlen(types[i].ext);
		if (n > e && !strcmp(name + n - e, types[i].ext))
			return types[i].type;
	}
	return "application/octet-stream";
}

static int load(struct statics *s, const char *root, const char *rel,
		struct sbuf *err)
{
	struct sbuf path = SBUF_INIT, name = SBUF_INIT;
	DIR *d;
	struct dirent *de;
	int ret = -1;

	sbuf_addf(&path, "%s%s%s", root, *rel ? "/" : "", rel);
	d = opendir(path.buf);
	if (!d) {
		sbuf_addf(err, "cannot read %s: %s", path.buf, strerror(errno));
		goto cleanup;
	}
	while ((de = readdir(d))) {
		struct stat st;
		struct sbuf file = SBUF_INIT;

		if (de->d_name[0] == '.')
			continue;
		sbuf_reset(&name);
		sbuf_addf(&name, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		sbuf_addf(&file, "%s/%s", root, name.buf);
		if (lstat(file.buf, &st) < 0 || S_ISLNK(st.st_mode)) {
			sbuf_release(&file);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			sbuf_release(&file);
			if (load(s, root, name.buf, err))
				goto cleanup_dir;
			continue;
		}
		if (S_ISREG(st.st_mode)) {
			struct static_file *f;
			struct sbuf data = SBUF_INIT, tag = SBUF_INIT;
			uint64_t h;

			if (fileio_read(file.buf, &data)) {
				sbuf_addf(err, "cannot read %s: %s", file.buf, strerror(errno));
				sbuf_release(&file);
				goto cleanup_dir;
			}
			h = text_hash(TEXT_HASH_INIT, data.buf, data.len);
			ALLOC_GROW(s->files, s->nr + 1, s->alloc);
			f = &s->files[s->nr++];
			f->name = xstrdup(name.buf);
			f->data = sbuf_detach(&data, &f->len);
			f->type = type_of(name.buf);
			sbuf_addf(&tag, "\"%016llx\"", (unsigned long long)h);
			f->etag = sbuf_detach(&tag, NULL);
			f->version = xstrndup(f->etag + 1, 10);
			f->cz = cz_set_new(f->data, f->len, f->type, 1);
		}
		sbuf_release(&file);
	}
	ret = 0;
cleanup_dir:
	closedir(d);
cleanup:
	sbuf_release(&path);
	sbuf_release(&name);
	return ret;
}

struct statics *statics_load(const char *dir, struct sbuf *err)
{
	struct statics *s = xcalloc(1, sizeof(*s));

	if (load(s, dir, "", err)) {
		statics_free(s);
		return NULL;
	}
	return s;
}

void statics_free(struct statics *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nr; i++) {
		free(s->files[i].name);
		free(s->files[i].data);
		free(s->files[i].etag);
		free(s->files[i].version);
		cz_set_free(s->files[i].cz);
	}
	free(s->files);
	free(s);
}

const struct static_file *statics_get(const struct statics *s, const char *name)
{
	for (size_t i = 0; i < s->nr; i++)
		if (!strcmp(s->files[i].name, name))
			return &s->files[i];
	return NULL;
}
