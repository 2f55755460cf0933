/* fuzz_probe: the probe's decoders. Input bytes describe BlueZ's
 * GetManagedObjects reply (objects, interfaces, properties whose variants
 * hold any D-Bus type, not only the ones BlueZ sends) and the kernel's
 * controllers (LMP feature bytes, addresses). The reply is built as a real
 * sd-bus message and read back by bus.c (probe_bus_read_objects); the
 * property set it yields goes through facts.c (probe_result_build: decode,
 * attach the controllers, pick the device, derive the answers) and
 * probe.c's JSON document; every feature mask through hci.c's
 * probe_lmp_decode. No bus is connected and no socket is opened but a
 * socketpair that sd-bus needs before it builds a message.
 *
 * Input, one byte at a time (0 once the input ends):
 *   status [device] [hci-error]      BlueZ outcome (low 3 bits; 6, 7: OK),
 *                                    bit 3: a device asked for, bit 4: an
 *                                    HCI error, as strings
 *   count, count x (8 features, id+up, address)   controllers (count % 4)
 *   then objects until the end: path, count % 4 interfaces of
 *     name, count % 8 properties of name + variant
 * A string is a length byte (low 6 bits) and that many bytes, or, for a
 * length byte >= 0xC0, one of the names BlueZ uses (tables below). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <systemd/sd-bus.h>

#include "../../server/base/sbuf.h"
#include "../../server/base/xalloc.h"
#include "../../server/probe/bus.h"
#include "../../server/probe/facts.h"
#include "../../server/probe/hci.h"
#include "../../server/probe/probe.h"

#define UUID(prefix) prefix "-0000-1000-8000-00805f9b34fb"
#define MAX_DEPTH 6

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const words[] = {
	PROBE_ADAPTER_IFACE, PROBE_DEVICE_IFACE, "org.bluez.MediaControl1",
	"Address", "Name", "Alias", "Icon", "Powered", "Paired", "Connected",
	"Class", "UUIDs", "Adapter",
	UUID("00001108"), UUID("0000111e"), UUID("00001112"), UUID("0000111f"),
	UUID("0000110a"), UUID("0000110b"), UUID("0000110c"), UUID("0000110e"),
	"0000111E-0000-1000-8000-00805F9B34FB", UUID("00001200"),
	"00:11:22:33:44:55", "AA:00:00:00:00:01", "aa:00:00:00:00:01",
	"audio-headset", "audio-card", "",
};
#define NR_WORDS (sizeof(words) / sizeof(*words))

static const char *const paths[] = {
	"/org/bluez/hci0", "/org/bluez/hci0/dev_AA_00_00_00_00_01",
	"/org/bluez/hci0/dev_AA_00_00_00_00_02", "/org/bluez/hci1",
	"/org/bluez", "/",
};
#define NR_PATHS (sizeof(paths) / sizeof(*paths))

/* Variant types: what BlueZ sends first, then anything else. */
static const char *const vtypes[] = {
	"s", "o", "b", "u", "as", "i", "y", "n", "q", "x", "t", "d", "g",
	"ay", "ao", "ab", "a{sv}", "a{ss}", "v", "(su)", "(as)", "aas",
};
#define NR_VTYPES (sizeof(vtypes) / sizeof(*vtypes))

static sd_bus *bus;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int sv[2];

	(void)argc;
	(void)argv;
	/* sd-bus builds messages only for a started bus: one over a
	 * socketpair whose other end nobody reads is enough. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ||
	    sd_bus_new(&bus) < 0 || sd_bus_set_fd(bus, sv[0], sv[0]) < 0 ||
	    sd_bus_start(bus) < 0) {
		fprintf(stderr, "fuzz_probe: cannot set up sd-bus\n");
		abort();
	}
	return 0;
}

struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t bytes(struct in *in, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | byte(in);
	return v;
}

/* A string as D-Bus carries it: UTF-8 without NUL, so any other byte
 * becomes '?'. */
static void str(struct in *in, struct sbuf *out)
{
	unsigned len = byte(in);

	sbuf_reset(out);
	if (len >= 0xC0) {
		sbuf_adds(out, words[(len - 0xC0) % NR_WORDS]);
		return;
	}
	for (len &= 0x3F; len; len--) {
		unsigned c = byte(in);

		sbuf_addch(out, c && c < 0x80 ? (int)c : '?');
	}
}

/* A valid object path: a table's, or bytes made into one. */
static void path(struct in *in, struct sbuf *out)
{
	unsigned len = byte(in);

	sbuf_reset(out);
	if (len >= 0xC0) {
		sbuf_adds(out, paths[(len - 0xC0) % NR_PATHS]);
		return;
	}
	sbuf_addch(out, '/');
	for (len &= 0x3F; len; len--) {
		unsigned c = byte(in);
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '_';

		if (c == '/' && out->buf[out->len - 1] == '/')
			continue;
		sbuf_addch(out, ok || c == '/' ? (int)c : '_');
	}
	if (out->len > 1 && out->buf[out->len - 1] == '/')
		sbuf_setlen(out, out->len - 1);
}

/* Length of the single complete type at the start of sig. */
static size_t type_len(const char *sig)
{
	size_t i;

	if (*sig == 'a')
		return 1 + type_len(sig + 1);
	if (*sig != '(' && *sig != '{')
		return 1;
	for (i = 1; sig[i] != (*sig == '(' ? ')' : '}');)
		i += type_len(sig + i);
	return i + 1;
}

static int append(sd_bus_message *m, const char *sig, struct in *in, int depth);

/* Appends each complete type of sig (n bytes) in turn. */
static int append_all(sd_bus_message *m, const char *sig, size_t n,
		      struct in *in, int depth)
{
	int r = 0;

	for (size_t i = 0; i < n && r >= 0; i += type_len(sig + i)) {
		char *one = xstrndup(sig + i, type_len(sig + i));

		r = append(m, one, in, depth);
		free(one);
	}
	return r;
}

/* Appends one value of the complete type sig, its contents from in. */
static int append(sd_bus_message *m, const char *sig, struct in *in, int depth)
{
	struct sbuf s = SBUF_INIT;
	size_t len = type_len(sig);
	uint8_t y;
	int16_t n;
	uint16_t q;
	int32_t i;
	uint32_t u;
	int64_t x;
	uint64_t t;
	double d;
	int r, b;

	switch (*sig) {
	case 'a': {
		char *elem = xstrndup(sig + 1, len - 1);
		unsigned count = byte(in) % 5;

		r = sd_bus_message_open_container(m, 'a', elem);
		while (r >= 0 && count--)
			r = append(m, elem, in, depth + 1);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		free(elem);
		return r;
	}
	case '(':
	case '{': {
		char *inner = xstrndup(sig + 1, len - 2);

		r = sd_bus_message_open_container(m, *sig == '(' ? 'r' : 'e', inner);
		if (r >= 0)
			r = append_all(m, inner, len - 2, in, depth + 1);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		free(inner);
		return r;
	}
	case 'v': {
		const char *vt = depth < MAX_DEPTH ? vtypes[byte(in) % NR_VTYPES] : "s";

		r = sd_bus_message_open_container(m, 'v', vt);
		if (r >= 0)
			r = append(m, vt, in, depth + 1);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		return r;
	}
	case 's':
		str(in, &s);
		r = sd_bus_message_append_basic(m, 's', s.buf);
		break;
	case 'o':
		path(in, &s);
		r = sd_bus_message_append_basic(m, 'o', s.buf);
		break;
	case 'g':
		r = sd_bus_message_append_basic(m, 'g', vtypes[byte(in) % NR_VTYPES]);
		break;
	case 'b':
		b = byte(in) & 1;
		r = sd_bus_message_append_basic(m, 'b', &b);
		break;
	case 'y':
		y = (uint8_t)byte(in);
		r = sd_bus_message_append_basic(m, 'y', &y);
		break;
	case 'n':
		n = (int16_t)bytes(in, 2);
		r = sd_bus_message_append_basic(m, 'n', &n);
		break;
	case 'q':
		q = (uint16_t)bytes(in, 2);
		r = sd_bus_message_append_basic(m, 'q', &q);
		break;
	case 'i':
		i = (int32_t)bytes(in, 4);
		r = sd_bus_message_append_basic(m, 'i', &i);
		break;
	case 'u':
		u = (uint32_t)bytes(in, 4);
		r = sd_bus_message_append_basic(m, 'u', &u);
		break;
	case 'x':
		x = (int64_t)bytes(in, 8);
		r = sd_bus_message_append_basic(m, 'x', &x);
		break;
	case 't':
		t = bytes(in, 8);
		r = sd_bus_message_append_basic(m, 't', &t);
		break;
	case 'd':
		t = bytes(in, 8);
		memcpy(&d, &t, sizeof(d));
		r = sd_bus_message_append_basic(m, 'd', &d);
		break;
	default:
		r = -EINVAL;
		break;
	}
	sbuf_release(&s);
	return r;
}

/* The a{oa{sa{sv}}} body: objects until the input ends. */
static int append_objects(sd_bus_message *m, struct in *in)
{
	struct sbuf s = SBUF_INIT;
	int r = sd_bus_message_open_container(m, 'a', "{oa{sa{sv}}}");

	while (r >= 0 && in->n) {
		unsigned ifaces;

		r = sd_bus_message_open_container(m, 'e', "oa{sa{sv}}");
		if (r >= 0) {
			path(in, &s);
			r = sd_bus_message_append_basic(m, 'o', s.buf);
		}
		if (r >= 0)
			r = sd_bus_message_open_container(m, 'a', "{sa{sv}}");
		for (ifaces = byte(in) % 4; r >= 0 && ifaces; ifaces--) {
			unsigned props;

			r = sd_bus_message_open_container(m, 'e', "sa{sv}");
			if (r >= 0) {
				str(in, &s);
				r = sd_bus_message_append_basic(m, 's', s.buf);
			}
			if (r >= 0)
				r = sd_bus_message_open_container(m, 'a', "{sv}");
			for (props = byte(in) % 8; r >= 0 && props; props--) {
				r = sd_bus_message_open_container(m, 'e', "sv");
				if (r >= 0) {
					str(in, &s);
					r = sd_bus_message_append_basic(m, 's', s.buf);
				}
				if (r >= 0)
					r = append(m, "v", in, 0);
				if (r >= 0)
					r = sd_bus_message_close_container(m);
			}
			if (r >= 0)
				r = sd_bus_message_close_container(m);
			if (r >= 0)
				r = sd_bus_message_close_container(m);
		}
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	sbuf_release(&s);
	return r;
}

/* The feature bits the decoder reports, against the specification's. */
static void check_lmp(const uint8_t f[8], const struct probe_lmp *l)
{
	if (l->sco != !!(f[1] & 0x08) || l->esco != !!(f[3] & 0x80) ||
	    l->wideband != (l->transparent_sco && l->esco))
		abort();
}

static struct probe_controller *controllers(struct in *in, size_t *nr)
{
	struct probe_controller *v;
	struct sbuf s = SBUF_INIT;

	*nr = byte(in) % 4;
	v = xcalloc(*nr ? *nr : 1, sizeof(*v));
	for (size_t i = 0; i < *nr; i++) {
		struct probe_controller *c = &v[i];
		unsigned idup;

		for (size_t j = 0; j < sizeof(c->features); j++) {
			c->features[j] = (uint8_t)byte(in);
			c->has_features |= c->features[j] != 0;
		}
		probe_lmp_decode(c->features, &c->lmp);
		check_lmp(c->features, &c->lmp);
		idup = byte(in);
		c->id = (int)(idup >> 1);
		c->up = idup & 1;
		str(in, &s);
		c->address = xstrdup(s.buf);
	}
	sbuf_release(&s);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct probe_objs objs = PROBE_OBJS_INIT;
	struct probe_opts opts = { NULL, 0, 1 };
	struct sbuf device = SBUF_INIT, hci_error = SBUF_INIT;
	struct probe_controller *ctl;
	struct probe_result *res;
	sd_bus_message *m = NULL;
	const struct probe_answer *ans;
	enum probe_bluez st;
	unsigned head;
	size_t nr;
	cJSON *doc;
	char *printed;
	int nr_ans, r;

	if (size > 16 * 1024)
		return -1;
	head = byte(&in);
	st = (head & 7) > PROBE_BLUEZ_FAILED ? PROBE_BLUEZ_OK : (enum probe_bluez)(head & 7);
	if (head & 8) {
		str(&in, &device);
		opts.device = device.buf;
	}
	if (head & 16)
		str(&in, &hci_error);
	ctl = controllers(&in, &nr);

	r = sd_bus_message_new_method_call(bus, &m, "org.bluez", "/",
					   "org.freedesktop.DBus.ObjectManager",
					   "GetManagedObjects");
	if (r >= 0)
		r = append_objects(m, &in);
	if (r >= 0)
		r = sd_bus_message_seal(m, 1, 0);
	if (r >= 0)
		r = sd_bus_message_rewind(m, 1);
	if (r < 0) {
		/* The builder above makes only valid messages. */
		fprintf(stderr, "fuzz_probe: building the reply: %s\n", strerror(-r));
		abort();
	}
	/* A reply that parses is decoded; one that does not is refused whole,
	 * as probe_bus_get_objects does. */
	if (!sd_bus_message_has_signature(m, "a{oa{sa{sv}}}") ||
	    probe_bus_read_objects(m, &objs) < 0) {
		probe_objs_release(&objs);
		if (st == PROBE_BLUEZ_OK)
			st = PROBE_BLUEZ_FAILED;
	}
	res = probe_result_build(st == PROBE_BLUEZ_OK ? &objs : NULL, st,
				 st == PROBE_BLUEZ_OK ? NULL : "BlueZ failed",
				 st == PROBE_BLUEZ_OK ? NULL : "bluez", ctl, nr,
				 hci_error.len ? hci_error.buf : NULL, &opts);
	ans = probe_answers(res, &nr_ans);
	if (nr_ans < 1 || nr_ans > PROBE_MAX_ANSWERS ||
	    strcmp(ans[0].question, "platform"))
		abort();
	doc = probe_json(res);
	printed = cJSON_PrintUnformatted(doc);
	if (!printed)
		abort();
	free(printed);
	cJSON_Delete(doc);
	probe_result_free(res);
	probe_objs_release(&objs);
	sd_bus_message_unref(m);
	sbuf_release(&device);
	sbuf_release(&hci_error);
	return 0;
}
