/* output: the database one compile run writes, in a temporary file until
 * the run succeeds. */
#define _GNU_SOURCE
#include "output.h"

#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/sbuf.h"
#include "../base/tempfile.h"
#include "../base/xalloc.h"
#include "../store/store.h"
#include "../store/writer.h"
#include "../content/kb.h"

#ifndef CLEW_VERSION
#define CLEW_VERSION "0"
#endif

struct output {
	char *path;         /* the output, replaced on commit */
	struct sbuf tmp;    /* the temporary file beside it */
	int fd;             /* open on tmp, for fsync and fchmod */
	struct writer *w;
	char *err;          /* the first write error, else NULL */
	pthread_t syncer;
	int syncing;        /* syncer runs and is not joined yet */
	int sync_err;       /* errno of a failed fsync, else 0 */
	int committed;
	char **made;        /* folders made for it, outermost first */
	size_t nr_made, alloc_made;
};

static void made_dir(struct output *o, const char *dir)
{
	ALLOC_GROW(o->made, o->nr_made + 1, o->alloc_made);
	o->made[o->nr_made++] = xstrdup(dir);
}

/* Creates the folders above path that are missing (as mkdir -p), and
 * remembers them, to remove them again if the run fails. Errors are left
 * to the open that follows. */
static void make_parents(struct output *o, const char *path)
{
	char *copy = xstrdup(path);
	char *dir = dirname(copy);

	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (!mkdir(dir, 0777))
			made_dir(o, dir);
		*p = '/';
	}
	if (!mkdir(dir, 0777))
		made_dir(o, dir);
	free(copy);
}

struct output *output_begin(const char *path, struct diag *d)
{
	struct output *o = xcalloc(1, sizeof(*o));
	char *err = NULL;

	o->path = xstrdup(path);
	sbuf_init(&o->tmp);
	make_parents(o, path);
	sbuf_addf(&o->tmp, "%s.tmp-XXXXXX", path);
	o->fd = mkstemp(o->tmp.buf);
	if (o->fd < 0) {
		diag_error(d, path, 0, 0, "cannot create the output: %s",
			   strerror(errno));
		sbuf_reset(&o->tmp);
		output_free(o);
		return NULL;
	}
	/* Removed if the process dies before it is renamed into place. */
	tempfile_register(o->tmp.buf);
	o->w = writer_open(o->tmp.buf, &err);
	if (!o->w) {
		diag_error(d, path, 0, 0, "cannot write the database: %s", err);
		free(err);
		output_free(o);
		return NULL;
	}
	return o;
}

static int keep_error(struct output *o)
{
	if (!o->err)
		o->err = xstrdup(writer_errmsg(o->w));
	return -1;
}

int output_add_article(struct output *o, const struct kb_article *a)
{
	if (o->err)
		return -1;
	return writer_add_article(o->w, a) ? keep_error(o) : 0;
}

size_t output_released(struct output *o)
{
	return writer_released(o->w);
}

static int set_count(struct output *o, const char *key, size_t n)
{
	char num[32];

	snprintf(num, sizeof(num), "%zu", n);
	return writer_set_meta(o->w, key, num);
}

static void *sync_file(void *arg)
{
	struct output *o = arg;

	o->sync_err = fsync(o->fd) < 0 ? errno : 0;
	return NULL;
}

int output_finish(struct output *o, const struct kb *kb,
		  const struct output_meta *meta, struct diag *d)
{
	time_t now = time(NULL);
	pthread_attr_t attr;
	struct tm tm;
	char when[32];

	if (o->err)
		goto fail;
	for (size_t i = 0; i < kb->nr_platforms; i++)
		if (writer_add_platform(o->w, kb->platforms[i].id,
					kb->platforms[i].name, (int)i))
			goto write_error;
	for (size_t i = 0; i < kb->questions.nr; i++)
		if (writer_add_question(o->w, &kb->questions.items[i], (int)i))
			goto write_error;
	for (size_t i = 0; i < kb->nr_catalog_trs; i++)
		for (size_t j = 0; j < kb->catalog_trs[i].qs->nr; j++)
			if (kb_questions_find(&kb->questions, kb->catalog_trs[i].qs->items[j].id) &&
			    writer_add_question_text(o->w, kb->catalog_trs[i].lang,
						     &kb->catalog_trs[i].qs->items[j]))
				goto write_error;
	for (size_t i = 0; meta->learned && i < meta->learned->nr; i++)
		if (writer_add_learned(o->w, &meta->learned->items[i]))
			goto write_error;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (writer_set_meta(o->w, "schema_version", STORE_SCHEMA_VERSION) ||
	    writer_set_meta(o->w, "clew_version", CLEW_VERSION) ||
	    writer_set_meta(o->w, "built_at", when) ||
	    writer_set_meta(o->w, "content_hash", meta->content_hash) ||
	    writer_set_meta(o->w, "default_lang", meta->default_lang ? meta->default_lang : "en") ||
	    set_count(o, "articles", meta->articles) ||
	    set_count(o, "causes", meta->causes) ||
	    set_count(o, "questions", kb->questions.nr) ||
	    (kb->catalog_hash[0] &&
	     writer_set_meta(o->w, "questions_hash", kb->catalog_hash)) ||
	    set_count(o, "sources", meta->sources) ||
	    writer_finish(o->w))
		goto write_error;
	/* The writer ran without syncing: the file is made durable (before
	 * it replaces the old one) while the caller finishes its checks. */
	if (!pthread_attr_init(&attr)) {
		pthread_attr_setstacksize(&attr, 64 * 1024); /* it only waits */
		o->syncing = !pthread_create(&o->syncer, &attr, sync_file, o);
		pthread_attr_destroy(&attr);
	}
	if (!o->syncing)
		sync_file(o);
	return 0;
write_error:
	keep_error(o);
fail:
	diag_error(d, o->path, 0, 0, "cannot write the database: %s", o->err);
	return -1;
}

static void join_sync(struct output *o)
{
	if (o->syncing)
		pthread_join(o->syncer, NULL);
	o->syncing = 0;
}

int output_commit(struct output *o, struct diag *d)
{
	join_sync(o);
	if (o->sync_err) {
		diag_error(d, o->path, 0, 0, "cannot write the output: %s",
			   strerror(o->sync_err));
		return -1;
	}
	if (fchmod(o->fd, 0644) < 0 || rename(o->tmp.buf, o->path) < 0) {
		diag_error(d, o->path, 0, 0, "cannot replace the output: %s",
			   strerror(errno));
		return -1;
	}
	o->committed = 1;
	return 0;
}

void output_free(struct output *o)
{
	if (!o)
		return;
	join_sync(o);
	writer_free(o->w);
	if (o->tmp.len) {
		if (!o->committed)
			unlink(o->tmp.buf);
		tempfile_unregister(o->tmp.buf);
	}
	if (o->fd >= 0)
		close(o->fd);
	/* A failed run leaves no folder it made behind (unless something
	 * else was put in it meanwhile: rmdir fails then). */
	for (size_t i = o->nr_made; i-- > 0;) {
		if (!o->committed)
			rmdir(o->made[i]);
		free(o->made[i]);
	}
	free(o->made);
	free(o->err);
	free(o->path);
	sbuf_release(&o->tmp);
	free(o);
}
