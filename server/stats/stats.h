/* stats: what the recorded events say, as the tables a support team asks
 * for ("is it helping?"): sessions per day and how they ended, the share
 * fixed per problem, the fixes that work and those that never do, where
 * sessions are abandoned, top searches, searches with no hits or no
 * click, and "Was this helpful?" votes per article. One pass over the
 * events; /admin, /api/v1/admin/ and `clew report` show the same tables. */
#ifndef CLEW_STATS_H
#define CLEW_STATS_H

#include <stdint.h>

struct cJSON;
struct eng_model;
struct ev_event;
struct sbuf;

/* A session with no outcome and no event for this long is abandoned. */
#define STATS_IDLE_MINUTES 30

struct stats_opts {
	int64_t now_ms;
	int days;          /* days in sessions_per_day (default 30) */
	int top;           /* rows of the top lists (default 20) */
	double idle_minutes; /* default STATS_IDLE_MINUTES */
	/* The KB, for titles (borrowed; may be NULL: ids only). */
	const struct eng_model *model;
};

struct stats;

/* opts may leave any field 0 for its default (now_ms: the current time). */
struct stats *stats_new(const struct stats_opts *opts);
void stats_free(struct stats *s);

/* The first time (ms) of the window the tables cover: the first day of
 * sessions_per_day. Events before it need not be read. */
int64_t stats_window_start(const struct stats *s);

/* Counts one event (any kind). */
void stats_add(struct stats *s, const struct ev_event *e);

/* The tables' names, NULL-terminated, in the order shown. */
extern const char *const stats_tables[];

/* Returns the tables as one JSON object (caller frees): "totals", then
 * each of stats_tables by name. docs/outcomes.md describes each. */
struct cJSON *stats_json(struct stats *s);

/* Appends the same tables as plain text, for people (clew report). */
void stats_text(const struct cJSON *doc, struct sbuf *out);

#endif
