/* runner: runs every Check suite of Clew. */
#include <check.h>
#include <stdlib.h>

Suite *sbuf_suite(void);
Suite *arena_suite(void);
Suite *text_suite(void);
Suite *annot_suite(void);
Suite *frontmatter_suite(void);
Suite *headings_suite(void);
Suite *article_suite(void);
Suite *compile_suite(void);
Suite *store_suite(void);
Suite *rankidx_suite(void);
Suite *cli_suite(void);
Suite *engine_suite(void);
Suite *repair_suite(void);
Suite *http_suite(void);
Suite *template_suite(void);
Suite *probe_suite(void);
Suite *router_suite(void);
Suite *memo_suite(void);
Suite *compress_suite(void);
Suite *pagecache_suite(void);
Suite *httpdate_suite(void);
Suite *deadline_suite(void);
Suite *tempfile_suite(void);
Suite *events_suite(void);
Suite *learn_suite(void);
Suite *rawhtml_suite(void);
Suite *lang_suite(void);
Suite *anchors_suite(void);

int main(void)
{
	SRunner *sr = srunner_create(sbuf_suite());
	int failed;

	srunner_add_suite(sr, arena_suite());
	srunner_add_suite(sr, text_suite());
	srunner_add_suite(sr, annot_suite());
	srunner_add_suite(sr, frontmatter_suite());
	srunner_add_suite(sr, headings_suite());
	srunner_add_suite(sr, article_suite());
	srunner_add_suite(sr, rawhtml_suite());
	srunner_add_suite(sr, lang_suite());
	srunner_add_suite(sr, compile_suite());
	srunner_add_suite(sr, store_suite());
	srunner_add_suite(sr, rankidx_suite());
	srunner_add_suite(sr, engine_suite());
	srunner_add_suite(sr, repair_suite());
	srunner_add_suite(sr, template_suite());
	srunner_add_suite(sr, anchors_suite());
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, probe_suite());
	srunner_add_suite(sr, router_suite());
	srunner_add_suite(sr, memo_suite());
	srunner_add_suite(sr, compress_suite());
	srunner_add_suite(sr, pagecache_suite());
	srunner_add_suite(sr, httpdate_suite());
	srunner_add_suite(sr, http_suite());
	srunner_add_suite(sr, deadline_suite());
	srunner_add_suite(sr, tempfile_suite());
	srunner_add_suite(sr, events_suite());
	srunner_add_suite(sr, learn_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
