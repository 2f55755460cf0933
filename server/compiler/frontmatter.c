/* frontmatter: splits a "---" YAML header from a Markdown body and parses it
 * with libyaml into a cJSON object. */
#include "frontmatter.h"

#include <string.h>

#include <cjson/cJSON.h>
#include <yaml.h>

#include "../base/text.h"

/* Bounds on what one header may expand to: aliases can make a small YAML
 * text into a huge tree. */
enum { MAX_DEPTH = 32, MAX_NODES = 10000 };

struct convert {
	yaml_document_t *doc;
	const char *path;
	int first_line; /* line of the YAML text's first line in the file */
	struct diag *d;
	int nodes;
};

static cJSON *convert_node(struct convert *cv, yaml_node_t *node, int depth)
{
	cJSON *out = NULL;

	if (!node)
		return cJSON_CreateNull();
	if (depth > MAX_DEPTH || ++cv->nodes > MAX_NODES) {
		diag_error(cv->d, cv->path,
			   cv->first_line + (int)node->start_mark.line,
			   (int)node->start_mark.column + 1,
			   "front matter is nested too deeply or too large");
		return NULL;
	}
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return cJSON_CreateString((const char *)node->data.scalar.value);
	case YAML_SEQUENCE_NODE:
		out = cJSON_CreateArray();
		for (yaml_node_item_t *it = node->data.sequence.items.start;
		     it < node->data.sequence.items.top; it++) {
			cJSON *child = convert_node(
				cv, yaml_document_get_node(cv->doc, *it), depth + 1);
			if (!child)
				goto fail;
			cJSON_AddItemToArray(out, child);
		}
		return out;
	case YAML_MAPPING_NODE:
		out = cJSON_CreateObject();
		for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
		     p < node->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(cv->doc, p->key);
			cJSON *child;
			const char *key;

			if (!k || k->type != YAML_SCALAR_NODE) {
				diag_error(cv->d, cv->path,
					   cv->first_line + (int)(k ? k->start_mark.line : node->start_mark.line),
					   (int)(k ? k->start_mark.column : node->start_mark.column) + 1,
					   "front matter keys must be plain text");
				goto fail;
			}
			key = (const char *)k->data.scalar.value;
			if (cJSON_GetObjectItem(out, key)) {
				diag_error(cv->d, cv->path,
					   cv->first_line + (int)k->start_mark.line,
					   (int)k->start_mark.column + 1,
					   "duplicate front matter key '%s' (keys are "
					   "case-insensitive)", key);
				goto fail;
			}
			child = convert_node(
				cv, yaml_document_get_node(cv->doc, p->value),
				depth + 1);
			if (!child)
				goto fail;
			cJSON_AddItemToObject(out, key, child);
		}
		return out;
	default:
		return cJSON_CreateNull();
	}
fail:
	cJSON_Delete(out);
	return NULL;
}

/* Returns the length of the line starting at p (without its '\n'). */
static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? (size_t)(nl - p) : (size_t)(end - p);
}

static int is_fence(const char *p, size_t n, int closing)
{
	n = text_rtrim_len(p, n);
	return (n == 3 && !memcmp(p, "---", 3)) ||
	       (closing && n == 3 && !memcmp(p, "...", 3));
}

int frontmatter_parse(const char *buf, size_t len, const char *path,
		      struct diag *d, struct frontmatter *out)
{
	const char *end = buf + len, *p, *yaml_start, *yaml_end = NULL;
	yaml_parser_t parser;
	yaml_document_t doc;
	struct convert cv = { 0 };
	yaml_node_t *root;
	cJSON *fields = NULL;
	int line = 1, ret = -1, parser_ok = 0, doc_ok = 0;

	if (len >= 2 && (((unsigned char)buf[0] == 0xFF && (unsigned char)buf[1] == 0xFE) ||
			 ((unsigned char)buf[0] == 0xFE && (unsigned char)buf[1] == 0xFF))) {
		diag_error(d, path, 1, 1,
			   "the file is UTF-16 text: save it as UTF-8");
		return -1;
	}
	if (memchr(buf, '\0', len < 4096 ? len : 4096)) {
		diag_error(d, path, 1, 1,
			   "the file holds NUL bytes: it is not UTF-8 text "
			   "(UTF-16, or not text at all)");
		return -1;
	}
	if (!is_fence(buf, line_len(buf, end), 0)) {
		diag_error(d, path, 1, 1,
			   "missing front matter: the file must start with a '---' "
			   "line, then YAML with at least 'title:', then '---'");
		return -1;
	}
	p = buf + line_len(buf, end);
	p = p < end ? p + 1 : p;
	yaml_start = p;
	line = 2;
	while (p < end) {
		size_t n = line_len(p, end);

		if (is_fence(p, n, 1)) {
			yaml_end = p;
			p += n;
			p = p < end ? p + 1 : p;
			break;
		}
		p += n;
		p = p < end ? p + 1 : p;
		line++;
	}
	if (!yaml_end) {
		diag_error(d, path, 1, 1,
			   "unclosed front matter: no '---' line ends the header "
			   "opened here");
		return -1;
	}

	if (!yaml_parser_initialize(&parser)) {
		diag_error(d, path, 2, 0, "cannot start the YAML parser");
		return -1;
	}
	parser_ok = 1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml_start,
				     (size_t)(yaml_end - yaml_start));
	if (!yaml_parser_load(&parser, &doc)) {
		const char *ctx = parser.context ? parser.context : NULL;
		const char *problem = parser.problem ? parser.problem : "unreadable YAML";
		/* The usual cause: "title: Error: printer offline". */
		int colon = !strncmp(problem, "mapping values are not allowed", 30);

		diag_error(d, path, 2 + (int)parser.problem_mark.line,
			   (int)parser.problem_mark.column + 1,
			   "YAML syntax error in front matter: %s%s%s%s", problem,
			   ctx ? " " : "", ctx ? ctx : "",
			   colon ? " (a value with ': ' in it needs quotes: "
				   "title: \"Error: printer offline\")" : "");
		goto cleanup;
	}
	doc_ok = 1;
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		fields = cJSON_CreateObject();
	} else if (root->type != YAML_MAPPING_NODE) {
		diag_error(d, path, 2 + (int)root->start_mark.line,
			   (int)root->start_mark.column + 1,
			   "front matter must be a YAML mapping of 'key: value' lines");
		goto cleanup;
	} else {
		cv.doc = &doc;
		cv.path = path;
		cv.first_line = 2;
		cv.d = d;
		fields = convert_node(&cv, root, 0);
		if (!fields)
			goto cleanup;
	}
	ret = 0;
cleanup:
	/* Wrong YAML leaves the body's place known: 1, with no fields. */
	out->fields = fields ? fields : cJSON_CreateObject();
	out->body_offset = (size_t)(p - buf);
	out->body_line = line + 1;
	if (doc_ok)
		yaml_document_delete(&doc);
	if (parser_ok)
		yaml_parser_delete(&parser);
	return ret ? 1 : 0;
}

void frontmatter_release(struct frontmatter *fm)
{
	cJSON_Delete(fm->fields);
	fm->fields = NULL;
}

cJSON *frontmatter_get(const struct frontmatter *fm, const char *key)
{
	return cJSON_GetObjectItem(fm->fields, key);
}
