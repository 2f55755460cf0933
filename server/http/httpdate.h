/* httpdate: HTTP-dates (RFC 9110, 5.6.7: "Sun, 06 Nov 1994 08:49:37 GMT")
 * for Last-Modified and If-Modified-Since, and the KB's built_at. */
#ifndef CLEW_HTTPDATE_H
#define CLEW_HTTPDATE_H

#include "../base/sbuf.h"

/* Appends t (seconds since the epoch, UTC) as an IMF-fixdate. */
void httpdate_format(struct sbuf *out, long long t);

/* Reads an IMF-fixdate into *t. Returns 0, or -1 (*t untouched) for
 * anything else, the obsolete RFC 850 and asctime forms included (a
 * client that sends those gets a full reply, which is always right). */
int httpdate_parse(const char *s, long long *t);

/* Reads "YYYY-MM-DDTHH:MM:SSZ" (the KB's built_at) into *t. Returns 0,
 * or -1 (*t untouched). */
int httpdate_parse_iso(const char *s, long long *t);

#endif
