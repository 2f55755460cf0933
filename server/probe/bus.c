/* bus: GetManagedObjects on org.bluez through sd-bus, parsed defensively. */
#define _GNU_SOURCE /* strerrordesc_np */
#include "bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "facts.h"

#define DEFAULT_SYSTEM_BUS "unix:path=/run/dbus/system_bus_socket"
#define DEFAULT_TIMEOUT_USEC (2 * 1000 * 1000)

/* Borrowed from the environment or static. */
static const char *bus_address(void)
{
	const char *a = getenv("DBUS_SYSTEM_BUS_ADDRESS");

	return a && *a ? a : DEFAULT_SYSTEM_BUS;
}

static const char *errdesc(int e)
{
	const char *s = strerrordesc_np(e);

	return s ? s : "unknown error";
}

/* Reads a variant of a type the decoder knows (s, o, b, u, as) into o as
 * property name; skips any other. m is at the variant. Returns < 0 only
 * when the message itself is malformed. */
static int read_prop(sd_bus_message *m, struct probe_obj *o, const char *name)
{
	const char *contents = NULL, *s;
	char type;
	uint32_t u;
	int r, b;

	r = sd_bus_message_peek_type(m, &type, &contents);
	if (r <= 0)
		return r < 0 ? r : -EBADMSG;
	if (type != 'v' || !contents)
		return -EBADMSG;
	/* A typed read of a variant of another type fails with -ENXIO, so
	 * the type decides which read, and anything else is skipped whole. */
	if (!strcmp(contents, "s") || !strcmp(contents, "o")) {
		int is_path = contents[0] == 'o';

		r = sd_bus_message_read(m, "v", contents, &s);
		if (r < 0)
			return r;
		/* s points into the message: the setters copy it. */
		if (is_path)
			probe_obj_set_path(o, name, s);
		else
			probe_obj_set_str(o, name, s);
	} else if (!strcmp(contents, "b")) {
		r = sd_bus_message_read(m, "v", "b", &b); /* 'b' reads an int */
		if (r < 0)
			return r;
		probe_obj_set_bool(o, name, b);
	} else if (!strcmp(contents, "u")) {
		r = sd_bus_message_read(m, "v", "u", &u);
		if (r < 0)
			return r;
		probe_obj_set_u32(o, name, u);
	} else if (!strcmp(contents, "as")) {
		const char **v = NULL;
		size_t nr = 0, alloc = 0;

		r = sd_bus_message_enter_container(m, 'v', "as");
		if (r >= 0)
			r = sd_bus_message_enter_container(m, 'a', "s");
		while (r >= 0 && (r = sd_bus_message_read(m, "s", &s)) > 0) {
			ALLOC_GROW(v, nr + 1, alloc);
			v[nr++] = s;
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r >= 0)
			probe_obj_set_strv(o, name, v, nr);
		free(v);
		if (r < 0)
			return r;
	} else {
		return sd_bus_message_skip(m, "v");
	}
	return 0;
}

/* The a{sv} of one interface, into a new object of objs. */
static int read_iface(sd_bus_message *m, struct probe_objs *objs,
		      const char *path, const char *iface)
{
	struct probe_obj *o = probe_objs_add(objs, path, iface);
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	/* enter_container returns 0 at the end of the array. */
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const char *name;

		r = sd_bus_message_read(m, "s", &name);
		if (r < 0)
			return r;
		r = read_prop(m, o, name);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

/* The whole a{oa{sa{sv}}} reply. */
static int read_objects(sd_bus_message *m, struct probe_objs *objs)
{
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{oa{sa{sv}}}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "oa{sa{sv}}")) > 0) {
		const char *path;

		r = sd_bus_message_read(m, "o", &path);
		if (r < 0)
			return r;
		r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
		if (r < 0)
			return r;
		while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
			const char *iface;

			r = sd_bus_message_read(m, "s", &iface);
			if (r < 0)
				return r;
			if (!strcmp(iface, PROBE_ADAPTER_IFACE) ||
			    !strcmp(iface, PROBE_DEVICE_IFACE))
				r = read_iface(m, objs, path, iface);
			else
				r = sd_bus_message_skip(m, "a{sv}");
			if (r < 0)
				return r;
			r = sd_bus_message_exit_container(m);
			if (r < 0)
				return r;
		}
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

int probe_bus_read_objects(sd_bus_message *m, struct probe_objs *objs)
{
	int r = read_objects(m, objs);

	return r < 0 ? r : 0;
}

/* Sorts a failed call into a status and a message. */
static enum probe_bluez call_failed(int r, const sd_bus_error *e,
				    struct sbuf *err, const char **stage)
{
	*stage = "bluez";
	if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN,
				   SD_BUS_ERROR_NAME_HAS_NO_OWNER)) {
		sbuf_addf(err, "BlueZ is not running: nothing owns org.bluez on "
			  "the system bus (%s); start it with 'systemctl start "
			  "bluetooth'", e->name);
		return PROBE_BLUEZ_NOT_RUNNING;
	}
	if (sd_bus_error_has_name(e, SD_BUS_ERROR_ACCESS_DENIED)) {
		sbuf_addf(err, "permission denied: the system bus policy does "
			  "not let this user call BlueZ (%s)",
			  e->message ? e->message : e->name);
		return PROBE_BLUEZ_DENIED;
	}
	if (sd_bus_error_has_name(e, SD_BUS_ERROR_DISCONNECTED)) {
		*stage = "bus";
		sbuf_addf(err, "the system bus went away while waiting for BlueZ "
			  "(%s)", e->message ? e->message : e->name);
		return PROBE_BLUEZ_NO_BUS;
	}
	if (r == -ETIMEDOUT ||
	    sd_bus_error_has_names(e, SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_TIMEOUT)) {
		sbuf_addf(err, "BlueZ did not answer in time (%s)",
			  sd_bus_error_is_set(e) ? e->name : errdesc(-r));
		return PROBE_BLUEZ_TIMEOUT;
	}
	if (sd_bus_error_is_set(e)) {
		sbuf_addf(err, "BlueZ answered with an error: %s: %s", e->name,
			  e->message ? e->message : "");
		return PROBE_BLUEZ_FAILED;
	}
	/* No D-Bus error: the connection itself failed (connecting is lazy,
	 * so a refused or vanished socket shows up here). */
	*stage = "bus";
	if (r == -EACCES || r == -EPERM) {
		sbuf_addf(err, "permission denied connecting to the system bus "
			  "at %s", bus_address());
		return PROBE_BLUEZ_DENIED;
	}
	sbuf_addf(err, "no system bus at %s: %s", bus_address(), errdesc(-r));
	return PROBE_BLUEZ_NO_BUS;
}

enum probe_bluez probe_bus_get_objects(struct probe_objs *objs,
				       uint64_t timeout_usec, struct sbuf *err,
				       const char **stage)
{
	struct probe_objs got = PROBE_OBJS_INIT;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus *bus = NULL;
	enum probe_bluez ret;
	int r;

	*stage = "bus";
	/* A new connection each time (not sd_bus_default_system): a bus
	 * object is not thread-safe and the HTTP server probes from several
	 * threads. */
	r = sd_bus_open_system(&bus);
	if (r < 0) {
		if (r == -EACCES || r == -EPERM) {
			sbuf_addf(err, "permission denied connecting to the "
				  "system bus at %s", bus_address());
			ret = PROBE_BLUEZ_DENIED;
		} else {
			sbuf_addf(err, "no system bus at %s: %s", bus_address(),
				  errdesc(-r));
			ret = PROBE_BLUEZ_NO_BUS;
		}
		goto cleanup;
	}
	r = sd_bus_message_new_method_call(bus, &m, "org.bluez", "/",
					   "org.freedesktop.DBus.ObjectManager",
					   "GetManagedObjects");
	if (r >= 0)
		/* A probe looks; it must not start bluetoothd by activation. */
		r = sd_bus_message_set_auto_start(m, 0);
	if (r < 0) {
		sbuf_addf(err, "cannot build the D-Bus call: %s", errdesc(-r));
		ret = PROBE_BLUEZ_FAILED;
		goto cleanup;
	}
	r = sd_bus_call(bus, m, timeout_usec ? timeout_usec : DEFAULT_TIMEOUT_USEC,
			&e, &reply);
	if (r < 0) {
		ret = call_failed(r, &e, err, stage);
		goto cleanup;
	}
	*stage = "bluez";
	if (!sd_bus_message_has_signature(reply, "a{oa{sa{sv}}}")) {
		sbuf_addf(err, "BlueZ's GetManagedObjects reply has signature "
			  "'%s', not a{oa{sa{sv}}}",
			  sd_bus_message_get_signature(reply, 1) ?
			  sd_bus_message_get_signature(reply, 1) : "");
		ret = PROBE_BLUEZ_FAILED;
		goto cleanup;
	}
	r = read_objects(reply, &got);
	if (r < 0) {
		sbuf_addf(err, "malformed GetManagedObjects reply: %s", errdesc(-r));
		ret = PROBE_BLUEZ_FAILED;
		goto cleanup;
	}
	for (size_t i = 0; i < got.nr; i++) {
		ALLOC_GROW(objs->v, objs->nr + 1, objs->alloc);
		objs->v[objs->nr++] = got.v[i];
	}
	got.nr = 0;
	ret = PROBE_BLUEZ_OK;
cleanup:
	probe_objs_release(&got);
	sd_bus_message_unref(reply);
	sd_bus_message_unref(m);
	sd_bus_error_free(&e);
	sd_bus_flush_close_unref(bus);
	return ret;
}
