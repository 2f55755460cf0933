/* app: the server's configuration and shared state. */
#include "app.h"

#include <string.h>

#include "kbstate.h"

struct kbstate *app_kb(struct app *app)
{
	struct kbstate *kb;

	pthread_mutex_lock(&app->kb_lock);
	kb = app->kb;
	kbstate_ref(kb);
	pthread_mutex_unlock(&app->kb_lock);
	return kb;
}

void app_set_kb(struct app *app, struct kbstate *kb)
{
	struct kbstate *old;

	pthread_mutex_lock(&app->kb_lock);
	old = app->kb;
	app->kb = kb;
	pthread_mutex_unlock(&app->kb_lock);
	kbstate_release(old);
}

int app_origin_allowed(const struct app *app, const char *origin)
{
	const char *p = app->cfg.cors;
	size_t n;

	if (!origin || !p || !*p)
		return 0;
	n = strlen(origin);
	while (*p) {
		size_t len;

		while (*p == ' ' || *p == ',')
			p++;
		len = strcspn(p, ", ");
		if ((len == 1 && *p == '*') || (len == n && !strncmp(p, origin, n)))
			return 1;
		p += len;
	}
	return 0;
}
