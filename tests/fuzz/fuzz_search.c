/* fuzz_search: a search query and platform filter, straight to
 * store_search (the ranking index, the FTS5 fallbacks, the snippets). The
 * input is the query, then optionally a NUL and the platform. The KB is
 * kb/, compiled when the harness starts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../server/http/kbstate.h"
#include "../../server/store/store.h"
#include "fuzzutil.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_app();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kbstate *kb = app_kb(fuzz_app());
	struct store *st = kbstate_store_take(kb);
	char *text = malloc(size + 1);
	const char *platform = NULL;
	struct store_search_opts o = { text, NULL, 0, NULL };
	cJSON *doc = NULL;
	enum store_search_result r;

	memcpy(text, data, size);
	text[size] = '\0';
	if (strlen(text) + 1 < size)
		platform = text + strlen(text) + 1;
	o.platform = platform;
	o.limit = size ? (int)(data[0] % 101) : 0;
	r = store_search(st, &o, &doc);
	/* A document, or a bad query with a message; never a database
	 * error on a sound KB. */
	if ((r == STORE_SEARCH_OK) != (doc != NULL) || r == STORE_SEARCH_ERROR)
		abort();
	if (doc && !cJSON_IsArray(cJSON_GetObjectItem(doc, "hits")))
		abort();
	cJSON_Delete(doc);
	free(text);
	kbstate_store_give(kb, st);
	kbstate_release(kb);
	return 0;
}
