/* common: helpers the sub-commands share: default paths, JSON printing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "cmd.h"

const char *cmd_default_db(void)
{
	const char *env = getenv("CLEW_DB");

	return env && *env ? env : "build/kb.sqlite";
}

void cmd_print_json(cJSON *doc)
{
	char *s = cJSON_Print(doc);

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
	}
	free(s);
	cJSON_Delete(doc);
}

void cmd_error(int json, const char *code, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (json) {
		cJSON *doc = cJSON_CreateObject();
		cJSON *err = cJSON_AddObjectToObject(doc, "error");

		cJSON_AddStringToObject(err, "code", code);
		cJSON_AddStringToObject(err, "message", msg.buf);
		cmd_print_json(doc);
	} else {
		fprintf(stderr, "clew: %s\n", msg.buf);
	}
	sbuf_release(&msg);
}
