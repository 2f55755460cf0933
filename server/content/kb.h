/* kb: the in-memory shape of compiled content (articles, causes,
 * solutions, questions), as the parser builds it and the writer stores it. */
#ifndef CLEW_CONTENT_KB_H
#define CLEW_CONTENT_KB_H

#include <stddef.h>

struct cJSON;

/* "question=value|value": a cause applies (or a question is asked) only
 * when the answer to question is one of values. */
struct kb_cond {
	char *question;
	char **values;
	size_t nr_values;
	int line, col; /* where the annotation stands, for errors */
};

struct kb_conds {
	struct kb_cond *items;
	size_t nr, alloc;
};

/* A list of owned strings. */
struct kb_strs {
	char **items;
	size_t nr, alloc;
	int line, col; /* where the list was written, for errors */
};

struct kb_platform {
	char *id;   /* lowercase ASCII slug: "ios" */
	char *name; /* as authored: "iOS" */
};

enum kb_section_kind {
	KB_SECTION_TEXT,
	KB_SECTION_CAUSES,
	KB_SECTION_SOLUTIONS,
};

struct kb_section {
	char *anchor;   /* unique in the article; "" for the untitled intro */
	char *heading;  /* plain text; "" for the intro */
	int level;      /* heading level; 0 for the intro */
	char *platform; /* platform id in scope, or NULL */
	enum kb_section_kind kind;
	char *html;     /* rendered body (heading included), safe */
	char *text;     /* plain text of the body, for the index */
};

struct kb_cause {
	char *id;
	char *platform; /* NULL: applies to every platform */
	char *title;    /* plain text, first sentence of the item */
	char *html;
	char *text;
	double weight;  /* prior weight; 0 = not authored */
	struct kb_conds when;
	struct kb_strs solutions; /* solution ids, authored or derived */
	int explicit_id;
	int check;      /* made for a step of a page that lists no causes:
			 * "what this check finds" (steps_checklist) */
	int group;      /* the heading its Reasons section stands under */
	int line, col;
};

struct kb_solution {
	char *id;
	char *platform;
	char *title;
	char *html;
	char *text;
	double cost;          /* minutes; authored, else set by steps_cost */
	double fix;           /* authored default fix probability; 0: none */
	const char *cost_basis; /* "authored", "default", or the signal */
	int cost_line;        /* where 'cost:' was written; 0 when not */
	struct kb_strs fixes; /* cause ids this solution names */
	int ordered;          /* item of an ordered list */
	int check;            /* item of a list of checks ("Check the following:") */
	int group;            /* as kb_cause's */
	int line, col;
};

/* An authored P(solution fixes the problem | cause), from 'fixes:' or
 * 'solutions:'; unauthored links take KB_FIX_DEFAULT. */
struct kb_fix {
	char *cause;
	char *solution;
	double p;
	int line, col;
};

#define KB_FIX_DEFAULT 0.9

struct kb_article {
	char *path;
	char *slug;
	char *title;
	char *updated_at; /* NULL when not given */
	char *lang;       /* NULL when not given */
	/* A translation (docs/translating.md): the slug of the article it
	 * translates, and the source's hash it follows (front matter
	 * 'source_version'); NULL for a source. */
	char *translation_of;
	char *source_version;
	struct kb_platform *platforms;
	size_t nr_platforms, alloc_platforms;
	struct kb_strs products;
	struct cJSON *meta; /* object of other front-matter keys; owned */
	char *html;         /* whole article body, safe */
	char *source_hash;  /* hex of the source bytes */
	size_t order;       /* position among the compiled articles */
	struct kb_section *sections;
	size_t nr_sections, alloc_sections;
	struct kb_cause *causes;
	size_t nr_causes, alloc_causes;
	struct kb_solution *solutions;
	size_t nr_solutions, alloc_solutions;
	struct kb_strs links; /* slugs of the pages its links name by file */
	struct kb_fix *fixes; /* authored fix probabilities */
	size_t nr_fixes, alloc_fixes;
	/* What to do when no step fixed it ("If the issue persists, contact
	 * support with ..."), safe HTML; NULL when the page says nothing. */
	char *escalation_html;
};

struct kb_option {
	char *value;
	char *label;
};

struct kb_question {
	char *id;
	char *text;
	char *help_html; /* may be "" */
	char *help_text;
	struct kb_option *options;
	size_t nr_options, alloc_options;
	struct kb_conds applies;
	char *path;
	int line, col;
	int authored; /* 0 for built-in defaults of reserved questions */
};

/* The question catalogue, in authored order. */
struct kb_questions {
	struct kb_question *items;
	size_t nr, alloc;
};

/* One value learned from outcomes (clew learn), as `clew compile
 * --learned` bakes it in (kb.sqlite.sql's table 'learned'). */
struct kb_learned {
	char *article;  /* the problem's slug */
	char *cause;
	char *solution; /* "" for the cause's prior */
	char *platform; /* "" for every platform (and for links) */
	double authored, value, sessions;
};

struct kb_learned_list {
	struct kb_learned *items;
	size_t nr, alloc;
};

void kb_learned_list_release(struct kb_learned_list *l);

/* The whole KB as the checks and the writer see it. */
struct kb {
	struct kb_article **articles; /* owned by the compile run */
	size_t nr_articles, alloc_articles;
	/* Translations of articles, apart: they add text, not causes. */
	struct kb_article **translations; /* owned by the compile run */
	size_t nr_translations, alloc_translations;
	/* Translations of the question catalogue: each its language and its
	 * questions (text, help, option labels under the source's ids). */
	struct kb_catalog_tr {
		char *lang;             /* borrowed from the compile run */
		const char *path;       /* borrowed */
		struct kb_questions *qs; /* borrowed */
		/* Which catalogue it follows: its updatedAt, its
		 * source_version (the catalogue's hash); NULL when unsaid.
		 * Borrowed. */
		const char *updated_at, *source_version;
	} *catalog_trs;
	/* The catalogue's own version, for its translations: the hash of
	 * its files (hex; "" when the KB has none) and the latest updatedAt
	 * among them (borrowed; NULL when none says). */
	char catalog_hash[17];
	const char *catalog_updated_at;
	size_t nr_catalog_trs, alloc_catalog_trs;
	struct kb_questions questions;
	struct kb_platform *platforms; /* borrowed from articles */
	size_t nr_platforms, alloc_platforms;
};

/* kb's articles sorted by slug; equal slugs keep the order they were
 * named in (kb_article.order). The caller frees the array, not the
 * articles. */
struct kb_article **kb_articles_by_slug(const struct kb *kb);

/* Reserved questions whose options come from the content. */
#define KB_Q_PROBLEM "problem"
#define KB_Q_PLATFORM "platform"
/* The answer every question accepts: "I don't know". */
#define KB_UNKNOWN "unknown"

void kb_questions_release(struct kb_questions *qs);
struct kb_question *kb_questions_find(const struct kb_questions *qs,
				      const char *id);

void kb_strs_add(struct kb_strs *l, const char *s);
/* Adds a copy of the first len bytes of s. */
void kb_strs_add_n(struct kb_strs *l, const char *s, size_t len);
int kb_strs_has(const struct kb_strs *l, const char *s);
void kb_strs_release(struct kb_strs *l);

void kb_conds_release(struct kb_conds *c);
/* Returns the condition on question, or NULL. */
const struct kb_cond *kb_conds_find(const struct kb_conds *c,
				    const char *question);

void kb_article_free(struct kb_article *a);
/* Frees what s owns (not s itself). */
void kb_solution_release(struct kb_solution *s);
/* Records an authored fix probability (strings copied). A second one for
 * the same pair is ignored; returns -1 then, when it differs. */
int kb_article_add_fix(struct kb_article *a, const char *cause,
		       const char *solution, double p, int line, int col);
/* P(solution fixes the problem | cause): authored for the pair, else the
 * solution's own 'fix:', else KB_FIX_DEFAULT. */
double kb_article_fix(const struct kb_article *a, const char *cause,
		      const char *solution);
void kb_question_release(struct kb_question *q);
void kb_question_add_option(struct kb_question *q, const char *value,
			    const char *label);
/* Adds platform (id, name) unless the id is there already; returns its id
 * (borrowed from the article). */
const char *kb_article_add_platform(struct kb_article *a, const char *name);
const struct kb_platform *kb_article_find_platform(const struct kb_article *a,
						   const char *id);

#endif
