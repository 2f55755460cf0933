/* bus: the BlueZ stage on sd-bus: one GetManagedObjects call on org.bluez
 * over the system bus, its reply parsed into plain objects. */
#ifndef CLEW_PROBE_BUS_H
#define CLEW_PROBE_BUS_H

#include <stdint.h>

#include "probe.h"

struct probe_objs;
struct sbuf;
struct sd_bus_message;

/* Connects to the system bus ($DBUS_SYSTEM_BUS_ADDRESS honoured), calls
 * org.bluez / org.freedesktop.DBus.ObjectManager.GetManagedObjects without
 * auto-starting BlueZ, waits at most timeout_usec, and appends every
 * org.bluez.Adapter1 and org.bluez.Device1 interface to objs, with the
 * properties of the types the decoder reads (s, o, b, u, as); others are
 * skipped. Returns PROBE_BLUEZ_OK, or the failure with a message appended
 * to err and *stage set to "bus" (connecting) or "bluez" (the call); objs
 * is left as it was on failure. */
enum probe_bluez probe_bus_get_objects(struct probe_objs *objs,
				       uint64_t timeout_usec, struct sbuf *err,
				       const char **stage);

/* Reads a GetManagedObjects reply (m at its a{oa{sa{sv}}} body, sealed)
 * as probe_bus_get_objects does: appends every Adapter1 and Device1
 * interface to objs. Returns 0, or a negative errno when the message is
 * malformed (objs then holds what was read before; release it). For the
 * fuzzer, which builds replies without a bus. */
int probe_bus_read_objects(struct sd_bus_message *m, struct probe_objs *objs);

#endif
