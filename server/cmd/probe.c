/* probe: `clew probe [--json | --answers] [--device ADDRESS]`: this
 * computer's Bluetooth audio facts from BlueZ, and the answers they give. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "../probe/probe.h"
#include "cmd.h"

/* BlueZ could not be reached. */
#define EXIT_NO_BLUEZ 3

static const char usage[] =
	"usage: clew probe [--json | --answers] [--device ADDRESS]\n"
	"\n"
	"Reads this computer's Bluetooth audio facts from BlueZ over the system\n"
	"bus (adapters, paired devices and their profiles) and the controllers'\n"
	"voice-link features from the kernel, and derives the answers that\n"
	"linux-bluetooth-headset-audio asks for, so that\n"
	"\n"
	"  clew diagnose problem=linux-bluetooth-headset-audio $(clew probe --answers)\n"
	"\n"
	"ranks the causes without asking. The answers are about one device: the\n"
	"one given with --device, else the connected audio device, else the\n"
	"first audio device. Linux only; needs no privilege; changes nothing and\n"
	"never starts bluetoothd. See docs/probe.md.\n"
	"\n"
	"      --json            print the facts as JSON (the document\n"
	"                        GET /api/v1/probe/bluetooth serves)\n"
	"      --answers         print only the answers, as QUESTION=VALUE words\n"
	"      --device ADDRESS  derive the answers for this device\n"
	"  -h, --help            show this help\n"
	"\n"
	"DBUS_SYSTEM_BUS_ADDRESS, when set, names the system bus to use.\n"
	"\n"
	"Exit status: 0 BlueZ answered, 2 bad usage, 3 BlueZ could not be\n"
	"reached (no system bus, BlueZ not running, permission denied, or no\n"
	"answer within 2 s; stderr says which). With 3, --json and --answers\n"
	"still print what is known (--answers: platform=linux, and\n"
	"bluez_running=no when BlueZ is not running).\n";

/* A table of text cells, printed with aligned columns. */
struct table {
	char **cells;
	size_t nr, alloc;
	int cols;
};

static void table_add(struct table *t, const char *s)
{
	ALLOC_GROW(t->cells, t->nr + 1, t->alloc);
	t->cells[t->nr++] = xstrdup(s ? s : "-");
}

static void table_print(struct table *t, const char *indent)
{
	size_t *w = xcalloc((size_t)t->cols, sizeof(*w));

	for (size_t i = 0; i < t->nr; i++) {
		size_t n = strlen(t->cells[i]);

		if (n > w[i % t->cols])
			w[i % t->cols] = n;
	}
	for (size_t i = 0; i < t->nr; i++) {
		int c = (int)(i % t->cols);

		if (c == 0)
			fputs(indent, stdout);
		if (c == t->cols - 1)
			printf("%s\n", t->cells[i]);
		else
			printf("%-*s  ", (int)w[c], t->cells[i]);
	}
	for (size_t i = 0; i < t->nr; i++)
		free(t->cells[i]);
	free(t->cells);
	free(w);
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *yes_no(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? "yes" : "no") : "?";
}

static void list_strings(struct sbuf *sb, const cJSON *arr)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, arr)
		sbuf_addf(sb, "%s%s", sb->len ? "," : "", v->valuestring);
}

static void controller_cell(struct sbuf *sb, const cJSON *c)
{
	static const char *const feats[] = { "sco", "esco", "wideband" };

	if (str(c, "error")) {
		sbuf_adds(sb, "unknown");
		return;
	}
	sbuf_addf(sb, "%s:", str(c, "name"));
	for (size_t i = 0; i < sizeof(feats) / sizeof(*feats); i++)
		sbuf_addf(sb, " %s=%s", feats[i], yes_no(c, feats[i]));
}

static void print_text(const cJSON *doc)
{
	const cJSON *bluez = cJSON_GetObjectItem(doc, "bluez"), *o, *e;
	const char *chosen = str(doc, "device");
	struct table t = { NULL, 0, 0, 6 };
	struct sbuf sb = SBUF_INIT;

	if (cJSON_IsTrue(cJSON_GetObjectItem(bluez, "available")))
		printf("BlueZ: running\n");
	else
		printf("BlueZ: unavailable: %s\n", str(bluez, "error"));

	if (cJSON_GetArraySize(cJSON_GetObjectItem(doc, "adapters"))) {
		printf("\nAdapters:\n");
		table_add(&t, "ADDRESS"); table_add(&t, "NAME");
		table_add(&t, "POWERED"); table_add(&t, "HFP-AG");
		table_add(&t, "HSP-AG"); table_add(&t, "CONTROLLER");
		cJSON_ArrayForEach(o, cJSON_GetObjectItem(doc, "adapters")) {
			table_add(&t, str(o, "address"));
			table_add(&t, str(o, "name"));
			table_add(&t, yes_no(o, "powered"));
			table_add(&t, yes_no(o, "hfp_ag"));
			table_add(&t, yes_no(o, "hsp_ag"));
			sbuf_reset(&sb);
			controller_cell(&sb, cJSON_GetObjectItem(o, "controller"));
			table_add(&t, sb.buf);
		}
		table_print(&t, "  ");
	}

	if (cJSON_GetArraySize(cJSON_GetObjectItem(doc, "devices"))) {
		printf("\nDevices (* the one the answers are about):\n");
		t = (struct table){ NULL, 0, 0, 9 };
		table_add(&t, " ADDRESS"); table_add(&t, "NAME");
		table_add(&t, "PAIRED"); table_add(&t, "CONNECTED");
		table_add(&t, "CALLS"); table_add(&t, "A2DP-ONLY");
		table_add(&t, "BASIS"); table_add(&t, "CONFIDENCE");
		table_add(&t, "PROFILES");
		cJSON_ArrayForEach(o, cJSON_GetObjectItem(doc, "devices")) {
			const char *addr = str(o, "address");

			sbuf_reset(&sb);
			sbuf_addf(&sb, "%s%s", chosen && addr && !strcmp(chosen, addr) ?
				  "*" : " ", addr ? addr : "-");
			table_add(&t, sb.buf);
			table_add(&t, str(o, "name"));
			table_add(&t, yes_no(o, "paired"));
			table_add(&t, yes_no(o, "connected"));
			table_add(&t, yes_no(o, "sco_capable"));
			table_add(&t, yes_no(o, "a2dp_only"));
			table_add(&t, str(o, "basis"));
			table_add(&t, str(o, "confidence"));
			sbuf_reset(&sb);
			list_strings(&sb, cJSON_GetObjectItem(o, "profiles"));
			if (!sb.len && str(o, "class_kind"))
				sbuf_addf(&sb, "(class: %s)", str(o, "class_kind"));
			table_add(&t, sb.len ? sb.buf : "-");
		}
		table_print(&t, "  ");
	}

	if (cJSON_GetArraySize(cJSON_GetObjectItem(doc, "errors"))) {
		printf("\nErrors:\n");
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "errors"))
			printf("  %s: %s\n", str(e, "stage"), str(e, "message"));
	}

	printf("\nAnswers%s%s:\n  ", chosen ? " for " : "", chosen ? chosen : "");
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "answers"))
		printf("%s=%s%s", e->string, e->valuestring, e->next ? " " : "\n");
	sbuf_release(&sb);
}

int cmd_probe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "answers", no_argument, NULL, 'A' },
		{ "device", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_opts opts = { NULL, 0, 0 };
	struct probe_result *r;
	const struct probe_answer *ans;
	int c, json = 0, answers = 0, nr, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'J': json = 1; break;
		case 'A': answers = 1; break;
		case 'D': opts.device = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind < argc || (json && answers)) {
		fputs(usage, stderr);
		return 2;
	}
	r = probe_run(&opts);
	if (answers) {
		ans = probe_answers(r, &nr);
		for (int i = 0; i < nr; i++)
			printf("%s=%s%s", ans[i].question, ans[i].value,
			       i + 1 < nr ? " " : "\n");
	} else if (json) {
		cmd_print_json(probe_json(r));
	} else {
		cJSON *doc = probe_json(r);

		print_text(doc);
		cJSON_Delete(doc);
	}
	ret = 0;
	if (!probe_bluez_available(r)) {
		fprintf(stderr, "clew: %s\n", probe_bluez_errmsg(r));
		ret = EXIT_NO_BLUEZ;
	} else if (opts.device && !probe_device(r)) {
		fprintf(stderr, "clew: BlueZ knows no device with address %s; "
			"the answers say nothing about a device\n", opts.device);
	}
	probe_result_free(r);
	return ret;
}
