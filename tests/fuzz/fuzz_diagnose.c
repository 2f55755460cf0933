/* fuzz_diagnose: the JSON body of POST /api/v1/diagnose, through the
 * router to api_diagnose (as a client would send it, with Content-Type:
 * application/json) and through api_diagnose_doc, which pages and the
 * API share and which ranks every time (the router's path may answer from
 * the KB's memo). The KB is kb/, compiled when the harness starts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "../../server/base/sbuf.h"
#include "../../server/http/api.h"
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
	struct http_request req;
	struct sbuf err = SBUF_INIT;
	const char *code = NULL;
	cJSON *body, *doc;
	int status = 0;

	/* The daemon refuses bodies over 64 KiB before any handler runs. */
	if (size > 64 * 1024)
		return -1;
	fuzz_request_init(&req, fuzz_app(), "POST", "/api/v1/diagnose");
	req.content_type = "application/json";
	req.body = (const char *)data;
	req.body_len = size;
	fuzz_dispatch(&req);

	body = cJSON_ParseWithLength((const char *)data, size);
	if (cJSON_IsObject(body)) {
		doc = api_diagnose_doc(&req, body, NULL, &status, &code, &err);
		/* Either a document or a 4xx with a code and a message. */
		if (!doc && (status < 400 || status > 499 || !code || !err.len))
			abort();
		cJSON_Delete(doc);
	}
	cJSON_Delete(body);
	sbuf_release(&err);
	fuzz_request_release(&req);
	return 0;
}
