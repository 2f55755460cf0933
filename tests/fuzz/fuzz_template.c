/* fuzz_template: the template renderer with hostile input on both sides:
 * the template text (compiled with tpl_set_add, then rendered) and the
 * JSON data it renders over; and the shipped templates of templates/
 * rendered over hostile JSON.
 *
 * Input:
 *   TEMPLATE [SEP JSON [SEP PARTIAL]]   SEP is the line "---8<---"; the
 *                                       partial is added as "p"
 *   @NAME LF JSON                       the shipped template NAME (index,
 *                                       article, wizard, ...) over JSON
 *
 * Mustache templates are code: "{{#a}}{{#a}}...{{/a}}{{/a}}" over a long
 * array, or a partial that includes itself twice, renders in time
 * exponential in the nesting, by design (the shipped templates are trusted
 * and fixed at start-up). So that the fuzzer looks for memory and logic
 * errors rather than rediscovering that, a fuzzed template may open at
 * most 4 sections and 2 partials, the partial none, and every JSON array
 * holds at most 8 items; the shipped templates get any JSON. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../server/base/sbuf.h"
#include "../../server/http/template.h"

#define SEP "\n---8<---\n"
#define MAX_SECTIONS 4
#define MAX_PARTIALS 2
#define MAX_ARRAY 8

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tpl_set *shipped;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("CLEW_FUZZ_TEMPLATES");
	struct sbuf err = SBUF_INIT;

	(void)argc;
	(void)argv;
	shipped = tpl_set_new();
	if (tpl_set_load_dir(shipped, dir && *dir ? dir : "templates", &err)) {
		fprintf(stderr, "fuzz_template: %s (run from the repository root "
			"or set CLEW_FUZZ_TEMPLATES)\n", err.buf);
		abort();
	}
	sbuf_release(&err);
	return 0;
}

/* Counts the tags of text whose sigil (after blanks) is one of sigils. */
static int count_tags(const char *text, const char *sigils)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, "{{")); p += 2) {
		const char *s = p + 2;

		while (*s == '{' || *s == ' ' || *s == '\t' || *s == '\n' ||
		       *s == '\r' || *s == '\f' || *s == '\v')
			s++;
		n += *s && strchr(sigils, *s) != NULL;
	}
	return n;
}

static int arrays_small(const cJSON *v)
{
	const cJSON *c;
	int n = 0;

	if (!v)
		return 1;
	cJSON_ArrayForEach(c, v) {
		if (cJSON_IsArray(v) && ++n > MAX_ARRAY)
			return 0;
		if (!arrays_small(c))
			return 0;
	}
	return 1;
}

/* Splits off the text after the first SEP in *rest (NULL when none). */
static char *split(char *s, char **rest)
{
	char *sep = strstr(s, SEP);

	*rest = NULL;
	if (sep) {
		*sep = '\0';
		*rest = sep + strlen(SEP);
	}
	return s;
}

static void render_shipped(const char *name, const char *json)
{
	struct sbuf out = SBUF_INIT;
	cJSON *ctx = cJSON_Parse(json);

	/* An unknown name is fine: -1 and out as it was. */
	if (tpl_render(shipped, name, ctx, &out) && out.len)
		abort();
	cJSON_Delete(ctx);
	sbuf_release(&out);
}

static void render_fuzzed(char *text)
{
	struct tpl_set *set = tpl_set_new();
	struct sbuf err = SBUF_INIT, out = SBUF_INIT;
	char *json, *partial;
	cJSON *ctx = NULL;
	int ok;

	split(text, &json);
	if (json)
		split(json, &partial);
	else
		partial = NULL;
	if (count_tags(text, "#^") + (partial ? count_tags(partial, "#^") : 0) >
		    MAX_SECTIONS ||
	    count_tags(text, ">") > MAX_PARTIALS ||
	    (partial && count_tags(partial, ">")))
		goto cleanup;
	if (json) {
		ctx = cJSON_Parse(json);
		if (!arrays_small(ctx))
			goto cleanup;
	}
	if (partial && tpl_set_add(set, "p", partial, &err))
		sbuf_reset(&err);
	ok = !tpl_set_add(set, "t", text, &err);
	/* A refused template always says why, as NAME:LINE: message. */
	if (!ok && strncmp(err.buf, "t:", 2))
		abort();
	if (ok && tpl_render(set, "t", ctx, &out) && out.len)
		abort();
cleanup:
	cJSON_Delete(ctx);
	tpl_set_free(set);
	sbuf_release(&err);
	sbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf in = SBUF_INIT;

	if (size > 64 * 1024)
		return -1;
	/* Templates and JSON are C strings here, as when loaded from files
	 * (which refuse a NUL byte). */
	sbuf_add(&in, data, size);
	if (in.buf[0] == '@') {
		char *nl = strchr(in.buf, '\n');

		if (nl) {
			*nl = '\0';
			render_shipped(in.buf + 1, nl + 1);
		}
	} else {
		render_fuzzed(in.buf);
	}
	sbuf_release(&in);
	return 0;
}
