/* json: reading members of cJSON documents without a check at every
 * step: a member that is missing or of another type reads as "" or NaN. */
#ifndef CLEW_JSON_H
#define CLEW_JSON_H

struct cJSON;

/* The string member key of o (borrowed), or "" when o is NULL or has no
 * string member key. */
const char *json_str(const struct cJSON *o, const char *key);

/* The number member key of o, or NaN when o is NULL or has no number
 * member key. */
double json_num(const struct cJSON *o, const char *key);

#endif
