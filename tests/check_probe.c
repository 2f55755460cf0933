/* check_probe: the BlueZ probe: its pure decoders on byte arrays and
 * property sets, then the whole probe and `clew probe` against a private
 * D-Bus with python3-dbusmock's bluez5 template (tests/probe/bus.conf). */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <systemd/sd-bus.h>

#include "../server/base/sbuf.h"
#include "../server/base/xalloc.h"
#include "../server/engine/engine.h"
#include "../server/engine/report.h"
#include "../server/probe/facts.h"
#include "../server/probe/hci.h"
#include "../server/probe/probe.h"
#include "../server/store/store.h"
#include "testutil.h"

#define UUID(prefix) prefix "-0000-1000-8000-00805f9b34fb"
#define HSP_HS UUID("00001108")
#define HFP_HF UUID("0000111e")
#define HSP_AG UUID("00001112")
#define HFP_AG UUID("0000111f")
#define A2DP_SINK UUID("0000110b")
#define AVRCP_TARGET UUID("0000110c")
#define PNP UUID("00001200")

#define COD_HEADSET 0x240404
#define COD_SPEAKER 0x240414

#define PROBLEM "problem=linux-bluetooth-headset-audio"

/* ---- helpers on results ---- */

/* The value of answer q, or NULL. */
static const char *answer(const struct probe_result *r, const char *q)
{
	const struct probe_answer *a;
	int nr;

	a = probe_answers(r, &nr);
	for (int i = 0; i < nr; i++)
		if (!strcmp(a[i].question, q))
			return a[i].value;
	return NULL;
}

/* The answers as "q=v q=v" (malloc'd; caller frees). */
static char *answer_words(const struct probe_result *r)
{
	struct sbuf sb = SBUF_INIT;
	const struct probe_answer *a;
	int nr;

	a = probe_answers(r, &nr);
	for (int i = 0; i < nr; i++)
		sbuf_addf(&sb, "%s%s=%s", i ? " " : "", a[i].question, a[i].value);
	return sbuf_detach(&sb, NULL);
}

static const cJSON *find_device(const cJSON *doc, const char *address)
{
	const cJSON *d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItem(doc, "devices"))
		if (!strcmp(cJSON_GetObjectItem(d, "address")->valuestring, address))
			return d;
	return NULL;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- LMP features ---- */

START_TEST(test_lmp_decode)
{
	/* A typical dual-mode controller (hciconfig -a: 0xff 0xfe 0x8f 0xfe
	 * 0xd8 0x3f 0x5b 0x87). */
	static const uint8_t typical[8] = { 0xff, 0xfe, 0x8f, 0xfe, 0xd8, 0x3f, 0x5b, 0x87 };
	static const uint8_t none[8] = { 0 };
	/* SCO only, as on controllers without eSCO: no wideband. */
	static const uint8_t sco_only[8] = { 0, 0x08 | 0x20, 0x08, 0, 0, 0, 0, 0 };
	struct probe_lmp l;

	probe_lmp_decode(typical, &l);
	ck_assert(l.sco && l.hv2 && l.hv3 && l.transparent_sco);
	ck_assert(l.esco && l.ev3 && !l.ev4 && !l.ev5);
	ck_assert(l.edr_esco_2m && !l.edr_esco_3m);
	ck_assert(l.wideband);

	probe_lmp_decode(none, &l);
	ck_assert(!l.sco && !l.esco && !l.hv3 && !l.transparent_sco && !l.wideband);

	probe_lmp_decode(sco_only, &l);
	ck_assert(l.sco && l.hv3 && !l.hv2 && l.transparent_sco);
	ck_assert(!l.esco && !l.wideband);
}
END_TEST

/* Every one of the 64 bits alone sets exactly the flag it names, if any. */
static const struct {
	int byte;
	uint8_t mask;
	size_t field; /* offset in struct probe_lmp */
} lmp_bits[] = {
	{ 1, 0x08, offsetof(struct probe_lmp, sco) },
	{ 1, 0x10, offsetof(struct probe_lmp, hv2) },
	{ 1, 0x20, offsetof(struct probe_lmp, hv3) },
	{ 2, 0x08, offsetof(struct probe_lmp, transparent_sco) },
	{ 3, 0x80, offsetof(struct probe_lmp, esco) },
	{ 4, 0x01, offsetof(struct probe_lmp, ev4) },
	{ 4, 0x02, offsetof(struct probe_lmp, ev5) },
	{ 5, 0x20, offsetof(struct probe_lmp, edr_esco_2m) },
	{ 5, 0x40, offsetof(struct probe_lmp, edr_esco_3m) },
};

START_TEST(test_lmp_single_bits)
{
	for (int bit = 0; bit < 64; bit++) {
		uint8_t f[8] = { 0 };
		struct probe_lmp l;
		const int *flags = (const int *)&l;
		size_t nflags = sizeof(l) / sizeof(int), set = 0, want = 0;
		int expect = -1;

		f[bit / 8] = (uint8_t)(1u << (bit % 8));
		probe_lmp_decode(f, &l);
		for (size_t i = 0; i < sizeof(lmp_bits) / sizeof(*lmp_bits); i++)
			if (lmp_bits[i].byte == bit / 8 && lmp_bits[i].mask == f[bit / 8])
				expect = (int)(lmp_bits[i].field / sizeof(int));
		for (size_t i = 0; i < nflags; i++)
			set += flags[i] != 0;
		if (expect >= 0) {
			ck_assert_msg(flags[expect], "bit %d", bit);
			/* eSCO is also EV3 */
			want = expect == (int)(offsetof(struct probe_lmp, esco) / sizeof(int)) ? 2 : 1;
		}
		ck_assert_msg(set == want, "bit %d set %zu flags", bit, set);
	}
}
END_TEST

/* ---- UUIDs and Class of Device ---- */

START_TEST(test_uuid_profiles)
{
	ck_assert_uint_eq(probe_uuid_profile(HFP_HF), PROBE_HFP_HF);
	ck_assert_uint_eq(probe_uuid_profile("0000111E-0000-1000-8000-00805F9B34FB"),
			  PROBE_HFP_HF);
	ck_assert_uint_eq(probe_uuid_profile(HSP_HS), PROBE_HSP_HS);
	ck_assert_uint_eq(probe_uuid_profile(HSP_AG), PROBE_HSP_AG);
	ck_assert_uint_eq(probe_uuid_profile(HFP_AG), PROBE_HFP_AG);
	ck_assert_uint_eq(probe_uuid_profile(A2DP_SINK), PROBE_A2DP_SINK);
	ck_assert_uint_eq(probe_uuid_profile(UUID("0000110a")), PROBE_A2DP_SOURCE);
	ck_assert_uint_eq(probe_uuid_profile(AVRCP_TARGET), PROBE_AVRCP_TARGET);
	ck_assert_uint_eq(probe_uuid_profile(UUID("0000110e")), PROBE_AVRCP_REMOTE);
	ck_assert_uint_eq(probe_uuid_profile(PNP), 0);
	ck_assert_uint_eq(probe_uuid_profile(NULL), 0);
	ck_assert_uint_eq(probe_uuid_profile(""), 0);
	ck_assert_uint_eq(probe_uuid_profile("0000111e"), 0);
	ck_assert_uint_eq(probe_uuid_profile("0000111e-0000-1000-8000-00805f9b34fc"), 0);
	ck_assert_uint_eq(probe_uuid_profile("0000111e-0000-1000-8000-00805f9b34fb0"), 0);
	ck_assert_str_eq(probe_profile_name(PROBE_HFP_HF), "hfp-hf");
	ck_assert_str_eq(probe_profile_name(PROBE_HSP_HS), "hsp-hs");
	ck_assert_str_eq(probe_profile_name(PROBE_A2DP_SINK), "a2dp-sink");
	ck_assert_ptr_null(probe_profile_name(PROBE_HFP_HF | PROBE_HSP_HS));
}
END_TEST

START_TEST(test_class_of_device)
{
	int sco = 42;

	ck_assert(probe_cod_audio(COD_HEADSET, &sco));
	ck_assert_int_eq(sco, 1);
	ck_assert_str_eq(probe_cod_kind(COD_HEADSET), "headset");
	ck_assert(probe_cod_audio(COD_SPEAKER, &sco));
	ck_assert_int_eq(sco, 0);
	ck_assert_str_eq(probe_cod_kind(COD_SPEAKER), "loudspeaker");
	ck_assert(probe_cod_audio(0x200408, &sco)); /* hands-free (car kit) */
	ck_assert_int_eq(sco, 1);
	/* a loudspeaker that offers telephony is a speakerphone */
	ck_assert(probe_cod_audio(COD_SPEAKER | 0x400000, &sco));
	ck_assert_int_eq(sco, 1);
	ck_assert(probe_cod_audio(0x240420, &sco)); /* car audio: cannot tell */
	ck_assert_int_eq(sco, PROBE_UNKNOWN);
	ck_assert(!probe_cod_audio(0x5a020c, &sco)); /* a smartphone */
	ck_assert(!probe_cod_audio(268, &sco));      /* a laptop */
	ck_assert(!probe_cod_audio(0, &sco));
	ck_assert_ptr_null(probe_cod_kind(0x5a020c));
}
END_TEST

/* ---- facts from property sets ---- */

static struct probe_obj *adapter(struct probe_objs *objs, const char *name,
				 const char *address, int powered,
				 const char *const *uuids, size_t nr)
{
	struct sbuf path = SBUF_INIT;
	struct probe_obj *o;

	sbuf_addf(&path, "/org/bluez/%s", name);
	o = probe_objs_add(objs, path.buf, PROBE_ADAPTER_IFACE);
	probe_obj_set_str(o, "Address", address);
	probe_obj_set_str(o, "Name", name);
	probe_obj_set_bool(o, "Powered", powered);
	probe_obj_set_strv(o, "UUIDs", uuids, nr);
	sbuf_release(&path);
	return o;
}

static struct probe_obj *device(struct probe_objs *objs, const char *address,
				const char *alias, int connected,
				const char *const *uuids, size_t nr)
{
	struct sbuf path = SBUF_INIT;
	struct probe_obj *o;

	sbuf_adds(&path, "/org/bluez/hci0/dev_");
	for (const char *p = address; *p; p++)
		sbuf_addch(&path, *p == ':' ? '_' : *p);
	o = probe_objs_add(objs, path.buf, PROBE_DEVICE_IFACE);
	probe_obj_set_str(o, "Address", address);
	probe_obj_set_str(o, "Alias", alias);
	probe_obj_set_bool(o, "Paired", 1);
	probe_obj_set_bool(o, "Connected", connected);
	probe_obj_set_path(o, "Adapter", "/org/bluez/hci0");
	probe_obj_set_u32(o, "Class", 0);
	probe_obj_set_strv(o, "UUIDs", uuids, nr);
	sbuf_release(&path);
	return o;
}

#define NR(a) (sizeof(a) / sizeof(*(a)))

static const char *const host_uuids[] = { PNP, AVRCP_TARGET, HFP_AG, HSP_AG };
static const char *const host_a2dp_only[] = { PNP, AVRCP_TARGET, UUID("0000110a") };
static const char *const headset_uuids[] = { HFP_HF, HSP_HS, A2DP_SINK, AVRCP_TARGET };
static const char *const speaker_uuids[] = { A2DP_SINK, AVRCP_TARGET };

START_TEST(test_facts_profiles)
{
	struct probe_objs objs = PROBE_OBJS_INIT;
	struct probe_result *r;
	const struct probe_device *d;
	struct probe_facts f = PROBE_FACTS_INIT;
	const cJSON *dev, *p;
	cJSON *doc;
	int n = 0;

	adapter(&objs, "hci0", "00:11:22:33:44:55", 1, host_uuids, NR(host_uuids));
	device(&objs, "AA:00:00:00:00:02", "Speaker", 0, speaker_uuids, NR(speaker_uuids));
	device(&objs, "AA:00:00:00:00:01", "Headset", 1, headset_uuids, NR(headset_uuids));
	probe_objs_add(&objs, "/org/bluez", "org.bluez.AgentManager1");

	probe_facts_decode(&f, &objs);
	ck_assert_uint_eq(f.nr_adapters, 1);
	ck_assert_uint_eq(f.nr_devices, 2);
	ck_assert_uint_eq(f.adapters[0].profiles, PROBE_AVRCP_TARGET | PROBE_HFP_AG | PROBE_HSP_AG);
	d = &f.devices[0]; /* sorted by path */
	ck_assert_str_eq(d->address, "AA:00:00:00:00:01");
	ck_assert_int_eq(d->adapter, 0);
	ck_assert_int_eq(d->sco_capable, 1);
	ck_assert_int_eq(d->a2dp_only, 0);
	ck_assert_int_eq(d->basis, PROBE_BASIS_UUIDS);
	d = &f.devices[1];
	ck_assert_int_eq(d->sco_capable, 0);
	ck_assert_int_eq(d->a2dp_only, 1);
	ck_assert(d->audio);
	probe_facts_release(&f);

	r = probe_result_build(&objs, PROBE_BLUEZ_OK, NULL, NULL, NULL, 0, NULL, NULL);
	ck_assert(probe_bluez_available(r));
	ck_assert_str_eq(probe_device(r), "AA:00:00:00:00:01"); /* the connected one */
	doc = probe_json(r);
	dev = find_device(doc, "AA:00:00:00:00:01");
	ck_assert_ptr_nonnull(dev);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(dev, "sco_capable")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(dev, "a2dp_only")));
	ck_assert_str_eq(jstr(dev, "basis"), "uuids");
	ck_assert_str_eq(jstr(dev, "confidence"), "high");
	ck_assert_str_eq(jstr(dev, "adapter"), "00:11:22:33:44:55");
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(dev, "profiles"))
		n += !strcmp(p->valuestring, "hfp-hf") || !strcmp(p->valuestring, "hsp-hs") ||
		     !strcmp(p->valuestring, "a2dp-sink");
	ck_assert_int_eq(n, 3);
	dev = find_device(doc, "AA:00:00:00:00:02");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(dev, "a2dp_only")));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(doc, "adapters"), 0), "hfp_ag")));
	ck_assert_str_eq(jstr(doc, "device"), "AA:00:00:00:00:01");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "bluez"),
						   "available")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "bluez"),
						   "error")));
	ck_assert_str_eq(jstr(cJSON_GetObjectItem(doc, "answers"), "sco_supported"), "yes");
	cJSON_Delete(doc);
	{
		char *w = answer_words(r);

		ck_assert_str_eq(w, "platform=linux bluez_running=yes adapter_powered=yes "
				 "device_connected=yes sco_supported=yes hfp_gateway=yes");
		free(w);
	}
	probe_result_free(r);
	probe_objs_release(&objs);
}
END_TEST

START_TEST(test_facts_cod_fallback)
{
	struct probe_objs objs = PROBE_OBJS_INIT;
	struct probe_opts opts = { "AA:00:00:00:00:01", 0, 0 };
	struct probe_result *r;
	cJSON *doc;
	const cJSON *dev;

	adapter(&objs, "hci0", "00:11:22:33:44:55", 1, host_uuids, NR(host_uuids));
	probe_obj_set_u32(device(&objs, "AA:00:00:00:00:01", "Headset", 1, NULL, 0),
			  "Class", COD_HEADSET);
	probe_obj_set_u32(device(&objs, "AA:00:00:00:00:02", "Speaker", 1, NULL, 0),
			  "Class", COD_SPEAKER);
	device(&objs, "AA:00:00:00:00:03", "Mystery", 1, NULL, 0); /* Class 0 */

	r = probe_result_build(&objs, PROBE_BLUEZ_OK, NULL, NULL, NULL, 0, NULL, &opts);
	doc = probe_json(r);
	dev = find_device(doc, "AA:00:00:00:00:01");
	ck_assert_str_eq(jstr(dev, "basis"), "class-of-device");
	ck_assert_str_eq(jstr(dev, "confidence"), "low");
	ck_assert_str_eq(jstr(dev, "class_kind"), "headset");
	ck_assert_int_eq(cJSON_GetObjectItem(dev, "class")->valueint, COD_HEADSET);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(dev, "sco_capable")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(dev, "profiles")), 0);
	ck_assert_str_eq(answer(r, "sco_supported"), "yes");
	dev = find_device(doc, "AA:00:00:00:00:02");
	ck_assert_str_eq(jstr(dev, "basis"), "class-of-device");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(dev, "a2dp_only")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(dev, "sco_capable")));
	dev = find_device(doc, "AA:00:00:00:00:03");
	ck_assert_str_eq(jstr(dev, "basis"), "none");
	ck_assert_str_eq(jstr(dev, "confidence"), "none");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(dev, "sco_capable")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(dev, "audio")));
	cJSON_Delete(doc);
	probe_result_free(r);

	opts.device = "aa:00:00:00:00:02";
	r = probe_result_build(&objs, PROBE_BLUEZ_OK, NULL, NULL, NULL, 0, NULL, &opts);
	ck_assert_str_eq(answer(r, "sco_supported"), "no");
	probe_result_free(r);

	/* Not an audio device, so nothing to say about calls. */
	opts.device = "AA:00:00:00:00:03";
	r = probe_result_build(&objs, PROBE_BLUEZ_OK, NULL, NULL, NULL, 0, NULL, &opts);
	ck_assert_ptr_null(answer(r, "sco_supported"));
	ck_assert_str_eq(answer(r, "device_connected"), "yes");
	probe_result_free(r);
	probe_objs_release(&objs);
}
END_TEST

START_TEST(test_facts_odd_types)
{
	struct probe_objs objs = PROBE_OBJS_INIT;
	struct probe_facts f = PROBE_FACTS_INIT;
	struct probe_obj *o;

	adapter(&objs, "hci0", "00:11:22:33:44:55", 1, host_uuids, NR(host_uuids));
	o = device(&objs, "AA:00:00:00:00:01", "Odd", 1, headset_uuids, NR(headset_uuids));
	probe_obj_set_str(o, "Class", "0x240404");
	probe_obj_set_bool(o, "UUIDs", 1);
	probe_obj_set_u32(o, "Connected", 7);
	probe_obj_set_path(o, "Alias", "/not/a/string");
	probe_obj_set_str(o, "Adapter", "/org/bluez/hci0");
	probe_obj_set_str(o, "Whatever", "unknown properties are ignored");
	o = probe_objs_add(&objs, "/org/bluez/hci1", PROBE_ADAPTER_IFACE); /* bare */

	probe_facts_decode(&f, &objs);
	ck_assert_uint_eq(f.skipped, 5);
	ck_assert_uint_eq(f.nr_adapters, 2);
	ck_assert_ptr_null(f.adapters[1].address);
	ck_assert_int_eq(f.adapters[1].powered, PROBE_UNKNOWN);
	ck_assert_uint_eq(f.nr_devices, 1);
	ck_assert_str_eq(f.devices[0].address, "AA:00:00:00:00:01");
	ck_assert_int_eq(f.devices[0].has_class, 0);
	ck_assert_uint_eq(f.devices[0].nr_uuids, 0);
	ck_assert_int_eq(f.devices[0].connected, PROBE_UNKNOWN);
	ck_assert_int_eq(f.devices[0].basis, PROBE_BASIS_NONE);
	ck_assert_int_eq(f.devices[0].adapter, 0); /* from its path */
	ck_assert_ptr_null(f.devices[0].name);
	probe_facts_release(&f);
	probe_objs_release(&objs);
}
END_TEST

START_TEST(test_facts_pick)
{
	struct probe_objs objs = PROBE_OBJS_INIT;
	struct probe_facts f = PROBE_FACTS_INIT;

	adapter(&objs, "hci0", "00:11:22:33:44:55", 1, host_uuids, NR(host_uuids));
	device(&objs, "AA:00:00:00:00:01", "Mouse", 1, (const char *const[]){ PNP }, 1);
	device(&objs, "AA:00:00:00:00:02", "Headset", 0, headset_uuids, NR(headset_uuids));
	device(&objs, "AA:00:00:00:00:03", "Speaker", 0, speaker_uuids, NR(speaker_uuids));
	probe_facts_decode(&f, &objs);

	ck_assert_int_eq(probe_facts_pick(&f, NULL), 1); /* first audio device */
	f.devices[2].connected = 1;
	ck_assert_int_eq(probe_facts_pick(&f, NULL), 2); /* the connected one */
	ck_assert_int_eq(probe_facts_pick(&f, "aa:00:00:00:00:01"), 0);
	ck_assert_int_eq(probe_facts_pick(&f, "AA:00:00:00:00:09"), -1);
	f.devices[1].audio = f.devices[2].audio = 0;
	ck_assert_int_eq(probe_facts_pick(&f, NULL), -1);
	probe_facts_release(&f);
	probe_objs_release(&objs);
}
END_TEST

START_TEST(test_answers_adapter_and_controller)
{
	static const uint8_t typical[8] = { 0xff, 0xfe, 0x8f, 0xfe, 0xd8, 0x3f, 0x5b, 0x87 };
	static const uint8_t no_voice[8] = { 0xff, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80 };
	struct probe_objs objs = PROBE_OBJS_INIT;
	struct probe_controller *ctl;
	struct probe_result *r;
	const cJSON *c;
	cJSON *doc;

	adapter(&objs, "hci0", "00:11:22:33:44:55", 0, host_a2dp_only, NR(host_a2dp_only));
	device(&objs, "AA:00:00:00:00:01", "Headset", 0, headset_uuids, NR(headset_uuids));

	/* controller_sco from the adapter's controller, matched by address */
	ctl = xcalloc(2, sizeof(*ctl));
	ctl[0].id = 3;
	ctl[0].address = xstrdup("AA:BB:CC:DD:EE:FF");
	ctl[1].id = 0;
	ctl[1].address = xstrdup("00:11:22:33:44:55");
	ctl[1].has_features = 1;
	memcpy(ctl[1].features, typical, 8);
	probe_lmp_decode(typical, &ctl[1].lmp);
	r = probe_result_build(&objs, PROBE_BLUEZ_OK, NULL, NULL, ctl, 2, NULL, NULL);
	ck_assert_str_eq(answer(r, "adapter_powered"), "no");
	ck_assert_str_eq(answer(r, "device_connected"), "no");
	ck_assert_str_eq(answer(r, "hfp_gateway"), "no");
	ck_assert_str_eq(answer(r, "controller_sco"), "yes");
	ck_assert_ptr_null(answer(r, "active_profile"));
	doc = probe_json(r);
	c = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "adapters"), 0),
				"controller");
	ck_assert_str_eq(jstr(c, "name"), "hci0");
	ck_assert_str_eq(jstr(c, "features"), "fffe8ffed83f5b87");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(c, "wideband")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(c, "edr_esco_3m")));
	cJSON_Delete(doc);
	probe_result_free(r);

	ctl = xcalloc(1, sizeof(*ctl));
	ctl[0].address = xstrdup("00:11:22:33:44:55");
	ctl[0].has_features = 1;
	memcpy(ctl[0].features, no_voice, 8);
	probe_lmp_decode(no_voice, &ctl[0].lmp);
	r = probe_result_build(&objs, PROBE_BLUEZ_OK, NULL, NULL, ctl, 1, NULL, NULL);
	ck_assert_str_eq(answer(r, "controller_sco"), "no");
	probe_result_free(r);

	/* features never read: no answer */
	ctl = xcalloc(1, sizeof(*ctl));
	ctl[0].address = xstrdup("00:11:22:33:44:55");
	r = probe_result_build(&objs, PROBE_BLUEZ_OK, NULL, NULL, ctl, 1, NULL, NULL);
	ck_assert_ptr_null(answer(r, "controller_sco"));
	probe_result_free(r);

	/* the HCI stage failed: its error on the adapter and in errors */
	r = probe_result_build(&objs, PROBE_BLUEZ_OK, NULL, NULL, NULL, 0,
			       "no Bluetooth socket family (EAFNOSUPPORT)", NULL);
	ck_assert_ptr_null(answer(r, "controller_sco"));
	doc = probe_json(r);
	c = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "adapters"), 0),
				"controller");
	ck_assert(strstr(jstr(c, "error"), "EAFNOSUPPORT") != NULL);
	c = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "errors"), 0);
	ck_assert_str_eq(jstr(c, "stage"), "hci");
	ck_assert_str_eq(answer(r, "sco_supported"), "yes"); /* D-Bus facts stay */
	cJSON_Delete(doc);
	probe_result_free(r);
	probe_objs_release(&objs);
}
END_TEST

START_TEST(test_answers_bluez_unreachable)
{
	struct probe_result *r;
	char *w;
	cJSON *doc;
	const cJSON *b, *e;

	r = probe_result_build(NULL, PROBE_BLUEZ_NOT_RUNNING, "BlueZ is not running",
			       "bluez", NULL, 0, NULL, NULL);
	w = answer_words(r);
	ck_assert_str_eq(w, "platform=linux bluez_running=no");
	free(w);
	ck_assert(!probe_bluez_available(r));
	ck_assert_int_eq(probe_bluez_status(r), PROBE_BLUEZ_NOT_RUNNING);
	ck_assert_str_eq(probe_bluez_errmsg(r), "BlueZ is not running");
	doc = probe_json(r);
	b = cJSON_GetObjectItem(doc, "bluez");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(b, "available")));
	ck_assert_str_eq(jstr(b, "reason"), "not_running");
	ck_assert_str_eq(jstr(b, "error"), "BlueZ is not running");
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "errors"), 0);
	ck_assert_str_eq(jstr(e, "stage"), "bluez");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(doc, "device")));
	cJSON_Delete(doc);
	probe_result_free(r);

	/* No bus at all says nothing about BlueZ (a container may simply
	 * not have the host's bus socket). */
	r = probe_result_build(NULL, PROBE_BLUEZ_NO_BUS, "no system bus", "bus",
			       NULL, 0, NULL, NULL);
	w = answer_words(r);
	ck_assert_str_eq(w, "platform=linux");
	free(w);
	probe_result_free(r);
	ck_assert_str_eq(probe_bluez_code(PROBE_BLUEZ_DENIED), "permission_denied");
	ck_assert_str_eq(probe_bluez_code(PROBE_BLUEZ_TIMEOUT), "timeout");
}
END_TEST

/* ---- the rig: a private system bus and the bluez5 mock ---- */

#define MOCK_IFACE "org.freedesktop.DBus.Mock"
#define BLUEZ_MOCK_IFACE "org.bluez.Mock"
#define PYTHON "/usr/bin/python3"

static struct {
	char *dir;  /* logs, kb.sqlite, command output */
	char *kb;   /* the compiled kb/ */
	pid_t bus, mock;
} rig;

/* Starts argv as a child that dies with us, stdout and stderr to log, and
 * fd3 (when >= 0) as its descriptor 3. */
static pid_t spawn(const char *const argv[], int fd3, const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (in < 0 || out < 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(out, 2);
		if (fd3 >= 0 && fd3 != 3)
			dup2(fd3, 3);
		else if (fd3 == 3)
			fcntl(3, F_SETFD, 0);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Starts dbus-daemon with config, its child pid in *pid; returns the
 * bus address (malloc'd; caller frees), or NULL. */
static char *start_bus(const char *config, const char *log, pid_t *pid)
{
	struct sbuf opt = SBUF_INIT;
	char *addr = NULL;
	size_t cap = 0;
	int fds[2];
	FILE *f;

	*pid = 0;
	if (pipe2(fds, O_CLOEXEC))
		return NULL;
	sbuf_addf(&opt, "--config-file=%s", config);
	{
		const char *argv[] = { "dbus-daemon", opt.buf, "--nofork",
				       "--print-address=3", NULL };

		*pid = spawn(argv, fds[1], log);
	}
	sbuf_release(&opt);
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f) {
		close(fds[0]);
		return NULL;
	}
	if (getline(&addr, &cap, f) <= 1) {
		free(addr);
		addr = NULL;
	} else {
		addr[strcspn(addr, "\n")] = '\0';
	}
	fclose(f);
	return addr;
}

static void stop(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
	}
	*pid = 0;
}

static void rig_teardown(void)
{
	stop(&rig.mock);
	stop(&rig.bus);
	unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
	if (rig.dir)
		tu_rmtree(rig.dir);
	free(rig.dir);
	free(rig.kb);
	memset(&rig, 0, sizeof(rig));
}

/* An unchecked setup that fails skips its teardown: clean up, then fail
 * with the children's logs. */
static void rig_fail(const char *what)
{
	struct sbuf msg = SBUF_INIT;
	char *log;

	sbuf_addf(&msg, "probe rig: %s", what);
	for (int i = 0; i < 2; i++) {
		struct sbuf p = SBUF_INIT;

		sbuf_addf(&p, "%s/%s", rig.dir, i ? "mock.log" : "bus.log");
		log = tu_read(p.buf, NULL);
		if (log && *log)
			sbuf_addf(&msg, "\n%s:\n%s", p.buf, log);
		free(log);
		sbuf_release(&p);
	}
	fprintf(stderr, "%s\n", msg.buf);
	sbuf_release(&msg);
	rig_teardown();
	ck_abort_msg("probe rig: %s (is python3-dbusmock installed? "
		     "scripts/install-deps test)", what);
}

static sd_bus *bus_open(void)
{
	sd_bus *b = NULL;

	if (sd_bus_open_system(&b) < 0)
		return NULL;
	return b;
}

/* 1 when name has an owner on the rig's bus, 0 when not, -1 on error. */
static int has_owner(sd_bus *b, const char *name)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r, owned = 0;

	r = sd_bus_call_method(b, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "NameHasOwner", &e, &reply,
			       "s", name);
	if (r >= 0)
		r = sd_bus_message_read(reply, "b", &owned);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
	return r < 0 ? -1 : owned;
}

/* Waits up to 10 s until org.bluez is owned (want 1) or free (want 0). */
static int wait_bluez(int want)
{
	sd_bus *b = bus_open();
	int ok = 0;

	for (int i = 0; b && i < 1000 && !ok; i++) {
		ok = has_owner(b, "org.bluez") == want;
		if (!ok) {
			if (want && rig.mock > 0 && waitpid(rig.mock, NULL, WNOHANG) == rig.mock) {
				rig.mock = 0; /* it died */
				break;
			}
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
		}
	}
	sd_bus_flush_close_unref(b);
	return ok;
}

static void rig_setup(int with_mock)
{
	static const char *const mock_argv[] = { PYTHON, "-m", "dbusmock",
						 "--template", "bluez5", NULL };
	struct sbuf log = SBUF_INIT, kb = SBUF_INIT;
	struct diag d = DIAG_INIT;
	char *addr;

	memset(&rig, 0, sizeof(rig));
	rig.dir = tu_tmpdir();
	sbuf_addf(&kb, "%s/kb.sqlite", rig.dir);
	rig.kb = sbuf_detach(&kb, NULL);
	if (tu_compile(rig.kb, &d, 0, "kb", NULL)) {
		tu_diag_dump(&d);
		diag_release(&d);
		rig_fail("kb/ does not compile");
	}
	diag_release(&d);

	sbuf_addf(&log, "%s/bus.log", rig.dir);
	addr = start_bus("tests/probe/bus.conf", log.buf, &rig.bus);
	if (!addr) {
		sbuf_release(&log);
		rig_fail("dbus-daemon printed no address");
	}
	setenv("DBUS_SYSTEM_BUS_ADDRESS", addr, 1);
	free(addr);

	if (!with_mock) {
		/* "BlueZ not running": to the probe, a stopped mock and one
		 * never started are the same (nobody owns org.bluez), and not
		 * starting Python saves a second. */
		sbuf_release(&log);
		if (!wait_bluez(0))
			rig_fail("something owns org.bluez on the private bus");
		return;
	}
	sbuf_reset(&log);
	sbuf_addf(&log, "%s/mock.log", rig.dir);
	rig.mock = spawn(mock_argv, -1, log.buf);
	sbuf_release(&log);
	if (!wait_bluez(1))
		rig_fail("the bluez5 mock did not come up");
}

static void rig_setup_bluez(void)
{
	rig_setup(1);
}

static void rig_setup_down(void)
{
	rig_setup(0);
}

/* Per test: the mock back to bare (just the template's objects). */
static sd_bus *mock;

static void mock_call(const char *path, const char *iface, const char *member,
		      const char *types, ...)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	va_list ap;
	int r;

	va_start(ap, types);
	r = sd_bus_call_methodv(mock, "org.bluez", path, iface, member, &e, NULL,
				types, ap);
	va_end(ap);
	ck_assert_msg(r >= 0, "%s.%s on %s: %s", iface, member, path,
		      e.message ? e.message : strerror(-r));
	sd_bus_error_free(&e);
}

static void mock_reset(void)
{
	mock = bus_open();
	ck_assert_ptr_nonnull(mock);
	mock_call("/", MOCK_IFACE, "Reset", "");
}

static void mock_close(void)
{
	mock = sd_bus_flush_close_unref(mock);
}

#define ADAPTER_PATH "/org/bluez/hci0"
#define ADAPTER_ADDRESS "00:01:02:03:04:05" /* what the template gives hci0 */

static void mock_adapter(void)
{
	mock_call("/", BLUEZ_MOCK_IFACE, "AddAdapter", "ss", "hci0", "test-host");
}

/* Adds a device; returns its path (malloc'd; caller frees). */
static char *mock_device(const char *address, const char *alias)
{
	struct sbuf path = SBUF_INIT;

	mock_call("/", BLUEZ_MOCK_IFACE, "AddDevice", "sss", "hci0", address, alias);
	sbuf_addf(&path, "%s/dev_", ADAPTER_PATH);
	for (const char *p = address; *p; p++)
		sbuf_addch(&path, *p == ':' ? '_' : *p);
	return sbuf_detach(&path, NULL);
}

/* The adapter's UUIDs with the HFP and HSP audio-gateway roles, as when
 * PipeWire or PulseAudio registered them. */
static void mock_host_gateway(void)
{
	mock_call(ADAPTER_PATH, MOCK_IFACE, "UpdateProperties", "sa{sv}",
		  PROBE_ADAPTER_IFACE, 1, "UUIDs", "as", 4, PNP, AVRCP_TARGET,
		  HFP_AG, HSP_AG);
}

static struct probe_result *probe(const char *device)
{
	struct probe_opts opts = { device, 0, 1 };

	return probe_run(&opts);
}

/* The engine's first cause for PROBLEM plus the probe's answers
 * (malloc'd; caller frees). */
static char *first_cause(const struct probe_result *r)
{
	struct sbuf err = SBUF_INIT;
	struct store *st;
	struct eng_model *m;
	struct eng_work *w;
	struct eng_result res;
	const struct probe_answer *a;
	char *open_err = NULL, *id;
	int *answers, nr;

	st = store_open(rig.kb, &open_err);
	ck_assert_msg(st != NULL, "%s", open_err);
	m = store_load_model(st);
	ck_assert_msg(m != NULL, "%s", store_errmsg(st));
	answers = eng_answers_new(m);
	ck_assert(!eng_answer_set(m, answers, "problem",
				  "linux-bluetooth-headset-audio", &err));
	a = probe_answers(r, &nr);
	for (int i = 0; i < nr; i++)
		ck_assert_msg(!eng_answer_set(m, answers, a[i].question, a[i].value,
					      &err), "%s", err.buf);
	w = eng_work_new(m);
	eng_diagnose(w, answers, NULL, NULL, &res);
	ck_assert_int_gt(res.nr, 0);
	id = xstrdup(m->causes[res.causes[0]].id);
	eng_work_free(w);
	free(answers);
	eng_model_free(m);
	store_free(st);
	sbuf_release(&err);
	return id;
}

#define assert_first_cause(r, want)                                            \
	do {                                                                   \
		char *first_ = first_cause(r);                                 \
		char *words_ = answer_words(r);                                \
		ck_assert_msg(!strcmp(first_, want), "first cause %s, not %s, "\
			      "for %s", first_, want, words_);                 \
		free(first_);                                                  \
		free(words_);                                                  \
	} while (0)

/* Runs a shell command line in which "@" stands for the clew binary. */
static struct tu_run sh(const char *line)
{
	return tu_sh(rig.dir, line);
}

/* The first cause `clew diagnose` gives for the probe's own answers. */
static char *diagnose_with_probe_answers(void)
{
	struct sbuf line = SBUF_INIT;
	struct tu_run r;
	cJSON *doc;
	char *id;

	sbuf_addf(&line, "@ diagnose --db %s --json " PROBLEM " $(@ probe --answers 2>/dev/null)",
		  rig.kb);
	r = sh(line.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = cJSON_Parse(r.out);
	ck_assert_ptr_nonnull(doc);
	id = xstrdup(jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "causes"), 0), "id"));
	cJSON_Delete(doc);
	tu_run_free(&r);
	sbuf_release(&line);
	return id;
}

START_TEST(test_rig_hfp_headset)
{
	char *path;
	struct probe_result *r;
	cJSON *doc;
	const cJSON *dev;

	mock_adapter();
	mock_host_gateway();
	path = mock_device("11:22:33:44:55:66", "Test Headset");
	mock_call(path, MOCK_IFACE, "UpdateProperties", "sa{sv}", PROBE_DEVICE_IFACE, 5,
		  "UUIDs", "as", 4, HSP_HS, HFP_HF, A2DP_SINK, AVRCP_TARGET,
		  "Class", "u", (uint32_t)COD_HEADSET, "Icon", "s", "audio-headset",
		  "Paired", "b", 1, "Connected", "b", 1);
	free(path);

	r = probe(NULL);
	ck_assert_msg(probe_bluez_available(r), "%s", probe_bluez_errmsg(r));
	ck_assert_ptr_null(probe_bluez_errmsg(r));
	ck_assert_str_eq(probe_device(r), "11:22:33:44:55:66");
	doc = probe_json(r);
	dev = find_device(doc, "11:22:33:44:55:66");
	ck_assert_ptr_nonnull(dev);
	ck_assert_str_eq(jstr(dev, "name"), "Test Headset");
	ck_assert_str_eq(jstr(dev, "icon"), "audio-headset");
	ck_assert_str_eq(jstr(dev, "basis"), "uuids");
	ck_assert_str_eq(jstr(dev, "confidence"), "high");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(dev, "sco_capable")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(dev, "a2dp_only")));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(dev, "connected")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "adapters")), 1);
	ck_assert_str_eq(jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "adapters"), 0),
			      "address"), ADAPTER_ADDRESS);
	cJSON_Delete(doc);
	{
		char *w = answer_words(r);

		ck_assert_str_eq(w, "platform=linux bluez_running=yes adapter_powered=yes "
				 "device_connected=yes sco_supported=yes hfp_gateway=yes");
		free(w);
	}
	/* Every layer works, so only the profile (which BlueZ does not show)
	 * is left: never the A2DP-only cause. */
	assert_first_cause(r, "linux-a2dp-profile-active");
	probe_result_free(r);
}
END_TEST

START_TEST(test_rig_a2dp_speaker)
{
	char *path, *cause;
	struct probe_result *r;
	cJSON *doc;
	const cJSON *dev;

	mock_adapter();
	mock_host_gateway();
	path = mock_device("AA:BB:CC:DD:EE:01", "Party Speaker");
	mock_call(path, MOCK_IFACE, "UpdateProperties", "sa{sv}", PROBE_DEVICE_IFACE, 4,
		  "UUIDs", "as", 2, A2DP_SINK, AVRCP_TARGET,
		  "Class", "u", (uint32_t)COD_SPEAKER, "Paired", "b", 1,
		  "Connected", "b", 1);
	free(path);

	r = probe(NULL);
	ck_assert(probe_bluez_available(r));
	doc = probe_json(r);
	dev = find_device(doc, "AA:BB:CC:DD:EE:01");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(dev, "a2dp_only")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(dev, "sco_capable")));
	ck_assert_str_eq(jstr(dev, "class_kind"), "loudspeaker");
	cJSON_Delete(doc);
	ck_assert_str_eq(answer(r, "sco_supported"), "no");
	assert_first_cause(r, "linux-a2dp-only-device");
	probe_result_free(r);

	/* the same through the command line, as the README shows it */
	cause = diagnose_with_probe_answers();
	ck_assert_str_eq(cause, "linux-a2dp-only-device");
	free(cause);
}
END_TEST

START_TEST(test_rig_adapter_off)
{
	char *path;
	struct probe_result *r;

	mock_adapter();
	mock_host_gateway();
	mock_call(ADAPTER_PATH, MOCK_IFACE, "UpdateProperties", "sa{sv}",
		  PROBE_ADAPTER_IFACE, 1, "Powered", "b", 0);
	path = mock_device("11:22:33:44:55:66", "Test Headset");
	mock_call(path, MOCK_IFACE, "UpdateProperties", "sa{sv}", PROBE_DEVICE_IFACE, 2,
		  "UUIDs", "as", 2, HFP_HF, A2DP_SINK, "Paired", "b", 1);
	free(path);

	r = probe(NULL);
	ck_assert(probe_bluez_available(r));
	ck_assert_str_eq(answer(r, "adapter_powered"), "no");
	ck_assert_str_eq(answer(r, "device_connected"), "no");
	assert_first_cause(r, "linux-adapter-off");
	probe_result_free(r);
}
END_TEST

START_TEST(test_rig_class_of_device_fallback)
{
	char *path;
	struct probe_result *r;
	cJSON *doc;
	const cJSON *dev;

	mock_adapter();
	path = mock_device("11:22:33:44:55:77", "Unresolved Headset");
	/* AddDevice leaves UUIDs empty: services not discovered yet */
	mock_call(path, MOCK_IFACE, "UpdateProperties", "sa{sv}", PROBE_DEVICE_IFACE, 3,
		  "Class", "u", (uint32_t)COD_HEADSET, "Paired", "b", 1,
		  "Connected", "b", 1);
	free(path);

	r = probe(NULL);
	doc = probe_json(r);
	dev = find_device(doc, "11:22:33:44:55:77");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(dev, "uuids")), 0);
	ck_assert_str_eq(jstr(dev, "basis"), "class-of-device");
	ck_assert_str_eq(jstr(dev, "confidence"), "low");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(dev, "sco_capable")));
	ck_assert_str_eq(jstr(doc, "device"), "11:22:33:44:55:77");
	cJSON_Delete(doc);
	ck_assert_str_eq(answer(r, "sco_supported"), "yes");
	/* the template's adapter lists no audio-gateway role */
	ck_assert_str_eq(answer(r, "hfp_gateway"), "no");
	probe_result_free(r);
}
END_TEST

START_TEST(test_rig_odd_typed_properties)
{
	char *path;
	struct probe_result *r;
	cJSON *doc;
	const cJSON *dev, *skipped;

	mock_adapter();
	path = mock_device("11:22:33:44:55:88", "Odd One");
	/* UpdateProperties keeps the name and takes any type */
	mock_call(path, MOCK_IFACE, "UpdateProperties", "sa{sv}", PROBE_DEVICE_IFACE, 5,
		  "Class", "s", "headset", "Connected", "u", (uint32_t)7,
		  "UUIDs", "ai", 2, 1, 2, "Paired", "as", 1, "yes",
		  "Alias", "ay", 3, (uint8_t)'a', (uint8_t)'b', (uint8_t)'c');
	/* new properties of container types BlueZ might add one day */
	mock_call(path, MOCK_IFACE, "AddProperties", "sa{sv}", PROBE_DEVICE_IFACE, 2,
		  "Sets", "a{sv}", 1, "x", "i", 1, "Pair", "(so)", "x", "/x");
	free(path);

	r = probe(NULL);
	ck_assert_msg(probe_bluez_available(r), "%s", probe_bluez_errmsg(r));
	doc = probe_json(r);
	dev = find_device(doc, "11:22:33:44:55:88");
	ck_assert_ptr_nonnull(dev);
	ck_assert_str_eq(jstr(dev, "name"), "Odd One"); /* Name, as Alias is odd */
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(dev, "class")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(dev, "connected")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(dev, "paired")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(dev, "uuids")), 0);
	ck_assert_str_eq(jstr(dev, "basis"), "none");
	/* Class, Connected and Paired have types the reader knows, so the
	 * decoder skips them; the reader itself skips UUIDs (ai), Alias (ay),
	 * Sets, Pair and the template's ManufacturerData. */
	skipped = cJSON_GetObjectItem(doc, "skipped_properties");
	ck_assert_int_eq(skipped->valueint, 3);
	cJSON_Delete(doc);
	probe_result_free(r);
}
END_TEST

START_TEST(test_rig_device_option)
{
	static const char *const addrs[] = { "AA:00:00:00:00:01", "AA:00:00:00:00:02",
					     "AA:00:00:00:00:03" };
	struct probe_result *r;
	struct tu_run run;
	cJSON *doc;

	mock_adapter();
	mock_host_gateway();
	for (size_t i = 0; i < 3; i++) {
		char *path = mock_device(addrs[i], "Device");

		if (i == 1) /* a speaker, not connected */
			mock_call(path, MOCK_IFACE, "UpdateProperties", "sa{sv}",
				  PROBE_DEVICE_IFACE, 2, "UUIDs", "as", 1, A2DP_SINK,
				  "Paired", "b", 1);
		else /* headsets; the third connected */
			mock_call(path, MOCK_IFACE, "UpdateProperties", "sa{sv}",
				  PROBE_DEVICE_IFACE, 3, "UUIDs", "as", 2, HFP_HF,
				  A2DP_SINK, "Paired", "b", 1, "Connected", "b", i == 2);
		free(path);
	}

	r = probe(NULL);
	ck_assert_str_eq(probe_device(r), "AA:00:00:00:00:03");
	ck_assert_str_eq(answer(r, "sco_supported"), "yes");
	ck_assert_str_eq(answer(r, "device_connected"), "yes");
	probe_result_free(r);

	r = probe("aa:00:00:00:00:02");
	ck_assert_str_eq(probe_device(r), "AA:00:00:00:00:02");
	ck_assert_str_eq(answer(r, "sco_supported"), "no");
	ck_assert_str_eq(answer(r, "device_connected"), "no");
	probe_result_free(r);

	r = probe("AA:00:00:00:00:09");
	ck_assert(probe_bluez_available(r));
	ck_assert_ptr_null(probe_device(r));
	ck_assert_ptr_null(answer(r, "sco_supported"));
	doc = probe_json(r);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(doc, "device")));
	{
		const cJSON *e;
		int found = 0;

		cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "errors"))
			found |= !strcmp(jstr(e, "stage"), "device") &&
				 strstr(jstr(e, "message"), "AA:00:00:00:00:09");
		ck_assert(found);
	}
	cJSON_Delete(doc);
	probe_result_free(r);

	run = sh("@ probe --answers --device AA:00:00:00:00:02");
	ck_assert_msg(run.status == 0, "%s", run.err);
	ck_assert_str_eq(run.out, "platform=linux bluez_running=yes adapter_powered=yes "
			 "device_connected=no sco_supported=no hfp_gateway=yes\n");
	tu_run_free(&run);
	run = sh("@ probe --json --device AA:00:00:00:00:01");
	ck_assert_msg(run.status == 0, "%s", run.err);
	doc = cJSON_Parse(run.out);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(jstr(doc, "device"), "AA:00:00:00:00:01");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "devices")), 3);
	cJSON_Delete(doc);
	tu_run_free(&run);
}
END_TEST

START_TEST(test_rig_cli)
{
	char *path;
	struct tu_run r;
	cJSON *doc;
	const cJSON *b, *a;

	mock_adapter();
	path = mock_device("11:22:33:44:55:66", "Test Headset");
	mock_call(path, MOCK_IFACE, "UpdateProperties", "sa{sv}", PROBE_DEVICE_IFACE, 2,
		  "UUIDs", "as", 2, HFP_HF, A2DP_SINK, "Connected", "b", 1);
	free(path);

	r = sh("@ probe --json");
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = cJSON_Parse(r.out);
	ck_assert_ptr_nonnull(doc);
	b = cJSON_GetObjectItem(doc, "bluez");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(b, "available")));
	ck_assert(cJSON_IsArray(cJSON_GetObjectItem(doc, "errors")));
	a = cJSON_GetObjectItem(doc, "answers");
	ck_assert_str_eq(jstr(a, "platform"), "linux");
	ck_assert_str_eq(jstr(a, "sco_supported"), "yes");
	ck_assert_str_eq(jstr(doc, "device"), "11:22:33:44:55:66");
	cJSON_Delete(doc);
	tu_run_free(&r);

	r = sh("@ probe --answers");
	ck_assert_int_eq(r.status, 0);
	ck_assert(!strncmp(r.out, "platform=linux bluez_running=yes ", 33));
	ck_assert(strstr(r.out, " sco_supported=yes") != NULL);
	ck_assert_ptr_eq(strchr(r.out, '\n'), r.out + strlen(r.out) - 1); /* one line */
	tu_run_free(&r);

	r = sh("@ probe");
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "BlueZ: running") != NULL);
	ck_assert(strstr(r.out, "*11:22:33:44:55:66") != NULL);
	ck_assert(strstr(r.out, "hfp-hf,a2dp-sink") != NULL);
	ck_assert(strstr(r.out, "platform=linux") != NULL);
	tu_run_free(&r);

	r = sh("@ probe --help");
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "usage: clew probe") != NULL);
	tu_run_free(&r);
	r = sh("@ help");
	ck_assert(strstr(r.out, "probe") != NULL);
	tu_run_free(&r);
	r = sh("@ probe --frobnicate");
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
	r = sh("@ probe extra");
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
}
END_TEST

/* Starts clew serve on a free port against the rig's bus and KB; returns
 * its pid and sets *port. */
static pid_t serve_start(int *port)
{
	struct sbuf line = SBUF_INIT, errf = SBUF_INIT;
	char *log = NULL, *at;
	struct tu_run r;
	pid_t pid;

	*port = 0;
	sbuf_addf(&errf, "%s/serve.err", rig.dir);
	/* The shell may return before the server's job has truncated the
	 * file: a previous server's "(port N)" must not be read as this
	 * one's. */
	unlink(errf.buf);
	/* sh() sends stdout to a file: the pid echoed is its output. */
	sbuf_addf(&line, "@ serve --db %s --listen 127.0.0.1:0 --no-access-log "
		  "--templates templates --static static 2>%s & echo $!",
		  rig.kb, errf.buf);
	r = sh(line.buf);
	pid = (pid_t)atoi(r.out ? r.out : "0");
	tu_run_free(&r);
	ck_assert_int_gt(pid, 1);
	for (int i = 0; i < 100 && !*port; i++) {
		free(log);
		log = tu_read(errf.buf, NULL);
		if (log && (at = strstr(log, "(port ")))
			*port = atoi(at + 6);
		else
			usleep(50 * 1000);
	}
	ck_assert_msg(*port > 0, "the server did not start: %s", log ? log : "");
	free(log);
	sbuf_release(&line);
	sbuf_release(&errf);
	return pid;
}

static void serve_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
		usleep(50 * 1000);
}

/* GETs url with curl; returns the body and sets *status. */
static char *http_get(int port, const char *path, int *status)
{
	struct sbuf line = SBUF_INIT;
	struct tu_run r;
	char *nl, *body;

	sbuf_addf(&line, "curl -s -w '\\n%%{http_code}' 'http://127.0.0.1:%d%s'", port, path);
	r = sh(line.buf);
	ck_assert_ptr_nonnull(r.out);
	nl = strrchr(r.out, '\n');
	ck_assert_ptr_nonnull(nl);
	*status = atoi(nl + 1);
	*nl = '\0';
	body = xstrdup(r.out);
	tu_run_free(&r);
	sbuf_release(&line);
	return body;
}

/* The server's side: GET /api/v1/probe/bluetooth and the wizard's
 * "Detect from this computer", on a real clew serve talking to the mock. */
START_TEST(test_rig_http)
{
	struct sbuf line = SBUF_INIT;
	char *path, *body;
	struct tu_run r;
	cJSON *doc;
	pid_t pid;
	int port, status;

	mock_adapter();
	mock_host_gateway();
	path = mock_device("11:22:33:44:55:66", "Test Headset");
	mock_call(path, MOCK_IFACE, "UpdateProperties", "sa{sv}", PROBE_DEVICE_IFACE, 2,
		  "UUIDs", "as", 2, HFP_HF, A2DP_SINK, "Connected", "b", 1);
	free(path);
	path = mock_device("AA:BB:CC:DD:EE:FF", "Test Speaker");
	mock_call(path, MOCK_IFACE, "UpdateProperties", "sa{sv}", PROBE_DEVICE_IFACE, 1,
		  "UUIDs", "as", 1, A2DP_SINK);
	free(path);
	pid = serve_start(&port);

	body = http_get(port, "/api/v1/probe/bluetooth", &status);
	ck_assert_int_eq(status, 200);
	doc = cJSON_Parse(body);
	ck_assert_ptr_nonnull(doc);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "bluez"),
						   "available")));
	/* Without ?device=, the answers are about the connected headset. */
	ck_assert_str_eq(jstr(doc, "device"), "11:22:33:44:55:66");
	ck_assert_str_eq(jstr(cJSON_GetObjectItem(doc, "answers"), "sco_supported"), "yes");
	cJSON_Delete(doc);
	free(body);

	/* ?device= picks the other one (any case). */
	body = http_get(port, "/api/v1/probe/bluetooth?device=aa:bb:cc:dd:ee:ff", &status);
	ck_assert_int_eq(status, 200);
	doc = cJSON_Parse(body);
	ck_assert_str_eq(jstr(doc, "device"), "AA:BB:CC:DD:EE:FF");
	ck_assert_str_eq(jstr(cJSON_GetObjectItem(doc, "answers"), "sco_supported"), "no");
	cJSON_Delete(doc);
	free(body);

	/* The wizard offers detection where the causes ask what the probe
	 * reads (the Linux article), not for phones. */
	body = http_get(port, "/wizard?problem=linux-bluetooth-headset-audio", &status);
	ck_assert_int_eq(status, 200);
	ck_assert_ptr_nonnull(strstr(body, "action=\"/wizard/detect\""));
	free(body);
	body = http_get(port, "/wizard?problem=bluetooth-call-audio", &status);
	ck_assert_int_eq(status, 200);
	ck_assert_ptr_null(strstr(body, "action=\"/wizard/detect\""));
	free(body);

	/* Detect: a 303 to the wizard with the answers and which were
	 * detected; the page marks them. */
	sbuf_addf(&line, "curl -s -o /dev/null -w '%%{http_code} %%{redirect_url}' "
		  "'http://127.0.0.1:%d/wizard/detect?problem=linux-bluetooth-headset-audio'",
		  port);
	r = sh(line.buf);
	ck_assert_msg(!strncmp(r.out, "303 ", 4), "%s", r.out);
	ck_assert(strstr(r.out, "platform=linux") != NULL);
	ck_assert(strstr(r.out, "bluez_running=yes") != NULL);
	ck_assert(strstr(r.out, "sco_supported=yes") != NULL);
	ck_assert(strstr(r.out, "detected=platform%2Cbluez_running") != NULL);
	sbuf_reset(&line);
	sbuf_addf(&line, "curl -s '%s'", strchr(r.out, ' ') + 1);
	tu_run_free(&r);
	r = sh(line.buf);
	ck_assert(strstr(r.out, "class=\"badge\"") != NULL);
	ck_assert(strstr(r.out, "Most likely causes") != NULL);
	tu_run_free(&r);
	serve_stop(pid);
	sbuf_release(&line);
}
END_TEST

/* ---- BlueZ stopped, no bus, no answer ---- */

START_TEST(test_down_not_running)
{
	struct probe_result *r;
	cJSON *doc;
	char *w, *cause;

	r = probe(NULL);
	ck_assert(!probe_bluez_available(r));
	ck_assert_int_eq(probe_bluez_status(r), PROBE_BLUEZ_NOT_RUNNING);
	ck_assert(strstr(probe_bluez_errmsg(r), "BlueZ is not running") != NULL);
	w = answer_words(r);
	ck_assert_str_eq(w, "platform=linux bluez_running=no");
	free(w);
	doc = probe_json(r);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "bluez"),
						    "available")));
	ck_assert_str_eq(jstr(cJSON_GetObjectItem(doc, "bluez"), "reason"), "not_running");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "devices")), 0);
	cJSON_Delete(doc);
	assert_first_cause(r, "linux-bluez-not-running");
	probe_result_free(r);

	cause = diagnose_with_probe_answers();
	ck_assert_str_eq(cause, "linux-bluez-not-running");
	free(cause);
}
END_TEST

/* BlueZ down: the API answers 503 bluez_unavailable, and detection still
 * sends the browser on, with bluez_running=no detected. */
START_TEST(test_down_http_503)
{
	char *body;
	cJSON *doc;
	pid_t pid;
	int port, status;

	pid = serve_start(&port);
	body = http_get(port, "/api/v1/probe/bluetooth", &status);
	ck_assert_int_eq(status, 503);
	doc = cJSON_Parse(body);
	ck_assert_str_eq(jstr(cJSON_GetObjectItem(doc, "error"), "code"), "bluez_unavailable");
	cJSON_Delete(doc);
	free(body);
	body = http_get(port, "/wizard/detect?problem=linux-bluetooth-headset-audio", &status);
	ck_assert_int_eq(status, 303);
	free(body);
	serve_stop(pid);
}
END_TEST

START_TEST(test_down_cli_exit_3)
{
	struct tu_run r;
	cJSON *doc;

	r = sh("@ probe");
	ck_assert_int_eq(r.status, 3);
	ck_assert(strstr(r.err, "BlueZ is not running") != NULL);
	tu_run_free(&r);

	r = sh("@ probe --answers");
	ck_assert_int_eq(r.status, 3);
	ck_assert_str_eq(r.out, "platform=linux bluez_running=no\n");
	ck_assert(strstr(r.err, "BlueZ is not running") != NULL);
	tu_run_free(&r);

	r = sh("@ probe --json");
	ck_assert_int_eq(r.status, 3);
	doc = cJSON_Parse(r.out);
	ck_assert_ptr_nonnull(doc);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "bluez"),
						    "available")));
	ck_assert_str_eq(jstr(cJSON_GetObjectItem(doc, "answers"), "bluez_running"), "no");
	cJSON_Delete(doc);
	tu_run_free(&r);

	r = sh("DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/bus @ probe --answers");
	ck_assert_int_eq(r.status, 3);
	ck_assert_str_eq(r.out, "platform=linux\n");
	ck_assert(strstr(r.err, "no system bus at unix:path=/nonexistent/bus") != NULL);
	tu_run_free(&r);
}
END_TEST

START_TEST(test_down_no_bus)
{
	char *saved = xstrdup(getenv("DBUS_SYSTEM_BUS_ADDRESS"));
	struct probe_result *r;
	cJSON *doc;
	const cJSON *e;

	setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/bus", 1);
	r = probe(NULL);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", saved, 1);
	free(saved);
	ck_assert_int_eq(probe_bluez_status(r), PROBE_BLUEZ_NO_BUS);
	ck_assert_ptr_null(answer(r, "bluez_running"));
	doc = probe_json(r);
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "errors"), 0);
	ck_assert_str_eq(jstr(e, "stage"), "bus");
	ck_assert_str_eq(jstr(cJSON_GetObjectItem(doc, "bluez"), "reason"), "no_bus");
	cJSON_Delete(doc);
	probe_result_free(r);
}
END_TEST

/* org.bluez owned by a connection that never answers: the call times out
 * instead of hanging. */
START_TEST(test_down_timeout)
{
	struct probe_opts opts = { NULL, 200 * 1000, 1 };
	sd_bus *squatter = bus_open();
	struct probe_result *r;

	ck_assert_ptr_nonnull(squatter);
	ck_assert_int_ge(sd_bus_request_name(squatter, "org.bluez", 0), 0);
	r = probe_run(&opts);
	ck_assert_int_eq(probe_bluez_status(r), PROBE_BLUEZ_TIMEOUT);
	ck_assert(strstr(probe_bluez_errmsg(r), "did not answer") != NULL);
	ck_assert_ptr_null(answer(r, "bluez_running"));
	probe_result_free(r);
	sd_bus_flush_close_unref(squatter);
}
END_TEST

/* A private bus of config that becomes the system bus of this process
 * (and of the commands it starts), with org.bluez owned by a connection
 * that never answers. Undo with squat_end. */
struct squat {
	char *saved_addr, *addr;
	pid_t bus;
	sd_bus *owner;
};

static void squat_begin(struct squat *q, const char *config, const char *logname)
{
	struct sbuf log = SBUF_INIT;

	q->saved_addr = xstrdup(getenv("DBUS_SYSTEM_BUS_ADDRESS"));
	sbuf_addf(&log, "%s/%s", rig.dir, logname);
	q->addr = start_bus(config, log.buf, &q->bus);
	sbuf_release(&log);
	ck_assert_ptr_nonnull(q->addr);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", q->addr, 1);
	q->owner = bus_open();
	ck_assert_ptr_nonnull(q->owner);
	ck_assert_int_ge(sd_bus_request_name(q->owner, "org.bluez", 0), 0);
}

static void squat_end(struct squat *q)
{
	if (q->owner)
		sd_bus_close_unref(q->owner);
	stop(&q->bus);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", q->saved_addr, 1);
	free(q->saved_addr);
	free(q->addr);
	memset(q, 0, sizeof(*q));
}

/* A bus whose policy forbids calling org.bluez: permission denied, told
 * apart from "not running". */
START_TEST(test_down_denied)
{
	struct squat q;
	struct probe_result *r;
	struct tu_run run;

	squat_begin(&q, "tests/probe/bus-deny.conf", "bus-deny.log");
	r = probe(NULL);
	run = sh("@ probe");
	squat_end(&q);

	ck_assert_int_eq(probe_bluez_status(r), PROBE_BLUEZ_DENIED);
	ck_assert(strstr(probe_bluez_errmsg(r), "permission denied") != NULL);
	ck_assert_ptr_null(answer(r, "bluez_running"));
	probe_result_free(r);
	ck_assert_int_eq(run.status, 3);
	ck_assert(strstr(run.err, "permission denied") != NULL);
	tu_run_free(&run);
}
END_TEST

/* The bus goes away while the server waits for BlueZ's answer: the request
 * in flight gets a clean 503 (the connection was lost, not a timeout), the
 * server keeps serving, and the next probe is a 503 too. */
START_TEST(test_down_mid_probe)
{
	struct sbuf line = SBUF_INIT, res = SBUF_INIT;
	char *out = NULL;
	struct squat q;
	cJSON *doc;
	pid_t pid;
	int port, status, asked = 0;

	squat_begin(&q, "tests/probe/bus.conf", "bus-mid.log");
	pid = serve_start(&port);

	sbuf_addf(&res, "%s/mid.out", rig.dir);
	sbuf_addf(&line, "(curl -s -m 20 -o %s.body -w '%%{http_code}' "
		  "'http://127.0.0.1:%d/api/v1/probe/bluetooth' > %s.tmp; mv %s.tmp %s) &",
		  res.buf, port, res.buf, res.buf, res.buf);
	{
		struct tu_run r = sh(line.buf);

		tu_run_free(&r);
	}
	/* Wait until the server's GetManagedObjects has reached org.bluez's
	 * owner (which does not answer), then take the bus away: before the
	 * owner leaves, which the bus would report as "no reply", and well
	 * within the probe's own 2 s timeout. */
	for (int i = 0; i < 100 && !asked; i++) {
		sd_bus_message *m = NULL;

		if (sd_bus_process(q.owner, &m) > 0 && m)
			asked = sd_bus_message_is_method_call(m, NULL, "GetManagedObjects");
		else
			sd_bus_wait(q.owner, 100 * 1000);
		sd_bus_message_unref(m);
	}
	ck_assert_msg(asked, "the server's probe call never reached the bus");
	stop(&q.bus);
	for (int i = 0; i < 200 && !out; i++) {
		out = tu_read(res.buf, NULL);
		if (!out)
			usleep(50 * 1000);
	}
	ck_assert_msg(out != NULL, "the probe request never finished");
	ck_assert_str_eq(out, "503");
	free(out);
	{
		struct sbuf bp = SBUF_INIT;
		char *body;

		sbuf_addf(&bp, "%s.body", res.buf);
		body = tu_read(bp.buf, NULL);
		doc = cJSON_Parse(body);
		ck_assert_ptr_nonnull(doc);
		ck_assert_str_eq(jstr(cJSON_GetObjectItem(doc, "error"), "code"),
				 "bluez_unavailable");
		ck_assert_msg(strstr(jstr(cJSON_GetObjectItem(doc, "error"), "message"),
				     "the system bus went away"),
			      "a lost bus was reported as something else: %s", body);
		cJSON_Delete(doc);
		free(body);
		sbuf_release(&bp);
	}

	/* Still serving; the next probe finds no bus at once. */
	free(http_get(port, "/healthz", &status));
	ck_assert_int_eq(status, 200);
	free(http_get(port, "/api/v1/probe/bluetooth", &status));
	ck_assert_int_eq(status, 503);
	serve_stop(pid);
	squat_end(&q);
	sbuf_release(&line);
	sbuf_release(&res);
}
END_TEST

/* The HCI stage on this machine: a list or an error, never a crash. */
START_TEST(test_hci_stage_runs)
{
	struct probe_controller *c = NULL;
	struct sbuf err = SBUF_INIT;
	size_t nr = 0;
	int r = probe_hci_scan(&c, &nr, &err);

	if (r == 0) {
		for (size_t i = 0; i < nr; i++)
			ck_assert_uint_eq(strlen(c[i].address), 17);
		probe_controllers_free(c, nr);
	} else {
		ck_assert_int_lt(r, 0);
		ck_assert_uint_gt(err.len, 0);
		if (r == -EAFNOSUPPORT)
			ck_assert(strstr(err.buf, "EAFNOSUPPORT") != NULL);
	}
	sbuf_release(&err);
}
END_TEST

Suite *probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, test_lmp_decode);
	tcase_add_test(tc, test_lmp_single_bits);
	tcase_add_test(tc, test_uuid_profiles);
	tcase_add_test(tc, test_class_of_device);
	tcase_add_test(tc, test_facts_profiles);
	tcase_add_test(tc, test_facts_cod_fallback);
	tcase_add_test(tc, test_facts_odd_types);
	tcase_add_test(tc, test_facts_pick);
	tcase_add_test(tc, test_answers_adapter_and_controller);
	tcase_add_test(tc, test_answers_bluez_unreachable);
	tcase_add_test(tc, test_hci_stage_runs);
	suite_add_tcase(s, tc);

	tc = tcase_create("bluez");
	tcase_add_unchecked_fixture(tc, rig_setup_bluez, rig_teardown);
	tcase_add_checked_fixture(tc, mock_reset, mock_close);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_rig_hfp_headset);
	tcase_add_test(tc, test_rig_a2dp_speaker);
	tcase_add_test(tc, test_rig_adapter_off);
	tcase_add_test(tc, test_rig_class_of_device_fallback);
	tcase_add_test(tc, test_rig_odd_typed_properties);
	tcase_add_test(tc, test_rig_device_option);
	tcase_add_test(tc, test_rig_cli);
	tcase_add_test(tc, test_rig_http);
	suite_add_tcase(s, tc);

	tc = tcase_create("bluez-down");
	tcase_add_unchecked_fixture(tc, rig_setup_down, rig_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_down_not_running);
	tcase_add_test(tc, test_down_cli_exit_3);
	tcase_add_test(tc, test_down_http_503);
	tcase_add_test(tc, test_down_no_bus);
	tcase_add_test(tc, test_down_timeout);
	tcase_add_test(tc, test_down_denied);
	tcase_add_test(tc, test_down_mid_probe);
	suite_add_tcase(s, tc);
	return s;
}
