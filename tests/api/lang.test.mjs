// lang.test.mjs: the reader's language over HTTP, on tests/data/translations
// (an English article, its zh-CN translation, an outdated and partial
// German one): the explicit choice, q-values, region fallback, a language
// with no translation, an outdated translation; the headers a cache needs;
// the interface's catalogue for the widget. The diagnosis is one model:
// the translation has the source's causes, steps and links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileKb, startServer, stopServer } from '../lib/serve.mjs';

let dir, server, base;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clew-lang-'));
  const db = join(dir, 'kb.sqlite');
  compileKb(db, 'tests/data/translations');
  server = await startServer(db, ['--events', 'off']);
  base = server.base;
});

after(async () => {
  await stopServer(server);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function article(query = '', headers = {}) {
  const r = await fetch(`${base}/api/v1/articles/speaker-silent${query}`, { headers });
  assert.equal(r.status, 200);
  return { r, doc: await r.json() };
}

const ZH_TITLE = '通话时音箱没有声音';
const EN_TITLE = 'The speaker stays silent during calls';
const DE_TITLE = 'Der Lautsprecher bleibt bei Anrufen stumm';

test('negotiation matrix: explicit, q-values, region fallback, none', async () => {
  const cases = [
    // [query, Accept-Language, the title served, Content-Language]
    ['', undefined, EN_TITLE, 'en'],
    ['?lang=zh-CN', undefined, ZH_TITLE, 'zh-CN'],
    ['?lang=zh-cn', undefined, ZH_TITLE, 'zh-CN'],
    ['', 'zh-CN', ZH_TITLE, 'zh-CN'],
    ['', 'de;q=0.5, zh-CN;q=0.9, en;q=0.1', ZH_TITLE, 'zh-CN'],
    ['', 'fr, de;q=0.8', DE_TITLE, 'de'],
    ['', 'zh-TW', ZH_TITLE, 'zh-CN'],                     // region fallback
    ['', 'zh-Hant-TW;q=1', ZH_TITLE, 'zh-CN'],
    ['', 'de-AT', DE_TITLE, 'de'],
    ['', 'ja, ko;q=0.8', EN_TITLE, 'en'],                 // no translation
    ['?lang=de', 'zh-CN', DE_TITLE, 'de'],                // explicit wins
    ['?lang=xx', 'zh-CN', ZH_TITLE, 'zh-CN'],             // unknown choice: next
    ['?lang=<script>', undefined, EN_TITLE, 'en'],        // not a tag
    ['', 'zh-CN;q=0, de', DE_TITLE, 'de'],                // q=0: not wanted
    ['', 'zh-CN;q=abc, ;;, ,de', DE_TITLE, 'de'],         // malformed parts skipped
    ['', 'x'.repeat(5000), EN_TITLE, 'en'],               // garbage
  ];
  for (const [q, al, title, cl] of cases) {
    const { r, doc } = await article(q, al === undefined ? {} : { 'Accept-Language': al });
    assert.equal(doc.title, title, `${q} / ${al}`);
    assert.equal(r.headers.get('content-language'), cl, `${q} / ${al}`);
    assert.match(r.headers.get('vary') || '', /Accept-Language/);
  }
});

test('a translation: the source\'s model, its own text; partial and outdated', async () => {
  const en = (await article()).doc;
  const zh = (await article('?lang=zh-CN')).doc;
  const de = (await article('?lang=de')).doc;
  assert.deepEqual(en.translations, [{ lang: 'de', outdated: true }, { lang: 'zh-CN', outdated: false }]);
  for (const t of [zh, de]) {
    assert.equal(t.source_lang, 'en');
    // The same causes and steps, ids, links, costs and conditions.
    assert.deepEqual(t.causes.map((c) => [c.id, c.solutions, c.conditions, c.weight]),
      en.causes.map((c) => [c.id, c.solutions, c.conditions, c.weight]));
    assert.deepEqual(t.solutions.map((s) => [s.id, s.cost]), en.solutions.map((s) => [s.id, s.cost]));
  }
  assert.equal(zh.outdated, false);
  assert.equal(zh.causes[0].title, '音箱只以媒体音频方式连接，所以通话仍在手机上。');
  assert.match(zh.html, /通话音量调到了最低/);
  // German translates one cause and one step: the others stay English.
  assert.equal(de.outdated, true);
  assert.match(de.causes[0].title, /nur für Medien/);
  assert.equal(de.causes[1].title, en.causes[1].title);
  assert.equal(de.solutions[1].html, en.solutions[1].html);
});

test('a diagnosis in two languages: the same but for its text', async () => {
  const url = `${base}/api/v1/diagnose?problem=speaker-silent&voice_profile=no`;
  const en = await (await fetch(url)).json();
  const r = await fetch(url, { headers: { 'Accept-Language': 'zh-CN' } });
  const zh = await r.json();
  // ?lang= is no answer: the same document.
  assert.deepEqual(await (await fetch(`${url}&lang=zh-CN`)).json(), zh);
  assert.match(r.headers.get('vary') || '', /Accept-Language/);
  const strip = (d) => JSON.parse(JSON.stringify(d, (k, v) => (['title', 'html', 'text', 'label', 'help'].includes(k) ? undefined : v)));
  assert.deepEqual(strip(zh), strip(en));
  assert.equal(zh.causes[0].id, 'media-only');
  assert.equal(zh.causes[0].title, '音箱只以媒体音频方式连接，所以通话仍在手机上。');
  assert.notEqual(en.causes[0].title, zh.causes[0].title);
  // The article list, titles in the reader's language.
  const list = await (await fetch(`${base}/api/v1/articles?lang=de`)).json();
  assert.equal(list.items[0].title, DE_TITLE);
});

test('an ETag per language; If-None-Match of one language does not match another', async () => {
  const en = (await article()).r.headers.get('etag');
  const zh = (await article('?lang=zh-CN')).r.headers.get('etag');
  assert.notEqual(en, zh);
  const same = await fetch(`${base}/api/v1/articles/speaker-silent?lang=zh-CN`, { headers: { 'If-None-Match': zh } });
  assert.equal(same.status, 304);
  const other = await fetch(`${base}/api/v1/articles/speaker-silent`, { headers: { 'If-None-Match': zh } });
  assert.equal(other.status, 200);
});

test('search: a Chinese query finds the Chinese text; an English one, on a Chinese interface, the English', async () => {
  const zh = await (await fetch(`${base}/api/v1/search?q=${encodeURIComponent('音箱')}&lang=zh-CN`)).json();
  assert.deepEqual(zh.hits.map((h) => [h.slug, h.lang]), [['speaker-silent', 'zh-CN']]);
  const en = await (await fetch(`${base}/api/v1/search?q=speaker`, { headers: { 'Accept-Language': 'zh-CN' } })).json();
  assert.deepEqual(en.hits.map((h) => [h.slug, h.lang]), [['speaker-silent', 'en']]);
  // Found in both languages ("Android" is in both): one hit, the reader's.
  const both = await (await fetch(`${base}/api/v1/search?q=android&lang=zh-CN`)).json();
  assert.deepEqual(both.hits.map((h) => [h.slug, h.lang]), [['speaker-silent', 'zh-CN']]);
});

test('search stems each language with its own stemmer, the reader\'s first', async () => {
  // German's stemmer takes the plural's "-n" off: "Lautsprechern" finds
  // the German text's "Lautsprecher".
  const de = await (await fetch(`${base}/api/v1/search?q=Lautsprechern&lang=de`)).json();
  assert.deepEqual(de.hits.map((h) => [h.slug, h.lang]), [['speaker-silent', 'de']]);
  assert.match(de.hits[0].snippet, /<mark>Lautsprecher<\/mark>/);
  assert.doesNotMatch(de.hits[0].snippet, /\x1f/);
  // An English reader's words are stemmed by every language of the KB
  // too: the German text is found by the German stemmer's pass.
  const en = await (await fetch(`${base}/api/v1/search?q=Lautsprechern&lang=en`)).json();
  assert.deepEqual(en.hits.map((h) => [h.slug, h.lang]), [['speaker-silent', 'de']]);
  // total counts each article once, whatever the limit and however many
  // passes found it ("android" is in all three languages' texts).
  const all = await (await fetch(`${base}/api/v1/search?q=android&lang=de`)).json();
  const one = await (await fetch(`${base}/api/v1/search?q=android&lang=de&limit=1`)).json();
  assert.equal(one.hits.length, 1);
  assert.equal(one.total, all.total);
  assert.ok(all.total <= 3, `total ${all.total} for a KB of 3 articles`);
  // A German reader's English plural still finds the English text, as the
  // KB's default language stems it.
  const speakers = await (await fetch(`${base}/api/v1/search?q=speakers&lang=de`)).json();
  assert.deepEqual(speakers.hits.map((h) => [h.slug, h.lang]), [['speaker-silent', 'en']]);
});

test('a chosen language stays chosen: the pages\' links and forms keep ?lang=', async () => {
  const html = await (await fetch(`${base}/articles/speaker-silent?lang=zh-CN`)).text();
  assert.match(html, /href="\/wizard\?problem=speaker-silent&amp;lang=zh-CN"/);
  assert.match(html, /<a class="brand" href="\/\?lang=zh-CN">/);
  assert.match(html, /<input type="hidden" name="lang" value="zh-CN">/);
  assert.match(html, /<link rel="alternate" hreflang="de" href="\/articles\/speaker-silent\?lang=de">/);
  const search = await (await fetch(`${base}/search?q=speaker&lang=de`)).text();
  assert.match(search, /href="\/articles\/speaker-silent\?lang=de#/);
  // Without a choice, links stay as they were.
  const plain = await (await fetch(`${base}/articles/speaker-silent`)).text();
  assert.match(plain, /<a class="brand" href="\/">/);
});

test('the interface\'s words for the widget, from any site', async () => {
  const r = await fetch(`${base}/api/v1/messages`, { headers: { 'Accept-Language': 'zh-TW, en;q=0.5', Origin: 'https://help.example.com' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  const doc = await r.json();
  assert.equal(typeof doc.messages, 'object');
  assert.equal(r.headers.get('content-language'), doc.lang);
});
