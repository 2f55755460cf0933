/* common: helpers the sub-commands share: default paths, JSON printing,
 * writing a file whole. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/tempfile.h"
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

int cmd_write_file(const char *path, const char *data, size_t len, struct sbuf *err)
{
	struct sbuf tmp = SBUF_INIT;
	FILE *f;
	int ret = -1;

	sbuf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp.buf, "w");
	if (!f) {
		sbuf_addf(err, "cannot write %s: %s", path, strerror(errno));
		goto done;
	}
	tempfile_register(tmp.buf);
	if (fwrite(data, 1, len, f) != len || fflush(f) || fsync(fileno(f))) {
		sbuf_addf(err, "cannot write %s: %s", path, strerror(errno));
		fclose(f);
		goto cleanup;
	}
	if (fclose(f) || rename(tmp.buf, path)) {
		sbuf_addf(err, "cannot write %s: %s", path, strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (ret)
		remove(tmp.buf);
	tempfile_unregister(tmp.buf);
done:
	sbuf_release(&tmp);
	return ret;
}
