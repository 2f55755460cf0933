// i18n.test.mjs: the message catalogues (i18n/LANG.json) against what
// reads them: every key the templates ({{t.KEY}}), static/app.js (t, tn)
// and static/embed.js (word) use is in en.json, and every key of en.json
// is used; each other catalogue has the keys of en.json, with the same
// placeholders and forms; embed.js's EN_FALLBACK is en.json's widget
// words; the files are sorted by key, 2-space indented. And the server
// gives them out: GET /api/v1/messages, and the pages in each language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileKb, startServer, stopServer } from '../lib/serve.mjs';

const read = (p) => readFileSync(p, 'utf8');
const LANGS = readdirSync('i18n').filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
const cat = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(read(`i18n/${l}.json`))]));
const en = cat.en;
const CLDR = ['zero', 'one', 'two', 'few', 'many', 'other'];

// The keys each reader uses: templates, app.js, the widget, the C code.
function used() {
  const keys = new Map();
  const add = (k, where) => keys.set(k, (keys.get(k) || []).concat(where));
  for (const f of readdirSync('templates').filter((f) => f.endsWith('.html')))
    for (const m of read(`templates/${f}`).matchAll(/\{\{\{?\s*&?\s*t\.([A-Za-z0-9_]+)/g)) add(m[1], f);
  for (const m of read('static/app.js').matchAll(/\btn?\('([A-Za-z0-9_]+)'/g)) add(m[1], 'app.js');
  const embed = read('static/embed.js');
  for (const m of embed.matchAll(/\bword\('([A-Za-z0-9_]+)'/g)) add(m[1], 'embed.js');
  // The server's own words: i18n_text(..., "KEY") and i18n_plural in C.
  for (const dir of ['server/http'])
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.c') && f !== 'i18n.c'))
      for (const m of read(`${dir}/${f}`).matchAll(/i18n_(?:text|plural)\([^"]*"([A-Za-z0-9_]+)"/g)) add(m[1], f);
  return { keys, embed };
}

// The {name} placeholders and %d of a text, sorted.
const holes = (s) => [...s.matchAll(/\{[a-z_]+\}|%d/g)].map((m) => m[0]).sort();

test('every key read is in en.json, and every key of en.json is read', () => {
  const { keys } = used();
  for (const [k, where] of keys) assert.ok(k in en, `${k} (${where.join(', ')}) is not in i18n/en.json`);
  for (const k of Object.keys(en)) assert.ok(keys.has(k), `${k} of i18n/en.json is read nowhere`);
});

test('embed.js falls back on the English of en.json, and on nothing else', () => {
  const { embed } = used();
  const m = /var EN_FALLBACK = (\{[^}]*\});/.exec(embed);
  assert.ok(m, 'EN_FALLBACK is in static/embed.js');
  const fallback = Function(`return ${m[1]};`)();
  const widget = Object.fromEntries(Object.entries(en).filter(([k]) => k.startsWith('widget_')));
  assert.deepEqual(fallback, widget);
  // No other English word is compiled in (the console messages aside).
  const rest = embed.replace(m[0], '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/warn\([\s\S]*?\);/g, '');
  for (const w of Object.values(widget)) assert.doesNotMatch(rest, new RegExp(`'${w}'`), `'${w}' in embed.js`);
});

for (const lang of LANGS) {
  test(`i18n/${lang}.json: the keys, forms and placeholders of en.json; sorted, 2-space indented`, () => {
    const c = cat[lang];
    const text = read(`i18n/${lang}.json`);
    const sorted = Object.fromEntries(Object.keys(c).sort().map((k) => [k, c[k]]));
    assert.equal(text, JSON.stringify(sorted, null, 2) + '\n', 'sorted by key, 2-space indented, one final newline');
    for (const k of Object.keys(c)) assert.ok(k in en, `${k} is not in en.json`);
    // The shipped catalogues are complete (a new one may start partial:
    // the server fills it in from English, key by key).
    for (const k of Object.keys(en)) assert.ok(k in c, `${k} is missing`);
    for (const [k, v] of Object.entries(c)) {
      const e = en[k];
      if (typeof e === 'string') {
        assert.equal(typeof v, 'string', `${k}: a text, as in English`);
        assert.deepEqual(holes(v), holes(e), `${k}: the placeholders of the English`);
      } else {
        assert.equal(typeof v, 'object', `${k}: plural forms, as in English`);
        assert.ok(typeof v.other === 'string', `${k}: an "other" form`);
        for (const [form, s] of Object.entries(v)) {
          assert.ok(CLDR.includes(form), `${k}: ${form} is no CLDR plural category`);
          assert.deepEqual(holes(s), holes(e.other), `${k}.${form}: the placeholders of the English`);
        }
      }
      // An _html text is HTML: & and < only as in the English (entities
      // and its own tags); the other texts are escaped when shown.
      if (k.endsWith('_html')) {
        const tags = (s) => [...s.matchAll(/<\/?([a-z]+)/g)].map((m) => m[1]).sort();
        assert.deepEqual(tags(v), tags(e), `${k}: the tags of the English`);
        assert.doesNotMatch(v.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, ''), /&/, `${k}: a bare &`);
        assert.doesNotMatch(v.replace(/<[^>]*>/g, ""), /"/, `${k}: a bare " (the text may stand in an attribute)`);
      }
    }
  });
}

let dir, server;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clew-i18n-'));
  compileKb(join(dir, 'kb.sqlite'), 'kb');
  server = await startServer(join(dir, 'kb.sqlite'), ['--events', 'off']);
});

after(async () => {
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
});

test('GET /api/v1/messages gives each catalogue, to any origin', async () => {
  for (const lang of LANGS) {
    const res = await fetch(`${server.base}/api/v1/messages?lang=${lang}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const doc = await res.json();
    assert.equal(doc.lang, lang);
    assert.deepEqual(doc.messages, { ...en, ...cat[lang] });
  }
});

// A page carries for app.js the words app.js reads (t, tn), in the page's
// language, and no others: the rest of the catalogue is in the page's
// markup already, and was most of its bytes.
test('a page in each language says its words, and carries app.js\'s for it', async () => {
  const script = [...new Set([...read('static/app.js').matchAll(/\btn?\('([A-Za-z0-9_]+)'/g)]
    .map((m) => m[1]))].sort();
  assert.ok(script.length > 0);
  for (const lang of LANGS) {
    const html = await (await fetch(`${server.base}/?lang=${lang}`)).text();
    assert.match(html, new RegExp(`<html lang="${lang}"`));
    const m = /<script type="application\/json" id="clew-t">([^<]*)<\/script>/.exec(html);
    assert.ok(m, 'the script\'s words are in the page');
    const all = { ...en, ...cat[lang] };
    assert.deepEqual(JSON.parse(m[1]), Object.fromEntries(script.map((k) => [k, all[k]])));
    const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    assert.ok(html.includes(`<button type="submit">${esc(cat[lang].search_button)}</button>`));
    assert.ok(html.includes(`<h1>${cat[lang].index_heading_html}</h1>`));
  }
});

// The words the server builds itself (titles, error pages, the decision
// tree's ends, the wizard's hand-over) are the catalogue's, in each
// language; in English, the hand-over summary is the API's, byte for byte.
test('the words the server builds are in the reader\'s language', async () => {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  // A session that ends not fixed: the first answer to each question, and
  // every step offered failing.
  const params = new URLSearchParams({ problem: 'bluetooth-call-audio' });
  let doc;
  for (let i = 0; i < 50; i++) {
    doc = await (await fetch(`${server.base}/api/v1/diagnose?${params}`)).json();
    const next = doc.next_action;
    if (doc.outcome || !next) break;
    if (next.type === 'question') params.append(next.question.id, next.question.options[0].value);
    else params.append('tried', `${next.step.ref}:failed`);
  }
  assert.equal(doc.outcome && doc.outcome.status, 'not_fixed');
  for (const lang of LANGS) {
    const t = { ...en, ...cat[lang] };
    let html = await (await fetch(`${server.base}/no-such?lang=${lang}`)).text();
    assert.ok(html.includes(`<title>${esc(t.error_title)} · Clew</title>`), `${lang}: the error page's title`);
    assert.ok(html.includes(`<p role="alert">${esc(t.error_not_found)}</p>`), `${lang}: the error page's message`);
    html = await (await fetch(`${server.base}/wizard/tree?lang=${lang}`)).text();
    const ends = [...html.matchAll(/<strong class="tree-end">([^<]*)<\/strong>/g)].map((m) => m[1]);
    const words = ['tree_end_none_fixed', 'tree_end_handover', 'tree_end_ranked', 'tree_end_here'].map((k) => esc(t[k]));
    assert.ok(ends.length > 0, `${lang}: the tree's ends`);
    for (const e of ends) assert.ok(words.includes(e), `${lang}: "${e}" ends a path`);
    html = await (await fetch(`${server.base}/wizard?${params}&lang=${lang}`)).text();
    const summary = /<textarea id="summary"[^>]*>([^<]*)<\/textarea>/.exec(html);
    assert.ok(summary, `${lang}: the hand-over summary`);
    if (lang === 'en') {
      assert.equal(summary[1], esc(doc.outcome.summary_text));
    } else {
      assert.ok(summary[1].includes(esc(t.wizard_summary_tried)), `${lang}: the summary's steps`);
      assert.ok(summary[1].includes(esc(t.wizard_tried_failed)), `${lang}: a step that failed`);
      assert.ok(!summary[1].includes('Steps tried:'), `${lang}: no English heading`);
    }
    assert.ok(html.includes(`<title>${esc(t.wizard_heading)} · Clew</title>`), `${lang}: the wizard's title`);
  }
});
