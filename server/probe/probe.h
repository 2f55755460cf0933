/* probe: the BlueZ live probe: reads a Linux host's Bluetooth audio facts
 * (adapters, audio devices and their profiles, controller features) and
 * derives the engine's answers from them. See docs/probe.md. */
#ifndef CLEW_PROBE_H
#define CLEW_PROBE_H

#include <stdint.h>

struct cJSON;
struct probe_result;

/* How the BlueZ stage ended. Everything but OK means BlueZ could not be
 * reached; the other stages' facts are still in the result. */
enum probe_bluez {
	PROBE_BLUEZ_OK = 0,
	PROBE_BLUEZ_NO_BUS,      /* no system bus to connect to */
	PROBE_BLUEZ_DENIED,      /* the bus or its policy refused us */
	PROBE_BLUEZ_NOT_RUNNING, /* nobody owns org.bluez */
	PROBE_BLUEZ_TIMEOUT,     /* no answer within the timeout */
	PROBE_BLUEZ_FAILED,      /* any other error, or a malformed reply */
};

struct probe_opts {
	const char *device;    /* the device the answers are about (address,
				* any case), or NULL: the connected audio
				* device, else the first audio device */
	uint64_t timeout_usec; /* for the D-Bus call; 0: 2 s */
	int no_hci;            /* 1: skip the controller (HCI) stage */
};

/* One derived answer; both strings are static. */
struct probe_answer {
	const char *question;
	const char *value;
};

/* Runs the stages (system bus + BlueZ, then HCI) and derives the answers.
 * Never fails as a whole: a stage that fails leaves its error in the
 * result. Blocks at most about opts->timeout_usec. Thread-safe (each call
 * opens its own bus connection). opts may be NULL. Returns a result to
 * free with probe_result_free. */
struct probe_result *probe_run(const struct probe_opts *opts);

/* NULL is a no-op. */
void probe_result_free(struct probe_result *r);

/* 1 when BlueZ answered, else 0 (the HTTP API's 503, the CLI's exit 3). */
int probe_bluez_available(const struct probe_result *r);
enum probe_bluez probe_bluez_status(const struct probe_result *r);
/* Why BlueZ could not be reached, one sentence for people; NULL when it
 * answered. Borrowed; valid until probe_result_free. */
const char *probe_bluez_errmsg(const struct probe_result *r);
/* A short stable code for the status: "ok", "no_bus", "permission_denied",
 * "not_running", "timeout", "failed". Static. */
const char *probe_bluez_code(enum probe_bluez st);

/* The address of the device the answers are about, or NULL (none, or
 * opts->device names no device BlueZ knows). Borrowed; valid until
 * probe_result_free. */
const char *probe_device(const struct probe_result *r);

/* The derived answers, layer by layer (platform, bluez_running,
 * adapter_powered, device_connected, sco_supported, hfp_gateway,
 * controller_sco; unknown ones left out); *nr is set to their count. Borrowed; valid until probe_result_free. */
const struct probe_answer *probe_answers(const struct probe_result *r, int *nr);

/* 1 when a probe may answer question (an id of kb/questions.md:
 * "platform", "bluez_running", "adapter_powered", "device_connected",
 * "sco_supported", "hfp_gateway", "controller_sco"), else 0. */
int probe_answers_question(const char *question);

/* Builds the document (docs/probe.md): {"bluez": {"available", "reason",
 * "error"}, "adapters": [...], "devices": [...], "errors": [{"stage",
 * "message"}], "answers": {question: value}, "device": address|null}.
 * Caller frees with cJSON_Delete. */
struct cJSON *probe_json(const struct probe_result *r);

#endif
