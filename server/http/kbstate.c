/* kbstate: one loaded knowledge base as the server uses it. */
#include "kbstate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/lang.h"
#include "../base/xalloc.h"
#include "../engine/engine.h"
#include "../engine/report.h"
#include "../store/store.h"
#include "anchors.h"
#include "compress.h"
#include "httpdate.h"
#include "memo.h"
#include "pagecache.h"

struct kbstate_priv {
	atomic_int refs;
	pthread_mutex_t lock;
	pthread_cond_t store_free; /* signalled when a store is given back */
	struct store_image *image; /* the KB's bytes, under every store */
	struct store **stores;
	size_t nr_stores, alloc_stores;
	struct eng_work **works;
	size_t nr_works, alloc_works;
};

static int cmp_doc(const void *a, const void *b)
{
	return strcmp(((const struct kb_doc *)a)->slug,
		      ((const struct kb_doc *)b)->slug);
}

static cJSON *list_item(const cJSON *doc)
{
	cJSON *o = cJSON_CreateObject();
	const char *slug = cJSON_GetObjectItem(doc, "slug")->valuestring;
	struct sbuf url = SBUF_INIT;

	cJSON_AddItemToObject(o, "slug", cJSON_Duplicate(cJSON_GetObjectItem(doc, "slug"), 1));
	cJSON_AddItemToObject(o, "title", cJSON_Duplicate(cJSON_GetObjectItem(doc, "title"), 1));
	cJSON_AddItemToObject(o, "platforms",
			      cJSON_Duplicate(cJSON_GetObjectItem(doc, "platforms"), 1));
	cJSON_AddItemToObject(o, "products",
			      cJSON_Duplicate(cJSON_GetObjectItem(doc, "products"), 1));
	cJSON_AddItemToObject(o, "updated_at",
			      cJSON_Duplicate(cJSON_GetObjectItem(doc, "updated_at"), 1));
	/* Slugs are [a-z0-9_.-]: safe in a path as they are. */
	sbuf_addf(&url, "/articles/%s", slug);
	cJSON_AddStringToObject(o, "url", url.buf);
	cJSON_AddNumberToObject(o, "causes",
				cJSON_GetArraySize(cJSON_GetObjectItem(doc, "causes")));
	sbuf_release(&url);
	return o;
}

static cJSON *questions_doc(const struct eng_model *m)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(doc, "questions");

	for (int q = 0; q < m->nr_questions; q++)
		cJSON_AddItemToArray(arr, eng_question_json(m, NULL, q));
	return doc;
}

void kbstate_translate_question(cJSON *q, const cJSON *tr)
{
	const cJSON *v;
	cJSON *o;

	if (!tr)
		return;
	if ((v = cJSON_GetObjectItem(tr, "text")) && cJSON_GetObjectItem(q, "text"))
		cJSON_ReplaceItemInObject(q, "text", cJSON_Duplicate(v, 1));
	if ((v = cJSON_GetObjectItem(tr, "help")) && cJSON_GetObjectItem(q, "help"))
		cJSON_ReplaceItemInObject(q, "help", cJSON_Duplicate(v, 1));
	cJSON_ArrayForEach(o, cJSON_GetObjectItem(q, "options")) {
		const char *value = cJSON_GetStringValue(cJSON_GetObjectItem(o, "value"));
		const cJSON *label = value ? cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItem(tr, "options"), value) : NULL;

		if (cJSON_IsString(label))
			cJSON_ReplaceItemInObject(o, "label", cJSON_Duplicate(label, 1));
	}
}

static void translate_question(cJSON *q, const cJSON *tr)
{
	kbstate_translate_question(q, tr);
}

static void add_lang(struct kbstate *kb, const char *l)
{
	for (size_t i = 0; i < kb->nr_langs; i++)
		if (lang_eq(kb->langs[i], l))
			return;
	if (!lang_is_tag(l))
		return;
	kb->langs = xrealloc(kb->langs, (kb->nr_langs + 1) * sizeof(*kb->langs));
	kb->langs[kb->nr_langs++] = xstrdup(l);
}

struct kbstate *kbstate_load(const char *path, int nr_handles, struct sbuf *err)
{
	struct kbstate *kb = xcalloc(1, sizeof(*kb));
	struct store *st = NULL;
	struct sbuf etag = SBUF_INIT;
	cJSON *slugs = NULL, *s;
	char *open_err = NULL;
	size_t n = 0;

	kb->priv = xcalloc(1, sizeof(*kb->priv));
	atomic_init(&kb->priv->refs, 1);
	pthread_mutex_init(&kb->priv->lock, NULL);
	pthread_cond_init(&kb->priv->store_free, NULL);
	kb->path = xstrdup(path);
	/* Read once: what is served cannot change with the file on disk (a
	 * copy over it, a half-written file), and every handle sees the same
	 * bytes even when a new file is renamed into place meanwhile. */
	kb->priv->image = store_image_read(path, &open_err);
	if (!kb->priv->image) {
		sbuf_adds(err, open_err);
		goto fail;
	}
	st = store_open_image(kb->priv->image, &open_err);
	if (!st) {
		sbuf_adds(err, open_err);
		goto fail;
	}
	kb->content_hash = store_meta(st, "content_hash");
	kb->built_at = store_meta(st, "built_at");
	kb->schema_version = store_meta(st, "schema_version");
	kb->default_lang = store_meta(st, "default_lang");
	if (!kb->default_lang || !lang_is_tag(kb->default_lang)) {
		free(kb->default_lang);
		kb->default_lang = xstrdup("en");
	}
	if (!kb->content_hash || !kb->built_at) {
		sbuf_addf(err, "%s: the meta table is incomplete", path);
		goto fail;
	}
	if (!httpdate_parse_iso(kb->built_at, &kb->built_time)) {
		struct sbuf d = SBUF_INIT;

		httpdate_format(&d, kb->built_time);
		kb->last_modified = sbuf_detach(&d, NULL);
	}
	sbuf_addf(&etag, "\"%s\"", kb->content_hash);
	kb->etag = sbuf_detach(&etag, NULL);
	kb->model = store_load_model(st);
	if (!kb->model) {
		sbuf_addf(err, "%s: %s", path, store_errmsg(st));
		goto fail;
	}
	slugs = store_article_slugs(st);
	if (!slugs) {
		sbuf_addf(err, "%s: %s", path, store_errmsg(st));
		goto fail;
	}
	kb->nr_articles = cJSON_GetArraySize(slugs);
	kb->articles = xcalloc((size_t)kb->nr_articles + 1, sizeof(*kb->articles));
	kb->list = cJSON_CreateArray();
	cJSON_ArrayForEach(s, slugs) {
		cJSON *doc = store_article_json(st, s->valuestring);

		if (!doc) {
			sbuf_addf(err, "%s: %s", path, store_errmsg(st));
			goto fail;
		}
		anchors_add(doc);
		kb->articles[n].slug = xstrdup(s->valuestring);
		kb->articles[n].json = cJSON_PrintUnformatted(doc);
		kb->articles[n].len = strlen(kb->articles[n].json);
		kb->articles[n].doc = doc;
		kb->articles[n].cz = cz_set_new(kb->articles[n].json, kb->articles[n].len,
						"application/json", 0);
		cJSON_AddItemToArray(kb->list, list_item(doc));
		n++;
	}
	qsort(kb->articles, n, sizeof(*kb->articles), cmp_doc);
	for (size_t i = 0; i < n; i++) {
		const char *l = cJSON_GetStringValue(cJSON_GetObjectItem(kb->articles[i].doc, "lang"));

		add_lang(kb, l && *l ? l : "en");
	}
	/* Each translation, as its own document (store_translation_json). */
	for (size_t i = 0; i < n; i++) {
		const cJSON *t;

		cJSON_ArrayForEach(t, cJSON_GetObjectItem(kb->articles[i].doc, "translations")) {
			const char *l = cJSON_GetStringValue(cJSON_GetObjectItem(t, "lang"));
			cJSON *doc = l ? store_translation_json(st, kb->articles[i].slug, l) : NULL;
			struct kb_doc *d;

			if (!doc) {
				sbuf_addf(err, "%s: %s", path, store_errmsg(st));
				goto fail;
			}
			kb->translations = xrealloc(kb->translations, ((size_t)kb->nr_translations + 1) *
						    sizeof(*kb->translations));
			d = &kb->translations[kb->nr_translations++];
			d->slug = xstrdup(kb->articles[i].slug);
			d->lang = xstrdup(l);
			{
				struct sbuf e = SBUF_INIT;

				sbuf_addf(&e, "\"%s-%s\"", kb->content_hash, l);
				d->etag = sbuf_detach(&e, NULL);
			}
			add_lang(kb, l);
			anchors_add(doc);
			d->json = cJSON_PrintUnformatted(doc);
			d->len = strlen(d->json);
			d->doc = doc;
			d->cz = cz_set_new(d->json, d->len, "application/json", 0);
		}
	}
	kb->questions = questions_doc(kb->model);
	kb->question_texts = store_question_texts(st);
	if (!kb->question_texts) {
		sbuf_addf(err, "%s: %s", path, store_errmsg(st));
		goto fail;
	}
	{
		const cJSON *l;

		cJSON_ArrayForEach(l, kb->question_texts) {
			cJSON *doc = cJSON_Duplicate(kb->questions, 1), *q;

			cJSON_ArrayForEach(q, cJSON_GetObjectItem(doc, "questions"))
				translate_question(q, cJSON_GetObjectItemCaseSensitive(l,
					cJSON_GetStringValue(cJSON_GetObjectItem(q, "id"))));
			kb->questions_langs = xrealloc(kb->questions_langs,
				(kb->nr_questions_langs + 1) * sizeof(char *));
			kb->questions_lang_json = xrealloc(kb->questions_lang_json,
				(kb->nr_questions_langs + 1) * sizeof(char *));
			kb->questions_langs[kb->nr_questions_langs] = xstrdup(l->string);
			kb->questions_lang_json[kb->nr_questions_langs] = cJSON_PrintUnformatted(doc);
			kb->nr_questions_langs++;
			add_lang(kb, l->string);
			cJSON_Delete(doc);
		}
	}
	kb->questions_json = cJSON_PrintUnformatted(kb->questions);
	kb->questions_len = strlen(kb->questions_json);
	kb->platforms = cJSON_CreateArray();
	{
		const struct eng_question *pq = &kb->model->questions[kb->model->q_platform];

		for (int i = 0; i < pq->nr_options; i++) {
			cJSON *p = cJSON_CreateObject();
			cJSON_AddStringToObject(p, "id", pq->options[i].value);
			cJSON_AddStringToObject(p, "name", pq->options[i].label);
			cJSON_AddItemToArray(kb->platforms, p);
		}
	}
	cJSON_Delete(slugs);
	/* Bounded: at most this many documents of a few KB each. */
	kb->diagnoses = memo_new(2048);
	kbstate_store_give(kb, st); /* the first pooled handle */
	st = NULL;
	for (int i = 1; i < nr_handles; i++) {
		struct store *more = store_open_image(kb->priv->image, &open_err);

		if (!more) {
			sbuf_adds(err, open_err);
			goto fail;
		}
		kbstate_store_give(kb, more);
	}
	return kb;
fail:
	cJSON_Delete(slugs);
	store_free(st);
	free(open_err);
	sbuf_release(&etag);
	kbstate_release(kb);
	return NULL;
}

void kbstate_ref(struct kbstate *kb)
{
	if (kb)
		atomic_fetch_add(&kb->priv->refs, 1);
}

void kbstate_release(struct kbstate *kb)
{
	if (!kb || atomic_fetch_sub(&kb->priv->refs, 1) != 1)
		return;
	for (int i = 0; i < kb->nr_articles; i++) {
		free(kb->articles[i].slug);
		free(kb->articles[i].json);
		cJSON_Delete(kb->articles[i].doc);
		cz_set_free(kb->articles[i].cz);
	}
	for (int i = 0; i < kb->nr_translations; i++) {
		free(kb->translations[i].slug);
		free(kb->translations[i].lang);
		free(kb->translations[i].etag);
		free(kb->translations[i].json);
		cJSON_Delete(kb->translations[i].doc);
		cz_set_free(kb->translations[i].cz);
	}
	free(kb->articles);
	free(kb->translations);
	cJSON_Delete(kb->question_texts);
	for (size_t i = 0; i < kb->nr_questions_langs; i++) {
		free(kb->questions_langs[i]);
		free(kb->questions_lang_json[i]);
	}
	free(kb->questions_langs);
	free(kb->questions_lang_json);
	for (size_t i = 0; i < kb->nr_langs; i++)
		free(kb->langs[i]);
	free(kb->langs);
	cJSON_Delete(kb->list);
	cJSON_Delete(kb->questions);
	cJSON_Delete(kb->platforms);
	free(kb->questions_json);
	memo_free(kb->diagnoses);
	pagecache_free(kb->pages);
	eng_model_free(kb->model);
	for (size_t i = 0; i < kb->priv->nr_stores; i++)
		store_free(kb->priv->stores[i]);
	free(kb->priv->stores);
	store_image_free(kb->priv->image);
	for (size_t i = 0; i < kb->priv->nr_works; i++)
		eng_work_free(kb->priv->works[i]);
	free(kb->priv->works);
	pthread_mutex_destroy(&kb->priv->lock);
	pthread_cond_destroy(&kb->priv->store_free);
	free(kb->priv);
	free(kb->path);
	free(kb->content_hash);
	free(kb->built_at);
	free(kb->last_modified);
	free(kb->schema_version);
	free(kb->default_lang);
	free(kb->etag);
	free(kb);
}

const struct kb_doc *kbstate_article(const struct kbstate *kb, const char *slug)
{
	struct kb_doc key = { (char *)slug, NULL, NULL, NULL, 0, NULL, NULL };

	return bsearch(&key, kb->articles, (size_t)kb->nr_articles,
		       sizeof(*kb->articles), cmp_doc);
}

static const char *questions_lang(const struct kbstate *kb, const struct kb_want *want,
				  size_t *at)
{
	const char *avail[33], *m;
	size_t n = 0;

	avail[n++] = kb->default_lang; /* the catalogue's own */
	for (size_t i = 0; i < kb->nr_questions_langs && n < 33; i++)
		avail[n++] = kb->questions_langs[i];
	m = want ? lang_choose(want->explicit, want->accept, avail, n, NULL) : NULL;
	for (size_t i = 0; m && i < kb->nr_questions_langs; i++)
		if (kb->questions_langs[i] == m) {
			*at = i;
			return m;
		}
	return NULL;
}

const cJSON *kbstate_question_text(const struct kbstate *kb, const struct kb_want *want,
				   const char *id)
{
	size_t at;
	const char *m = questions_lang(kb, want, &at);

	return m ? cJSON_GetObjectItemCaseSensitive(
			   cJSON_GetObjectItemCaseSensitive(kb->question_texts, m), id) : NULL;
}

const char *kbstate_questions_json(const struct kbstate *kb, const struct kb_want *want,
				   const char **tag)
{
	size_t at;
	const char *m = questions_lang(kb, want, &at);

	*tag = m;
	return m ? kb->questions_lang_json[at] : kb->questions_json;
}

const struct kb_doc *kbstate_article_lang(const struct kbstate *kb, const char *slug,
					  const struct kb_want *want)
{
	const struct kb_doc *src = kbstate_article(kb, slug);
	const char *avail[32], *src_lang, *m;
	const struct kb_doc *docs[32];
	size_t n = 0;

	if (!src || !want)
		return src;
	src_lang = cJSON_GetStringValue(cJSON_GetObjectItem(src->doc, "lang"));
	avail[n] = src_lang && *src_lang ? src_lang : "en";
	docs[n++] = src;
	/* The translations are sorted by slug (made in the sorted
	 * articles' order): the slug's are one run, found by bsearch. This
	 * runs for every cause and step of a translated page. */
	{
		struct kb_doc key = { (char *)slug, NULL, NULL, NULL, 0, NULL, NULL };
		const struct kb_doc *hit = kb->nr_translations ?
			bsearch(&key, kb->translations, (size_t)kb->nr_translations,
				sizeof(*kb->translations), cmp_doc) : NULL;

		while (hit && hit > kb->translations && !strcmp(hit[-1].slug, slug))
			hit--;
		for (; hit && hit < kb->translations + kb->nr_translations &&
		       !strcmp(hit->slug, slug) && n < 32; hit++) {
			avail[n] = hit->lang;
			docs[n++] = hit;
		}
	}
	m = lang_choose(want->explicit, want->accept, avail, n, NULL);
	for (size_t i = 0; m && i < n; i++)
		if (avail[i] == m)
			return docs[i];
	return src;
}

/* The translated item (a cause or a step) with id in the translation
 * document tr, or NULL. */
static const cJSON *translated_item(const cJSON *tr, const char *id)
{
	static const char *const lists[] = { "solutions", "causes" };

	for (size_t i = 0; i < 2; i++) {
		const cJSON *it;

		cJSON_ArrayForEach(it, cJSON_GetObjectItem(tr, lists[i])) {
			const char *iid = cJSON_GetStringValue(cJSON_GetObjectItem(it, "id"));

			if (iid && !strcmp(iid, id))
				return it;
		}
	}
	return NULL;
}

/* Puts the reader's language's text into the diagnosis document doc (one
 * engine model for all languages: docs/translating.md): every object with
 * an id and a title that names a cause or a step of an article translated
 * into lang (the object's "article", else the doc's problem) takes the
 * translation's title and html; the problem question's options take the
 * translated titles. */
void kbstate_translate_doc(const struct kbstate *kb, const struct kb_want *lang,
			   const char *problem, cJSON *node)
{
	cJSON *c;

	if (cJSON_IsArray(node)) {
		cJSON_ArrayForEach(c, node)
			kbstate_translate_doc(kb, lang, problem, c);
		return;
	}
	if (!cJSON_IsObject(node))
		return;
	{
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(node, "id"));
		const char *art = cJSON_GetStringValue(cJSON_GetObjectItem(node, "article"));
		const struct kb_doc *d;
		const cJSON *it;

		if (!art)
			art = problem;
		if (id && art && cJSON_GetObjectItem(node, "title") &&
		    (d = kbstate_article_lang(kb, art, lang)) && d->lang &&
		    (it = translated_item(d->doc, id))) {
			cJSON_ReplaceItemInObject(node, "title", cJSON_Duplicate(
				cJSON_GetObjectItem(it, "title"), 1));
			if (cJSON_GetObjectItem(node, "html") && cJSON_GetObjectItem(it, "html"))
				cJSON_ReplaceItemInObject(node, "html", cJSON_Duplicate(
					cJSON_GetObjectItem(it, "html"), 1));
		}
		/* A question, or an answer explained ({question, answer,
		 * text, label}): the catalogue's translation. */
		if (id && cJSON_GetObjectItem(node, "text") && cJSON_GetObjectItem(node, "options"))
			kbstate_translate_question(node, kbstate_question_text(kb, lang, id));
		{
			const char *qid = cJSON_GetStringValue(cJSON_GetObjectItem(node, "question"));
			const char *ans = cJSON_GetStringValue(cJSON_GetObjectItem(node, "answer"));
			const cJSON *tr = qid ? kbstate_question_text(kb, lang, qid) : NULL;

			if (tr && cJSON_GetObjectItem(node, "text") && cJSON_GetObjectItem(tr, "text"))
				cJSON_ReplaceItemInObject(node, "text", cJSON_Duplicate(
					cJSON_GetObjectItem(tr, "text"), 1));
			if (tr && ans && cJSON_GetObjectItem(node, "label") &&
			    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(tr, "options"), ans))
				cJSON_ReplaceItemInObject(node, "label", cJSON_Duplicate(
					cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(tr, "options"),
									 ans), 1));
		}
		/* A step named by "step" (the tree's nodes, the steps tried):
		 * its translated title as its title or text. */
		{
			const char *sid = cJSON_GetStringValue(cJSON_GetObjectItem(node, "step"));
			static const char *const keys[] = { "title", "text" };

			if (sid && art && (d = kbstate_article_lang(kb, art, lang)) && d->lang &&
			    (it = translated_item(d->doc, sid)))
				for (size_t k = 0; k < 2; k++)
					if (cJSON_IsString(cJSON_GetObjectItem(node, keys[k])))
						cJSON_ReplaceItemInObject(node, keys[k], cJSON_Duplicate(
							cJSON_GetObjectItem(it, "title"), 1));
		}
		/* A question node of the tree: {question, text, answers:
		 * [{value, label}]}. */
		{
			const char *qid = cJSON_GetStringValue(cJSON_GetObjectItem(node, "question"));
			const cJSON *tr = qid ? kbstate_question_text(kb, lang, qid) : NULL;

			cJSON *answers = tr ? cJSON_GetObjectItem(node, "answers") : NULL;

			cJSON_ArrayForEach(c, answers) {
				const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(c, "value"));
				const cJSON *l = v ? cJSON_GetObjectItemCaseSensitive(
					cJSON_GetObjectItem(tr, "options"), v) : NULL;

				if (cJSON_IsString(l) && cJSON_GetObjectItem(c, "label"))
					cJSON_ReplaceItemInObject(c, "label", cJSON_Duplicate(l, 1));
			}
		}
		if (id && !strcmp(id, "problem"))
			cJSON_ArrayForEach(c, cJSON_GetObjectItem(node, "options")) {
				const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(c, "value"));

				if (v && (d = kbstate_article_lang(kb, v, lang)) && d->lang)
					cJSON_ReplaceItemInObject(c, "label", cJSON_Duplicate(
						cJSON_GetObjectItem(d->doc, "title"), 1));
			}
	}
	cJSON_ArrayForEach(c, node)
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			kbstate_translate_doc(kb, lang, problem, c);
}

struct store *kbstate_store_take(struct kbstate *kb)
{
	struct store *st;

	pthread_mutex_lock(&kb->priv->lock);
	while (!kb->priv->nr_stores)
		pthread_cond_wait(&kb->priv->store_free, &kb->priv->lock);
	st = kb->priv->stores[--kb->priv->nr_stores];
	pthread_mutex_unlock(&kb->priv->lock);
	return st;
}

void kbstate_store_give(struct kbstate *kb, struct store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&kb->priv->lock);
	ALLOC_GROW(kb->priv->stores, kb->priv->nr_stores + 1, kb->priv->alloc_stores);
	kb->priv->stores[kb->priv->nr_stores++] = st;
	pthread_cond_signal(&kb->priv->store_free);
	pthread_mutex_unlock(&kb->priv->lock);
}

struct eng_work *kbstate_work_take(struct kbstate *kb)
{
	struct eng_work *w = NULL;

	pthread_mutex_lock(&kb->priv->lock);
	if (kb->priv->nr_works)
		w = kb->priv->works[--kb->priv->nr_works];
	pthread_mutex_unlock(&kb->priv->lock);
	return w ? w : eng_work_new(kb->model);
}

void kbstate_work_give(struct kbstate *kb, struct eng_work *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&kb->priv->lock);
	ALLOC_GROW(kb->priv->works, kb->priv->nr_works + 1, kb->priv->alloc_works);
	kb->priv->works[kb->priv->nr_works++] = w;
	pthread_mutex_unlock(&kb->priv->lock);
}
