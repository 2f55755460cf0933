/* facts: BlueZ objects into Bluetooth audio facts and engine answers (pure). */
#include "facts.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/xalloc.h"

/* ---- objects ---- */

struct probe_obj *probe_objs_add(struct probe_objs *objs, const char *path,
				 const char *iface)
{
	struct probe_obj *o;

	ALLOC_GROW(objs->v, objs->nr + 1, objs->alloc);
	o = &objs->v[objs->nr++];
	memset(o, 0, sizeof(*o));
	o->path = xstrdup(path);
	o->iface = xstrdup(iface);
	return o;
}

static void free_strv(char **v, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free(v[i]);
	free(v);
}

static char **copy_strv(const char *const *v, size_t nr)
{
	char **out = xcalloc(nr + 1, sizeof(*out));

	for (size_t i = 0; i < nr; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void prop_release(struct probe_prop *p)
{
	free(p->name);
	free(p->s);
	free_strv(p->v, p->nr_v);
}

void probe_objs_release(struct probe_objs *objs)
{
	for (size_t i = 0; i < objs->nr; i++) {
		struct probe_obj *o = &objs->v[i];

		for (size_t j = 0; j < o->nr_props; j++)
			prop_release(&o->props[j]);
		free(o->props);
		free(o->path);
		free(o->iface);
	}
	free(objs->v);
	memset(objs, 0, sizeof(*objs));
}

/* Returns a cleared property named name, replacing an earlier one. */
static struct probe_prop *prop_slot(struct probe_obj *o, const char *name,
				    enum probe_type type)
{
	struct probe_prop *p = NULL;

	for (size_t i = 0; i < o->nr_props && !p; i++)
		if (!strcmp(o->props[i].name, name)) {
			p = &o->props[i];
			prop_release(p);
		}
	if (!p) {
		ALLOC_GROW(o->props, o->nr_props + 1, o->alloc_props);
		p = &o->props[o->nr_props++];
	}
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->type = type;
	return p;
}

void probe_obj_set_str(struct probe_obj *o, const char *name, const char *s)
{
	prop_slot(o, name, PROBE_T_STR)->s = xstrdup(s);
}

void probe_obj_set_path(struct probe_obj *o, const char *name, const char *p)
{
	prop_slot(o, name, PROBE_T_PATH)->s = xstrdup(p);
}

void probe_obj_set_bool(struct probe_obj *o, const char *name, int b)
{
	prop_slot(o, name, PROBE_T_BOOL)->b = !!b;
}

void probe_obj_set_u32(struct probe_obj *o, const char *name, uint32_t u)
{
	prop_slot(o, name, PROBE_T_U32)->u = u;
}

void probe_obj_set_strv(struct probe_obj *o, const char *name,
			const char *const *v, size_t nr)
{
	struct probe_prop *p = prop_slot(o, name, PROBE_T_STRV);

	p->v = copy_strv(v, nr);
	p->nr_v = nr;
}

/* ---- UUIDs and Class of Device ---- */

#define BASE_UUID_SUFFIX "-0000-1000-8000-00805f9b34fb"

static const struct {
	const char *prefix;
	unsigned bit;
	const char *name;
} profiles[] = {
	{ "00001108", PROBE_HSP_HS, "hsp-hs" },
	{ "0000111e", PROBE_HFP_HF, "hfp-hf" },
	{ "00001112", PROBE_HSP_AG, "hsp-ag" },
	{ "0000111f", PROBE_HFP_AG, "hfp-ag" },
	{ "0000110a", PROBE_A2DP_SOURCE, "a2dp-source" },
	{ "0000110b", PROBE_A2DP_SINK, "a2dp-sink" },
	{ "0000110c", PROBE_AVRCP_TARGET, "avrcp-target" },
	{ "0000110e", PROBE_AVRCP_REMOTE, "avrcp-remote" },
};
#define NR_PROFILES (sizeof(profiles) / sizeof(*profiles))

unsigned probe_uuid_profile(const char *uuid)
{
	if (!uuid || strlen(uuid) != 8 + strlen(BASE_UUID_SUFFIX) ||
	    strcasecmp(uuid + 8, BASE_UUID_SUFFIX))
		return 0;
	for (size_t i = 0; i < NR_PROFILES; i++)
		if (!strncasecmp(uuid, profiles[i].prefix, 8))
			return profiles[i].bit;
	return 0;
}

const char *probe_profile_name(unsigned bit)
{
	for (size_t i = 0; i < NR_PROFILES; i++)
		if (profiles[i].bit == bit)
			return profiles[i].name;
	return NULL;
}

#define COD_MAJOR(c) (((c) >> 8) & 0x1f)
#define COD_MINOR(c) (((c) >> 2) & 0x3f)
#define COD_MAJOR_AV 0x04
#define COD_SERVICE_TELEPHONY 0x400000

/* Audio/video minor classes (Bluetooth Assigned Numbers, 2.8.2.4). */
static const struct {
	unsigned minor;
	const char *kind;
	int sco; /* 1 call audio, 0 playback only, -1 cannot tell */
} av_minors[] = {
	{ 0x01, "headset", 1 },
	{ 0x02, "hands-free", 1 },
	{ 0x04, "microphone", PROBE_UNKNOWN },
	{ 0x05, "loudspeaker", 0 },
	{ 0x06, "headphones", 0 },
	{ 0x07, "portable audio", 0 },
	{ 0x08, "car audio", PROBE_UNKNOWN },
	{ 0x0a, "hi-fi audio", 0 },
};
#define NR_AV_MINORS (sizeof(av_minors) / sizeof(*av_minors))

int probe_cod_audio(uint32_t cod, int *sco)
{
	if (COD_MAJOR(cod) != COD_MAJOR_AV)
		return 0;
	*sco = PROBE_UNKNOWN;
	for (size_t i = 0; i < NR_AV_MINORS; i++)
		if (av_minors[i].minor == COD_MINOR(cod))
			*sco = av_minors[i].sco;
	/* A device that says it offers telephony carries calls whatever its
	 * form. */
	if (cod & COD_SERVICE_TELEPHONY)
		*sco = 1;
	return 1;
}

const char *probe_cod_kind(uint32_t cod)
{
	if (COD_MAJOR(cod) != COD_MAJOR_AV)
		return NULL;
	for (size_t i = 0; i < NR_AV_MINORS; i++)
		if (av_minors[i].minor == COD_MINOR(cod))
			return av_minors[i].kind;
	return "audio/video";
}

const char *probe_basis_name(enum probe_basis b)
{
	return b == PROBE_BASIS_UUIDS ? "uuids" :
	       b == PROBE_BASIS_COD ? "class-of-device" : "none";
}

const char *probe_confidence_name(enum probe_basis b)
{
	return b == PROBE_BASIS_UUIDS ? "high" :
	       b == PROBE_BASIS_COD ? "low" : "none";
}

/* ---- decoding ---- */

/* The property name of type t, or NULL; one of another type is counted in
 * *skipped and otherwise ignored. */
static const struct probe_prop *get(const struct probe_obj *o, const char *name,
				    enum probe_type t, size_t *skipped)
{
	for (size_t i = 0; i < o->nr_props; i++) {
		if (strcmp(o->props[i].name, name))
			continue;
		if (o->props[i].type == t)
			return &o->props[i];
		(*skipped)++;
		return NULL;
	}
	return NULL;
}

static char *get_str(const struct probe_obj *o, const char *name, size_t *skipped)
{
	const struct probe_prop *p = get(o, name, PROBE_T_STR, skipped);

	return p && *p->s ? xstrdup(p->s) : NULL;
}

static int get_bool(const struct probe_obj *o, const char *name, size_t *skipped)
{
	const struct probe_prop *p = get(o, name, PROBE_T_BOOL, skipped);

	return p ? p->b : PROBE_UNKNOWN;
}

/* Copies UUIDs into *v and returns their profile bits. */
static unsigned get_uuids(const struct probe_obj *o, char ***v, size_t *nr,
			  size_t *skipped)
{
	const struct probe_prop *p = get(o, "UUIDs", PROBE_T_STRV, skipped);
	unsigned bits = 0;

	*v = NULL;
	*nr = 0;
	if (!p)
		return 0;
	*v = copy_strv((const char *const *)p->v, p->nr_v);
	*nr = p->nr_v;
	for (size_t i = 0; i < p->nr_v; i++)
		bits |= probe_uuid_profile(p->v[i]);
	return bits;
}

static char *get_name(const struct probe_obj *o, size_t *skipped)
{
	char *s = get_str(o, "Alias", skipped);

	return s ? s : get_str(o, "Name", skipped);
}

static void decode_adapter(struct probe_adapter *a, const struct probe_obj *o,
			   size_t *skipped)
{
	memset(a, 0, sizeof(*a));
	a->path = xstrdup(o->path);
	a->address = get_str(o, "Address", skipped);
	a->name = get_name(o, skipped);
	a->powered = get_bool(o, "Powered", skipped);
	a->profiles = get_uuids(o, &a->uuids, &a->nr_uuids, skipped);
	a->controller = -1;
}

/* Fills what the device can do, from its UUIDs, else its Class of Device. */
static void classify(struct probe_device *d)
{
	int sco;

	if (d->nr_uuids) {
		d->basis = PROBE_BASIS_UUIDS;
		d->sco_capable = !!(d->profiles & PROBE_SCO_PROFILES);
		d->a2dp_only = !d->sco_capable && (d->profiles & PROBE_A2DP_PROFILES);
		d->audio = d->sco_capable || (d->profiles & PROBE_A2DP_PROFILES);
	} else if (d->has_class && probe_cod_audio(d->class, &sco)) {
		d->basis = PROBE_BASIS_COD;
		d->audio = 1;
		d->sco_capable = sco;
		d->a2dp_only = sco == PROBE_UNKNOWN ? PROBE_UNKNOWN : !sco;
	} else {
		d->basis = PROBE_BASIS_NONE;
		d->sco_capable = d->a2dp_only = PROBE_UNKNOWN;
	}
}

/* Returns the adapter path of a device (malloc'd) or NULL. */
static char *decode_device(struct probe_device *d, const struct probe_obj *o,
			   size_t *skipped)
{
	const struct probe_prop *p;

	memset(d, 0, sizeof(*d));
	d->path = xstrdup(o->path);
	d->address = get_str(o, "Address", skipped);
	d->name = get_name(o, skipped);
	d->icon = get_str(o, "Icon", skipped);
	d->paired = get_bool(o, "Paired", skipped);
	d->connected = get_bool(o, "Connected", skipped);
	p = get(o, "Class", PROBE_T_U32, skipped);
	if (p) {
		d->has_class = 1;
		d->class = p->u;
	}
	d->profiles = get_uuids(o, &d->uuids, &d->nr_uuids, skipped);
	d->adapter = -1;
	classify(d);
	p = get(o, "Adapter", PROBE_T_PATH, skipped);
	return p ? xstrdup(p->s) : NULL;
}

static int by_adapter_path(const void *a, const void *b)
{
	return strcmp(((const struct probe_adapter *)a)->path,
		      ((const struct probe_adapter *)b)->path);
}

static int by_device_path(const void *a, const void *b)
{
	return strcmp(((const struct probe_device *)a)->path,
		      ((const struct probe_device *)b)->path);
}

/* Index of the adapter at path, or of the one whose path is a prefix of
 * the device's own (BlueZ nests devices under their adapter); or -1. */
static int find_adapter(const struct probe_facts *f, const char *path,
			const char *dev_path)
{
	for (size_t i = 0; i < f->nr_adapters && path; i++)
		if (!strcmp(f->adapters[i].path, path))
			return (int)i;
	for (size_t i = 0; i < f->nr_adapters; i++) {
		size_t n = strlen(f->adapters[i].path);

		if (!strncmp(dev_path, f->adapters[i].path, n) && dev_path[n] == '/')
			return (int)i;
	}
	return -1;
}

void probe_facts_decode(struct probe_facts *f, const struct probe_objs *objs)
{
	char *adapter_path;
	size_t nr_a = 0, nr_d = 0;

	for (size_t i = 0; i < objs->nr; i++) {
		nr_a += !strcmp(objs->v[i].iface, PROBE_ADAPTER_IFACE);
		nr_d += !strcmp(objs->v[i].iface, PROBE_DEVICE_IFACE);
	}
	f->adapters = xcalloc(nr_a, sizeof(*f->adapters));
	f->devices = xcalloc(nr_d, sizeof(*f->devices));
	for (size_t i = 0; i < objs->nr; i++) {
		const struct probe_obj *o = &objs->v[i];

		if (!strcmp(o->iface, PROBE_ADAPTER_IFACE))
			decode_adapter(&f->adapters[f->nr_adapters++], o, &f->skipped);
	}
	qsort(f->adapters, f->nr_adapters, sizeof(*f->adapters), by_adapter_path);
	for (size_t i = 0; i < objs->nr; i++) {
		const struct probe_obj *o = &objs->v[i];

		if (strcmp(o->iface, PROBE_DEVICE_IFACE))
			continue;
		/* Adapters are sorted already, so the index is final. */
		adapter_path = decode_device(&f->devices[f->nr_devices], o,
					     &f->skipped);
		f->devices[f->nr_devices].adapter =
			find_adapter(f, adapter_path, o->path);
		free(adapter_path);
		f->nr_devices++;
	}
	qsort(f->devices, f->nr_devices, sizeof(*f->devices), by_device_path);
}

void probe_facts_attach(struct probe_facts *f, struct probe_controller *ctl,
			size_t nr, const char *hci_error)
{
	f->controllers = ctl;
	f->nr_controllers = ctl ? nr : 0;
	free(f->hci_error);
	f->hci_error = hci_error ? xstrdup(hci_error) : NULL;
	for (size_t i = 0; i < f->nr_adapters; i++) {
		struct probe_adapter *a = &f->adapters[i];

		a->controller = -1;
		for (size_t j = 0; j < f->nr_controllers && a->address; j++)
			if (!strcasecmp(a->address, f->controllers[j].address))
				a->controller = (int)j;
	}
}

void probe_facts_release(struct probe_facts *f)
{
	for (size_t i = 0; i < f->nr_adapters; i++) {
		struct probe_adapter *a = &f->adapters[i];

		free(a->path);
		free(a->address);
		free(a->name);
		free_strv(a->uuids, a->nr_uuids);
	}
	free(f->adapters);
	for (size_t i = 0; i < f->nr_devices; i++) {
		struct probe_device *d = &f->devices[i];

		free(d->path);
		free(d->address);
		free(d->name);
		free(d->icon);
		free_strv(d->uuids, d->nr_uuids);
	}
	free(f->devices);
	probe_controllers_free(f->controllers, f->nr_controllers);
	free(f->hci_error);
	memset(f, 0, sizeof(*f));
}

/* ---- answers ---- */

int probe_facts_pick(const struct probe_facts *f, const char *address)
{
	if (address) {
		for (size_t i = 0; i < f->nr_devices; i++)
			if (f->devices[i].address &&
			    !strcasecmp(f->devices[i].address, address))
				return (int)i;
		return -1;
	}
	for (size_t i = 0; i < f->nr_devices; i++)
		if (f->devices[i].audio && f->devices[i].connected == 1)
			return (int)i;
	for (size_t i = 0; i < f->nr_devices; i++)
		if (f->devices[i].audio)
			return (int)i;
	return -1;
}

int probe_facts_adapter_of(const struct probe_facts *f, int d)
{
	if (d >= 0 && (size_t)d < f->nr_devices && f->devices[d].adapter >= 0)
		return f->devices[d].adapter;
	for (size_t i = 0; i < f->nr_adapters; i++)
		if (f->adapters[i].powered == 1)
			return (int)i;
	return f->nr_adapters ? 0 : -1;
}

/* Every question probe_facts_answers may answer. */
static const char *const answered[] = {
	"platform", "bluez_running", "adapter_powered", "device_connected",
	"sco_supported", "hfp_gateway", "controller_sco",
};

int probe_answers_question(const char *question)
{
	for (size_t i = 0; i < sizeof(answered) / sizeof(*answered); i++)
		if (!strcmp(question, answered[i]))
			return 1;
	return 0;
}

static void add(struct probe_answers *out, const char *q, const char *v)
{
	assert(probe_answers_question(q));
	if (out->nr < PROBE_MAX_ANSWERS) {
		out->v[out->nr].question = q;
		out->v[out->nr].value = v;
		out->nr++;
	}
}

static void add_tri(struct probe_answers *out, const char *q, int v)
{
	if (v != PROBE_UNKNOWN)
		add(out, q, v ? "yes" : "no");
}

void probe_facts_answers(const struct probe_facts *f, enum probe_bluez bluez,
			 int d, struct probe_answers *out)
{
	const struct probe_device *dev = NULL;
	const struct probe_adapter *a = NULL;
	int ai;

	out->nr = 0;
	add(out, "platform", "linux");
	if (bluez == PROBE_BLUEZ_NOT_RUNNING)
		add(out, "bluez_running", "no");
	if (bluez != PROBE_BLUEZ_OK)
		return;
	add(out, "bluez_running", "yes");
	if (d >= 0 && (size_t)d < f->nr_devices)
		dev = &f->devices[d];
	ai = probe_facts_adapter_of(f, dev ? d : -1);
	if (ai >= 0)
		a = &f->adapters[ai];
	if (a)
		add_tri(out, "adapter_powered", a->powered);
	if (dev) {
		add_tri(out, "device_connected", dev->connected);
		add_tri(out, "sco_supported", dev->sco_capable);
	}
	/* An adapter without any UUID has told nothing about its roles. */
	if (a && a->nr_uuids)
		add_tri(out, "hfp_gateway",
			!!(a->profiles & (PROBE_HFP_AG | PROBE_HSP_AG)));
	if (a && a->controller >= 0) {
		const struct probe_controller *c = &f->controllers[a->controller];

		if (c->has_features)
			add_tri(out, "controller_sco", c->lmp.sco || c->lmp.esco);
	}
}
