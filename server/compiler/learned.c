/* learned: the learned file, read with libyaml and checked against the KB. */
#include "learned.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "../base/fileio.h"
#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "../engine/model.h"

struct reader {
	yaml_document_t *doc;
	const char *path;
	struct diag *d;
	struct kb_learned_list *out;
};

static yaml_node_t *node_at(struct reader *r, int i)
{
	return yaml_document_get_node(r->doc, i);
}

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static int col_of(const yaml_node_t *n)
{
	return (int)n->start_mark.column + 1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of key in mapping n, or NULL. */
static yaml_node_t *member(struct reader *r, const yaml_node_t *n, const char *key)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *k = scalar(node_at(r, p->key));

		if (k && !strcmp(k, key))
			return node_at(r, p->value);
	}
	return NULL;
}

static int fail(struct reader *r, const yaml_node_t *n, const char *what, const char *name)
{
	diag_error(r->d, r->path, n ? line_of(n) : 1, n ? col_of(n) : 1,
		   "%s%s%s%s", what, name ? " '" : "", name ? name : "", name ? "'" : "");
	return -1;
}

/* Reads number key of mapping n into *out; lo < value <= hi. */
static int number(struct reader *r, const yaml_node_t *n, const char *key,
		  double lo, double hi, double *out)
{
	yaml_node_t *v = member(r, n, key);
	const char *s = scalar(v);
	char *end;
	double x;

	if (!s)
		return fail(r, n, "a learned value needs the number", key);
	x = strtod(s, &end);
	if (end == s || *end || !isfinite(x) || !(x > lo) || x > hi)
		return fail(r, v, "out of range or not a number:", key);
	*out = x;
	return 0;
}

static int add(struct reader *r, const char *article, const char *cause,
	       const char *solution, const char *platform, const yaml_node_t *v)
{
	struct kb_learned l = { 0 };

	if (!text_is_id(cause) || (*solution && !text_is_id(solution)))
		return fail(r, v, "not an id:", cause);
	if (number(r, v, "authored", 0, 1, &l.authored) ||
	    number(r, v, "learned", 0, 1, &l.value) ||
	    number(r, v, *solution ? "tries" : "sessions", -1, 1e12, &l.sessions))
		return -1;
	l.article = xstrdup(article);
	l.cause = xstrdup(cause);
	l.solution = xstrdup(solution);
	l.platform = xstrdup(platform);
	ALLOC_GROW(r->out->items, r->out->nr + 1, r->out->alloc);
	r->out->items[r->out->nr++] = l;
	return 0;
}

/* Each (key, value) pair of mapping n. */
#define EACH_PAIR(r, n, p) \
	for (yaml_node_pair_t *p = (n)->data.mapping.pairs.start; p < (n)->data.mapping.pairs.top; p++)

static int is_map(const yaml_node_t *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

static int read_problem(struct reader *r, const char *article, const yaml_node_t *pn)
{
	yaml_node_t *priors = member(r, pn, "priors"), *fixes = member(r, pn, "fixes");
	yaml_node_t *scopes = member(r, pn, "scope_sessions");
	size_t first = r->out->nr;
	double total;

	if (!text_is_id(article) || !is_map(pn))
		return fail(r, pn, "a problem is a mapping under its slug:", article);
	if (priors && !is_map(scopes))
		return fail(r, pn, "the priors of a problem need its 'scope_sessions'", NULL);
	if (priors) {
		if (!is_map(priors))
			return fail(r, priors, "'priors' maps 'all' or a platform to causes", NULL);
		EACH_PAIR(r, priors, p) {
			const char *scope = scalar(node_at(r, p->key));
			yaml_node_t *causes = node_at(r, p->value);

			if (!scope || !is_map(causes) || (strcmp(scope, "all") && !text_is_id(scope)))
				return fail(r, causes, "'priors' maps 'all' or a platform to causes", NULL);
			EACH_PAIR(r, causes, c)
				if (add(r, article, scalar(node_at(r, c->key)) ? scalar(node_at(r, c->key)) : "",
					"", strcmp(scope, "all") ? scope : "", node_at(r, c->value)))
					return -1;
			/* A prior rests on every session of its scope. */
			if (number(r, scopes, scope, -1, 1e12, &total))
				return -1;
			for (size_t i = first; i < r->out->nr; i++)
				r->out->items[i].sessions = total;
			first = r->out->nr;
		}
	}
	if (fixes) {
		if (!is_map(fixes))
			return fail(r, fixes, "'fixes' maps steps to causes", NULL);
		EACH_PAIR(r, fixes, s) {
			const char *step = scalar(node_at(r, s->key));
			yaml_node_t *causes = node_at(r, s->value);

			if (!step || !text_is_id(step) || !is_map(causes))
				return fail(r, causes, "'fixes' maps steps to causes", NULL);
			EACH_PAIR(r, causes, c)
				if (add(r, article, scalar(node_at(r, c->key)) ? scalar(node_at(r, c->key)) : "",
					step, "", node_at(r, c->value)))
					return -1;
		}
	}
	return 0;
}

int learned_read(const char *path, struct kb_learned_list *out, uint64_t *hash,
		 struct diag *d)
{
	struct sbuf buf = SBUF_INIT;
	yaml_parser_t parser;
	yaml_document_t doc;
	struct reader r = { &doc, path, d, out };
	yaml_node_t *root, *problems;
	const char *version;
	int ret = -1, loaded = 0;

	if (fileio_read(path, &buf)) {
		diag_error(d, path, 0, 0, "cannot read the learned file: %s", strerror(errno));
		sbuf_release(&buf);
		return -1;
	}
	*hash = text_hash(TEXT_HASH_INIT, buf.buf, buf.len);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf.buf, buf.len);
	if (!yaml_parser_load(&parser, &doc)) {
		diag_error(d, path, (int)parser.problem_mark.line + 1,
			   (int)parser.problem_mark.column + 1, "not YAML: %s",
			   parser.problem ? parser.problem : "unreadable");
		goto cleanup;
	}
	loaded = 1;
	root = yaml_document_get_root_node(&doc);
	version = scalar(member(&r, root, "clew_learned"));
	if (!version || strcmp(version, "1")) {
		diag_error(d, path, 1, 1, "not a file of `clew learn` (no 'clew_learned: 1' "
			   "at its top)");
		goto cleanup;
	}
	problems = member(&r, root, "problems");
	if (problems && !is_map(problems)) {
		fail(&r, problems, "'problems' maps problem slugs to what was learned", NULL);
		goto cleanup;
	}
	if (problems)
		EACH_PAIR(&r, problems, p)
			if (read_problem(&r, scalar(node_at(&r, p->key)) ? scalar(node_at(&r, p->key)) : "",
					 node_at(&r, p->value)))
				goto cleanup;
	ret = 0;
cleanup:
	if (loaded)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	sbuf_release(&buf);
	if (ret)
		kb_learned_list_release(out);
	return ret;
}

/* 1 when the KB has what l names. */
static int known(const struct kb_learned *l, const struct eng_model *m)
{
	int a = eng_model_option(m, m->q_problem, l->article), c, s;

	if (a < 0 || (c = eng_model_cause(m, a, l->cause)) < 0)
		return 0;
	if (*l->platform && eng_model_option(m, m->q_platform, l->platform) < 0)
		return 0;
	if (!*l->solution)
		return 1;
	if ((s = eng_model_step(m, a, l->solution)) < 0)
		return 0;
	for (int i = 0; i < m->causes[c].nr_steps; i++)
		if (m->causes[c].steps[i] == s)
			return 1;
	return 0;
}

void learned_check(struct kb_learned_list *l, const struct eng_model *m,
		   const char *path, struct diag *d)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->nr; i++) {
		struct kb_learned *x = &l->items[i];

		if (known(x, m)) {
			l->items[kept++] = *x;
			continue;
		}
		diag_warn(d, path, 0, 0, "learned value for %s '%s%s%s' of problem '%s'%s%s "
			  "ignored: the KB no longer has it", *x->solution ? "step" : "cause",
			  *x->solution ? x->solution : x->cause, *x->solution ? "' fixing '" : "",
			  *x->solution ? x->cause : "", x->article,
			  *x->platform ? " on " : "", *x->platform ? x->platform : "");
		free(x->article);
		free(x->cause);
		free(x->solution);
		free(x->platform);
	}
	l->nr = kept;
}
