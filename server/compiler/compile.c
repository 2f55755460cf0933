/* compile: the whole `clew compile` run, from sources to one SQLite file. */
#define _GNU_SOURCE
#include "compile.h"

#include <errno.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../base/arena.h"
#include "../base/fileio.h"
#include "../base/lang.h"
#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "../engine/model.h"
#include "article.h"
#include "learned.h"
#include "../content/kb.h"
#include "output.h"
#include "questions.h"
#include "reach.h"

/* One source file and what parsing it produced. */
struct unit {
	const char *path;        /* borrowed from the file list */
	struct diag diag;        /* this file's problems, merged in order */
	struct kb_article *article;
	struct kb_article *rejected; /* a page that failed, for check_kb */
	struct kb_questions questions;
	int is_catalog;
	char *catalog_lang; /* a catalogue's translation: its language */
	char *source_lang;  /* the catalogue's own 'lang:' (the KB's default) */
	/* A catalogue's (or its translation's) updatedAt, and a translation's
	 * source_version: which catalogue it follows. */
	char *catalog_updated_at, *catalog_source_version;
	uint64_t hash;
	int parsed; /* under pool.lock */
};

/* The parsers take the units in order from next; the article writer
 * follows behind them, in order, waiting on done for the unit it needs. */
struct pool {
	struct unit *units;
	size_t nr;
	atomic_size_t next;
	pthread_mutex_t lock;
	pthread_cond_t done;
	size_t awaited; /* the unit the writer waits for; SIZE_MAX: none */
	/* The units the writer is done with (written, or passed over after
	 * it stopped): the run may free their articles. */
	size_t written;
	pthread_cond_t progress;
	struct mdtree_roots roots; /* where includes may come from */
};

/* What a parser thread keeps from one unit to the next. */
struct parser {
	struct arena arena; /* each tree's cmark memory */
	struct sbuf buf;    /* the file's text */
	const struct mdtree_roots *roots;
};

/* A front matter key's string value, trimmed (caller frees), or NULL. */
static char *fm_string(const struct mdtree *t, const char *key)
{
	const cJSON *v = frontmatter_get(&t->fm, key);
	const char *s;

	if (!cJSON_IsString(v) || !*(s = text_ltrim(v->valuestring)))
		return NULL;
	return xstrndup(s, text_rtrim_len(s, strlen(s)));
}

static void parse_unit(struct unit *u, struct parser *ps)
{
	struct sbuf slug = SBUF_INIT, *buf = &ps->buf;
	struct mdtree t;
	const char *base;

	sbuf_reset(buf);
	if (fileio_read(u->path, buf)) {
		diag_error(&u->diag, u->path, 0, 0, "cannot read file: %s",
			   strerror(errno));
		goto cleanup;
	}
	text_normalize_newlines(buf);
	u->hash = text_hash(TEXT_HASH_INIT, buf->buf, buf->len);
	if (mdtree_parse(&t, u->path, buf->buf, buf->len, ps->roots, &ps->arena, &u->diag))
		goto cleanup;
	/* What it includes is its text too. */
	if (t.includes_hash)
		u->hash = text_hash(u->hash, &t.includes_hash, sizeof(t.includes_hash));
	if (questions_is_catalog(&t)) {
		const cJSON *of = frontmatter_get(&t.fm, "translation_of");
		const cJSON *lang = frontmatter_get(&t.fm, "lang");

		u->is_catalog = 1;
		u->catalog_updated_at = fm_string(&t, "updatedAt");
		if (!u->catalog_updated_at)
			u->catalog_updated_at = fm_string(&t, "updated_at");
		if (of) {
			u->catalog_source_version = fm_string(&t, "source_version");
			/* A translation of the catalogue (docs/translating.md). */
			if (!cJSON_IsString(of) || strcmp(of->valuestring, "questions"))
				diag_error(&u->diag, u->path, 1, 1, "a catalogue's translation says "
					   "'translation_of: questions'");
			else if (!cJSON_IsString(lang) || !lang_is_tag(lang->valuestring))
				diag_error(&u->diag, u->path, 1, 1, "a translation needs 'lang:' "
					   "with a language tag (zh-CN, pt-BR, de)");
			else
				u->catalog_lang = xstrdup(lang->valuestring);
		} else if (cJSON_IsString(lang) && lang_is_tag(lang->valuestring)) {
			u->source_lang = xstrdup(lang->valuestring);
		}
		questions_from_tree(&t, &u->questions, &u->diag);
	} else {
		char hex[17];

		/* The default slug: the file name without its extension. */
		base = strrchr(u->path, '/');
		base = base ? base + 1 : u->path;
		sbuf_adds(&slug, base);
		if (strrchr(slug.buf, '.') && strrchr(slug.buf, '.') != slug.buf)
			sbuf_setlen(&slug, (size_t)(strrchr(slug.buf, '.') - slug.buf));
		u->article = article_from_tree(&t, slug.buf, &u->diag, &u->rejected);
		if (u->article) {
			snprintf(hex, sizeof(hex), "%016llx",
				 (unsigned long long)u->hash);
			u->article->source_hash = xstrdup(hex);
		}
	}
	mdtree_release(&t);
	/* A page with an error is never written (the writer takes it as
	 * soon as it is parsed), whatever check found it. */
	if (u->diag.errors && u->article) {
		kb_article_free(u->article);
		u->article = NULL;
	}
cleanup:
	sbuf_release(&slug);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct parser ps = { ARENA_INIT, SBUF_INIT, &p->roots };
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->nr) {
		parse_unit(&p->units[i], &ps);
		pthread_mutex_lock(&p->lock);
		p->units[i].parsed = 1;
		if (p->awaited == i)
			pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->lock);
	}
	arena_release(&ps.arena);
	sbuf_release(&ps.buf);
	return NULL;
}

static void wait_parsed(struct pool *p, size_t i)
{
	pthread_mutex_lock(&p->lock);
	while (!p->units[i].parsed) {
		p->awaited = i;
		pthread_cond_wait(&p->done, &p->lock);
	}
	p->awaited = SIZE_MAX;
	pthread_mutex_unlock(&p->lock);
}

/* Writes each article as soon as it and those before it are parsed,
 * while the parsers go on: the database's article ids follow the order
 * the sources were named in. The run may still fail its checks, in which
 * case stop is set and the file is dropped. */
struct article_writer {
	struct pool *pool;
	struct output *out;
	atomic_int stop;
};

/* Publishes that the writer is done with the first n units (in steps,
 * to take the lock seldom). */
static void set_written(struct pool *p, size_t n)
{
	pthread_mutex_lock(&p->lock);
	p->written = n;
	pthread_cond_broadcast(&p->progress);
	pthread_mutex_unlock(&p->lock);
}

static void *write_articles(void *arg)
{
	struct article_writer *aw = arg;
	struct pool *p = aw->pool;

	for (size_t i = 0; i < p->nr && !atomic_load(&aw->stop); i++) {
		wait_parsed(p, i);
		if (p->units[i].article &&
		    output_add_article(aw->out, p->units[i].article))
			break; /* the error is reported by output_finish */
		if (i % 64 == 63)
			set_written(p, i + 1);
	}
	set_written(p, p->nr);
	return NULL;
}

/* Frees each article once the writer is done with it, while the writer
 * goes on: the checks are over by then, and the writer (one CPU) is the
 * longer task, so the frees cost the run little (they took 0.17 s at the
 * end of a run of 10,000 articles). Stops when the writer has ended;
 * what is left is freed with the units. kb's article list is emptied. */
static void free_written(struct pool *p, struct output *out, struct kb *kb)
{
	size_t i = 0, nr_articles = 0, written;

	kb->nr_articles = 0;
	for (;;) {
		size_t released = output_released(out);

		pthread_mutex_lock(&p->lock);
		written = p->written;
		pthread_mutex_unlock(&p->lock);
		for (; i < written; i++) {
			struct unit *u = &p->units[i];

			if (u->article && nr_articles >= released)
				break;
			if (u->article)
				nr_articles++;
			kb_article_free(u->article);
			u->article = NULL;
		}
		if (written == p->nr)
			break;
		pthread_mutex_lock(&p->lock);
		while (p->written == written)
			pthread_cond_wait(&p->progress, &p->lock);
		pthread_mutex_unlock(&p->lock);
	}
}

/* Parses every unit on jobs threads (this one among them) and, when
 * aw->out is not NULL, writes the articles to it on one more thread, which is
 * left running: *writer, joined by the caller. Returns whether it runs. */
static int parse_all(struct pool *p, int jobs, struct article_writer *aw,
		     pthread_t *writer)
{
	pthread_t *threads;
	int started = 0, writing = 0;

	if (jobs <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		/* One CPU is the writer's: it is the longer task, and a parser
		 * more only takes turns with it (measured: 1.17 s against
		 * 1.28 s for 10,000 articles on 2 CPUs). */
		if (aw->out && n > 1)
			n--;
		jobs = n > 0 ? (int)n : 1;
	}
	if ((size_t)jobs > p->nr)
		jobs = p->nr ? (int)p->nr : 1;
	if (aw->out)
		writing = !pthread_create(writer, NULL, write_articles, aw);
	threads = xcalloc((size_t)jobs, sizeof(*threads));
	for (int i = 1; i < jobs; i++)
		if (!pthread_create(&threads[i], NULL, worker, p))
			started = i;
		else
			break;
	worker(p); /* this thread is one of the workers */
	for (int i = 1; i <= started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	return writing;
}

static int cmp_path_ref(const void *a, const void *b)
{
	const char *const *x = *(const char *const *const *)a;
	const char *const *y = *(const char *const *const *)b;
	int cmp = strcmp(*x, *y);

	/* Equal paths: the earlier one first, so it is the one kept. */
	return cmp ? cmp : (x < y ? -1 : x > y);
}

/* Removes every later repeat of a path, keeping the order of the rest:
 * a file named directly and through its folder counts once. */
static void dedupe_paths(struct fileio_list *l)
{
	char ***refs = xcalloc(l->nr + 1, sizeof(*refs));
	size_t w = 0;

	for (size_t i = 0; i < l->nr; i++)
		refs[i] = &l->paths[i];
	qsort(refs, l->nr, sizeof(*refs), cmp_path_ref);
	/* Each is compared with the last one kept (the one before may be a
	 * repeat, freed already). */
	for (size_t i = 1, kept = 0; i < l->nr; i++) {
		if (strcmp(*refs[i], *refs[kept])) {
			kept = i;
			continue;
		}
		free(*refs[i]);
		*refs[i] = NULL;
	}
	free(refs);
	for (size_t i = 0; i < l->nr; i++)
		if (l->paths[i])
			l->paths[w++] = l->paths[i];
	l->nr = w;
}

/* Expands inputs into a list of files: files as named, folders searched. */
static void collect_sources(const char *const *inputs, size_t nr,
			    struct fileio_list *out, struct diag *d)
{
	for (size_t i = 0; i < nr; i++) {
		int dir = fileio_is_dir(inputs[i]);

		if (dir < 0) {
			diag_error(d, inputs[i], 0, 0, "cannot read: %s",
				   strerror(errno));
		} else if (dir) {
			struct fileio_list found = FILEIO_LIST_INIT;

			if (fileio_find_markdown(inputs[i], &found))
				diag_error(d, inputs[i], 0, 0,
					   "cannot read folder: %s", strerror(errno));
			fileio_list_sort(&found);
			for (size_t j = 0; j < found.nr; j++)
				fileio_list_add(out, found.paths[j]);
			fileio_list_release(&found);
		} else {
			fileio_list_add(out, inputs[i]);
		}
	}
	dedupe_paths(out);
}

static void add_builtin(struct kb *kb, const char *id, const char *text,
			const char *help)
{
	struct kb_question *q;

	if (kb_questions_find(&kb->questions, id))
		return;
	ALLOC_GROW(kb->questions.items, kb->questions.nr + 1, kb->questions.alloc);
	/* Built-ins go first: problem, then platform. */
	memmove(&kb->questions.items[1], &kb->questions.items[0],
		kb->questions.nr * sizeof(*kb->questions.items));
	q = &kb->questions.items[0];
	memset(q, 0, sizeof(*q));
	q->id = xstrdup(id);
	q->text = xstrdup(text);
	q->help_html = xstrdup("");
	q->help_text = xstrdup(help);
	q->path = xstrdup("");
	kb->questions.nr++;
}

/* Adds article a's platforms (new ones) and, when it has causes, a itself
 * to the options of the reserved questions. */
static void add_reserved_options(struct kb *kb, const struct kb_article *a,
				 struct kb_question *problem,
				 struct kb_question *platform)
{
	if (a->nr_causes && a->slug && a->title)
		kb_question_add_option(problem, a->slug, a->title);
	for (size_t j = 0; j < a->nr_platforms; j++) {
		size_t k;

		for (k = 0; k < kb->nr_platforms; k++)
			if (!strcmp(kb->platforms[k].id, a->platforms[j].id))
				break;
		if (k < kb->nr_platforms)
			continue;
		ALLOC_GROW(kb->platforms, kb->nr_platforms + 1, kb->alloc_platforms);
		kb->platforms[kb->nr_platforms].id = xstrdup(a->platforms[j].id);
		kb->platforms[kb->nr_platforms].name = xstrdup(a->platforms[j].name);
		kb->nr_platforms++;
		kb_question_add_option(platform, a->platforms[j].id,
				       a->platforms[j].name);
	}
}

/* Fills the options of the reserved questions from the content. The pages
 * that failed (rejected) count too: the run fails anyway, and without
 * them the conditions naming their platforms would be reported as well. */
static void fill_reserved(struct kb *kb, struct kb_article *const *rejected,
			  size_t nr_rejected)
{
	struct kb_question *problem, *platform;

	add_builtin(kb, KB_Q_PLATFORM, "Which platform is the device on?", "");
	add_builtin(kb, KB_Q_PROBLEM, "What is the problem?", "");
	problem = kb_questions_find(&kb->questions, KB_Q_PROBLEM);
	platform = kb_questions_find(&kb->questions, KB_Q_PLATFORM);
	for (size_t i = 0; i < kb->nr_articles; i++)
		add_reserved_options(kb, kb->articles[i], problem, platform);
	for (size_t i = 0; i < nr_rejected; i++)
		add_reserved_options(kb, rejected[i], problem, platform);
}

static const struct kb_option *find_option(const struct kb_question *q,
					   const char *value)
{
	for (size_t i = 0; i < q->nr_options; i++)
		if (!strcmp(q->options[i].value, value))
			return &q->options[i];
	return NULL;
}

static void list_ids(struct sbuf *out, const struct kb_questions *qs)
{
	for (size_t i = 0; i < qs->nr; i++)
		sbuf_addf(out, "%s%s", i ? ", " : "", qs->items[i].id);
}

static void list_values(struct sbuf *out, const struct kb_question *q)
{
	for (size_t i = 0; i < q->nr_options; i++)
		sbuf_addf(out, "%s, ", q->options[i].value);
	sbuf_adds(out, KB_UNKNOWN);
}

/* Checks that every condition names a known question and option; with
 * authored_only, the conditions on the questions whose options come from
 * the content (problem, platform) are left out. */
static int check_conds(const struct kb *kb, const struct kb_conds *conds,
		       const char *path, const char *what, int authored_only,
		       int *used, struct diag *d)
{
	int ret = 0;

	for (size_t i = 0; i < conds->nr; i++) {
		const struct kb_cond *c = &conds->items[i];
		const struct kb_question *q =
			kb_questions_find(&kb->questions, c->question);
		struct sbuf valid = SBUF_INIT;

		if (authored_only && (!strcmp(c->question, KB_Q_PROBLEM) ||
				      !strcmp(c->question, KB_Q_PLATFORM)))
			continue;

		if (!q) {
			list_ids(&valid, &kb->questions);
			diag_error(d, path, c->line, c->col,
				   "unknown question '%s' in %s (known questions: %s)",
				   c->question, what, valid.buf);
			sbuf_release(&valid);
			ret = -1;
			continue;
		}
		used[q - kb->questions.items] = 1;
		for (size_t j = 0; j < c->nr_values; j++) {
			if (find_option(q, c->values[j]) ||
			    !strcmp(c->values[j], KB_UNKNOWN))
				continue;
			sbuf_reset(&valid);
			list_values(&valid, q);
			diag_error(d, path, c->line, c->col,
				   "unknown option '%s' of question '%s' in %s "
				   "(valid: %s)",
				   c->values[j], q->id, what, valid.buf);
			ret = -1;
		}
		sbuf_release(&valid);
	}
	return ret;
}

/* Depth-first over the questions' 'applies' (state: 0 not seen, 1 on
 * the path, 2 done); reports each question that closes a cycle. */
static void find_cycles(const struct kb *kb, size_t i, char *state,
			struct diag *d)
{
	const struct kb_question *q = &kb->questions.items[i];

	state[i] = 1;
	for (size_t j = 0; j < q->applies.nr; j++) {
		const struct kb_question *on =
			kb_questions_find(&kb->questions, q->applies.items[j].question);
		size_t k = on ? (size_t)(on - kb->questions.items) : 0;

		if (!on || state[k] == 2)
			continue;
		if (state[k] == 1) {
			if (k == i)
				diag_warn(d, q->path, q->line, q->col,
					  "question '%s' applies only after an "
					  "answer to itself: it is never asked", q->id);
			else
				diag_warn(d, q->path, q->line, q->col,
					  "question '%s' applies only after an "
					  "answer to '%s', which applies only after "
					  "one to '%s' (or through others): neither "
					  "is ever asked", q->id, on->id, q->id);
			continue;
		}
		find_cycles(kb, k, state, d);
	}
	state[i] = 2;
}

/* 1 when a page that failed (and is reported) has slug. */
static int rejected_slug(struct kb_article *const *rejected, size_t nr,
			 const char *slug)
{
	for (size_t i = 0; i < nr; i++)
		if (rejected[i]->slug && !strcmp(rejected[i]->slug, slug))
			return 1;
	return 0;
}

static int cmp_slug_key(const void *key, const void *elem)
{
	return strcmp(key, (*(struct kb_article *const *)elem)->slug);
}

/* The checks that need the whole KB. rejected are the pages that failed
 * on their own: their causes' conditions are checked too, so that one
 * run reports all the errors. */
static void check_kb(struct kb *kb, struct kb_article *const *rejected,
		     size_t nr_rejected, struct diag *d)
{
	int *used = xcalloc(kb->questions.nr + 1, sizeof(*used));
	struct sbuf what = SBUF_INIT;

	{
		struct kb_article **sorted = kb_articles_by_slug(kb);

		for (size_t i = 1; i < kb->nr_articles; i++) {
			const struct kb_article *a = sorted[i], *prev = sorted[i - 1];

			if (strcmp(a->slug, prev->slug))
				continue;
			diag_error(d, a->path, 1, 1,
				   "duplicate slug '%s' (also used by %s); set "
				   "'slug:' in the front matter", a->slug, prev->path);
		}
		/* Links to other pages by file name: is there such a page? */
		for (size_t i = 0; i < kb->nr_articles; i++) {
			const struct kb_article *a = kb->articles[i];

			for (size_t j = 0; j < a->links.nr; j++)
				if (!bsearch(a->links.items[j], sorted, kb->nr_articles,
					     sizeof(*sorted), cmp_slug_key) &&
				    !rejected_slug(rejected, nr_rejected, a->links.items[j]))
					diag_warn(d, a->path, 0, 0, "a link goes to "
						  "'/articles/%s', but no article has slug "
						  "'%s' (link to a page by its file name, as "
						  "'%s.md', when it sets no other slug)",
						  a->links.items[j], a->links.items[j],
						  a->links.items[j]);
		}
		free(sorted);
	}
	for (size_t i = 0; i < kb->questions.nr; i++) {
		const struct kb_question *q = &kb->questions.items[i];

		sbuf_reset(&what);
		sbuf_addf(&what, "'applies' of question '%s'", q->id);
		check_conds(kb, &q->applies, q->path, what.buf, 0, used, d);
	}
	{
		/* A question whose 'applies' leads back to it is never asked. */
		char *state = xcalloc(kb->questions.nr + 1, 1);

		for (size_t i = 0; i < kb->questions.nr; i++)
			if (!state[i])
				find_cycles(kb, i, state, d);
		free(state);
	}
	for (size_t i = 0; i < kb->nr_articles; i++) {
		const struct kb_article *a = kb->articles[i];

		if (!a->nr_causes)
			diag_warn(d, a->path, 0, 0,
				  "article '%s' has no causes: no 'Reasons' list "
				  "or cause annotation was found, so the wizard "
				  "will not offer it", a->slug);
		for (size_t j = 0; j < a->nr_causes; j++) {
			sbuf_reset(&what);
			sbuf_addf(&what, "'when' of cause '%s'", a->causes[j].id);
			check_conds(kb, &a->causes[j].when, a->path, what.buf, 0,
				    used, d);
		}
	}
	for (size_t i = 0; i < nr_rejected; i++)
		for (size_t j = 0; j < rejected[i]->nr_causes; j++) {
			const struct kb_cause *c = &rejected[i]->causes[j];

			sbuf_reset(&what);
			sbuf_addf(&what, "'when' of cause '%s'", c->id);
			/* A page whose header could not be read named no
			 * platform: its conditions on one are not judged. */
			check_conds(kb, &c->when, rejected[i]->path, what.buf,
				    !rejected[i]->slug, used, d);
		}
	for (size_t i = 0; i < kb->questions.nr; i++) {
		const struct kb_question *q = &kb->questions.items[i];

		if (!used[i] && q->authored && strcmp(q->id, KB_Q_PROBLEM) &&
		    strcmp(q->id, KB_Q_PLATFORM))
			diag_warn(d, q->path, q->line, q->col,
				  "question '%s' is used by no cause or question",
				  q->id);
	}
	sbuf_release(&what);
	free(used);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The content hash: of the sources' hashes (and the learned file's, when
 * there is one), in an order that does not
 * depend on the order the files were named in. */
static void content_hash(const struct unit *units, size_t nr, const uint64_t *extra,
			 char hex[17])
{
	uint64_t *hashes = xcalloc(nr ? nr : 1, sizeof(*hashes));
	uint64_t h = TEXT_HASH_INIT;

	for (size_t i = 0; i < nr; i++)
		hashes[i] = units[i].hash;
	qsort(hashes, nr, sizeof(*hashes), cmp_u64);
	for (size_t i = 0; i < nr; i++)
		h = text_hash(h, &hashes[i], sizeof(hashes[i]));
	/* A learned file (--learned) changes the KB as a source does. */
	if (extra)
		h = text_hash(h, extra, sizeof(*extra));
	snprintf(hex, 17, "%016llx", (unsigned long long)h);
	free(hashes);
}

void compile_tune_process(void)
{
#ifdef M_MXFAST
	/* glibc's malloc parks small freed blocks in "fastbins" and sorts
	 * them all out in one go (malloc_consolidate) at the next large
	 * allocation. A run frees hundreds of thousands of small blocks (the
	 * articles, once written); the first large allocation after that
	 * took 0.11 s of a 1.3 s run of 10,000 articles. Without fastbins a
	 * small block is merged when it is freed: that run took 1.22 s. */
	mallopt(M_MXFAST, 0);
#endif
}

void compile_stats_release(struct compile_stats *st)
{
	for (size_t i = 0; i < st->nr_left_out; i++)
		free(st->left_out[i]);
	free(st->left_out);
	st->left_out = NULL;
	st->nr_left_out = 0;
}

static int cause_in(const struct kb_article *a, const char *id)
{
	for (size_t i = 0; i < a->nr_causes; i++)
		if (!strcmp(a->causes[i].id, id))
			return 1;
	return 0;
}

static int solution_in(const struct kb_article *a, const char *id)
{
	for (size_t i = 0; i < a->nr_solutions; i++)
		if (!strcmp(a->solutions[i].id, id))
			return 1;
	return 0;
}

/* Each translation against its source (docs/translating.md): the source
 * exists and is no translation, the language is another, one translation
 * a language; its causes and steps are the source's (by id); and whether
 * it follows the source's current version. */
static void check_translations(struct kb *kb, struct diag *d)
{
	struct kb_article **sorted = kb_articles_by_slug(kb);

	for (size_t i = 0; i < kb->nr_translations; i++) {
		struct kb_article *t = kb->translations[i], **found, *src;
		size_t missing = 0;

		found = bsearch(t->translation_of, sorted, kb->nr_articles, sizeof(*sorted),
				cmp_slug_key);
		if (!found) {
			diag_error(d, t->path, 1, 1, "translation_of: no article has slug '%s' "
				   "(name the source by its slug)", t->translation_of);
			continue;
		}
		src = *found;
		if (lang_eq(t->lang, src->lang ? src->lang : "en")) {
			diag_error(d, t->path, 1, 1, "a translation of '%s' in its own language "
				   "(%s): give 'lang:' the translation's language", src->slug, t->lang);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(kb->translations[j]->translation_of, t->translation_of) &&
			    lang_eq(kb->translations[j]->lang, t->lang))
				diag_error(d, t->path, 1, 1, "a second %s translation of '%s' "
					   "(the first is %s)", t->lang, src->slug,
					   kb->translations[j]->path);
		for (size_t j = 0; j < t->nr_causes; j++)
			if (!cause_in(src, t->causes[j].id))
				diag_error(d, t->path, t->causes[j].line, 0, "cause '%s' is not in "
					   "'%s': a translation reuses its source's ids (annotate "
					   "them as the source does, or keep its structure)",
					   t->causes[j].id, src->slug);
		for (size_t j = 0; j < t->nr_solutions; j++)
			if (!solution_in(src, t->solutions[j].id))
				diag_error(d, t->path, t->solutions[j].line, 0, "step '%s' is not in "
					   "'%s': a translation reuses its source's ids (annotate "
					   "them as the source does, or keep its structure)",
					   t->solutions[j].id, src->slug);
		for (size_t j = 0; j < src->nr_causes; j++)
			missing += !cause_in(t, src->causes[j].id);
		for (size_t j = 0; j < src->nr_solutions; j++)
			missing += !solution_in(t, src->solutions[j].id);
		if (missing)
			diag_warn(d, t->path, 0, 0, "%zu cause(s) and step(s) of '%s' are not in "
				  "this translation: they show in the source's language", missing,
				  src->slug);
		if (t->source_version ? strcmp(t->source_version, src->source_hash) != 0 :
		    t->updated_at && src->updated_at && strcmp(src->updated_at, t->updated_at) > 0)
			diag_warn(d, t->path, 0, 0, "this translation follows an older version of "
				  "'%s' (%s): its page says the source is newer", src->slug,
				  t->source_version ? "source_version differs from the source's "
				  "hash" : "the source's updatedAt is later");
	}
	free(sorted);
}

/* Each translation of the catalogue: another language than the
 * catalogue's (en), one a language; its questions and options are the
 * catalogue's, by id and value; those it leaves out show in English. */
static void check_catalog_translations(const struct kb *kb, struct diag *d)
{
	for (size_t i = 0; i < kb->nr_catalog_trs; i++) {
		const struct kb_catalog_tr *tr = &kb->catalog_trs[i];
		size_t missing = 0;

		for (size_t j = 0; j < i; j++)
			if (lang_eq(kb->catalog_trs[j].lang, tr->lang))
				diag_error(d, tr->path, 1, 1, "a second %s translation of the "
					   "catalogue (the first is %s)", tr->lang,
					   kb->catalog_trs[j].path);
		for (size_t j = 0; j < tr->qs->nr; j++) {
			const struct kb_question *q = &tr->qs->items[j];
			const struct kb_question *src = kb_questions_find(&kb->questions, q->id);

			if (!src) {
				diag_error(d, tr->path, q->line, q->col, "question '%s' is not in the "
					   "catalogue: a translation reuses its ids", q->id);
				continue;
			}
			for (size_t k = 0; k < q->nr_options; k++) {
				size_t m;

				for (m = 0; m < src->nr_options &&
					    strcmp(src->options[m].value, q->options[k].value); m++)
					;
				if (m == src->nr_options && strcmp(q->id, KB_Q_PROBLEM) &&
				    strcmp(q->id, KB_Q_PLATFORM))
					diag_error(d, tr->path, q->line, q->col, "option '%s' of "
						   "question '%s' is not in the catalogue",
						   q->options[k].value, q->id);
			}
		}
		for (size_t j = 0; j < kb->questions.nr; j++)
			missing += kb->questions.items[j].authored &&
				   !kb_questions_find(tr->qs, kb->questions.items[j].id);
		if (missing)
			diag_warn(d, tr->path, 0, 0, "%zu question(s) of the catalogue are not "
				  "in this translation: they show in its language", missing);
		if (tr->source_version ? strcmp(tr->source_version, kb->catalog_hash) != 0 :
		    tr->updated_at && kb->catalog_updated_at &&
		    strcmp(kb->catalog_updated_at, tr->updated_at) > 0)
			diag_warn(d, tr->path, 0, 0, "this translation follows an older version "
				  "of the catalogue (%s): check its questions against the "
				  "catalogue's", tr->source_version ?
				  "source_version differs from the catalogue's hash, meta "
				  "questions_hash" : "the catalogue's updatedAt is later");
	}
}

/* The folders the inputs name, and those of the files they name: where
 * includes may come from (real paths; a name that does not resolve adds
 * none, collect_sources reports it). */
static void find_roots(const char *const *inputs, size_t nr, struct mdtree_roots *roots)
{
	size_t alloc = 0;

	for (size_t i = 0; i < nr; i++) {
		char real[PATH_MAX], *slash;

		if (!realpath(inputs[i], real))
			continue;
		if (!fileio_is_dir(real) && (slash = strrchr(real, '/')))
			*(slash == real ? slash + 1 : slash) = '\0';
		ALLOC_GROW(roots->paths, roots->nr + 1, alloc);
		roots->paths[roots->nr++] = xstrdup(real);
	}
}

int compile_run(const char *const *inputs, size_t nr_inputs,
		const struct compile_opts *opts, struct diag *d,
		struct compile_stats *stats)
{
	struct fileio_list files = FILEIO_LIST_INIT;
	struct compile_stats st = { 0 };
	struct unit *units = NULL;
	struct kb kb = { 0 };
	struct pool pool = { 0 };
	struct article_writer aw = { &pool, NULL, 0 };
	struct eng_model *model = NULL;
	struct kb_article **rejected = NULL; /* borrowed from the units */
	size_t nr_rejected = 0, alloc_rejected = 0;
	struct output_meta meta = { st.content_hash, 0, 0, 0, NULL, NULL };
	struct kb_learned_list learned = { 0 };
	uint64_t learned_hash = 0, catalog_hash = TEXT_HASH_INIT;
	int has_catalog = 0;
	pthread_t writer;
	int ret = -1, writing, left_errors = 0;
	size_t alloc_left = 0;

	if (opts->learned)
		learned_read(opts->learned, &learned, &learned_hash, d);
	collect_sources(inputs, nr_inputs, &files, d);
	if (!files.nr && !d->errors)
		diag_error(d, NULL, 0, 0,
			   "no sources: name Markdown files or folders that hold "
			   "*.md files");
	units = xcalloc(files.nr ? files.nr : 1, sizeof(*units));
	for (size_t i = 0; i < files.nr; i++)
		units[i].path = files.paths[i];
	/* Writing starts with the parsing; a run that fails its checks
	 * drops the file. */
	if (!d->errors)
		aw.out = output_begin(opts->output, d);
	pool.units = units;
	pool.nr = files.nr;
	pool.awaited = SIZE_MAX;
	find_roots(inputs, nr_inputs, &pool.roots);
	pthread_mutex_init(&pool.lock, NULL);
	pthread_cond_init(&pool.done, NULL);
	pthread_cond_init(&pool.progress, NULL);
	writing = parse_all(&pool, opts->jobs, &aw, &writer);

	for (size_t i = 0; i < files.nr; i++) {
		struct unit *u = &units[i];

		diag_sort_lines(&u->diag);
		if (opts->keep_going && u->diag.errors) {
			/* Left out, with every error it has. */
			left_errors += u->diag.errors;
			ALLOC_GROW(st.left_out, st.nr_left_out + 1, alloc_left);
			st.left_out[st.nr_left_out++] = xstrdup(u->path);
			kb_questions_release(&u->questions);
		}
		diag_merge(d, &u->diag);
		if (u->rejected) {
			ALLOC_GROW(rejected, nr_rejected + 1, alloc_rejected);
			rejected[nr_rejected++] = u->rejected;
		}
		if (u->article && u->article->translation_of) {
			ALLOC_GROW(kb.translations, kb.nr_translations + 1, kb.alloc_translations);
			kb.translations[kb.nr_translations++] = u->article;
		} else if (u->article) {
			ALLOC_GROW(kb.articles, kb.nr_articles + 1, kb.alloc_articles);
			u->article->order = kb.nr_articles;
			kb.articles[kb.nr_articles++] = u->article;
			st.causes += u->article->nr_causes;
			st.solutions += u->article->nr_solutions;
		}
		if (u->catalog_lang) {
			ALLOC_GROW(kb.catalog_trs, kb.nr_catalog_trs + 1, kb.alloc_catalog_trs);
			kb.catalog_trs[kb.nr_catalog_trs].lang = u->catalog_lang;
			kb.catalog_trs[kb.nr_catalog_trs].path = u->path;
			kb.catalog_trs[kb.nr_catalog_trs].qs = &u->questions;
			kb.catalog_trs[kb.nr_catalog_trs].updated_at = u->catalog_updated_at;
			kb.catalog_trs[kb.nr_catalog_trs].source_version =
				u->catalog_source_version;
			kb.nr_catalog_trs++;
			continue;
		}
		if (u->is_catalog) {
			/* The catalogue's version: its files' hashes, in order,
			 * and the latest updatedAt among them. */
			catalog_hash = text_hash(catalog_hash, &u->hash, sizeof(u->hash));
			has_catalog = 1;
			if (u->catalog_updated_at && (!kb.catalog_updated_at ||
			    strcmp(u->catalog_updated_at, kb.catalog_updated_at) > 0))
				kb.catalog_updated_at = u->catalog_updated_at;
		}
		for (size_t j = 0; j < u->questions.nr; j++) {
			struct kb_question *q = &u->questions.items[j];
			struct kb_question *first = kb_questions_find(&kb.questions, q->id);

			if (first) {
				diag_error(d, q->path, q->line, q->col,
					   "duplicate question id '%s' (first at %s:%d)",
					   q->id, first->path, first->line);
				continue;
			}
			ALLOC_GROW(kb.questions.items, kb.questions.nr + 1,
				   kb.questions.alloc);
			kb.questions.items[kb.questions.nr++] = *q;
			memset(q, 0, sizeof(*q));
		}
	}
	if (has_catalog)
		snprintf(kb.catalog_hash, sizeof(kb.catalog_hash), "%016llx",
			 (unsigned long long)catalog_hash);
	fill_reserved(&kb, rejected, nr_rejected);
	check_kb(&kb, rejected, nr_rejected, d);
	check_translations(&kb, d);
	check_catalog_translations(&kb, d);
	st.translations = kb.nr_translations;
	if (opts->keep_going && st.nr_left_out && st.nr_left_out == files.nr)
		diag_error(d, NULL, 0, 0, "nothing left to compile: every source has errors");

	st.sources = files.nr;
	st.articles = kb.nr_articles;
	st.questions = kb.questions.nr;
	st.platforms = kb.nr_platforms;
	content_hash(units, files.nr, opts->learned ? &learned_hash : NULL, st.content_hash);
	/* The reachability check needs no database: it runs here while the
	 * writer goes on. */
	if (d->errors == left_errors && aw.out)
		model = reach_check(&kb, d);
	if (model && opts->learned) {
		learned_check(&learned, model, opts->learned, d);
		meta.learned = &learned;
	}
	if (!aw.out || d->errors > left_errors || (opts->strict && (d->warnings || d->errors))) {
		atomic_store(&aw.stop, 1);
		if (!d->errors)
			diag_error(d, NULL, 0, 0,
				   "%d warning(s) and --strict: output not written",
				   d->warnings);
		goto cleanup;
	}
	if (!writing)
		write_articles(&aw);
	/* Nothing reads the articles any more but the writer. */
	free_written(&pool, aw.out, &kb);
	if (writing)
		pthread_join(writer, NULL);
	writing = 0;
	meta.articles = st.articles;
	/* The KB's default language: --default-lang, else the catalogue's
	 * 'lang:', else English. */
	meta.default_lang = opts->default_lang;
	for (size_t i = 0; !meta.default_lang && i < files.nr; i++)
		meta.default_lang = units[i].source_lang;
	if (!meta.default_lang)
		meta.default_lang = "en";
	meta.sources = files.nr;
	meta.causes = st.causes;
	if (output_finish(aw.out, &kb, &meta, d))
		goto cleanup;
	if (output_commit(aw.out, d))
		goto cleanup;
	if (opts->model_out) {
		*opts->model_out = model;
		model = NULL;
	}
	ret = 0;
cleanup:
	if (writing)
		pthread_join(writer, NULL);
	output_free(aw.out);
	eng_model_free(model);
	pthread_mutex_destroy(&pool.lock);
	pthread_cond_destroy(&pool.done);
	pthread_cond_destroy(&pool.progress);
	if (stats)
		*stats = st;
	else
		compile_stats_release(&st);
	for (size_t i = 0; i < files.nr; i++) {
		kb_article_free(units[i].article);
		kb_article_free(units[i].rejected);
		kb_questions_release(&units[i].questions);
		free(units[i].catalog_lang);
		free(units[i].source_lang);
		free(units[i].catalog_updated_at);
		free(units[i].catalog_source_version);
		diag_release(&units[i].diag);
	}
	free(units);
	free(rejected);
	kb_learned_list_release(&learned);
	free(kb.articles);
	free(kb.translations);
	free(kb.catalog_trs);
	for (size_t i = 0; i < kb.nr_platforms; i++) {
		free(kb.platforms[i].id);
		free(kb.platforms[i].name);
	}
	free(kb.platforms);
	kb_questions_release(&kb.questions);
	fileio_list_release(&files);
	for (size_t i = 0; i < pool.roots.nr; i++)
		free(pool.roots.paths[i]);
	free(pool.roots.paths);
	return ret;
}
