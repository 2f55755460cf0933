/* feedback: the routes that take events, besides the wizard's pages
 * (which record as they are shown; see record.h):
 *   POST /api/v1/events   events from API clients and app.js (JSON)
 *   POST /articles/{slug} "Was this helpful?" (a form; 303 back to the page)
 *   GET  /search/open     a search hit opened (303 to the article) */
#ifndef CLEW_FEEDBACK_H
#define CLEW_FEEDBACK_H

struct http_reply;
struct http_request;

/* Most events one POST /api/v1/events may carry. */
#define FEEDBACK_MAX_EVENTS 100

void api_events(struct http_request *req, struct http_reply *rep, const char *param);
void page_vote(struct http_request *req, struct http_reply *rep, const char *slug);
void page_search_open(struct http_request *req, struct http_reply *rep,
		      const char *param);

/* The reasons a "no" may give: their values, then NULL. */
extern const char *const feedback_reasons[];

/* The words the page shows reason (one of feedback_reasons) in, in
 * lang (borrowed from the catalogues c). */
struct i18n;
const char *feedback_reason_label(const struct i18n *c, const char *lang,
				  const char *reason);

#endif
