/* headings: what the words of a heading (or of a label in bold) say: that
 * the list under it is causes or solutions, the platform it names, that it
 * repeats the page's title. Words are runs of letters and digits of any
 * script, between blanks, punctuation, symbols and emoji of any script. */
#ifndef CLEW_HEADINGS_H
#define CLEW_HEADINGS_H

#include "../base/sbuf.h"
#include "../content/kb.h"

/* KB_SECTION_CAUSES or _SOLUTIONS when a word or phrase of text says so
 * ("Possible causes", "Lösungen", "What to do", "解决方法"), else
 * KB_SECTION_TEXT. */
enum kb_section_kind heading_kind(const char *text);

/* As heading_kind, but by whole phrases only ("Here's what you can do",
 * "Why does this happen"), not single words: for lead-in sentences, where
 * a word such as "cause" alone says little. */
enum kb_section_kind heading_phrase_kind(const char *text);

/* What a sentence that introduces a list says the list is: by a phrase
 * (heading_phrase_kind), or by a plural such as "reasons", "causes",
 * "solutions", "fixes" ("There are a few common reasons why the email
 * does not arrive:"); else KB_SECTION_TEXT. */
enum kb_section_kind heading_lead_kind(const char *text);

/* For a Reasons or Solutions heading written as "Cause 1: The adapter is
 * off" or "Solution 2 - Pair it again", or a numbered step ("Step 3:
 * Update the driver"): sets *number (1 when a number follows the word,
 * else 0) and returns the text after the separator (borrowed from
 * heading), or NULL when there is none ("Possible causes", "Solution 1"). */
const char *heading_label(const char *heading, int *number);

/* 1 when name stands in text as a whole word (or words), without case. */
int heading_names(const char *text, const char *name);

/* heading_names for text and name both as text_fold leaves them (lowercase):
 * the same answer, found faster. */
int heading_names_folded(const char *text, const char *name);

/* Appends the platform name a heading's text gives, without leading and
 * trailing generic words: "On Windows hosts" -> "Windows". */
void heading_platform_name(const char *text, struct sbuf *name);

/* Trims from name (as heading_platform_name gives it) the words of a
 * section heading's before and after it ("Android troubleshooting" ->
 * "Android", "your iPhone" -> "iPhone"), and returns 1 when what is left
 * can be a platform's name: something, at most four words, from a heading
 * that is no question or label ("Troubleshooting", "Why it happens" and
 * "Known issues" are not). */
int heading_platform_words(struct sbuf *name);

/* 1 when heading repeats title, but for case, blanks and punctuation
 * ("# Printer offline - troubleshooting guide" for the title "Printer
 * offline: troubleshooting guide"). */
int heading_repeats_title(const char *heading, const char *title);

/* 1 when text (a lead-in paragraph) names steps, in one of the languages
 * heading_kind knows: "To reset the adapter, follow these steps:". */
int heading_says_steps(const char *text);

/* 1 when text (a heading, or a lead-in before a list) announces a list
 * of checks, each of them a step to try on its own: "Self-check", "Check
 * the following:", "Things to try", "Troubleshooting steps", "自查". */
int heading_is_checklist(const char *text);

/* 1 when text names checks ("Self-check", "Check the following:", "Make
 * sure that:", "Checkliste"), not just things to try: the items of a
 * list it announces are quick checks. */
int heading_names_checks(const char *text);

/* 1 when text starts as one step of a numbered procedure or one of
 * several numbered methods: "Step 1: Restart the router", "Method 2 -
 * Reset", "Schritt 3", "步骤1". (heading_label gives the label after it.) */
int heading_numbered_step(const char *text);

/* The words of text: runs of non-blanks. */
int heading_count_words(const char *text);

#endif
