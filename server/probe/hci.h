/* hci: the controller stage: each controller's LMP features read through
 * libbluetooth's hci_devinfo (no privilege needed), and their decoder. */
#ifndef CLEW_PROBE_HCI_H
#define CLEW_PROBE_HCI_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

/* Voice-link features of LMP feature page 0; each 1 or 0. */
struct probe_lmp {
	int sco, hv2, hv3;
	int transparent_sco; /* can pass encoded (mSBC) audio through */
	int esco, ev3, ev4, ev5;
	int edr_esco_2m, edr_esco_3m;
	int wideband;        /* transparent SCO and eSCO: mSBC capable */
};

/* Decodes the 8 feature bytes (as hci_dev_info.features). Pure. */
void probe_lmp_decode(const uint8_t features[8], struct probe_lmp *out);

struct probe_controller {
	int id;               /* N of hciN */
	char *address;        /* "AA:BB:CC:DD:EE:FF", malloc'd */
	int up;               /* HCI_UP: the kernel has it running */
	int has_features;     /* 0: all feature bytes zero (never read) */
	uint8_t features[8];
	struct probe_lmp lmp; /* decoded features */
	unsigned sco_mtu, sco_pkts;
};

/* Lists the kernel's Bluetooth controllers. Returns 0 with a malloc'd
 * array in *out and its length in *nr (free with probe_controllers_free;
 * an empty list is not an error), or -errno with a message appended to
 * err (-EAFNOSUPPORT: no Bluetooth socket family, as in most containers). */
int probe_hci_scan(struct probe_controller **out, size_t *nr, struct sbuf *err);

/* Frees the array and its strings; NULL is a no-op. */
void probe_controllers_free(struct probe_controller *c, size_t nr);

#endif
