/* annot: parses the annotations authors write in HTML comments. */
#include "annot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"

static const char *const kind_names[] = { "cause", "solution", "question" };

/* Splits s at every byte in seps, trimming each part; empty parts are kept
 * so that "a,,b" can be reported. */
static void split(const char *s, const char *seps, struct kb_strs *out)
{
	const char *p = s;

	for (;;) {
		size_t n = strcspn(p, seps);
		const char *start = text_ltrim(p);
		size_t len = start < p + n ? text_rtrim_len(start, (size_t)(p + n - start)) : 0;
		char *part = xstrndup(start, len);

		ALLOC_GROW(out->items, out->nr + 1, out->alloc);
		out->items[out->nr++] = part;
		if (!p[n])
			break;
		p += n + 1;
	}
}

int annot_parse_conds(const char *s, const char *path, int line, int col,
		      struct diag *d, struct kb_conds *conds)
{
	struct kb_strs parts = { 0 };
	int ret = 0;

	split(s, ",&", &parts);
	for (size_t i = 0; i < parts.nr; i++) {
		char *eq = strchr(parts.items[i], '=');
		struct kb_strs values = { 0 };
		struct kb_cond *c;
		char *q;

		if (!eq) {
			diag_error(d, path, line, col,
				   "malformed condition '%s': expected question=value",
				   parts.items[i]);
			ret = -1;
			continue;
		}
		q = xstrndup(parts.items[i],
			     text_rtrim_len(parts.items[i],
					    (size_t)(eq - parts.items[i])));
		split(eq + 1, "|", &values);
		if (!text_is_id(q)) {
			diag_error(d, path, line, col,
				   "malformed condition '%s': '%s' is not a question id",
				   parts.items[i], q);
			ret = -1;
		}
		for (size_t j = 0; j < values.nr; j++) {
			if (!text_is_id(values.items[j])) {
				diag_error(d, path, line, col,
					   "malformed condition '%s': '%s' is not a value",
					   parts.items[i], values.items[j]);
				ret = -1;
			}
		}
		if (kb_conds_find(conds, q)) {
			diag_error(d, path, line, col,
				   "malformed condition: question '%s' is named twice",
				   q);
			ret = -1;
		}
		ALLOC_GROW(conds->items, conds->nr + 1, conds->alloc);
		c = &conds->items[conds->nr++];
		c->question = q;
		c->values = values.items;
		c->nr_values = values.nr;
		c->line = line;
		c->col = col;
	}
	kb_strs_release(&parts);
	return ret;
}

int annot_parse_probability(const char *s, double *p)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return -1;
	end = (char *)text_ltrim(end);
	if (*end == '%') {
		v /= 100;
		end = (char *)text_ltrim(end + 1);
	}
	if (*end || v <= 0 || v > 1)
		return -1;
	*p = v;
	return 0;
}

int annot_parse_cost(const char *s, double *minutes)
{
	static const struct {
		const char *unit;
		double minutes;
	} units[] = {
		{ "", 1 }, { "m", 1 }, { "min", 1 }, { "mins", 1 }, { "minute", 1 },
		{ "minutes", 1 }, { "s", 1.0 / 60 }, { "sec", 1.0 / 60 },
		{ "secs", 1.0 / 60 }, { "second", 1.0 / 60 }, { "seconds", 1.0 / 60 },
		{ "h", 60 }, { "hr", 60 }, { "hrs", 60 }, { "hour", 60 }, { "hours", 60 },
	};
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v <= 0)
		return -1;
	end = (char *)text_ltrim(end);
	for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++)
		if (!strcmp(end, units[i].unit)) {
			v *= units[i].minutes;
			if (v > 24 * 60)
				return -1;
			*minutes = v;
			return 0;
		}
	return -1;
}

/* Parses "id, id=0.7, id=70%" into out, with each id's probability in
 * *fix (0 where none is given). */
static int parse_id_list(const char *s, const char *key, const char *path,
			 int line, int col, struct diag *d, struct kb_strs *out,
			 double **fix)
{
	struct kb_strs parts = { 0 };
	int ret = 0;

	split(s, ",", &parts);
	for (size_t i = 0; i < parts.nr; i++) {
		char *eq = strchr(parts.items[i], '=');
		double p = 0;

		if (eq) {
			if (annot_parse_probability(text_ltrim(eq + 1), &p)) {
				diag_error(d, path, line, col,
					   "malformed annotation: '%s' in '%s': the "
					   "chance it fixes it must be above 0 and at "
					   "most 1 (0.7, or 70%%)", parts.items[i], key);
				ret = -1;
				continue;
			}
			*eq = '\0';
			parts.items[i][text_rtrim_len(parts.items[i], strlen(parts.items[i]))] = '\0';
		}
		if (!text_is_id(parts.items[i])) {
			diag_error(d, path, line, col,
				   "malformed annotation: '%s' in '%s' is not an id "
				   "(lowercase letters, digits, '-', '_', '.')",
				   parts.items[i], key);
			ret = -1;
			continue;
		}
		kb_strs_add(out, parts.items[i]);
		*fix = xrealloc(*fix, out->nr * sizeof(**fix));
		(*fix)[out->nr - 1] = p;
	}
	out->line = line;
	out->col = col;
	kb_strs_release(&parts);
	return ret;
}

/* Returns the kind whose name starts s followed by ':', or -1. */
static int leading_kind(const char *s)
{
	for (size_t k = 0; k < sizeof(kind_names) / sizeof(*kind_names); k++) {
		size_t n = strlen(kind_names[k]);
		const char *p = s + n;

		if (strncmp(s, kind_names[k], n))
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == ':')
			return (int)k;
	}
	return -1;
}

/* 1 when a comment that is no annotation was likely meant as one: a
 * kind's name in other case or without its colon, then an id and nothing
 * else before a ';' or the end ("Cause: c1", "cause c1; when: ..."; not
 * "Question: ask the iOS team"), or an annotation's keys where fields
 * start. */
static int near_miss(const char *s)
{
	static const char *const keys[] = { "when:", "solutions:", "fixes:",
					    "weight:", "applies:", "cost:", "fix:" };

	for (size_t k = 0; k < sizeof(kind_names) / sizeof(*kind_names); k++) {
		size_t n = strlen(kind_names[k]);
		const char *p = s + n;

		if (!text_ieq_n(s, kind_names[k], n) ||
		    (*p != ':' && *p != ' ' && *p != '\t'))
			continue;
		p += strspn(p, " \t");
		if (*p == ':')
			p++;
		p += strspn(p, " \t");
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
			      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
		if (!n)
			continue;
		p += n;
		p += strspn(p, " \t");
		if (!*p || *p == ';' || *p == '\n')
			return 1;
	}
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
		for (const char *p = strstr(s, keys[k]); p; p = strstr(p + 1, keys[k])) {
			const char *q = p;

			while (q > s && (q[-1] == ' ' || q[-1] == '\t'))
				q--;
			if (q == s || q[-1] == ';' || q[-1] == '\n')
				return 1;
		}
	return 0;
}

enum annot_result annot_parse(const char *comment, const char *path, int line,
			      int col, struct diag *d, struct annot *out)
{
	struct kb_strs fields = { 0 };
	struct annot a = { 0 };
	struct sbuf body = SBUF_INIT;
	const char *s = text_ltrim(comment);
	size_t len;
	int kind, failed = 0;
	enum annot_result ret;

	if (!strncmp(s, "<!--", 4))
		s = text_ltrim(s + 4);
	len = strlen(s);
	if (len >= 3 && !strcmp(s + len - 3, "-->"))
		len -= 3;
	sbuf_add(&body, s, text_rtrim_len(s, len));

	kind = leading_kind(body.buf);
	if (kind < 0) {
		if (near_miss(body.buf))
			diag_warn(d, path, line, col,
				  "this comment looks like an annotation but is "
				  "not one (an annotation starts with 'cause: ID', "
				  "'solution: ID' or 'question: ID', lowercase); "
				  "it is ignored");
		ret = ANNOT_NONE;
		goto cleanup;
	}
	a.kind = (enum annot_kind)kind;
	a.line = line;
	a.col = col;

	split(body.buf, ";\n", &fields);
	for (size_t i = 0; i < fields.nr; i++) {
		const char *f = fields.items[i];
		const char *colon = strchr(f, ':');
		char *key, *val;

		if (!*f && i + 1 == fields.nr && i > 0)
			continue; /* a trailing ';' */
		if (!colon) {
			diag_error(d, path, line, col,
				   "malformed annotation: '%s' is not 'key: value'", f);
			failed = 1;
			continue;
		}
		key = xstrndup(f, text_rtrim_len(f, (size_t)(colon - f)));
		val = xstrdup(text_ltrim(colon + 1));

		if (i == 0) {
			if (!text_is_id(val)) {
				diag_error(d, path, line, col,
					   "malformed annotation: %s id '%s' must be "
					   "lowercase letters, digits, '-', '_' or '.'",
					   kind_names[kind], val);
				failed = 1;
			} else {
				a.id = xstrdup(val);
			}
		} else if (a.kind == ANNOT_CAUSE && !strcmp(key, "when")) {
			if (annot_parse_conds(val, path, line, col, d, &a.conds))
				failed = 1;
		} else if (a.kind == ANNOT_QUESTION && !strcmp(key, "applies")) {
			if (annot_parse_conds(val, path, line, col, d, &a.conds))
				failed = 1;
		} else if (a.kind == ANNOT_CAUSE && !strcmp(key, "solutions")) {
			if (parse_id_list(val, key, path, line, col, d, &a.refs,
					  &a.ref_fix))
				failed = 1;
		} else if (a.kind == ANNOT_SOLUTION && !strcmp(key, "fixes")) {
			if (parse_id_list(val, key, path, line, col, d, &a.refs,
					  &a.ref_fix))
				failed = 1;
		} else if (a.kind == ANNOT_SOLUTION && !strcmp(key, "cost")) {
			if (annot_parse_cost(val, &a.cost)) {
				diag_error(d, path, line, col,
					   "malformed annotation: cost '%s' must be a "
					   "positive duration of a day or less, in "
					   "minutes ('5', '5 min') or with a unit "
					   "('90 s', '1.5 h')", val);
				failed = 1;
			}
		} else if (a.kind == ANNOT_SOLUTION && !strcmp(key, "fix")) {
			if (annot_parse_probability(val, &a.fix)) {
				diag_error(d, path, line, col,
					   "malformed annotation: fix '%s' must be the "
					   "chance the solution fixes the causes it fixes, "
					   "above 0 and at most 1 (0.7, or 70%%)", val);
				failed = 1;
			}
		} else if (a.kind == ANNOT_CAUSE && !strcmp(key, "weight")) {
			char *end;
			double w;

			errno = 0;
			w = strtod(val, &end);
			if (errno || end == val || *text_ltrim(end) ||
			    !isfinite(w) || w <= 0) {
				diag_error(d, path, line, col,
					   "malformed annotation: weight '%s' must be "
					   "a positive number", val);
				failed = 1;
			} else {
				a.weight = w;
			}
		} else {
			const char *known = a.kind == ANNOT_CAUSE ?
				"when, solutions, weight" :
				a.kind == ANNOT_SOLUTION ? "fixes, cost, fix" : "applies";
			diag_error(d, path, line, col,
				   "malformed annotation: unknown key '%s' in a %s "
				   "annotation (known: %s)",
				   key, kind_names[kind], known);
			failed = 1;
		}
		free(key);
		free(val);
	}
	if (failed) {
		annot_release(&a);
		ret = ANNOT_FAILED;
		goto cleanup;
	}
	*out = a;
	ret = ANNOT_OK;
cleanup:
	kb_strs_release(&fields);
	sbuf_release(&body);
	return ret;
}

void annot_release(struct annot *a)
{
	free(a->id);
	kb_conds_release(&a->conds);
	kb_strs_release(&a->refs);
	free(a->ref_fix);
	memset(a, 0, sizeof(*a));
}
