/* event: one thing a reader did that Clew records (a wizard page shown, a
 * session's outcome, a "Was this helpful?" vote, a search, a search hit
 * opened), as the sink queues it and the stores keep it. See
 * docs/outcomes.md for what each kind carries and why nothing more. */
#ifndef CLEW_EVENT_H
#define CLEW_EVENT_H

#include <stdint.h>

struct cJSON;
struct sbuf;

enum ev_kind {
	EV_WIZARD,  /* a wizard page: answers, steps tried, what it asked next */
	EV_OUTCOME, /* a session's end: fixed (by step), or not fixed */
	EV_VOTE,    /* "Was this helpful?" on an article: yes or no (+ reason) */
	EV_SEARCH,  /* a search: normalised query and its number of hits */
	EV_OPEN,    /* a search hit opened: query, article, rank */
	EV_NR_KINDS
};

/* Longest search query kept (bytes; longer ones are cut at a character). */
#define EV_QUERY_MAX 200
/* Longest answers or tried list kept (bytes); longer events are refused. */
#define EV_STATE_MAX 2000

/* Every string is owned (malloc'd) or NULL when the event has none. */
struct ev_event {
	enum ev_kind kind;
	int64_t at_ms;   /* Unix time in milliseconds */
	char *kb;        /* content hash of the KB it happened on */
	char *session;   /* wizard session id (EV_WIZARD, EV_OUTCOME) */
	char *article;   /* problem (wizard, outcome), voted or opened article */
	char *answers;   /* canonical "q=v&q=v", without 'problem' */
	char *tried;     /* "step:failed,step:skipped", in the order tried */
	char *question;  /* EV_WIZARD: the question it asked next */
	char *step;      /* EV_WIZARD: the step it offered; EV_OUTCOME: the
			  * fix; the step's id, or "article/id" for a step of
			  * another article than the problem */
	char *result;    /* outcome: fixed|not_fixed; vote: yes|no; wizard:
			  * the end it showed, if any */
	char *reason;    /* vote: one of ev_vote_reasons, or NULL */
	char *query;     /* EV_SEARCH, EV_OPEN: normalised query */
	int64_t hits;    /* EV_SEARCH: number of hits; -1 otherwise */
	int64_t rank;    /* EV_OPEN: 1-based rank of the hit; -1 otherwise */
	int packed;      /* 1: the strings share e's one allocation */
};

/* The kinds' names as stored and as the API takes them ("wizard", ...). */
const char *ev_kind_name(enum ev_kind k);
/* Returns the kind named name, or -1. */
int ev_kind_parse(const char *name);

/* The reasons a "no" vote may give, NULL-terminated. */
extern const char *const ev_vote_reasons[];

/* Returns a zeroed event of kind k stamped now (hits and rank -1); free
 * with ev_event_free. */
struct ev_event *ev_event_new(enum ev_kind k);
/* NULL is a no-op. */
void ev_event_free(struct ev_event *e);
/* Frees the strings e owns, not e. */
void ev_event_release(struct ev_event *e);
/* Returns a deep copy; caller frees with ev_event_free. */
struct ev_event *ev_event_dup(const struct ev_event *e);

/* Returns a copy of e in one allocation, its strings after the struct
 * (caller frees with ev_event_free; its strings must not be set again);
 * e's strings may be borrowed (a struct on the stack), e is untouched. */
struct ev_event *ev_event_packed_copy(const struct ev_event *e);


/* The current time, in ms since the epoch, as events carry it. */
int64_t ev_now_ms(void);

/* Sets *field to a copy of s (NULL or "" clears it). */
void ev_event_set(char **field, const char *s);

/* Checks e: a kind's required fields are present, ids are ids, results
 * and reasons are ones the kind allows, text is UTF-8 and within its cap.
 * Returns 0, or -1 with the reason appended to err. */
int ev_event_check(const struct ev_event *e, struct sbuf *err);

/* Builds an event from an API client's JSON object (see docs/openapi.yaml,
 * POST /api/v1/events): kind and its fields; the query is normalised; the
 * time and KB are the server's (kb, borrowed). Returns the event (caller
 * frees) or NULL with the reason in err. */
struct ev_event *ev_event_from_json(const struct cJSON *o, const char *kb,
				    struct sbuf *err);

/* Normalises a search query as recorded: lower case (text_fold), runs of
 * white space made one space, trimmed, cut to EV_QUERY_MAX bytes at a
 * character boundary. */
void ev_query_normalise(struct sbuf *out, const char *q);

/* Appends a new random session id (22 characters of [A-Za-z0-9_-], 132
 * random bits from getrandom). */
void ev_session_new(struct sbuf *out);
/* 1 when s looks like a session id this server makes. */
int ev_session_valid(const char *s);

#endif
