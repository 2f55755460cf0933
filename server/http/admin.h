/* admin: "is it helping?" for the support team: GET /admin, charts drawn
 * on the server as SVG (no script needed), and each chart's data under
 * GET /api/v1/admin/{table} (stats.h names them; "report" is all of them).
 * Off unless --admin-token is set (then asked for as a Bearer token, or as
 * the password of HTTP Basic) or the client is on this machine. */
#ifndef CLEW_ADMIN_H
#define CLEW_ADMIN_H

struct app;
struct http_reply;
struct http_request;

/* The tables are computed again at most this often (seconds). */
#define ADMIN_CACHE_SECONDS 10

void page_admin(struct http_request *req, struct http_reply *rep, const char *param);
void api_admin(struct http_request *req, struct http_reply *rep, const char *table);

/* Frees what the admin pages keep in app (the cached tables). */
void admin_release(struct app *app);

#endif
