/* probe: runs the stages, derives the answers, builds the JSON document. */
#include "probe.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "bus.h"
#include "facts.h"
#include "hci.h"

struct probe_error {
	const char *stage; /* static: "bus", "bluez", "hci", "device" */
	char *message;
};

struct probe_result {
	enum probe_bluez bluez;
	char *bluez_error;        /* NULL when BlueZ answered */
	struct probe_facts facts;
	struct probe_error *errors;
	size_t nr_errors, alloc_errors;
	int device;               /* index in facts.devices, or -1 */
	struct probe_answers answers;
};

static void add_error(struct probe_result *r, const char *stage, const char *msg)
{
	ALLOC_GROW(r->errors, r->nr_errors + 1, r->alloc_errors);
	r->errors[r->nr_errors].stage = stage;
	r->errors[r->nr_errors].message = xstrdup(msg);
	r->nr_errors++;
}

struct probe_result *probe_result_build(const struct probe_objs *objs,
					enum probe_bluez bluez,
					const char *errmsg, const char *stage,
					struct probe_controller *ctl, size_t nr,
					const char *hci_error,
					const struct probe_opts *opts)
{
	struct probe_result *r = xcalloc(1, sizeof(*r));
	const char *want = opts ? opts->device : NULL;

	r->bluez = bluez;
	if (bluez != PROBE_BLUEZ_OK) {
		r->bluez_error = xstrdup(errmsg ? errmsg : "BlueZ could not be reached");
		add_error(r, stage ? stage : "bluez", r->bluez_error);
	} else if (objs) {
		probe_facts_decode(&r->facts, objs);
	}
	probe_facts_attach(&r->facts, ctl, nr, hci_error);
	if (hci_error)
		add_error(r, "hci", hci_error);
	r->device = probe_facts_pick(&r->facts, want);
	if (want && bluez == PROBE_BLUEZ_OK && r->device < 0) {
		struct sbuf msg = SBUF_INIT;

		sbuf_addf(&msg, "BlueZ knows no device with address %s", want);
		add_error(r, "device", msg.buf);
		sbuf_release(&msg);
	}
	probe_facts_answers(&r->facts, bluez, r->device, &r->answers);
	return r;
}

struct probe_result *probe_run(const struct probe_opts *opts)
{
	struct probe_objs objs = PROBE_OBJS_INIT;
	struct probe_controller *ctl = NULL;
	struct sbuf bus_err = SBUF_INIT, hci_err = SBUF_INIT;
	struct probe_result *r;
	const char *stage = NULL;
	enum probe_bluez st;
	size_t nr = 0;

	st = probe_bus_get_objects(&objs, opts ? opts->timeout_usec : 0,
				   &bus_err, &stage);
	/* The controller stage runs whatever BlueZ did: each fails alone. */
	if (opts && opts->no_hci)
		sbuf_adds(&hci_err, "the controller stage was not run");
	else if (probe_hci_scan(&ctl, &nr, &hci_err))
		ctl = NULL, nr = 0;
	r = probe_result_build(st == PROBE_BLUEZ_OK ? &objs : NULL, st,
			       bus_err.buf, stage, ctl, nr,
			       hci_err.len ? hci_err.buf : NULL, opts);
	probe_objs_release(&objs);
	sbuf_release(&bus_err);
	sbuf_release(&hci_err);
	return r;
}

void probe_result_free(struct probe_result *r)
{
	if (!r)
		return;
	free(r->bluez_error);
	probe_facts_release(&r->facts);
	for (size_t i = 0; i < r->nr_errors; i++)
		free(r->errors[i].message);
	free(r->errors);
	free(r);
}

int probe_bluez_available(const struct probe_result *r)
{
	return r->bluez == PROBE_BLUEZ_OK;
}

enum probe_bluez probe_bluez_status(const struct probe_result *r)
{
	return r->bluez;
}

const char *probe_bluez_errmsg(const struct probe_result *r)
{
	return r->bluez_error;
}

const char *probe_bluez_code(enum probe_bluez st)
{
	switch (st) {
	case PROBE_BLUEZ_OK: return "ok";
	case PROBE_BLUEZ_NO_BUS: return "no_bus";
	case PROBE_BLUEZ_DENIED: return "permission_denied";
	case PROBE_BLUEZ_NOT_RUNNING: return "not_running";
	case PROBE_BLUEZ_TIMEOUT: return "timeout";
	case PROBE_BLUEZ_FAILED: break;
	}
	return "failed";
}

const char *probe_device(const struct probe_result *r)
{
	return r->device >= 0 ? r->facts.devices[r->device].address : NULL;
}

const struct probe_answer *probe_answers(const struct probe_result *r, int *nr)
{
	*nr = r->answers.nr;
	return r->answers.v;
}

/* ---- JSON ---- */

static void add_str_or_null(cJSON *obj, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(obj, key, s);
	else
		cJSON_AddNullToObject(obj, key);
}

static void add_tri(cJSON *obj, const char *key, int v)
{
	if (v == PROBE_UNKNOWN)
		cJSON_AddNullToObject(obj, key);
	else
		cJSON_AddBoolToObject(obj, key, v);
}

static void add_uuids(cJSON *obj, char **uuids, size_t nr, unsigned profiles)
{
	cJSON *a = cJSON_AddArrayToObject(obj, "uuids");
	cJSON *p;

	for (size_t i = 0; i < nr; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(uuids[i]));
	p = cJSON_AddArrayToObject(obj, "profiles");
	for (unsigned bit = 1; bit && bit <= profiles; bit <<= 1)
		if (profiles & bit)
			cJSON_AddItemToArray(p, cJSON_CreateString(probe_profile_name(bit)));
}

static cJSON *controller_json(const struct probe_facts *f,
			      const struct probe_adapter *a)
{
	const struct probe_controller *c;
	const struct probe_lmp *l;
	struct sbuf sb = SBUF_INIT;
	cJSON *o = cJSON_CreateObject();

	if (a->controller < 0) {
		cJSON_AddStringToObject(o, "error", f->hci_error ? f->hci_error :
					"no HCI controller has this adapter's address");
		return o;
	}
	c = &f->controllers[a->controller];
	l = &c->lmp;
	sbuf_addf(&sb, "hci%d", c->id);
	cJSON_AddStringToObject(o, "name", sb.buf);
	cJSON_AddBoolToObject(o, "up", c->up);
	sbuf_reset(&sb);
	for (size_t i = 0; i < sizeof(c->features); i++)
		sbuf_addf(&sb, "%02x", c->features[i]);
	cJSON_AddStringToObject(o, "features", sb.buf);
	sbuf_release(&sb);
	if (!c->has_features) {
		cJSON_AddStringToObject(o, "error", "the controller has not "
					"reported its features (it was never up)");
		return o;
	}
	cJSON_AddBoolToObject(o, "sco", l->sco);
	cJSON_AddBoolToObject(o, "esco", l->esco);
	cJSON_AddBoolToObject(o, "hv2", l->hv2);
	cJSON_AddBoolToObject(o, "hv3", l->hv3);
	cJSON_AddBoolToObject(o, "ev3", l->ev3);
	cJSON_AddBoolToObject(o, "ev4", l->ev4);
	cJSON_AddBoolToObject(o, "ev5", l->ev5);
	cJSON_AddBoolToObject(o, "edr_esco_2m", l->edr_esco_2m);
	cJSON_AddBoolToObject(o, "edr_esco_3m", l->edr_esco_3m);
	cJSON_AddBoolToObject(o, "transparent_sco", l->transparent_sco);
	cJSON_AddBoolToObject(o, "wideband", l->wideband);
	cJSON_AddNumberToObject(o, "sco_mtu", c->sco_mtu);
	cJSON_AddNumberToObject(o, "sco_pkts", c->sco_pkts);
	return o;
}

static cJSON *adapter_json(const struct probe_facts *f, const struct probe_adapter *a)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "path", a->path);
	add_str_or_null(o, "address", a->address);
	add_str_or_null(o, "name", a->name);
	add_tri(o, "powered", a->powered);
	cJSON_AddBoolToObject(o, "hfp_ag", !!(a->profiles & PROBE_HFP_AG));
	cJSON_AddBoolToObject(o, "hsp_ag", !!(a->profiles & PROBE_HSP_AG));
	add_uuids(o, a->uuids, a->nr_uuids, a->profiles);
	cJSON_AddItemToObject(o, "controller", controller_json(f, a));
	return o;
}

static cJSON *device_json(const struct probe_facts *f, const struct probe_device *d)
{
	cJSON *o = cJSON_CreateObject();
	const char *kind = d->has_class ? probe_cod_kind(d->class) : NULL;

	cJSON_AddStringToObject(o, "path", d->path);
	add_str_or_null(o, "address", d->address);
	add_str_or_null(o, "name", d->name);
	add_str_or_null(o, "icon", d->icon);
	add_str_or_null(o, "adapter", d->adapter >= 0 ?
			f->adapters[d->adapter].address : NULL);
	add_tri(o, "paired", d->paired);
	add_tri(o, "connected", d->connected);
	if (d->has_class)
		cJSON_AddNumberToObject(o, "class", d->class);
	else
		cJSON_AddNullToObject(o, "class");
	add_str_or_null(o, "class_kind", kind);
	add_uuids(o, d->uuids, d->nr_uuids, d->profiles);
	cJSON_AddBoolToObject(o, "audio", d->audio);
	add_tri(o, "sco_capable", d->sco_capable);
	add_tri(o, "a2dp_only", d->a2dp_only);
	cJSON_AddStringToObject(o, "basis", probe_basis_name(d->basis));
	cJSON_AddStringToObject(o, "confidence", probe_confidence_name(d->basis));
	return o;
}

cJSON *probe_json(const struct probe_result *r)
{
	const struct probe_facts *f = &r->facts;
	cJSON *doc = cJSON_CreateObject();
	cJSON *o, *a;

	o = cJSON_AddObjectToObject(doc, "bluez");
	cJSON_AddBoolToObject(o, "available", r->bluez == PROBE_BLUEZ_OK);
	cJSON_AddStringToObject(o, "reason", probe_bluez_code(r->bluez));
	add_str_or_null(o, "error", r->bluez_error);
	a = cJSON_AddArrayToObject(doc, "adapters");
	for (size_t i = 0; i < f->nr_adapters; i++)
		cJSON_AddItemToArray(a, adapter_json(f, &f->adapters[i]));
	a = cJSON_AddArrayToObject(doc, "devices");
	for (size_t i = 0; i < f->nr_devices; i++)
		cJSON_AddItemToArray(a, device_json(f, &f->devices[i]));
	a = cJSON_AddArrayToObject(doc, "errors");
	for (size_t i = 0; i < r->nr_errors; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "stage", r->errors[i].stage);
		cJSON_AddStringToObject(o, "message", r->errors[i].message);
		cJSON_AddItemToArray(a, o);
	}
	o = cJSON_AddObjectToObject(doc, "answers");
	for (int i = 0; i < r->answers.nr; i++)
		cJSON_AddStringToObject(o, r->answers.v[i].question,
					r->answers.v[i].value);
	add_str_or_null(doc, "device", r->device >= 0 ?
			f->devices[r->device].address : NULL);
	cJSON_AddNumberToObject(doc, "skipped_properties", (double)f->skipped);
	return doc;
}
