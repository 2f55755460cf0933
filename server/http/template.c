/* template: compiles Mustache-like templates into node trees once, and renders
 * them over cJSON documents without re-parsing, escaping by default. */
#include "template.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/fileio.h"
#include "../base/xalloc.h"

#define TPL_MAX_SECTION_DEPTH 32
#define TPL_MAX_PARTIAL_DEPTH 16

enum node_kind {
	NODE_TEXT,     /* literal bytes */
	NODE_VAR,      /* {{name}}: escaped, maybe filtered */
	NODE_RAW,      /* {{{name_html}}} */
	NODE_SECTION,  /* {{#name}}..{{/name}} */
	NODE_INVERTED, /* {{^name}}..{{/name}} */
	NODE_PARTIAL,  /* {{> name}} */
};

enum filter {
	FILTER_NONE,
	FILTER_URL,
	FILTER_PERCENT,
};

struct node;

struct nodes {
	struct node *items;
	size_t nr, alloc;
};

struct node {
	enum node_kind kind;
	enum filter filter;
	int line;
	char *text;  /* TEXT: the bytes; else the name as written ("a.b", ".") */
	size_t len;  /* TEXT: length of text */
	char **segs; /* VAR/RAW/SECTION/INVERTED: the path; 0 segments is "." */
	size_t nr_segs;
	struct nodes body; /* SECTION/INVERTED */
};

struct tpl {
	char *name; /* as given for error messages (a path for loaded files) */
	struct nodes nodes;
};

struct tpl_entry {
	char *name;
	struct tpl *tpl;
};

struct tpl_set {
	struct tpl_entry *items;
	size_t nr, alloc;
};

/* ---- nodes ---- */

static void nodes_release(struct nodes *ns);

static void node_release(struct node *n)
{
	size_t i;

	free(n->text);
	for (i = 0; i < n->nr_segs; i++)
		free(n->segs[i]);
	free(n->segs);
	nodes_release(&n->body);
}

static void nodes_release(struct nodes *ns)
{
	size_t i;

	for (i = 0; i < ns->nr; i++)
		node_release(&ns->items[i]);
	free(ns->items);
	ns->items = NULL;
	ns->nr = ns->alloc = 0;
}

/* Moves *n into ns. */
static void nodes_push(struct nodes *ns, struct node *n)
{
	ALLOC_GROW(ns->items, ns->nr + 1, ns->alloc);
	ns->items[ns->nr++] = *n;
	memset(n, 0, sizeof(*n));
}

/* Adds the literal s (len bytes; at_bol: s starts a line of the
 * template) without its lines' indentation and without blank lines:
 * they are for the template's reader, and a page's reader never sees
 * them (HTML reads any run of blanks as one). */
static void nodes_add_text(struct nodes *ns, const char *s, size_t len, int at_bol)
{
	struct node n = { 0 };
	struct sbuf t = SBUF_INIT;

	for (size_t i = 0; i < len;) {
		if (at_bol) {
			while (i < len && (s[i] == ' ' || s[i] == '\t'))
				i++;
			if (i < len && s[i] == '\n') {
				i++; /* a blank line */
				continue;
			}
			at_bol = 0;
			continue;
		}
		sbuf_addch(&t, s[i]);
		at_bol = s[i++] == '\n';
	}
	if (!t.len) {
		sbuf_release(&t);
		return;
	}
	n.kind = NODE_TEXT;
	n.len = t.len;
	n.text = sbuf_detach(&t, NULL);
	nodes_push(ns, &n);
}

/* ---- compiling ---- */

struct parser {
	const char *name;
	const char *text;
	size_t pos; /* next byte not yet consumed */
	int line;   /* line of text[pos] */
	struct sbuf *err;
};

/* What one {{...}} tag says, before it becomes a node. */
struct tag {
	int sigil;   /* 0 (variable), '{', '&', '#', '^', '/', '>', '!' */
	int line;
	size_t start, end; /* the tag's bytes in the text, braces included */
	const char *name;  /* trimmed name (not NUL-terminated) */
	size_t name_len;
	const char *filter; /* trimmed filter after '|', or NULL */
	size_t filter_len;
};

static void perr(const struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(const struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	if (!p->err)
		return;
	sbuf_addf(p->err, "%s:%d: ", p->name, line);
	va_start(ap, fmt);
	sbuf_vaddf(p->err, fmt, ap);
	va_end(ap);
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_space((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_space((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* Advances p->pos to pos, counting the newlines passed. */
static void advance(struct parser *p, size_t pos)
{
	for (; p->pos < pos; p->pos++)
		if (p->text[p->pos] == '\n')
			p->line++;
}

/* Reads the tag starting at text[start] ("{{"), whose line is line. Returns
 * 0, or -1 with an error when the tag is not terminated. */
static int read_tag(const struct parser *p, size_t start, int line,
		    struct tag *t)
{
	const char *s = p->text + start;
	const char *body, *close, *bar;
	size_t len;

	memset(t, 0, sizeof(*t));
	t->line = line;
	t->start = start;
	if (s[2] == '{') {
		close = strstr(s + 3, "}}}");
		if (!close) {
			perr(p, line, "unterminated tag: '{{{' without '}}}'");
			return -1;
		}
		t->sigil = '{';
		body = s + 3;
		t->end = (size_t)(close + 3 - p->text);
	} else {
		close = strstr(s + 2, "}}");
		if (!close) {
			perr(p, line, "unterminated tag: '{{' without '}}'");
			return -1;
		}
		body = s + 2;
		t->end = (size_t)(close + 2 - p->text);
	}
	len = (size_t)(close - body);
	trim(&body, &len);
	if (t->sigil != '{' && len && strchr("&#^/>!", *body)) {
		t->sigil = (unsigned char)*body;
		body++;
		len--;
		trim(&body, &len);
	}
	if (t->sigil == 0) {
		bar = memchr(body, '|', len);
		if (bar) {
			t->filter = bar + 1;
			t->filter_len = len - (size_t)(bar + 1 - body);
			trim(&t->filter, &t->filter_len);
			len = (size_t)(bar - body);
			trim(&body, &len);
		}
	}
	t->name = body;
	t->name_len = len;
	return 0;
}

/* A section, inverted, close, comment or partial tag alone on its line
 * (blanks aside) takes the whole line with it. Returns 1 and sets *text_end
 * (where the preceding text stops) and *next (where scanning resumes). */
static int standalone(const struct parser *p, const struct tag *t,
		      size_t *text_end, size_t *next)
{
	const char *s = p->text;
	size_t i = t->start, j = t->end;

	if (!t->sigil || !strchr("#^/!>", t->sigil))
		return 0;
	while (i > p->pos && is_blank((unsigned char)s[i - 1]))
		i--;
	if (i == p->pos ? !(i == 0 || s[i - 1] == '\n') : s[i - 1] != '\n')
		return 0;
	while (is_blank((unsigned char)s[j]))
		j++;
	if (s[j] == '\r' && s[j + 1] == '\n')
		j += 2;
	else if (s[j] == '\n')
		j++;
	else if (s[j] != '\0')
		return 0;
	*text_end = i;
	*next = j;
	return 1;
}

/* Checks the tag's name; for paths, splits it into n->segs. Returns 0 or -1
 * with an error. */
static int parse_name(const struct parser *p, const struct tag *t,
		      struct node *n, int is_path)
{
	size_t i, seg_start;

	if (!t->name_len) {
		perr(p, t->line, "empty name in tag");
		return -1;
	}
	for (i = 0; i < t->name_len; i++) {
		if (!is_name_char((unsigned char)t->name[i])) {
			perr(p, t->line, "bad character in name '%.*s'",
			     (int)t->name_len, t->name);
			return -1;
		}
	}
	n->text = xstrndup(t->name, t->name_len);
	n->line = t->line;
	if (!is_path || !strcmp(n->text, "."))
		return 0;
	/* "a.b.c": no empty segment anywhere. */
	seg_start = 0;
	for (i = 0; i <= t->name_len; i++) {
		if (i < t->name_len && t->name[i] != '.')
			continue;
		if (i == seg_start) {
			perr(p, t->line, "bad name '%s': empty segment",
			     n->text);
			return -1;
		}
		n->segs = xrealloc(n->segs, (n->nr_segs + 1) * sizeof(*n->segs));
		n->segs[n->nr_segs++] = xstrndup(t->name + seg_start,
						   i - seg_start);
		seg_start = i + 1;
	}
	return 0;
}

static int is_html_name(const struct node *n)
{
	const char *last;
	size_t len;

	if (!n->nr_segs)
		return 0;
	last = n->segs[n->nr_segs - 1];
	len = strlen(last);
	return !strcmp(last, "html") ||
	       (len > 5 && !strcmp(last + len - 5, "_html"));
}

static int parse_filter(const struct parser *p, const struct tag *t,
			struct node *n)
{
	if (!t->filter)
		return 0;
	if (t->filter_len == 3 && !memcmp(t->filter, "url", 3)) {
		n->filter = FILTER_URL;
		return 0;
	}
	if (t->filter_len == 7 && !memcmp(t->filter, "percent", 7)) {
		n->filter = FILTER_PERCENT;
		return 0;
	}
	perr(p, t->line, "unknown filter '%.*s'", (int)t->filter_len,
	     t->filter);
	return -1;
}

/*
 * Parses nodes into out until the end of the text (open == NULL) or the tag
 * closing open. depth is the number of enclosing sections. Returns 0 or -1
 * with an error. Recursion is bounded by TPL_MAX_SECTION_DEPTH.
 */
static int parse_nodes(struct parser *p, struct nodes *out,
		       const struct tag *open, int depth)
{
	const char *s = p->text;
	const char *at;
	size_t tag_start, text_end, next;
	struct tag t;
	struct node n;
	int line, ret = -1;

	memset(&n, 0, sizeof(n));
	for (;;) {
		at = strstr(s + p->pos, "{{");
		if (!at) {
			nodes_add_text(out, s + p->pos, strlen(s + p->pos),
				       p->pos == 0 || s[p->pos - 1] == '\n');
			advance(p, p->pos + strlen(s + p->pos));
			if (open) {
				perr(p, open->line, "{{%c%.*s}} is not closed",
				     open->sigil, (int)open->name_len,
				     open->name);
				goto cleanup;
			}
			ret = 0;
			goto cleanup;
		}
		tag_start = (size_t)(at - s);
		line = p->line;
		for (const char *c = s + p->pos; c < at; c++)
			line += *c == '\n';
		if (read_tag(p, tag_start, line, &t) < 0)
			goto cleanup;
		if (!standalone(p, &t, &text_end, &next)) {
			text_end = t.start;
			next = t.end;
		}
		nodes_add_text(out, s + p->pos, text_end - p->pos,
			       p->pos == 0 || s[p->pos - 1] == '\n');
		advance(p, next);

		memset(&n, 0, sizeof(n));
		switch (t.sigil) {
		case '!':
			break;
		case 0:
			n.kind = NODE_VAR;
			if (parse_name(p, &t, &n, 1) < 0 ||
			    parse_filter(p, &t, &n) < 0)
				goto cleanup;
			nodes_push(out, &n);
			break;
		case '{':
		case '&':
			n.kind = NODE_RAW;
			if (t.name_len && memchr(t.name, '|', t.name_len)) {
				perr(p, t.line, "filters do not apply to raw output");
				goto cleanup;
			}
			if (parse_name(p, &t, &n, 1) < 0)
				goto cleanup;
			if (!is_html_name(&n)) {
				perr(p, t.line, "raw output is only for "
				     "cmark-rendered HTML: name it html or *_html");
				goto cleanup;
			}
			nodes_push(out, &n);
			break;
		case '>':
			n.kind = NODE_PARTIAL;
			if (parse_name(p, &t, &n, 0) < 0)
				goto cleanup;
			nodes_push(out, &n);
			break;
		case '#':
		case '^':
			n.kind = t.sigil == '#' ? NODE_SECTION : NODE_INVERTED;
			if (parse_name(p, &t, &n, 1) < 0)
				goto cleanup;
			if (depth >= TPL_MAX_SECTION_DEPTH) {
				perr(p, t.line, "sections nested deeper than %d",
				     TPL_MAX_SECTION_DEPTH);
				goto cleanup;
			}
			if (parse_nodes(p, &n.body, &t, depth + 1) < 0)
				goto cleanup;
			nodes_push(out, &n);
			break;
		case '/':
			if (parse_name(p, &t, &n, 0) < 0)
				goto cleanup;
			if (!open) {
				perr(p, t.line, "{{/%s}} without an open section",
				     n.text);
				goto cleanup;
			}
			if (open->name_len != t.name_len ||
			    memcmp(open->name, t.name, t.name_len)) {
				perr(p, t.line, "{{/%s}} closes {{%c%.*s}}",
				     n.text, open->sigil, (int)open->name_len,
				     open->name);
				goto cleanup;
			}
			ret = 0;
			goto cleanup;
		}
	}
cleanup:
	node_release(&n);
	return ret;
}

struct tpl *tpl_compile(const char *name, const char *text, struct sbuf *err)
{
	struct parser p = { name, text, 0, 1, err };
	struct tpl *t = xcalloc(1, sizeof(*t));

	t->name = xstrdup(name);
	if (parse_nodes(&p, &t->nodes, NULL, 0) < 0) {
		tpl_free(t);
		return NULL;
	}
	return t;
}

void tpl_free(struct tpl *t)
{
	if (!t)
		return;
	nodes_release(&t->nodes);
	free(t->name);
	free(t);
}

/* ---- sets ---- */

struct tpl_set *tpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tpl_set));
}

static void set_clear(struct tpl_set *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->items[i].name);
		tpl_free(s->items[i].tpl);
	}
	free(s->items);
	s->items = NULL;
	s->nr = s->alloc = 0;
}

void tpl_set_free(struct tpl_set *s)
{
	if (!s)
		return;
	set_clear(s);
	free(s);
}

const struct tpl *tpl_set_get(const struct tpl_set *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->items[i].name, name))
			return s->items[i].tpl;
	return NULL;
}

/* Takes ownership of t. */
static void set_put(struct tpl_set *s, const char *name, struct tpl *t)
{
	ALLOC_GROW(s->items, s->nr + 1, s->alloc);
	s->items[s->nr].name = xstrdup(name);
	s->items[s->nr].tpl = t;
	s->nr++;
}

int tpl_set_add(struct tpl_set *s, const char *name, const char *text,
		struct sbuf *err)
{
	struct tpl *t;

	if (tpl_set_get(s, name)) {
		if (err)
			sbuf_addf(err, "%s: template defined twice", name);
		return -1;
	}
	t = tpl_compile(name, text, err);
	if (!t)
		return -1;
	set_put(s, name, t);
	return 0;
}

/* Checks that every partial under ns is in a or b. Returns 0 or -1 with an
 * error naming the first missing one. */
static int check_partials(const struct tpl *t, const struct nodes *ns,
			  const struct tpl_set *a, const struct tpl_set *b,
			  struct sbuf *err)
{
	size_t i;
	const struct node *n;

	for (i = 0; i < ns->nr; i++) {
		n = &ns->items[i];
		if (n->kind == NODE_PARTIAL && !tpl_set_get(a, n->text) &&
		    !tpl_set_get(b, n->text)) {
			if (err)
				sbuf_addf(err, "%s:%d: partial '%s' not found",
					  t->name, n->line, n->text);
			return -1;
		}
		if (check_partials(t, &n->body, a, b, err) < 0)
			return -1;
	}
	return 0;
}

static int has_html_suffix(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && !strcmp(name + len - 5, ".html");
}

int tpl_set_load_dir(struct tpl_set *s, const char *dir, struct sbuf *err)
{
	struct tpl_set loaded = { NULL, 0, 0 };
	struct fileio_list files = FILEIO_LIST_INIT;
	struct sbuf path = SBUF_INIT, text = SBUF_INIT, key = SBUF_INIT;
	struct dirent *de;
	struct stat st;
	struct tpl *t;
	DIR *d = NULL;
	size_t i;
	int ret = -1;

	d = opendir(dir);
	if (!d) {
		if (err)
			sbuf_addf(err, "%s: %s", dir, strerror(errno));
		goto cleanup;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !has_html_suffix(de->d_name))
			continue;
		sbuf_reset(&path);
		sbuf_addf(&path, "%s/%s", dir, de->d_name);
		if (stat(path.buf, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		fileio_list_add(&files, path.buf);
	}
	fileio_list_sort(&files);

	for (i = 0; i < files.nr; i++) {
		const char *base = strrchr(files.paths[i], '/') + 1;

		sbuf_reset(&key);
		sbuf_add(&key, base, strlen(base) - 5);
		if (tpl_set_get(s, key.buf)) {
			if (err)
				sbuf_addf(err, "%s: template '%s' defined twice",
					  files.paths[i], key.buf);
			goto cleanup;
		}
		sbuf_reset(&text);
		if (fileio_read(files.paths[i], &text) < 0) {
			if (err)
				sbuf_addf(err, "%s: %s", files.paths[i],
					  strerror(errno));
			goto cleanup;
		}
		/* A NUL byte would silently cut the template short. */
		if (strlen(text.buf) != text.len) {
			if (err)
				sbuf_addf(err, "%s: contains a NUL byte",
					  files.paths[i]);
			goto cleanup;
		}
		t = tpl_compile(files.paths[i], text.buf, err);
		if (!t)
			goto cleanup;
		set_put(&loaded, key.buf, t);
	}

	for (i = 0; i < s->nr; i++)
		if (check_partials(s->items[i].tpl, &s->items[i].tpl->nodes, s,
				   &loaded, err) < 0)
			goto cleanup;
	for (i = 0; i < loaded.nr; i++)
		if (check_partials(loaded.items[i].tpl,
				   &loaded.items[i].tpl->nodes, s, &loaded,
				   err) < 0)
			goto cleanup;

	for (i = 0; i < loaded.nr; i++) {
		ALLOC_GROW(s->items, s->nr + 1, s->alloc);
		s->items[s->nr++] = loaded.items[i];
	}
	loaded.nr = 0;
	ret = 0;
cleanup:
	set_clear(&loaded);
	if (d)
		closedir(d);
	sbuf_release(&key);
	sbuf_release(&text);
	sbuf_release(&path);
	fileio_list_release(&files);
	return ret;
}

/* ---- rendering ---- */

/* Per-call state: the shared set is only read. */
struct render {
	const struct tpl_set *set;
	struct sbuf *out;
	const cJSON **stack; /* context stack, innermost last */
	size_t nr, alloc;
	int partial_depth;
};

static void push(struct render *r, const cJSON *v)
{
	ALLOC_GROW(r->stack, r->nr + 1, r->alloc);
	r->stack[r->nr++] = v;
}

/* Mustache lookup: the first segment in the innermost context that has it,
 * the rest inside that value. Returns NULL when missing. */
static const cJSON *lookup(const struct render *r, const struct node *n)
{
	const cJSON *v = NULL;
	size_t i;

	if (!n->nr_segs)
		return r->nr ? r->stack[r->nr - 1] : NULL;
	for (i = r->nr; i-- > 0;) {
		if (cJSON_IsObject(r->stack[i])) {
			v = cJSON_GetObjectItemCaseSensitive(r->stack[i],
							      n->segs[0]);
			if (v)
				break;
		}
	}
	for (i = 1; v && i < n->nr_segs; i++)
		v = cJSON_IsObject(v) ?
		    cJSON_GetObjectItemCaseSensitive(v, n->segs[i]) : NULL;
	return v;
}

/* Would a section over v render its body? Empty arrays, "", 0, false, null
 * and missing values say no. */
static int truthy(const cJSON *v)
{
	if (!v)
		return 0;
	if (cJSON_IsTrue(v) || cJSON_IsObject(v))
		return 1;
	if (cJSON_IsString(v))
		return v->valuestring && v->valuestring[0];
	if (cJSON_IsNumber(v))
		return v->valuedouble != 0;
	if (cJSON_IsArray(v))
		return v->child != NULL;
	return 0;
}

/* Shortest %g form that reads back as the same double; integers in the
 * exactly representable range print without decimals. */
static void add_number(struct sbuf *sb, double d)
{
	size_t start = sb->len;
	int prec;

	if (!isfinite(d))
		return;
	if (d == 0) {
		sbuf_addch(sb, '0');
		return;
	}
	if (d == floor(d) && fabs(d) < 1e15) {
		sbuf_addf(sb, "%.0f", d);
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		sbuf_setlen(sb, start);
		sbuf_addf(sb, "%.*g", prec, d);
		if (strtod(sb->buf + start, NULL) == d)
			return;
	}
}

/* Returns the text of a scalar: borrowed from v for strings, else written
 * into tmp. Arrays, objects, null and missing values give "". */
static const char *scalar_text(const cJSON *v, struct sbuf *tmp)
{
	if (cJSON_IsString(v) && v->valuestring)
		return v->valuestring;
	if (cJSON_IsNumber(v))
		add_number(tmp, v->valuedouble);
	else if (cJSON_IsTrue(v))
		sbuf_adds(tmp, "true");
	else if (cJSON_IsFalse(v))
		sbuf_adds(tmp, "false");
	return tmp->buf;
}

static void add_escaped(struct sbuf *out, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep;

		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		sbuf_add(out, run, (size_t)(s - run));
		sbuf_adds(out, rep);
		run = s + 1;
	}
	sbuf_add(out, run, (size_t)(s - run));
}

/* RFC 3986 unreserved bytes stay; the rest become %XX. The result holds
 * nothing HTML-special, so it needs no further escaping. */
static void add_url_encoded(struct sbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			sbuf_addch(out, c);
		} else {
			sbuf_addch(out, '%');
			sbuf_addch(out, hex[c >> 4]);
			sbuf_addch(out, hex[c & 15]);
		}
	}
}

/* 0..1 as a whole percentage, rounding half up; clamped to 0..100. The tiny
 * nudge makes 0.845 (stored as 0.84499999...) round to 85 as written. */
static void add_percent(struct sbuf *out, const cJSON *v)
{
	double d;

	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return;
	d = floor(v->valuedouble * 100 + 0.5 + 1e-9);
	if (d < 0)
		d = 0;
	if (d > 100)
		d = 100;
	sbuf_addf(out, "%.0f", d);
}

static int render_nodes(struct render *r, const struct nodes *ns);

static int render_partial(struct render *r, const char *name)
{
	const struct tpl *t = tpl_set_get(r->set, name);
	int ret;

	if (!t || r->partial_depth >= TPL_MAX_PARTIAL_DEPTH)
		return -1;
	r->partial_depth++;
	ret = render_nodes(r, &t->nodes);
	r->partial_depth--;
	return ret;
}

/* Recursion is bounded: sections nest at most 32 deep per template and
 * partials at most 16 deep. */
static int render_nodes(struct render *r, const struct nodes *ns)
{
	struct sbuf tmp = SBUF_INIT;
	const struct node *n;
	const cJSON *v, *e;
	size_t i;
	int ret = -1;

	for (i = 0; i < ns->nr; i++) {
		n = &ns->items[i];
		switch (n->kind) {
		case NODE_TEXT:
			sbuf_add(r->out, n->text, n->len);
			break;
		case NODE_VAR:
			v = lookup(r, n);
			sbuf_reset(&tmp);
			if (n->filter == FILTER_PERCENT)
				add_percent(r->out, v);
			else if (n->filter == FILTER_URL)
				add_url_encoded(r->out, scalar_text(v, &tmp));
			else
				add_escaped(r->out, scalar_text(v, &tmp));
			break;
		case NODE_RAW:
			sbuf_reset(&tmp);
			sbuf_adds(r->out, scalar_text(lookup(r, n), &tmp));
			break;
		case NODE_SECTION:
			v = lookup(r, n);
			if (!truthy(v))
				break;
			if (cJSON_IsArray(v)) {
				cJSON_ArrayForEach(e, v) {
					push(r, e);
					if (render_nodes(r, &n->body) < 0)
						goto cleanup;
					r->nr--;
				}
			} else {
				push(r, v);
				if (render_nodes(r, &n->body) < 0)
					goto cleanup;
				r->nr--;
			}
			break;
		case NODE_INVERTED:
			if (!truthy(lookup(r, n)) &&
			    render_nodes(r, &n->body) < 0)
				goto cleanup;
			break;
		case NODE_PARTIAL:
			if (render_partial(r, n->text) < 0)
				goto cleanup;
			break;
		}
	}
	ret = 0;
cleanup:
	sbuf_release(&tmp);
	return ret;
}

int tpl_render(const struct tpl_set *s, const char *name, const cJSON *ctx,
	       struct sbuf *out)
{
	struct render r = { s, out, NULL, 0, 0, 0 };
	const struct tpl *t = tpl_set_get(s, name);
	size_t start = out->len;
	int ret = -1;

	if (!t)
		goto cleanup;
	if (ctx)
		push(&r, ctx);
	ret = render_nodes(&r, &t->nodes);
	if (ret < 0)
		sbuf_setlen(out, start);
cleanup:
	free(r.stack);
	return ret;
}
