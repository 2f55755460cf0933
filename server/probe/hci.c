/* hci: controller LMP features through libbluetooth, and their decoder. */
#define _GNU_SOURCE
#include "hci.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/hci.h>
#include <bluetooth/hci_lib.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"

void probe_lmp_decode(const uint8_t f[8], struct probe_lmp *out)
{
	/* Bluetooth Core, vol. 2 part C 3.3: LMP feature mask, page 0 (the
	 * same bits as LMP_SCO, LMP_HV2, ... in lib/hci.h). */
	memset(out, 0, sizeof(*out));
	out->sco = !!(f[1] & 0x08);
	out->hv2 = !!(f[1] & 0x10);
	out->hv3 = !!(f[1] & 0x20);
	out->transparent_sco = !!(f[2] & 0x08);
	out->esco = out->ev3 = !!(f[3] & 0x80);
	out->ev4 = !!(f[4] & 0x01);
	out->ev5 = !!(f[4] & 0x02);
	out->edr_esco_2m = !!(f[5] & 0x20);
	out->edr_esco_3m = !!(f[5] & 0x40);
	out->wideband = out->transparent_sco && out->esco;
}

void probe_controllers_free(struct probe_controller *c, size_t nr)
{
	for (size_t i = 0; c && i < nr; i++)
		free(c[i].address);
	free(c);
}

/* strerrorname_np, which knows every errno; thread-safe. */
static const char *errname(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "unknown error";
}

/* Appends why socket work failed with error e. */
static void describe(struct sbuf *err, const char *what, int e)
{
	switch (e) {
	case EAFNOSUPPORT:
		sbuf_addf(err, "no Bluetooth socket family (EAFNOSUPPORT): this "
			  "kernel has no Bluetooth support, or this runs in a "
			  "container or sandbox without it; controller features "
			  "are unknown");
		break;
	case EPERM:
	case EACCES:
		sbuf_addf(err, "%s was refused (%s); controller features are "
			  "unknown", what, errname(e));
		break;
	default:
		sbuf_addf(err, "%s failed: %s (%s)", what,
			  strerrordesc_np(e) ? strerrordesc_np(e) : "unknown error",
			  errname(e));
		break;
	}
}

static char *format_bdaddr(const bdaddr_t *ba)
{
	struct sbuf sb = SBUF_INIT;

	/* bdaddr_t is little-endian: the last byte is printed first. */
	for (int i = 5; i >= 0; i--)
		sbuf_addf(&sb, i == 5 ? "%02X" : ":%02X", ba->b[i]);
	return sbuf_detach(&sb, NULL);
}

int probe_hci_scan(struct probe_controller **out, size_t *nr, struct sbuf *err)
{
	struct hci_dev_list_req *dl = NULL;
	struct probe_controller *v = NULL;
	size_t n = 0;
	int sk, ret = 0;

	sk = socket(AF_BLUETOOTH, SOCK_RAW | SOCK_CLOEXEC, BTPROTO_HCI);
	if (sk < 0) {
		ret = -errno;
		describe(err, "opening an HCI socket", errno);
		goto cleanup;
	}
	dl = xcalloc(1, sizeof(*dl) + HCI_MAX_DEV * sizeof(struct hci_dev_req));
	dl->dev_num = HCI_MAX_DEV;
	if (ioctl(sk, HCIGETDEVLIST, dl) < 0) {
		ret = -errno;
		describe(err, "listing HCI devices (HCIGETDEVLIST)", errno);
		goto cleanup;
	}
	v = xcalloc(dl->dev_num, sizeof(*v));
	for (int i = 0; i < dl->dev_num; i++) {
		struct hci_dev_info di;
		struct probe_controller *c;

		memset(&di, 0, sizeof(di));
		if (hci_devinfo(dl->dev_req[i].dev_id, &di) < 0) {
			if (errno == ENODEV)
				continue; /* unplugged since the listing */
			ret = -errno;
			describe(err, "reading an HCI device (HCIGETDEVINFO)", errno);
			goto cleanup;
		}
		c = &v[n++];
		c->id = di.dev_id;
		c->address = format_bdaddr(&di.bdaddr);
		c->up = hci_test_bit(HCI_UP, &di.flags) ? 1 : 0;
		memcpy(c->features, di.features, sizeof(c->features));
		for (size_t j = 0; j < sizeof(c->features); j++)
			c->has_features |= c->features[j] != 0;
		probe_lmp_decode(c->features, &c->lmp);
		c->sco_mtu = di.sco_mtu;
		c->sco_pkts = di.sco_pkts;
	}
	*out = v;
	*nr = n;
	v = NULL;
cleanup:
	probe_controllers_free(v, n);
	free(dl);
	if (sk >= 0)
		close(sk);
	return ret;
}
