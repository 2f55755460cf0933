/* model: the knowledge base in compact in-memory arrays, as the engine
 * reads it: built once (at start-up or reload) and then read-only, so any
 * number of threads may diagnose against it at once. */
#ifndef CLEW_ENGINE_MODEL_H
#define CLEW_ENGINE_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Most options one question may have (they are kept as a bit mask); the
 * reserved 'problem' question is exempt. */
#define ENG_MAX_OPTIONS 64
/* Likelihood of a contradicting answer (engine.h's ENG_EPS). */
#define ENG_MODEL_EPS 0.05

struct eng_option {
	char *value;
	char *label;
};

/* "question q is answered with one of the values in mask". */
struct eng_req {
	int q;
	uint64_t mask;
};

struct eng_question {
	char *id;
	char *text;
	char *help; /* plain text; may be "" */
	struct eng_option *options;
	int nr_options;
	struct eng_req *applies; /* all must hold for the question to be asked */
	int nr_applies;
};

/* A step: one repair action (a solution of the KB) that fixes each of its
 * causes with some probability, at some cost. */
struct eng_step {
	char *id;     /* unique within its article */
	char *title;
	char *html;
	int article;  /* index into articles */
	int platform; /* option index of the platform question; -1: any */
	double cost;  /* minutes a typical user needs for it; > 0 */
	/* The causes it fixes, with P(the step fixes it | that cause). */
	int *causes;
	double *fix;
	int nr_causes, alloc_causes;
};

struct eng_cause {
	char *id;
	char *title;
	int article;  /* index into articles */
	int platform; /* option index of the platform question; -1: any */
	double prior; /* unnormalised prior weight */
	/* Learned from outcomes (clew learn): the prior weight once the
	 * platform is answered, by option of 'platform' (NaN: none learned
	 * for that one); NULL when none is. */
	double *platform_prior;
	double sessions; /* outcomes its prior was learned from; 0: authored */
	int check;    /* a checklist's check, not a cause the page named */
	/* The steps that fix it, in the order the author listed them, with
	 * their P(fixes | this cause) (the same links as the steps'). */
	int *steps;
	double *fix;
	int nr_steps, alloc_steps;
};

struct eng_article {
	char *slug;
	char *title;
	char *lang; /* front matter 'lang'; NULL when not given */
	char *escalation; /* what to do when no step fixed it (HTML); "" */
};

/* One cause that names a question, with its predictive distribution over
 * that question's n options precomputed: pa for each of its values, pb for
 * the others, and their base-2 logs. */
struct eng_named {
	int cause;
	uint64_t mask;
	double pa, pb, lpa, lpb;
};

struct eng_model {
	struct eng_question *questions; /* authored order */
	int nr_questions;
	int q_problem;  /* index of 'problem' */
	int q_platform; /* index of 'platform' */
	struct eng_article *articles; /* the options of 'problem', same order */
	int nr_articles;
	struct eng_cause *causes;
	int nr_causes;
	/* mask[c * nr_questions + q]: the values of q under which cause c
	 * holds; 0 when c says nothing about q. */
	uint64_t *mask;
	/* The same, indexed by question: named[named_start[q] ..
	 * named_start[q + 1]) are the causes that say something about q. */
	int *named_start;
	struct eng_named *named;
	/* Causes grouped by article: by_article[article_start[a] ..
	 * article_start[a + 1]) are article a's causes, in authored order. */
	int *article_start;
	int *by_article;
	struct eng_step *steps; /* every article's, in the order added */
	int nr_steps;
	/* Steps grouped by article, as causes are. */
	int *step_start;
	int *steps_by_article;
};

/* Builder, used by the loader; every string is copied. */
struct eng_model *eng_model_new(void);
/* Returns the new question's index. */
int eng_model_add_question(struct eng_model *m, const char *id,
			   const char *text, const char *help);
/* Returns 0, or -1 when the question already has ENG_MAX_OPTIONS options
 * (the 'problem' question excepted). */
int eng_model_add_option(struct eng_model *m, int q, const char *value,
			 const char *label);
int eng_model_add_article(struct eng_model *m, const char *slug,
			  const char *title);
/* Sets article's language (copied); lang NULL or "" leaves it unset. */
void eng_model_set_article_lang(struct eng_model *m, int article,
				const char *lang);
/* Sets what article says to do when no step fixes the problem (HTML,
 * copied; NULL or "" for nothing). */
void eng_model_set_escalation(struct eng_model *m, int article,
			      const char *html);
/* Returns the new cause's index. platform may be NULL. */
int eng_model_add_cause(struct eng_model *m, int article, const char *id,
			const char *title, const char *platform, double prior);
/* Returns the new step's index. platform may be NULL; cost > 0. */
int eng_model_add_step(struct eng_model *m, int article, const char *id,
		       const char *title, const char *html, const char *platform,
		       double cost);
/* Records that step fixes cause with probability fix (0 < fix <= 1); a
 * second link between the two keeps the first. */
void eng_model_link(struct eng_model *m, int cause, int step, double fix);
/* Learned values (clew learn, baked in by clew compile --learned), set
 * after the model is finished and before it is shared. Sets cause's prior
 * weight, for every platform (platform < 0) or once that option of
 * 'platform' is answered, and the sessions it was learned from. */
void eng_model_set_learned_prior(struct eng_model *m, int cause, int platform,
				 double prior, double sessions);
/* Sets P(step fixes cause) of an existing link (0 < fix <= 1); returns -1
 * when there is no such link. */
int eng_model_set_fix(struct eng_model *m, int cause, int step, double fix);
/* Returns a copy of the finished model m, index for index (questions,
 * articles, causes, learned values and, with steps, its steps and their
 * links), to change apart from it; caller frees with eng_model_free. */
struct eng_model *eng_model_clone(const struct eng_model *m, int steps);

/* One value learned from outcomes, by index. */
struct eng_learned {
	int cause;
	int step;     /* -1: the cause's prior; else the link's fix rate */
	int platform; /* the prior's scope: an option of 'platform'; -1: every */
	double value; /* a prior: a probability among the causes in scope */
	double sessions;
};

/* Applies learned values (what clew compile --learned bakes in): a prior,
 * a probability among the causes of its article in its scope, becomes a
 * weight on the scale of the authored ones there (their sum), so the leak
 * keeps its share; a link's value replaces the authored one. The sums are
 * taken before any prior changes. */
void eng_model_apply_learned(struct eng_model *m, const struct eng_learned *l,
			     size_t n);

/* cause's prior weight when the platform is answered with option platform
 * (ENG_UNANSWERED or ENG_UNKNOWN: none). */
double eng_cause_prior(const struct eng_model *m, int cause, int platform);
/* Adds value to cause's (or with cause < 0, question q_of's applies)
 * condition on question q. Returns 0, or -1 for an unknown question or
 * value. */
int eng_model_add_condition(struct eng_model *m, int cause, const char *q,
			    const char *value);
int eng_model_add_applies(struct eng_model *m, int q_of, const char *q,
			  const char *value);
/* Lays out the condition matrix; call once after the last add. Returns 0,
 * or -1 when 'problem' or 'platform' is missing. */
int eng_model_finish(struct eng_model *m);

void eng_model_free(struct eng_model *m);

/* Lookups; -1 when absent. */
int eng_model_question(const struct eng_model *m, const char *id);
int eng_model_option(const struct eng_model *m, int q, const char *value);
/* The cause named id in article (after eng_model_finish), or -1. */
int eng_model_cause(const struct eng_model *m, int article, const char *id);
/* The step named id in article (after eng_model_finish); with article
 * -1, in any article, and -2 when several articles have a step of that
 * name. */
int eng_model_step(const struct eng_model *m, int article, const char *id);

#endif
