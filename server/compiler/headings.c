/* headings: what a heading's words say, and the vocabulary they are read
 * by, in several languages. */
#include "headings.h"

#include <string.h>

#include "../base/text.h"

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

/* Words of a heading that make the list below it causes or solutions,
 * in English and in other languages FAQ pages are written in (matched
 * without case for ASCII letters; Russian in both cases). */
static const char *const cause_words[] = {
	"reason", "reasons", "cause", "causes",
	"ursache", "ursachen", "grund", "gr\xc3\xbcnde",       /* de */
	"raison", "raisons",                                   /* fr */
	"causa", "causas", "motivo", "motivos", "motivi",      /* es pt it */
	"raz\xc3\xb3n", "razones", "oorzaak", "oorzaken",      /* es nl */
	"\xd0\xbf\xd1\x80\xd0\xb8\xd1\x87\xd0\xb8\xd0\xbd\xd0\xb0",             /* причина */
	"\xd0\xbf\xd1\x80\xd0\xb8\xd1\x87\xd0\xb8\xd0\xbd\xd1\x8b",             /* причины */
	"\xd0\x9f\xd1\x80\xd0\xb8\xd1\x87\xd0\xb8\xd0\xbd\xd0\xb0",             /* Причина */
	"\xd0\x9f\xd1\x80\xd0\xb8\xd1\x87\xd0\xb8\xd0\xbd\xd1\x8b",             /* Причины */
	"\xd8\xa7\xd9\x84\xd8\xb3\xd8\xa8\xd8\xa8",                         /* السبب */
	"\xd8\xa7\xd9\x84\xd8\xa3\xd8\xb3\xd8\xa8\xd8\xa7\xd8\xa8",             /* الأسباب */
	"\xd7\xa1\xd7\x99\xd7\x91\xd7\x94", "\xd7\xa1\xd7\x99\xd7\x91\xd7\x95\xd7\xaa", /* סיבה סיבות */
};
static const char *const solution_words[] = {
	"solution", "solutions", "fix", "fixes", "workaround", "workarounds",
	"resolution", "resolving", "fixing", "remedy", "remedies",
	"l\xc3\xb6sung", "l\xc3\xb6sungen", "abhilfe", "behebung",      /* de */
	"r\xc3\xa9solution", "correctif", "correctifs",               /* fr */
	"soluci\xc3\xb3n", "soluciones", "solu\xc3\xa7\xc3\xa3o",        /* es pt */
	"solu\xc3\xa7\xc3\265es", "soluzione", "soluzioni",             /* pt it */
	"oplossing", "oplossingen",                                    /* nl */
	"solucionar", "solucionarlo", "arreglarlo",                    /* es */
	"\xd0\xb8\xd1\x81\xd0\xbf\xd1\x80\xd0\xb0\xd0\xb2\xd0\xb8\xd1\x82\xd1\x8c",   /* исправить */
	"\xd8\xa7\xd9\x84\xd8\xad\xd9\x84", "\xd8\xa7\xd9\x84\xd8\xad\xd9\x84\xd9\x88\xd9\x84", /* الحل الحلول */
	"\xd7\xa4\xd7\xaa\xd7\xa8\xd7\x95\xd7\x9f",                         /* פתרון */
	"\xd7\xa4\xd7\xaa\xd7\xa8\xd7\x95\xd7\xa0\xd7\x95\xd7\xaa",             /* פתרונות */
	"\xd1\x80\xd0\xb5\xd1\x88\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5",             /* решение */
	"\xd1\x80\xd0\xb5\xd1\x88\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x8f",             /* решения */
	"\xd0\xa0\xd0\xb5\xd1\x88\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5",             /* Решение */
	"\xd0\xa0\xd0\xb5\xd1\x88\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x8f",             /* Решения */
};
/* In scripts written without spaces, found anywhere in the heading. */
static const char *const cause_runs[] = {
	"\xe5\x8e\x9f\xe5\x9b\xa0",             /* 原因 (zh, ja) */
	"\xec\x9b\x90\xec\x9d\xb8",             /* 원인 (ko) */
};
static const char *const solution_runs[] = {
	"\xe8\xa7\xa3\xe5\x86\xb3",             /* 解决 (zh) */
	"\xe8\xa7\xa3\xe6\xb1\xba",             /* 解決 (ja, zh-Hant) */
	"\xe5\xaf\xbe\xe5\x87\xa6",             /* 対処 (ja) */
	"\xe5\xaf\xbe\xe7\xad\x96",             /* 対策 (ja) */
	"\xe5\xaf\xb9\xe7\xad\x96",             /* 对策 (zh) */
	"\xe4\xbf\xae\xe5\xa4\x8d",             /* 修复 (zh) */
	"\xed\x95\xb4\xea\xb2\xb0",             /* 해결 (ko) */
};
/* English phrases, as the heading's lowercase words joined by spaces. */
static const char *const cause_phrases[] = {
	"why does this happen", "why this happens", "why it happens",
	"why does it happen", "what causes",
};
static const char *const solution_phrases[] = {
	"what to do", "what you can do", "how to solve", "what can i do",
	"how to resolve", "how to fix", "steps to resolve", "como resolver",
	"try this", "try these", "try the following", "next steps",
};
/* Headings and lead-ins over a list of checks, each of them one step to
 * try ("Self-check", "Check the following:", "Things to try",
 * "Troubleshooting steps"), as the heading's lowercase words. */
static const char *const checklist_phrases[] = {
	"self check", "self checks", "check the following", "check these",
	"checks to make", "things to try", "things to check", "troubleshooting steps",
	"troubleshooting checklist", "steps to try",
	"quick checks", "basic checks", "checklist", "before you contact support",
	"before contacting support", "make sure that", "please check",
	"selbsttest", "checkliste", "schritte zur fehlerbehebung",          /* de */
	"v\xc3\xa9rifications", "\xc3\xa9tapes de d\xc3\xa9pannage",        /* fr */
	"v\xc3\xa9rifiez les points suivants",
	"comprobaciones", "cosas que probar", "compruebe lo siguiente",     /* es */
	"verifique o seguinte", "coisas para tentar",                      /* pt */
	"controlli", "cose da provare",                                    /* it */
	"controlelijst", "controleer het volgende",                        /* nl */
};
static const char *const checklist_runs[] = {
	"\xe8\x87\xaa\xe6\x9f\xa5",             /* 自查 (zh) */
	"\xe8\x87\xaa\xe6\xa3\x80",             /* 自检 (zh) */
	"\xe6\x8e\x92\xe6\x9f\xa5",             /* 排查 (zh) */
	"\xe6\xa3\x80\xe6\x9f\xa5\xe4\xbb\xa5\xe4\xb8\x8b", /* 检查以下 (zh) */
	"\xe7\xa2\xba\xe8\xaa\x8d\xe4\xba\x8b\xe9\xa0\x85", /* 確認事項 (ja) */
	"\xe3\x83\x81\xe3\x82\xa7\xe3\x83\x83\xe3\x82\xaf\xe3\x83\xaa\xe3\x82\xb9\xe3\x83\x88", /* チェックリスト (ja) */
	"\xec\xb2\xb4\xed\x81\xac\xeb\xa6\xac\xec\x8a\xa4\xed\x8a\xb8", /* 체크리스트 (ko) */
};
/* Words that, with a number after them, make a heading one step of a
 * numbered procedure or one of several methods: "Step 1: Restart the
 * router", "Method 2 - Reset the network". */
static const char *const numbered_step_words[] = {
	"step", "method", "option", "approach", "schritt", "methode",
	"\xc3\xa9tape", "etape", "m\xc3\xa9thode", "paso", "m\xc3\xa9todo",
	"metodo", "passo", "stap",
	"\xd1\x88\xd0\xb0\xd0\xb3", "\xd0\xa8\xd0\xb0\xd0\xb3",    /* шаг Шаг */
	"\xd1\x81\xd0\xbf\xd0\xbe\xd1\x81\xd0\xbe\xd0\xb1",           /* способ */
	"\xd0\xa1\xd0\xbf\xd0\xbe\xd1\x81\xd0\xbe\xd0\xb1",           /* Способ */
};
/* The same in scripts written without spaces: a digit follows. */
static const char *const numbered_step_runs[] = {
	"\xe6\xad\xa5\xe9\xaa\xa4",             /* 步骤 (zh) */
	"\xe6\x96\xb9\xe6\xb3\x95",             /* 方法 (zh, ja) */
	"\xe3\x82\xb9\xe3\x83\x86\xe3\x83\x83\xe3\x83\x97", /* ステップ (ja) */
	"\xeb\x8b\xa8\xea\xb3\x84",             /* 단계 (ko) */
	"\xeb\xb0\xa9\xeb\xb2\x95",             /* 방법 (ko) */
};

/* Phrases that name solutions in a label or lead-in only: "Here's how:"
 * before a list, but not "## Here is how pairing works". */
static const char *const lead_solution_phrases[] = {
	"here s how", "here is how",
};
/* Words of a lead-in that announces a procedure ("To reset the adapter,
 * follow these steps:"), and runs for scripts written without spaces. */
static const char *const step_words[] = {
	"step", "steps", "schritte", "schritten",                  /* de */
	"\xc3\xa9tapes", "pasos", "passos", "passaggi", "stappen",  /* fr es pt it nl */
	"\xd1\x88\xd0\xb0\xd0\xb3\xd0\xb8",                   /* шаги */
	"\xd1\x88\xd0\xb0\xd0\xb3\xd0\xb0\xd0\xbc",           /* шагам */
	"\xd8\xa7\xd9\x84\xd8\xae\xd8\xb7\xd9\x88\xd8\xa7\xd8\xaa", /* الخطوات */
	"\xd7\x94\xd7\xa9\xd7\x9c\xd7\x91\xd7\x99\xd7\x9d",   /* השלבים */
};
static const char *const step_runs[] = {
	"\xe6\xad\xa5\xe9\xaa\xa4",             /* 步骤 (zh) */
	"\xe6\xad\xa5\xe9\xa9\x9f",             /* 步驟 (zh-Hant) */
	"\xe6\x89\x8b\xe9\xa0\x86",             /* 手順 (ja) */
	"\xeb\x8b\xa8\xea\xb3\x84",             /* 단계 (ko) */
};

/* Words by which a sentence before a list says the list is causes or
 * solutions ("There are a few common reasons why ...:"): plurals only, as
 * "The fix is in version 2 for:" says no such thing. */
static const char *const lead_cause_words[] = {
	"reasons", "causes", "ursachen", "gr\xc3\xbcnde", "raisons", "causas",
	"motivos", "razones", "oorzaken",
	"\xd0\xbf\xd1\x80\xd0\xb8\xd1\x87\xd0\xb8\xd0\xbd\xd1\x8b",       /* причины */
};
static const char *const lead_solution_words[] = {
	"solutions", "fixes", "workarounds", "remedies", "l\xc3\xb6sungen",
	"soluciones", "solu\xc3\xa7\xc3\265es", "soluzioni", "oplossingen",
	"\xd1\x80\xd0\xb5\xd1\x88\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x8f",       /* решения */
};

/* Trailing words dropped from a platform heading: "iOS devices" -> "iOS". */
static const char *const generic_words[] = {
	"devices", "device", "users", "hosts", "host", "systems", "computers",
	"phones", "tablets", "platform", "clients",
};

/* Leading words dropped from a platform heading: "On Windows" -> "Windows". */
static const char *const lead_words[] = {
	"for", "on", "in", "with", "using", "troubleshooting", "fixes",
};

/* Words of a section heading that is not a platform's name, though causes
 * stand under it ("## Troubleshooting", "## Why it happens"). */
static const char *const section_words[] = {
	"troubleshooting", "troubleshoot", "overview", "problem", "problems",
	"issue", "issues", "symptom", "symptoms", "why", "what", "how", "when",
	"where", "happens", "happen", "step", "steps", "summary", "details",
	"background", "introduction", "description", "information", "info",
	"more", "general", "common", "known", "guide", "help", "faq", "note",
	"notes", "tips", "diagnosis", "diagnostics", "check", "checks", "quick",
	"other", "additional", "further", "about", "the", "this", "it", "your",
};

/* The length in bytes of the character at p when it separates words
 * (blanks, punctuation, symbols, emoji), else 0 (letters and digits, of
 * any script). Beyond ASCII: Latin-1's signs and no-break space, U+2000 to
 * U+2FFF (punctuation, spaces, arrows, ✅ and other symbols), CJK
 * punctuation and the ideographic space, full-width punctuation, variation
 * selectors, and U+1F000 on (emoji). */
static size_t break_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] < 0x80)
		return (p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z') ||
		       (p[0] >= '0' && p[0] <= '9') ? 0 : 1;
	if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0xBF)
		return 2;
	if (p[0] == 0xC3 && (p[1] == 0x97 || p[1] == 0xB7))
		return 2;
	if (p[0] == 0xE2 && p[1] && p[2])
		return 3;
	if (p[0] == 0xE3 && p[1] == 0x80 && p[2])
		return 3;
	if (p[0] == 0xEF && p[2] &&
	    ((p[1] == 0xBC && !(p[2] >= 0x90 && p[2] <= 0x99) &&
	      !(p[2] >= 0xA1 && p[2] <= 0xBA)) ||
	     (p[1] == 0xBD && p[2] >= 0x9B) || p[1] == 0xB8))
		return 3;
	if (p[0] == 0xF0 && p[1] == 0x9F && p[2] && p[3])
		return 4;
	return 0;
}

/* 1 when text[i] begins a word: the character before it, if any, is a
 * separator. */
static int starts_word(const char *text, size_t i)
{
	size_t j = i;

	if (!i)
		return 1;
	/* Back to the first byte of the character before. */
	do
		j--;
	while (j > 0 && ((unsigned char)text[j] & 0xC0) == 0x80);
	return break_len(text + j) > 0;
}

/* Returns 1 when name stands in text as a whole word (or words),
 * case-insensitively. */
int heading_names(const char *text, const char *name)
{
	size_t n = strlen(name);
	unsigned char first = (unsigned char)name[0];
	int letter = (first | 0x20) >= 'a' && (first | 0x20) <= 'z';

	if (!n)
		return 0;
	for (size_t i = 0; text[i]; i++) {
		/* The first byte, case aside, before the whole comparison. */
		if (letter ? ((unsigned char)text[i] | 0x20) != (first | 0x20) :
			     (unsigned char)text[i] != first)
			continue;
		if (!starts_word(text, i) || !text_ieq_n(text + i, name, n))
			continue;
		if (!text[i + n] || break_len(text + i + n))
			return 1;
	}
	return 0;
}

int heading_names_folded(const char *text, const char *name)
{
	size_t n = strlen(name);

	if (!n)
		return 0;
	for (const char *p = strstr(text, name); p; p = strstr(p + 1, name))
		if (starts_word(text, (size_t)(p - text)) && (!p[n] || break_len(p + n)))
			return 1;
	return 0;
}

static int has_run(const char *text, const char *const *runs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(text, runs[i]))
			return 1;
	return 0;
}

/* 1 when phrase (lowercase words, one space apart) stands in words (the
 * same form) as whole words. */
static int has_phrase(const char *words, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(list[i]);

		for (const char *p = strstr(words, list[i]); p;
		     p = strstr(p + 1, list[i]))
			if ((p == words || p[-1] == ' ') &&
			    (p[len] == ' ' || !p[len]))
				return 1;
	}
	return 0;
}

/* Reads heading's words: returns the kind the first word naming causes
 * or solutions says (KB_SECTION_TEXT when none does; words_only: the words
 * are not looked up), and appends every word, lowercase, one space apart,
 * to all. */
static enum kb_section_kind read_words(const char *heading, int words_only,
				       struct sbuf *all)
{
	struct sbuf w = SBUF_INIT;
	enum kb_section_kind kind = KB_SECTION_TEXT;
	const char *p = heading;

	/* Words: runs of letters, non-ASCII ones included ("Lösungen"),
	 * between separators of any script ("Causes\u00a0possibles"). */
	while (*p) {
		size_t n = 0, b;

		while (*p && (b = break_len(p)))
			p += b;
		while (p[n] && !break_len(p + n) && !(p[n] >= '0' && p[n] <= '9'))
			n++;
		if (!n) {
			p += strspn(p, "0123456789");
			continue;
		}
		sbuf_reset(&w);
		sbuf_add(&w, p, n);
		if (!words_only && kind == KB_SECTION_TEXT) {
			if (text_ieq_any(w.buf, cause_words, COUNT(cause_words)))
				kind = KB_SECTION_CAUSES;
			else if (text_ieq_any(w.buf, solution_words,
					      COUNT(solution_words)))
				kind = KB_SECTION_SOLUTIONS;
		}
		if (all->len)
			sbuf_addch(all, ' ');
		for (size_t i = 0; i < n; i++)
			sbuf_addch(all, p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
		p += n;
	}
	sbuf_release(&w);
	return kind;
}

/* The kind the phrases of words (as read_words gives them) say. */
static enum kb_section_kind phrase_kind(const char *words)
{
	if (has_phrase(words, cause_phrases, COUNT(cause_phrases)))
		return KB_SECTION_CAUSES;
	if (has_phrase(words, solution_phrases, COUNT(solution_phrases)) ||
	    has_phrase(words, checklist_phrases, COUNT(checklist_phrases)))
		return KB_SECTION_SOLUTIONS;
	return KB_SECTION_TEXT;
}

/* 1 when text holds one of runs, or, as whole words, one of phrases. */
static int names(const char *text, const char *const *runs, size_t nr_runs,
		 const char *const *phrases, size_t nr_phrases)
{
	struct sbuf all = SBUF_INIT;
	int yes;

	if (has_run(text, runs, nr_runs))
		return 1;
	read_words(text, 1, &all);
	yes = has_phrase(all.buf, phrases, nr_phrases);
	sbuf_release(&all);
	return yes;
}

int heading_is_checklist(const char *text)
{
	return names(text, checklist_runs, COUNT(checklist_runs), checklist_phrases,
		     COUNT(checklist_phrases));
}

/* Words and runs by which a checklist says its items are checks. */
static const char *const check_words[] = {
	"check", "checks", "checklist", "make sure", "verify", "ensure",
	"self check", "selbsttest", "checkliste", "pr\xc3\xbc" "fen",
	"\xc3\xbc" "berpr\xc3\xbc" "fen", "v\xc3\xa9rifiez", "v\xc3\xa9rifications",
	"compruebe", "comprobaciones", "verifique", "controlli", "controleer",
	"controlelijst",
};
static const char *const check_runs[] = {
	"\xe8\x87\xaa\xe6\x9f\xa5", "\xe8\x87\xaa\xe6\xa3\x80",   /* 自查 自检 */
	"\xe6\xa3\x80\xe6\x9f\xa5", "\xe7\xa2\xba\xe8\xaa\x8d",   /* 检查 確認 */
	"\xe3\x83\x81\xe3\x82\xa7\xe3\x83\x83\xe3\x82\xaf",       /* チェック */
	"\xec\xb2\xb4\xed\x81\xac", "\xec\xa0\x90\xea\xb2\x80",   /* 체크 점검 */
};

int heading_names_checks(const char *text)
{
	return names(text, check_runs, COUNT(check_runs), check_words,
		     COUNT(check_words));
}

/* The length of the word at p: letters of any script (break_len says
 * what separates words), digits excluded, so that "步骤1" is "步骤". */
static size_t word_len(const char *p)
{
	size_t n = 0;

	while (p[n] && !(p[n] >= '0' && p[n] <= '9') && !break_len(p + n)) {
		n++;
		while (((unsigned char)p[n] & 0xC0) == 0x80)
			n++;
	}
	return n;
}

/* 1 when word (folded) is one of list. */
static int word_in(const char *word, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(word, list[i]))
			return 1;
	return 0;
}

/* 1 when word (folded) numbers the steps of a procedure or methods, a
 * digit after it: "step", "Methode", "步骤". */
static int is_step_word(const char *word)
{
	return word_in(word, numbered_step_words, COUNT(numbered_step_words)) ||
	       word_in(word, numbered_step_runs, COUNT(numbered_step_runs));
}

/* 1 when p (folded, blanks aside) goes on with a digit. */
static int digit_follows(const char *p)
{
	p = text_ltrim(p);
	return *p >= '0' && *p <= '9';
}

int heading_numbered_step(const char *text)
{
	struct sbuf folded = SBUF_INIT;
	size_t n;
	int yes;

	text_fold(&folded, text_ltrim(text));
	if (!strncmp(folded.buf, "\xe7\xac\xac", 3)) {
		/* "第1步" (zh): step 1. */
		yes = folded.buf[3] >= '0' && folded.buf[3] <= '9';
	} else {
		n = word_len(folded.buf);
		yes = n && digit_follows(folded.buf + n);
		if (yes) {
			sbuf_setlen(&folded, n);
			yes = is_step_word(folded.buf);
		}
	}
	sbuf_release(&folded);
	return yes;
}

/* Returns KB_SECTION_CAUSES/SOLUTIONS when a word of heading says so. */
enum kb_section_kind heading_kind(const char *heading)
{
	struct sbuf all = SBUF_INIT;
	enum kb_section_kind kind;

	if (has_run(heading, cause_runs, COUNT(cause_runs)))
		return KB_SECTION_CAUSES;
	if (has_run(heading, solution_runs, COUNT(solution_runs)) ||
	    has_run(heading, checklist_runs, COUNT(checklist_runs)))
		return KB_SECTION_SOLUTIONS;
	kind = read_words(heading, 0, &all);
	if (kind == KB_SECTION_TEXT)
		kind = phrase_kind(all.buf);
	sbuf_release(&all);
	return kind;
}

enum kb_section_kind heading_phrase_kind(const char *text)
{
	struct sbuf all = SBUF_INIT;
	enum kb_section_kind kind;

	read_words(text, 1, &all);
	kind = phrase_kind(all.buf);
	if (kind == KB_SECTION_TEXT &&
	    has_phrase(all.buf, lead_solution_phrases, COUNT(lead_solution_phrases)))
		kind = KB_SECTION_SOLUTIONS;
	sbuf_release(&all);
	return kind;
}

/* For a Reasons or Solutions heading written as "Cause 1: The adapter is
 * off" or "Solution 2 - Pair it again": sets *number (1 when a number
 * follows the word, else 0) and returns the text after the separator
 * (borrowed from heading), or NULL when there is none ("Possible causes",
 * "Solution 1"). */
const char *heading_label(const char *heading, int *number)
{
	const char *p = text_ltrim(heading), *first = p;

	*number = 0;
	while (*p) {
		size_t n;
		struct sbuf word = SBUF_INIT;
		int kind;

		while (*p && (break_len(p) || (*p >= '0' && *p <= '9')))
			p += break_len(p) ? break_len(p) : 1;
		n = word_len(p);
		if (!n)
			return NULL;
		{
			struct sbuf raw = SBUF_INIT;

			sbuf_add(&raw, p, n);
			text_fold(&word, raw.buf);
			sbuf_release(&raw);
		}
		kind = word_in(word.buf, cause_words, COUNT(cause_words)) ||
		       word_in(word.buf, solution_words, COUNT(solution_words)) ||
		       (p == first && digit_follows(p + n) && is_step_word(word.buf));
		sbuf_release(&word);
		p += n;
		if (!kind)
			continue;
		p += strspn(p, " \t");
		if (*p >= '0' && *p <= '9') {
			*number = 1;
			p += strspn(p, "0123456789");
			p += strspn(p, " \t");
		}
		/* A separator, then the label: ":", ".", "-", an en or em dash,
		 * a full-width colon. */
		if (*p == ':' || *p == '.' || *p == '-')
			p++;
		else if (!strncmp(p, "\xe2\x80\x93", 3) || !strncmp(p, "\xe2\x80\x94", 3) ||
			 !strncmp(p, "\xef\xbc\x9a", 3))
			p += 3;
		else
			return NULL;
		p = text_ltrim(p);
		return *p ? p : NULL;
	}
	return NULL;
}

/* Appends the platform name a heading's text gives, without leading and
 * trailing generic words: "On Windows hosts" -> "Windows". */
void heading_platform_name(const char *text, struct sbuf *name)
{
	for (const char *p = text;;) {
		size_t wlen = strcspn(p, " ");
		struct sbuf word = SBUF_INIT;
		int generic;

		sbuf_add(&word, p, wlen);
		generic = p[wlen] == ' ' && text_ieq_any(word.buf, lead_words, COUNT(lead_words));
		sbuf_release(&word);
		if (!generic) {
			sbuf_adds(name, p);
			break;
		}
		p = text_ltrim(p + wlen);
	}
	for (;;) {
		char *sp = strrchr(name->buf, ' ');
		if (!sp || !text_ieq_any(sp + 1, generic_words, COUNT(generic_words)))
			break;
		sbuf_setlen(name, (size_t)(sp - name->buf));
		sbuf_rtrim(name);
	}
}

/* Appends the letters and digits of s, of any script, ASCII ones
 * lowercased; separators (break_len: blanks, punctuation, symbols) are
 * left out. */
static void letters(const char *s, struct sbuf *out)
{
	while (*s) {
		size_t b = break_len(s);

		if (b) {
			for (size_t i = 0; i < b && *s; i++)
				s++;
			continue;
		}
		sbuf_addch(out, *s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
		s++;
	}
}

/* 1 when a heading repeats the title, but for case, blanks and
 * punctuation ("# Printer offline - troubleshooting guide" for the title
 * "Printer offline: troubleshooting guide"). */
int heading_repeats_title(const char *heading, const char *title)
{
	struct sbuf h = SBUF_INIT, t = SBUF_INIT;
	int same;

	letters(heading, &h);
	letters(title, &t);
	same = h.len && !strcmp(h.buf, t.buf);
	sbuf_release(&h);
	sbuf_release(&t);
	return same;
}

/* Trims from name (as platform_name gives it) the words of a section
 * heading's before and after it ("Android troubleshooting" -> "Android",
 * "your iPhone" -> "iPhone"), and returns 1 when what is left can be a
 * platform's name: something, at most four words, from a heading that
 * is no question or label. "Troubleshooting", "Why it happens" and
 * "Known issues" are not. */
int heading_platform_words(struct sbuf *name)
{
	int words = 0;
	const char *p;

	if (strpbrk(name->buf, "?:!"))
		return 0;
	for (;;) {
		size_t n = strcspn(name->buf, " \t");
		struct sbuf word = SBUF_INIT;
		int drop;

		sbuf_add(&word, name->buf, n);
		drop = n && (text_ieq_any(word.buf, section_words, COUNT(section_words)) ||
			     text_ieq_any(word.buf, lead_words, COUNT(lead_words)));
		sbuf_release(&word);
		if (!drop)
			break;
		p = text_ltrim(name->buf + n);
		memmove(name->buf, p, strlen(p) + 1);
		name->len = strlen(name->buf);
	}
	for (;;) {
		char *sp = strrchr(name->buf, ' ');
		const char *last = sp ? sp + 1 : name->buf;

		if (!*last || !(text_ieq_any(last, section_words, COUNT(section_words)) ||
				text_ieq_any(last, generic_words, COUNT(generic_words))))
			break;
		sbuf_setlen(name, sp ? (size_t)(sp - name->buf) : 0);
		sbuf_rtrim(name);
	}
	for (p = name->buf; *p; p += strspn(p, " \t")) {
		p += strcspn(p, " \t");
		words++;
	}
	return words > 0 && words <= 4;
}

/* Words in text (runs of non-blanks). */
int heading_count_words(const char *text)
{
	int n = 0;

	for (const char *p = text; *p;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		n++;
		p += strcspn(p, " \t");
	}
	return n;
}

/* 1 when text announces a procedure: it names steps ("Follow these
 * steps:", "Gehen Sie folgende Schritte durch:", "请按以下步骤操作："). */
int heading_says_steps(const char *text)
{
	if (has_run(text, step_runs, COUNT(step_runs)))
		return 1;
	for (size_t i = 0; i < COUNT(step_words); i++)
		if (heading_names(text, step_words[i]))
			return 1;
	return 0;
}

enum kb_section_kind heading_lead_kind(const char *text)
{
	enum kb_section_kind kind = heading_phrase_kind(text);

	for (size_t i = 0; kind == KB_SECTION_TEXT && i < COUNT(lead_cause_words); i++)
		if (heading_names(text, lead_cause_words[i]))
			kind = KB_SECTION_CAUSES;
	for (size_t i = 0; kind == KB_SECTION_TEXT && i < COUNT(lead_solution_words); i++)
		if (heading_names(text, lead_solution_words[i]))
			kind = KB_SECTION_SOLUTIONS;
	return kind;
}
