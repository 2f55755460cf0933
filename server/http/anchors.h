/* anchors: where on an article's page each of its causes and solutions is
 * said, as a fragment a link can name (/articles/SLUG#fix-ID), so that a
 * page that does not repeat a fix's text can send the reader to it. */
#ifndef CLEW_ANCHORS_H
#define CLEW_ANCHORS_H

struct cJSON;

/* Gives each cause and solution of doc (an article document, as the
 * store reads it, or a translation's) an "anchor": the list item whose
 * body is the entry's html gets id "cause-ID" or "fix-ID" in doc's html
 * (when that id is free and ID is made of [A-Za-z0-9_-]), and that is its
 * anchor; else the anchor is the id of the heading above where the
 * entry's html is; else the entry gets none. doc is changed in place. */
void anchors_add(struct cJSON *doc);

/* The anchor of the solution id in doc (anchors_add's), or NULL;
 * borrowed from doc. */
const char *anchors_solution(const struct cJSON *doc, const char *id);

#endif
