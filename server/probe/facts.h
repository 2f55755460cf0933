/* facts: BlueZ objects as plain data, and the pure decoders that turn them
 * into Bluetooth audio facts and the engine's answers (no D-Bus here, so
 * tests feed property sets directly). */
#ifndef CLEW_PROBE_FACTS_H
#define CLEW_PROBE_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "hci.h"
#include "probe.h"

#define PROBE_ADAPTER_IFACE "org.bluez.Adapter1"
#define PROBE_DEVICE_IFACE "org.bluez.Device1"

/* A tri-state value's third state. */
#define PROBE_UNKNOWN (-1)

/* ---- BlueZ objects ---- */

enum probe_type { PROBE_T_STR, PROBE_T_PATH, PROBE_T_BOOL, PROBE_T_U32, PROBE_T_STRV };

struct probe_prop {
	char *name;
	enum probe_type type;
	char *s;      /* STR, PATH */
	int b;        /* BOOL: 0 or 1 */
	uint32_t u;   /* U32 */
	char **v;     /* STRV */
	size_t nr_v;
};

/* One interface of one object: its path, its interface name and the
 * properties read; everything malloc'd and owned by the object. */
struct probe_obj {
	char *path;
	char *iface;
	struct probe_prop *props;
	size_t nr_props, alloc_props;
};

struct probe_objs {
	struct probe_obj *v;
	size_t nr, alloc;
};
#define PROBE_OBJS_INIT { NULL, 0, 0 }

/* Appends an object (path and iface copied); returns it, borrowed until
 * the next add or probe_objs_release. */
struct probe_obj *probe_objs_add(struct probe_objs *objs, const char *path,
				 const char *iface);
void probe_objs_release(struct probe_objs *objs);

/* Set a property (copied), replacing one of the same name. */
void probe_obj_set_str(struct probe_obj *o, const char *name, const char *s);
void probe_obj_set_path(struct probe_obj *o, const char *name, const char *p);
void probe_obj_set_bool(struct probe_obj *o, const char *name, int b);
void probe_obj_set_u32(struct probe_obj *o, const char *name, uint32_t u);
void probe_obj_set_strv(struct probe_obj *o, const char *name,
			const char *const *v, size_t nr);

/* ---- decoders ---- */

enum probe_profile {
	PROBE_HSP_HS = 1 << 0,       /* 00001108 */
	PROBE_HFP_HF = 1 << 1,       /* 0000111e */
	PROBE_HSP_AG = 1 << 2,       /* 00001112 */
	PROBE_HFP_AG = 1 << 3,       /* 0000111f */
	PROBE_A2DP_SOURCE = 1 << 4,  /* 0000110a */
	PROBE_A2DP_SINK = 1 << 5,    /* 0000110b */
	PROBE_AVRCP_TARGET = 1 << 6, /* 0000110c */
	PROBE_AVRCP_REMOTE = 1 << 7, /* 0000110e */
};
#define PROBE_SCO_PROFILES (PROBE_HSP_HS | PROBE_HFP_HF | PROBE_HSP_AG | PROBE_HFP_AG)
#define PROBE_A2DP_PROFILES (PROBE_A2DP_SOURCE | PROBE_A2DP_SINK)

/* The profile a 128-bit UUID names (any case), or 0. */
unsigned probe_uuid_profile(const char *uuid);
/* "hsp-hs", "hfp-hf", ... for one profile bit; NULL for anything else. */
const char *probe_profile_name(unsigned bit);

/* Class of Device: returns 1 when the major class is audio/video, else 0.
 * When it is, *sco is 1 for a headset, hands-free unit or a device with
 * the telephony service bit, 0 for a loudspeaker, headphones, portable or
 * hi-fi audio, PROBE_UNKNOWN for any other audio/video kind. */
int probe_cod_audio(uint32_t cod, int *sco);
/* "headset", "loudspeaker", ... for an audio/video class, else NULL. */
const char *probe_cod_kind(uint32_t cod);

/* ---- facts ---- */

enum probe_basis { PROBE_BASIS_NONE, PROBE_BASIS_UUIDS, PROBE_BASIS_COD };

struct probe_adapter {
	char *path, *address, *name; /* name: Alias, else Name; may be NULL */
	int powered;                 /* 1, 0 or PROBE_UNKNOWN */
	char **uuids;
	size_t nr_uuids;
	unsigned profiles;           /* enum probe_profile bits of uuids */
	int controller;              /* index in facts.controllers, or -1 */
};

struct probe_device {
	char *path, *address, *name, *icon; /* name: Alias, else Name */
	int adapter;                 /* index in facts.adapters, or -1 */
	int paired, connected;       /* 1, 0 or PROBE_UNKNOWN */
	int has_class;
	uint32_t class;
	char **uuids;
	size_t nr_uuids;
	unsigned profiles;
	int audio;                   /* an audio device (by UUIDs or class) */
	int sco_capable, a2dp_only;  /* 1, 0 or PROBE_UNKNOWN */
	enum probe_basis basis;
};

/* Everything malloc'd is owned by the facts. */
struct probe_facts {
	struct probe_adapter *adapters;
	size_t nr_adapters;
	struct probe_device *devices;
	size_t nr_devices;
	struct probe_controller *controllers; /* from the HCI stage */
	size_t nr_controllers;
	char *hci_error;             /* why there are no controllers, or NULL */
	size_t skipped;              /* properties of an unexpected type */
};
#define PROBE_FACTS_INIT { NULL, 0, NULL, 0, NULL, 0, NULL, 0 }

/* Decodes the Adapter1 and Device1 objects of objs (others are ignored;
 * properties of an unexpected type are skipped and counted) into f, which
 * must be empty. Adapters and devices come out sorted by object path. */
void probe_facts_decode(struct probe_facts *f, const struct probe_objs *objs);

/* Hands the HCI stage's outcome to f (taking over ctl, an array from
 * probe_hci_scan, or NULL with hci_error, copied) and links each adapter
 * to the controller with its address. */
void probe_facts_attach(struct probe_facts *f, struct probe_controller *ctl,
			size_t nr, const char *hci_error);

void probe_facts_release(struct probe_facts *f);

/* "uuids", "class-of-device" or "none". */
const char *probe_basis_name(enum probe_basis b);
/* "high" (UUIDs), "low" (Class of Device) or "none". */
const char *probe_confidence_name(enum probe_basis b);

/* The device the answers are about: the one with address (any case) when
 * address is not NULL (-1 when there is none), else the first connected
 * audio device, else the first audio device, else -1. */
int probe_facts_pick(const struct probe_facts *f, const char *address);

/* The adapter the answers are about: device d's (d >= 0), else the first
 * powered adapter, else the first adapter, else -1. */
int probe_facts_adapter_of(const struct probe_facts *f, int d);

/* Up to one answer per Linux question of kb/questions.md. */
#define PROBE_MAX_ANSWERS 8
struct probe_answers {
	struct probe_answer v[PROBE_MAX_ANSWERS];
	int nr;
};

/* Derives the answers for device d (-1: none) given how the BlueZ stage
 * ended: platform=linux always; bluez_running yes when BlueZ answered, no
 * when nobody owns org.bluez (left out otherwise: the bus itself was
 * unreachable); adapter_powered, hfp_gateway from the adapter; device_
 * connected, sco_supported from the device (left out when unknown);
 * controller_sco from the adapter's controller when its features were
 * read. active_profile is never derived: BlueZ does not show it. */
void probe_facts_answers(const struct probe_facts *f, enum probe_bluez bluez,
			 int d, struct probe_answers *out);

/* Builds a result from objects as if BlueZ had answered with them (bluez
 * OK) or failed (objs NULL, bluez and errmsg set), runs no stage, and
 * derives the answers; the HCI stage's outcome is ctl/nr/hci_error as in
 * probe_facts_attach. For tests, and the last step of probe_run. */
struct probe_result *probe_result_build(const struct probe_objs *objs,
					enum probe_bluez bluez,
					const char *errmsg, const char *stage,
					struct probe_controller *ctl, size_t nr,
					const char *hci_error,
					const struct probe_opts *opts);

#endif
