/* check_template: the template language: escaping, lookup, sections, filters,
 * partials, standalone lines, compile errors and loading a folder. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../server/base/sbuf.h"
#include "../server/http/template.h"

#define TPL_DIR "tests/data/templates"

/* Compiles text as template "t", renders it over json; returns the output
 * (malloc'd; caller frees). The compile and the render must succeed. */
static char *render(const char *text, const char *json)
{
	struct tpl_set *s = tpl_set_new();
	struct sbuf err = SBUF_INIT, out = SBUF_INIT;
	cJSON *ctx = json ? cJSON_Parse(json) : NULL;

	ck_assert_msg(!json || ctx, "bad test JSON: %s", json);
	ck_assert_msg(tpl_set_add(s, "t", text, &err) == 0, "compile: %s",
		      err.buf);
	ck_assert_int_eq(tpl_render(s, "t", ctx, &out), 0);
	cJSON_Delete(ctx);
	tpl_set_free(s);
	sbuf_release(&err);
	return sbuf_detach(&out, NULL);
}

#define ck_render(text, json, want)                                            \
	do {                                                                   \
		char *got_ = render((text), (json));                           \
		ck_assert_str_eq(got_, (want));                                \
		free(got_);                                                    \
	} while (0)

START_TEST(test_plain_text)
{
	ck_render("", NULL, "");
	ck_render("no tags at all\n", NULL, "no tags at all\n");
	ck_render("a } b { c }} d", NULL, "a } b { c }} d");
}
END_TEST

START_TEST(test_escaping)
{
	ck_render("{{s}}", "{\"s\": \"& < > \\\" '\"}",
		  "&amp; &lt; &gt; &quot; &#39;");
	ck_render("<p>{{s}}</p>", "{\"s\": \"<script>alert(1)</script>\"}",
		  "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
	ck_render("<a title=\"{{s}}\">", "{\"s\": \"\\\" onmouseover=\\\"x\"}",
		  "<a title=\"&quot; onmouseover=&quot;x\">");
	ck_render("<a title='{{s}}'>", "{\"s\": \"' onclick='x\"}",
		  "<a title='&#39; onclick=&#39;x'>");
	/* Escaping happens once: an entity in the data is shown as typed. */
	ck_render("{{s}}", "{\"s\": \"&amp;\"}", "&amp;amp;");
	ck_render("{{ s }}", "{\"s\": \"caf\\u00e9\"}", "caf\xc3\xa9");
}
END_TEST

START_TEST(test_raw_html)
{
	ck_render("<div>{{{body_html}}}</div>",
		  "{\"body_html\": \"<p>a &amp; <em>b</em></p>\"}",
		  "<div><p>a &amp; <em>b</em></p></div>");
	ck_render("{{& html}}|{{&a.summary_html}}|{{{ x.html }}}",
		  "{\"html\": \"<b>\", \"a\": {\"summary_html\": \"<i>\"},"
		  " \"x\": {\"html\": \"<u>\"}}",
		  "<b>|<i>|<u>");
	ck_render("[{{{missing_html}}}]", "{}", "[]");
}
END_TEST

START_TEST(test_scalars)
{
	ck_render("{{i}} {{neg}} {{f}} {{tenth}} {{big}} {{zero}} {{negf}}",
		  "{\"i\": 42, \"neg\": -7, \"f\": 0.25, \"tenth\": 0.1,"
		  " \"big\": 1e20, \"zero\": 0, \"negf\": -1.5}",
		  "42 -7 0.25 0.1 1e+20 0 -1.5");
	ck_render("{{t}} {{f}} [{{n}}] [{{missing}}] [{{a}}] [{{o}}]",
		  "{\"t\": true, \"f\": false, \"n\": null, \"a\": [1],"
		  " \"o\": {\"k\": 1}}",
		  "true false [] [] [] []");
	ck_render("[{{x}}]", NULL, "[]");
	ck_render("[{{.}}]", "\"top\"", "[top]");
}
END_TEST

START_TEST(test_dotted_and_stack)
{
	const char *ctx =
		"{\"name\": \"outer\", \"site\": {\"title\": \"Clew\","
		" \"owner\": {\"name\": \"K&R\"}},"
		" \"items\": [{\"name\": \"a\"}, {\"x\": 1},"
		" {\"name\": \"c\", \"site\": {}}]}";

	ck_render("{{site.title}} {{site.owner.name}} [{{site.nope.name}}]"
		  " [{{name.length}}]",
		  ctx, "Clew K&amp;R [] []");
	/* The first segment falls back outwards; the rest do not. */
	ck_render("{{#items}}[{{name}}|{{site.title}}]{{/items}}", ctx,
		  "[a|Clew][outer|Clew][c|]");
	ck_render("{{#site}}{{#owner}}{{name}}/{{title}}{{/owner}}{{/site}}",
		  ctx, "K&amp;R/Clew");
}
END_TEST

START_TEST(test_sections)
{
	const char *ctx =
		"{\"list\": [\"x\", \"<y>\"], \"empty\": [], \"obj\": {\"k\": \"v\"},"
		" \"yes\": true, \"no\": false, \"nil\": null, \"str\": \"s\","
		" \"blank\": \"\", \"one\": 1, \"zero\": 0,"
		" \"nums\": [1, 2.5], \"rows\": [[1, 2], [3]]}";

	ck_render("{{#list}}<{{.}}>{{/list}}", ctx, "<x><&lt;y&gt;>");
	ck_render("[{{#empty}}no{{/empty}}]", ctx, "[]");
	ck_render("{{#obj}}{{k}}{{/obj}}", ctx, "v");
	ck_render("{{#yes}}Y{{.}}{{/yes}}[{{#no}}N{{/no}}]", ctx, "Ytrue[]");
	ck_render("[{{#nil}}N{{/nil}}{{#missing}}M{{/missing}}]", ctx, "[]");
	ck_render("{{#str}}S{{.}}{{/str}}[{{#blank}}B{{/blank}}]", ctx, "Ss[]");
	ck_render("{{#one}}O{{.}}{{/one}}[{{#zero}}Z{{/zero}}]", ctx, "O1[]");
	ck_render("{{#nums}}({{.}}){{/nums}}", ctx, "(1)(2.5)");
	ck_render("{{#rows}}[{{#.}}{{.}}{{/.}}]{{/rows}}", ctx, "[12][3]");
	ck_render("{{# list }}.{{/ list }}", ctx, "..");
}
END_TEST

START_TEST(test_inverted)
{
	const char *ctx =
		"{\"list\": [1], \"empty\": [], \"obj\": {}, \"yes\": true,"
		" \"no\": false, \"nil\": null, \"str\": \"s\", \"blank\": \"\","
		" \"one\": 1, \"zero\": 0}";

	ck_render("{{^empty}}e{{/empty}}{{^no}}f{{/no}}{{^nil}}n{{/nil}}"
		  "{{^missing}}m{{/missing}}{{^blank}}b{{/blank}}"
		  "{{^zero}}z{{/zero}}",
		  ctx, "efnmbz");
	ck_render("[{{^list}}1{{/list}}{{^obj}}2{{/obj}}{{^yes}}3{{/yes}}"
		  "{{^str}}4{{/str}}{{^one}}5{{/one}}]",
		  ctx, "[]");
	ck_render("{{#list}}has{{/list}}{{^list}}none{{/list}}", ctx, "has");
}
END_TEST

START_TEST(test_comments)
{
	ck_render("a{{! ignore <me> {x} }}b{{!}}c", "{}", "abc");
	ck_render("a{{!\nmulti\nline\n}}b", "{}", "ab");
}
END_TEST

START_TEST(test_url_filter)
{
	ck_render("/s?q={{q|url}}", "{\"q\": \"a b&c/d?e=f#g+h\"}",
		  "/s?q=a%20b%26c%2Fd%3Fe%3Df%23g%2Bh");
	ck_render("{{q|url}}", "{\"q\": \"caf\\u00e9\"}", "caf%C3%A9");
	ck_render("{{q | url}}", "{\"q\": \"AZaz09-_.~\"}", "AZaz09-_.~");
	ck_render("{{q|url}}", "{\"q\": \"<\\\"'>\"}", "%3C%22%27%3E");
	ck_render("{{n|url}}|{{t|url}}|{{m|url}}", "{\"n\": 3.5, \"t\": true}",
		  "3.5|true|");
}
END_TEST

START_TEST(test_percent_filter)
{
	ck_render("{{p|percent}}%", "{\"p\": 0.8412}", "84%");
	ck_render("{{a|percent}} {{b|percent}} {{c|percent}} {{d|percent}}"
		  " {{e|percent}} {{f|percent}}",
		  "{\"a\": 0.845, \"b\": 0.125, \"c\": 0.005, \"d\": 1,"
		  " \"e\": 0, \"f\": 0.994}",
		  "85 13 1 100 0 99");
	ck_render("[{{s|percent}}][{{m|percent}}][{{t|percent}}]",
		  "{\"s\": \"0.5\", \"t\": true}", "[][][]");
	/* Out of range is clamped. */
	ck_render("{{hi|percent}} {{lo|percent}}", "{\"hi\": 1.7, \"lo\": -0.2}",
		  "100 0");
}
END_TEST

START_TEST(test_partials)
{
	struct tpl_set *s = tpl_set_new();
	struct sbuf err = SBUF_INIT, out = SBUF_INIT;
	cJSON *ctx = cJSON_Parse("{\"who\": \"top\", \"items\": "
				 "[{\"who\": \"a\"}, {\"n\": 1}]}");

	ck_assert_int_eq(tpl_set_add(s, "page", "<{{> item}}>"
				     "{{#items}}({{>item}}){{/items}}", &err), 0);
	ck_assert_int_eq(tpl_set_add(s, "item", "{{who}}", &err), 0);
	ck_assert_int_eq(tpl_render(s, "page", ctx, &out), 0);
	ck_assert_str_eq(out.buf, "<top>(a)(top)");
	ck_assert_ptr_nonnull(tpl_set_get(s, "item"));
	ck_assert_ptr_null(tpl_set_get(s, "nope"));

	/* A name used twice is refused and the first template kept. */
	ck_assert_int_eq(tpl_set_add(s, "item", "other", &err), -1);
	ck_assert_str_eq(err.buf, "item: template defined twice");
	sbuf_reset(&out);
	ck_assert_int_eq(tpl_render(s, "item", ctx, &out), 0);
	ck_assert_str_eq(out.buf, "top");

	/* A partial missing at render time fails the render. */
	sbuf_reset(&err);
	ck_assert_int_eq(tpl_set_add(s, "dangling", "x{{> ghost}}", &err), 0);
	sbuf_reset(&out);
	sbuf_adds(&out, "kept");
	ck_assert_int_eq(tpl_render(s, "dangling", ctx, &out), -1);
	ck_assert_str_eq(out.buf, "kept");

	cJSON_Delete(ctx);
	sbuf_release(&out);
	sbuf_release(&err);
	tpl_set_free(s);
}
END_TEST

START_TEST(test_partial_depth)
{
	struct tpl_set *s = tpl_set_new();
	struct sbuf err = SBUF_INIT, out = SBUF_INIT, name = SBUF_INIT,
		    text = SBUF_INIT;
	int i;

	/* p0 includes p1 ... includes p17: from p1, 16 levels; from p0, 17. */
	for (i = 0; i <= 17; i++) {
		sbuf_reset(&name);
		sbuf_reset(&text);
		sbuf_addf(&name, "p%d", i);
		if (i < 17)
			sbuf_addf(&text, "%d{{> p%d}}", i, i + 1);
		else
			sbuf_adds(&text, "end");
		ck_assert_int_eq(tpl_set_add(s, name.buf, text.buf, &err), 0);
	}
	ck_assert_int_eq(tpl_render(s, "p1", NULL, &out), 0);
	ck_assert_str_eq(out.buf, "12345678910111213141516end");
	sbuf_reset(&out);
	ck_assert_int_eq(tpl_render(s, "p0", NULL, &out), -1);
	ck_assert_str_eq(out.buf, "");

	/* A template including itself stops at the limit, output untouched. */
	ck_assert_int_eq(tpl_set_add(s, "self", "x{{#a}}{{> self}}{{/a}}{{> self}}",
				     &err), 0);
	sbuf_adds(&out, "before");
	ck_assert_int_eq(tpl_render(s, "self", NULL, &out), -1);
	ck_assert_str_eq(out.buf, "before");

	sbuf_release(&text);
	sbuf_release(&name);
	sbuf_release(&out);
	sbuf_release(&err);
	tpl_set_free(s);
}
END_TEST

START_TEST(test_unknown_template)
{
	struct tpl_set *s = tpl_set_new();
	struct sbuf out = SBUF_INIT;

	sbuf_adds(&out, "x");
	ck_assert_int_eq(tpl_render(s, "nope", NULL, &out), -1);
	ck_assert_str_eq(out.buf, "x");
	ck_assert_ptr_null(tpl_set_get(s, "nope"));
	sbuf_release(&out);
	tpl_set_free(s);
	tpl_set_free(NULL);
	tpl_free(NULL);
}
END_TEST

START_TEST(test_standalone_lines)
{
	const char *ctx = "{\"items\": [1, 2], \"no\": false, \"t\": true}";

	ck_render("<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n</ul>\n",
		  ctx, "<ul>\n<li>1</li>\n<li>2</li>\n</ul>\n");
	ck_render("a\n{{^no}}\nb\n{{/no}}\nc\n", ctx, "a\nb\nc\n");
	ck_render("x\n\t{{! note }}  \ny", ctx, "x\ny");
	ck_render("a\r\n{{#t}}\r\nb\r\n{{/t}}\r\n", ctx, "a\r\nb\r\n");
	ck_render("{{#t}}\nfirst\n{{/t}}", ctx, "first\n");
	/* Not alone on its line: nothing is removed. */
	ck_render("a {{#t}}b{{/t}} c\n", ctx, "a b c\n");
	ck_render("{{#t}}{{/t}}\nz", ctx, "\nz");
	ck_render(" {{#t}}x\n{{/t}}y", ctx, "x\ny");
	/* Variables never make a line standalone. */
	ck_render("{{t}}\n", ctx, "true\n");
	ck_render("[\n{{missing}}\n]", ctx, "[\n\n]");
}
END_TEST

/* Literal text goes out without its lines' indentation and without
 * blank lines; blanks inside a line, and what values hold, stay. */
START_TEST(test_indentation_dropped)
{
	const char *ctx = "{\"v\": \"  a\\n\\n  b\", \"t\": true}";

	ck_render("<p>\n    <b>x</b>  <i>y</i>\n\n\t\n  </p>\n", ctx,
		  "<p>\n<b>x</b>  <i>y</i>\n</p>\n");
	ck_render("  {{v}}\n", ctx, "  a\n\n  b\n");
	ck_render("<a>\n  {{#t}}<b>{{/t}}\n  </a>", ctx, "<a>\n<b>\n</a>");
	ck_render("a {{t}}\n  b", ctx, "a true\nb");
	ck_render("x\n\n{{#t}}\n\n  y\n{{/t}}\n\nz", ctx, "x\ny\nz");
}
END_TEST

START_TEST(test_standalone_partial)
{
	struct tpl_set *s = tpl_set_new();
	struct sbuf err = SBUF_INIT, out = SBUF_INIT;

	ck_assert_int_eq(tpl_set_add(s, "page", "<a>\n  {{> row}}\n</a>\n",
				     &err), 0);
	ck_assert_int_eq(tpl_set_add(s, "row", "<b/>\n", &err), 0);
	ck_assert_int_eq(tpl_render(s, "page", NULL, &out), 0);
	ck_assert_str_eq(out.buf, "<a>\n<b/>\n</a>\n");
	sbuf_release(&out);
	sbuf_release(&err);
	tpl_set_free(s);
}
END_TEST

/* Each bad template fails to compile with exactly this message. */
static const struct {
	const char *text;
	const char *msg;
} bad[] = {
	{ "a\n{{b", "t:2: unterminated tag: '{{' without '}}'" },
	{ "{{{b_html}}", "t:1: unterminated tag: '{{{' without '}}}'" },
	{ "x {{# a }}\n{{", "t:2: unterminated tag: '{{' without '}}'" },
	{ "{{}}", "t:1: empty name in tag" },
	{ "\n\n{{  }}", "t:3: empty name in tag" },
	{ "{{#}}{{/}}", "t:1: empty name in tag" },
	{ "{{> }}", "t:1: empty name in tag" },
	{ "{{a b}}", "t:1: bad character in name 'a b'" },
	{ "{{a/b}}", "t:1: bad character in name 'a/b'" },
	{ "{{#a<}}{{/a<}}", "t:1: bad character in name 'a<'" },
	{ "{{> x y}}", "t:1: bad character in name 'x y'" },
	{ "{{=<% %>=}}", "t:1: bad character in name '=<% %>='" },
	{ "{{a..b}}", "t:1: bad name 'a..b': empty segment" },
	{ "{{.a}}", "t:1: bad name '.a': empty segment" },
	{ "{{a.}}", "t:1: bad name 'a.': empty segment" },
	{ "{{#a}}\n{{/b}}", "t:2: {{/b}} closes {{#a}}" },
	{ "{{^a}}{{#b}}{{/a}}{{/b}}", "t:1: {{/a}} closes {{#b}}" },
	{ "{{^a}}{{/b}}", "t:1: {{/b}} closes {{^a}}" },
	{ "x\n{{/a}}", "t:2: {{/a}} without an open section" },
	{ "\n{{#a}}\nx", "t:2: {{#a}} is not closed" },
	{ "{{#a}}\n{{^b}}\n{{/b}}", "t:1: {{#a}} is not closed" },
	{ "{{{body}}}", "t:1: raw output is only for cmark-rendered HTML: "
		"name it html or *_html" },
	{ "{{& name}}", "t:1: raw output is only for cmark-rendered HTML: "
		"name it html or *_html" },
	{ "{{{html.x}}}", "t:1: raw output is only for cmark-rendered HTML: "
		"name it html or *_html" },
	{ "{{{xhtml}}}", "t:1: raw output is only for cmark-rendered HTML: "
		"name it html or *_html" },
	{ "{{{_html}}}", "t:1: raw output is only for cmark-rendered HTML: "
		"name it html or *_html" },
	{ "{{{.}}}", "t:1: raw output is only for cmark-rendered HTML: "
		"name it html or *_html" },
	{ "{{a|upper}}", "t:1: unknown filter 'upper'" },
	{ "{{a|}}", "t:1: unknown filter ''" },
	{ "{{a|url|url}}", "t:1: unknown filter 'url|url'" },
	{ "{{{a_html|url}}}", "t:1: filters do not apply to raw output" },
	{ "{{&a_html|url}}", "t:1: filters do not apply to raw output" },
	{ "{{#a|url}}{{/a|url}}", "t:1: bad character in name 'a|url'" },
};

START_TEST(test_compile_errors)
{
	struct sbuf err = SBUF_INIT;
	struct tpl *t = tpl_compile("t", bad[_i].text, &err);

	ck_assert_msg(t == NULL, "'%s' compiled", bad[_i].text);
	ck_assert_str_eq(err.buf, bad[_i].msg);
	/* A NULL err is allowed. */
	ck_assert_ptr_null(tpl_compile("t", bad[_i].text, NULL));
	sbuf_release(&err);
}
END_TEST

START_TEST(test_nesting_limit)
{
	struct sbuf text = SBUF_INIT, err = SBUF_INIT;
	struct tpl *t;
	int i;

	for (i = 0; i < 32; i++)
		sbuf_adds(&text, "{{#a}}");
	for (i = 0; i < 32; i++)
		sbuf_adds(&text, "{{/a}}");
	t = tpl_compile("deep", text.buf, &err);
	ck_assert_msg(t != NULL, "%s", err.buf);
	tpl_free(t);

	sbuf_reset(&text);
	for (i = 0; i < 33; i++)
		sbuf_adds(&text, "{{#a}}\n");
	t = tpl_compile("deep", text.buf, &err);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(err.buf, "deep:33: sections nested deeper than 32");
	sbuf_release(&err);
	sbuf_release(&text);
}
END_TEST

START_TEST(test_load_dir)
{
	struct tpl_set *s = tpl_set_new();
	struct sbuf err = SBUF_INIT, out = SBUF_INIT;
	cJSON *ctx = cJSON_Parse(
		"{\"title\": \"Audio & calls\", \"body_html\": \"<p>Hi</p>\","
		" \"crumbs\": [{\"slug\": \"a b\", \"title\": \"A<B\"},"
		" {\"slug\": \"x/y\", \"title\": \"Q\"}]}");

	ck_assert_msg(tpl_set_load_dir(s, TPL_DIR, &err) == 0, "%s", err.buf);
	ck_assert_ptr_nonnull(tpl_set_get(s, "layout"));
	ck_assert_ptr_nonnull(tpl_set_get(s, "nav"));
	/* Not recursive. */
	ck_assert_ptr_null(tpl_set_get(s, "page"));
	ck_assert_int_eq(tpl_render(s, "layout", ctx, &out), 0);
	ck_assert_str_eq(out.buf,
			 "<!doctype html>\n"
			 "<html>\n"
			 "<head><title>Audio &amp; calls \xc2\xb7 Clew</title></head>\n"
			 "<body>\n"
			 "<nav>\n"
			 "<a href=\"/a/a%20b\">A&lt;B</a>\n"
			 "<a href=\"/a/x%2Fy\">Q</a>\n"
			 "</nav>\n"
			 "<main>\n"
			 "<p>Hi</p>\n"
			 "</main>\n"
			 "</body>\n"
			 "</html>\n");

	sbuf_reset(&out);
	cJSON_DeleteItemFromObject(ctx, "crumbs");
	ck_assert_int_eq(tpl_render(s, "nav", ctx, &out), 0);
	ck_assert_str_eq(out.buf, "<nav>\n<a href=\"/\">Home</a>\n</nav>\n");

	/* Loading the same names again is refused; the set is unchanged. */
	ck_assert_int_eq(tpl_set_load_dir(s, TPL_DIR, &err), -1);
	ck_assert_str_eq(err.buf, TPL_DIR "/layout.html: template 'layout' "
			 "defined twice");
	ck_assert_ptr_nonnull(tpl_set_get(s, "layout"));

	cJSON_Delete(ctx);
	sbuf_release(&out);
	sbuf_release(&err);
	tpl_set_free(s);
}
END_TEST

START_TEST(test_load_dir_errors)
{
	struct tpl_set *s = tpl_set_new();
	struct sbuf err = SBUF_INIT;

	ck_assert_int_eq(tpl_set_load_dir(s, TPL_DIR "/missing-partial", &err),
			 -1);
	ck_assert_str_eq(err.buf, TPL_DIR "/missing-partial/page.html:3: "
			 "partial 'sidebar' not found");
	ck_assert_ptr_null(tpl_set_get(s, "page"));

	sbuf_reset(&err);
	ck_assert_int_eq(tpl_set_load_dir(s, TPL_DIR "/bad-syntax", &err), -1);
	ck_assert_str_eq(err.buf, TPL_DIR "/bad-syntax/page.html:2: "
			 "{{/b}} closes {{#a}}");
	ck_assert_ptr_null(tpl_set_get(s, "page"));

	sbuf_reset(&err);
	ck_assert_int_eq(tpl_set_load_dir(s, TPL_DIR "/no-such-dir", &err), -1);
	ck_assert_str_eq(err.buf, TPL_DIR "/no-such-dir: No such file or "
			 "directory");

	/* Once the partial is in the set, the folder loads. */
	sbuf_reset(&err);
	ck_assert_int_eq(tpl_set_add(s, "sidebar", "[side]", &err), 0);
	ck_assert_msg(tpl_set_load_dir(s, TPL_DIR "/missing-partial", &err) == 0,
		      "%s", err.buf);
	ck_assert_ptr_nonnull(tpl_set_get(s, "page"));

	sbuf_release(&err);
	tpl_set_free(s);
}
END_TEST

struct render_job {
	const struct tpl_set *set;
	const cJSON *ctx;
	int failures;
};

static void *render_many(void *arg)
{
	struct render_job *job = arg;
	struct sbuf out = SBUF_INIT;
	int i;

	for (i = 0; i < 500; i++) {
		sbuf_reset(&out);
		if (tpl_render(job->set, "page", job->ctx, &out) < 0 ||
		    strcmp(out.buf, "<a&amp;b>(1)(2)(3)"))
			job->failures++;
	}
	sbuf_release(&out);
	return NULL;
}

/* Several threads render from one set at once (the server's use). */
START_TEST(test_concurrent_render)
{
	struct tpl_set *s = tpl_set_new();
	struct sbuf err = SBUF_INIT;
	cJSON *ctx = cJSON_Parse("{\"t\": \"a&b\", \"n\": [1, 2, 3]}");
	struct render_job jobs[4];
	pthread_t th[4];
	int i;

	ck_assert_int_eq(tpl_set_add(s, "page", "<{{t}}>{{#n}}{{> item}}{{/n}}",
				     &err), 0);
	ck_assert_int_eq(tpl_set_add(s, "item", "({{.}})", &err), 0);
	for (i = 0; i < 4; i++) {
		jobs[i].set = s;
		jobs[i].ctx = ctx;
		jobs[i].failures = 0;
		ck_assert_int_eq(pthread_create(&th[i], NULL, render_many,
						&jobs[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(jobs[i].failures, 0);
	}
	cJSON_Delete(ctx);
	sbuf_release(&err);
	tpl_set_free(s);
}
END_TEST

Suite *template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_plain_text);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_raw_html);
	tcase_add_test(tc, test_scalars);
	tcase_add_test(tc, test_dotted_and_stack);
	tcase_add_test(tc, test_sections);
	tcase_add_test(tc, test_inverted);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_url_filter);
	tcase_add_test(tc, test_percent_filter);
	tcase_add_test(tc, test_partials);
	tcase_add_test(tc, test_partial_depth);
	tcase_add_test(tc, test_unknown_template);
	tcase_add_test(tc, test_standalone_lines);
	tcase_add_test(tc, test_indentation_dropped);
	tcase_add_test(tc, test_standalone_partial);
	tcase_add_loop_test(tc, test_compile_errors, 0, sizeof(bad) / sizeof(*bad));
	tcase_add_test(tc, test_nesting_limit);
	tcase_add_test(tc, test_load_dir);
	tcase_add_test(tc, test_load_dir_errors);
	tcase_add_test(tc, test_concurrent_render);
	suite_add_tcase(s, tc);
	return s;
}
