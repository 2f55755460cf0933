/* steps: a solution's cost, and the page's "if nothing helped" text. */
#include "steps.h"

#include <stdlib.h>
#include <string.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "headings.h"

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

/* 1 when text holds one of phrases (lowercase): as whole words for a
 * phrase written in ASCII, anywhere for one in another script (Chinese
 * and Japanese are written without spaces), case aside in Latin, Greek
 * and Cyrillic letters. */
static int says(const char *text, const char *const *phrases, size_t n)
{
	struct sbuf folded = SBUF_INIT;
	int yes = 0;

	text_fold(&folded, text);
	/* Most phrases are nowhere in the text: one strstr says so. */
	for (size_t i = 0; i < n && !yes; i++)
		yes = strstr(folded.buf, phrases[i]) &&
		      (text_has_non_ascii(phrases[i]) || heading_names_folded(folded.buf, phrases[i]));
	sbuf_release(&folded);
	return yes;
}

/* 1 when text says both phrases, in whatever order: the German verbs
 * that split ("Installieren Sie den Treiber neu"). */
static int says_both(const char *text, const char *a, const char *b)
{
	const char *one[1] = { a }, *two[1] = { b };

	return says(text, one, 1) && says(text, two, 1);
}

static const char *const support_words[] = {
	"contact support", "contact our support", "contact technical support",
	"contact customer support", "contact customer service", "contact us",
	"contact the help desk", "contact your administrator", "support team",
	"open a ticket", "submit a ticket", "file a ticket", "open a support case",
	"call support", "support kontaktieren", "wenden sie sich an",
	"contactez le support", "contactez-nous", "contacte con soporte",
	"contacte al soporte", "entre em contato", "联系客服", "联系技术支持",
	"联系支持", "サポートに連絡", "サポートにお問い合わせ",
};

static const char *const reinstall_words[] = {
	"reinstall", "re-install", "uninstall", "factory reset", "reset to factory",
	"factory settings", "factory defaults", "reflash", "re-flash",
	"update the firmware", "firmware update", "update firmware",
	"upgrade the firmware", "firmware upgrade", "upgrade firmware",
	"clean install", "neu installieren", "werkseinstellungen", "réinstaller",
	"réinstallez", "réinitialiser", "réinitialisez", "reinstalar", "reinstale",
	"restablecer", "reinstalla", "重新安装", "恢复出厂", "再インストール", "初期化",
};

static const char *const restart_words[] = {
	"restart", "reboot", "power cycle", "power-cycle", "turn it off and on",
	"turn off and on", "switch it off and on", "off and on", "off and back on",
	"off and then on", "unplug", "re-pair", "reconnect", "sign out", "log out",
	"neu starten", "neustart", "redémarrer", "redémarrez", "reiniciar",
	"reinicie", "riavvia", "重启", "重新启动", "再起動",
};

static const char *const check_starts[] = {
	"check", "make sure", "verify", "ensure", "confirm", "see if", "see whether",
	"look at", "prüfen", "überprüfen", "vérifiez", "comprobar", "compruebe",
	"verifique", "检查", "确认", "確認",
};

/* 1 when text starts with one of the words (case aside). */
static int starts_with(const char *text, const char *const *words, size_t n)
{
	struct sbuf folded = SBUF_INIT;
	int yes = 0;

	text_fold(&folded, text_ltrim(text));
	for (size_t i = 0; i < n && !yes; i++) {
		size_t len = strlen(words[i]);
		const char *t = folded.buf;

		yes = !strncmp(t, words[i], len) &&
		      (text_has_non_ascii(words[i]) || !t[len] || strchr(" \t,:.;", t[len]));
	}
	sbuf_release(&folded);
	return yes;
}

/* A procedure: more than 150 words, or six list items or more. */
static int is_long(const struct kb_solution *s)
{
	size_t items = 0;

	for (const char *p = s->html; (p = strstr(p, "<li")); p += 3)
		items += p[3] == '>' || p[3] == ' ';
	return heading_count_words(s->text ? s->text : "") > 150 || items >= 6;
}

void steps_cost(struct kb_solution *s)
{
	const char *title = s->title ? s->title : "";

	/* The title says what the step is ("Method 3: Reinstall the app",
	 * whatever its text goes on to say: "if that fails, contact
	 * support" is no part of the step); a long procedure outweighs a
	 * quick word in its title. */
	if (s->cost > 0) {
		s->cost_basis = "authored";
	} else if (says(title, support_words, COUNT(support_words))) {
		s->cost = STEPS_COST_SUPPORT;
		s->cost_basis = "support";
	} else if (says(title, reinstall_words, COUNT(reinstall_words)) ||
		   says_both(title, "installieren sie", "neu")) {
		s->cost = STEPS_COST_REINSTALL;
		s->cost_basis = "reinstall";
	} else if (is_long(s)) {
		s->cost = STEPS_COST_LONG;
		s->cost_basis = "long";
	} else if (says(title, restart_words, COUNT(restart_words)) ||
		   says_both(title, "starten sie", "neu")) {
		s->cost = STEPS_COST_RESTART;
		s->cost_basis = "restart";
	} else if (s->check || starts_with(title, check_starts, COUNT(check_starts))) {
		s->cost = STEPS_COST_CHECK;
		s->cost_basis = "check";
	} else {
		s->cost = STEPS_COST_DEFAULT;
		s->cost_basis = "default";
	}
}

/* Headings over what to do when nothing helped. */
static const char *const escalation_headings[] = {
	"contact support", "contact us", "contact technical support",
	"still need help", "need more help", "need help", "get help",
	"getting help", "further help", "more help", "if the problem persists",
	"if the issue persists", "if nothing helps", "if nothing works",
	"still having problems", "still having issues", "still having trouble",
	"weitere hilfe", "support kontaktieren", "besoin d'aide",
	"contacter le support", "más ayuda", "contactar con soporte",
	"联系我们", "联系客服", "联系技术支持", "仍需帮助", "サポートへのお問い合わせ",
};

/* Sentences that say what to do when nothing helped. */
static const char *const escalation_phrases[] = {
	"if the issue persists", "if the problem persists", "if the error persists",
	"if the issue still occurs", "if the problem still occurs",
	"if none of these", "if none of the above", "if none of the steps",
	"if none of the solutions", "if nothing helps", "if nothing works",
	"if this does not help", "if this doesn't help", "if that does not help",
	"if that doesn't help", "if you still", "if the problem continues",
	"if the issue continues", "still need help", "wenn das problem weiterhin",
	"si le problème persiste", "si el problema persiste",
	"se o problema persistir", "如果问题仍然存在", "如果问题依然存在",
	"如果仍无法解决", "問題が解決しない場合",
};

static void plain(cmark_node *n, struct sbuf *out)
{
	sbuf_reset(out);
	mdtree_plain_text(n, out);
}

int steps_escalation_heading(const char *text)
{
	return says(text, escalation_headings, COUNT(escalation_headings)) &&
	       heading_kind(text) == KB_SECTION_TEXT && !heading_is_checklist(text);
}

/* The list paragraph (its plain text) announces, ending in ':' right
 * before it, or NULL. */
static cmark_node *list_after(cmark_node *paragraph, const char *text)
{
	cmark_node *next = cmark_node_next(paragraph);
	size_t len = text_rtrim_len(text, strlen(text));

	return next && cmark_node_get_type(next) == CMARK_NODE_LIST && len &&
	       text_colon_len(text, len) ? next : NULL;
}

/* 1 when paragraph (its plain text) says what to do when nothing
 * helped: a sentence such as "If the issue persists, ..." that does not
 * announce more things to try ("If you still can't connect, try these
 * steps:" over a list) or checks ("Before you contact support, check the
 * following:"). A paragraph ending in ':' over a list is one only when it
 * names support ("contact support with the following:"). */
static int escalation_paragraph(cmark_node *paragraph, const char *text)
{
	if (!says(text, escalation_phrases, COUNT(escalation_phrases)) ||
	    heading_is_checklist(text))
		return 0;
	return !list_after(paragraph, text) ||
	       says(text, support_words, COUNT(support_words));
}

void steps_escalation(struct kb_article *a, struct mdtree *t)
{
	struct sbuf text = SBUF_INIT, html = SBUF_INIT;
	cmark_node *para = NULL;

	/* Under a heading (not the page's title, an H1): every block up to
	 * the next heading of its level or above. */
	for (cmark_node *n = cmark_node_first_child(t->root); n; n = cmark_node_next(n)) {
		int level;

		if (cmark_node_get_type(n) != CMARK_NODE_HEADING)
			continue;
		level = cmark_node_get_heading_level(n);
		plain(n, &text);
		if (level == 1 || !steps_escalation_heading(text.buf) ||
		    (a->title && heading_repeats_title(text.buf, a->title)))
			continue;
		sbuf_reset(&html);
		for (cmark_node *b = cmark_node_next(n); b; b = cmark_node_next(b)) {
			if (cmark_node_get_type(b) == CMARK_NODE_HEADING &&
			    cmark_node_get_heading_level(b) <= level)
				break;
			mdtree_render(b, &html);
		}
		if (html.len) {
			free(a->escalation_html);
			a->escalation_html = sbuf_detach(&html, NULL);
		}
	}
	if (a->escalation_html)
		goto cleanup;
	/* Else the last paragraph that says it. */
	for (cmark_node *n = cmark_node_first_child(t->root); n; n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH)
			continue;
		plain(n, &text);
		if (escalation_paragraph(n, text.buf))
			para = n;
	}
	if (para) {
		cmark_node *list;

		plain(para, &text);
		sbuf_reset(&html);
		mdtree_render(para, &html);
		/* "... contact support with the following:" and its list. */
		if ((list = list_after(para, text.buf)))
			mdtree_render(list, &html);
		a->escalation_html = sbuf_detach(&html, NULL);
	}
cleanup:
	sbuf_release(&text);
	sbuf_release(&html);
}

void steps_checklist(struct kb_article *a)
{
	if (a->nr_causes || !a->nr_solutions)
		return;
	/* "Step 5: Contact support" ends the list of things to try. */
	if (a->nr_solutions > 1 &&
	    says(a->solutions[a->nr_solutions - 1].title, support_words,
		 COUNT(support_words))) {
		struct kb_solution *last = &a->solutions[a->nr_solutions - 1];

		if (!a->escalation_html) {
			a->escalation_html = last->html;
			last->html = NULL;
		}
		kb_solution_release(last);
		a->nr_solutions--;
	}
	a->causes = xcalloc(a->nr_solutions, sizeof(*a->causes));
	a->alloc_causes = a->nr_solutions;
	for (size_t i = 0; i < a->nr_solutions; i++) {
		const struct kb_solution *s = &a->solutions[i];
		struct kb_cause *c = &a->causes[a->nr_causes++];

		c->id = xstrdup(s->id);
		c->platform = s->platform ? xstrdup(s->platform) : NULL;
		c->title = xstrdup(s->title);
		c->html = xstrdup(s->html ? s->html : "");
		c->text = xstrdup(s->text ? s->text : "");
		c->check = 1;
		c->explicit_id = 1;
		c->group = s->group;
		c->line = s->line;
		c->col = s->col;
		kb_strs_add(&c->solutions, s->id);
	}
}
