/* fuzzutil: what the HTTP harnesses share: a server as `clew serve` builds
 * it (templates, static files, metrics) over a KB compiled at start-up, and
 * requests dispatched to the router without sockets. */
#ifndef CLEW_FUZZUTIL_H
#define CLEW_FUZZUTIL_H

#include <stddef.h>

#include "../../server/http/app.h"
#include "../../server/http/request.h"

/* Builds the app once: compiles $CLEW_FUZZ_KB (default "kb") into a
 * temporary file, loads it, and loads $CLEW_FUZZ_TEMPLATES ("templates")
 * and $CLEW_FUZZ_STATIC ("static"); the paths are relative to the
 * repository root, where the make rules run. Aborts with a message when any
 * of it fails: a harness without its KB would fuzz nothing. Borrowed; lives
 * until the process ends. */
struct app *fuzz_app(void);

/* A request as the daemon would hand it to the router, all fields but the
 * arguments borrowed; release with fuzz_request_release. */
void fuzz_request_init(struct http_request *req, struct app *app,
		       const char *method, const char *path);
void fuzz_request_release(struct http_request *req);

/* Dispatches req and checks what every reply must be: a status in
 * 100..599, a content type, a body that is all there (the sanitizers see
 * any read past it). Aborts on a broken reply. */
void fuzz_dispatch(struct http_request *req);

#endif
