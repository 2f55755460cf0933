// events.test.mjs: what clew serve records, live, in a real store: the
// wizard's sessions and outcomes (walked as a browser without JavaScript
// walks them), "Was this helpful?", searches and hits opened, the events
// API's checks and rate, what is never recorded, the admin pages' access;
// then two replicas writing to one PostgreSQL (tests/lib/pg.sh's, through
// CLEW_TEST_PG), clew learn on it, and the KB compiled with what it learned.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, compileKb, startServer, stopServer } from '../lib/serve.mjs';

const PROBLEM = 'bluetooth-call-audio';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
let dir, db, evdb, server, base;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clew-events-'));
  db = join(dir, 'kb.sqlite');
  evdb = join(dir, 'events.sqlite');
  compileKb(db, 'kb');
  server = await startServer(db, ['--events', evdb]);
  base = server.base;
});

after(async () => {
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
});

// Rows of the SQLite events file (sqlite3's JSON output); [] when none.
function rows(sql, file = evdb) {
  const out = execFileSync('sqlite3', ['-json', file, sql], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

// Rows of the PostgreSQL store at dsn, as JSON objects.
function pgRows(dsn, sql) {
  const out = execFileSync('psql', ['-qAt', dsn, '-c', `SELECT coalesce(json_agg(t), '[]') FROM (${sql}) t`],
    { encoding: 'utf8' });
  return JSON.parse(out);
}

// GET url with headers fetch would not send (Host) by node:http; resolves
// with the status.
function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end();
  });
}

// Waits until check() is true (the sink writes in batches, on its own
// thread); fails after 10 s.
async function until(check, what) {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`not recorded: ${what}`);
}

// The form of class cls in html: its action, method and fields (hidden
// inputs), as a browser would send them.
function form(html, cls) {
  const m = new RegExp(`<form class="${cls}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!m) return null;
  const fields = [...m[1].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)]
    .map((x) => [x[1], x[2].replace(/&amp;/g, '&')]);
  return { fields, body: m[1] };
}

// Walks one wizard session as a browser without JavaScript does, from
// the problem's first page: each question answered with its first
// option, each step "No, still broken" (GET) until the stepth, which is
// "Yes, it's fixed" (POST, answered 303). Returns { sid, pages, end }.
async function walk(origin, { fixAt = 1, headers = {} } = {}) {
  let res = await fetch(`${origin}/wizard?problem=${PROBLEM}`, { headers });
  let html = await res.text();
  const sid = /name="sid" value="([A-Za-z0-9_-]{22})"/.exec(html)?.[1];
  let steps = 0, pages = 1;
  for (let guard = 0; guard < 30; guard++) {
    const q = form(html, 'question'), t = form(html, 'try');
    let url;
    if (t) {
      // The buttons' values (the hidden fields carry the steps tried before).
      const fixed = /<button[^>]*name="tried" value="([^"]*:fixed)"/.exec(t.body)[1];
      const failed = /<button[^>]*name="tried" value="([^"]*:failed)"/.exec(t.body)[1];
      if (++steps === fixAt) {
        const body = new URLSearchParams([...t.fields, ['tried', fixed]]).toString();
        res = await fetch(`${origin}/wizard`, { method: 'POST', headers: { ...FORM, ...headers }, body, redirect: 'manual' });
        assert.equal(res.status, 303);
        url = res.headers.get('location');
      } else {
        url = '/wizard?' + new URLSearchParams([...t.fields, ['tried', failed]]);
      }
    } else if (q) {
      const [, name, value] = /type="radio" name="([^"]*)" value="([^"]*)"/.exec(q.body);
      url = '/wizard?' + new URLSearchParams([...q.fields, [name, value]]);
    } else {
      break;
    }
    res = await fetch(origin + url, { headers });
    html = await res.text();
    pages++;
  }
  const end = html.includes('class="outcome fixed"') ? 'fixed' :
    html.includes('class="outcome not-fixed"') ? 'not_fixed' : null;
  return { sid, pages, end, html };
}

test('a wizard session is recorded page by page, and its outcome once', async () => {
  const first = await fetch(`${base}/wizard?problem=${PROBLEM}`);
  // The page that made the session is that reader's own.
  assert.equal(first.headers.get('cache-control'), 'no-store');
  assert.equal(first.headers.get('etag'), null);
  const w = await walk(base, { fixAt: 2 });
  assert.match(w.sid, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(w.end, 'fixed');
  await until(() => rows(`SELECT 1 FROM clew_events WHERE kind = 'outcome' AND session_id = '${w.sid}'`).length === 1,
    'the outcome');
  const evs = rows(`SELECT * FROM clew_events WHERE session_id = '${w.sid}' ORDER BY id`);
  const wiz = evs.filter((e) => e.kind === 'wizard');
  // Every page is one event, the first (which made the session) too.
  assert.equal(wiz.length, w.pages);
  assert.ok(wiz.every((e) => e.article === PROBLEM && e.kb));
  assert.ok(wiz.some((e) => e.question), 'a question shown');
  assert.ok(wiz.some((e) => e.step), 'a step offered');
  const out = evs.find((e) => e.kind === 'outcome');
  assert.equal(out.result, 'fixed');
  assert.ok(out.step, 'the fixing step');
  assert.match(out.tried, /:failed,.*:fixed$/, out.tried);
  assert.match(out.answers, /platform=/);
  // The page of the end, asked again (a reload): no second outcome.
  const again = await fetch(base + '/wizard?' + new URLSearchParams(
    [...w.html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((x) => [x[1], x[2]])));
  await again.text();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(rows(`SELECT count(*) AS n FROM clew_events WHERE kind = 'outcome' AND session_id = '${w.sid}'`)[0].n, 1);
});

test('an end opened directly (a shared link, a leaf of the tree) is no session; HEAD records nothing', async () => {
  const before = rows('SELECT count(*) AS n FROM clew_events')[0].n;
  const url = `/wizard?problem=${PROBLEM}&platform=android&sco_supported=yes&bt_permissions=yes&call_type=voip` +
    '&tried=android-check-offcall-sco:failed&tried=android-use-sco-device:failed&tried=android-add-permissions:failed';
  const res = await fetch(base + url);
  const html = await res.text();
  assert.match(html, /class="outcome not-fixed"/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.match(html, /<meta name="robots" content="noindex, nofollow">/);
  await fetch(`${base}/wizard?problem=${PROBLEM}&sid=HeadHeadHeadHeadHead01`, { method: 'HEAD' });
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(rows('SELECT count(*) AS n FROM clew_events')[0].n, before);
  // A session's own end page: recorded, and its links ("undo", "Back")
  // begin another session, so that the store's one outcome stays its.
  const sid = 'EndEndEndEndEndEndEnd0';
  const own = await (await fetch(`${base}${url}&sid=${sid}`)).text();
  const undo = /<a href="([^"]*)">undo<\/a>/.exec(own)[1].replace(/&amp;/g, '&');
  const next = new URL(undo, base).searchParams.get('sid');
  assert.match(next, /^[A-Za-z0-9_-]{22}$/);
  assert.notEqual(next, sid);
  await until(() => rows(`SELECT 1 FROM clew_events WHERE kind = 'outcome' AND session_id = '${sid}'`).length === 1,
    'the end of a session');
});

test('another site: its page loads are readers, its images and frames are not', async () => {
  const cross = { 'Sec-Fetch-Site': 'cross-site' };
  const sid1 = 'CrossNavCrossNavCross1', sid2 = 'CrossImgCrossImgCross1', sid3 = 'CrossFrmCrossFrmCross1';
  const page = (sid) => `${base}/wizard?problem=${PROBLEM}&platform=android&sid=${sid}`;
  // By node:http: fetch sets Sec-Fetch-Mode itself.
  assert.equal(await rawGet(page(sid1), { ...cross, 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' }), 200);
  assert.equal(await rawGet(page(sid2), { ...cross, 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' }), 200);
  assert.equal(await rawGet(page(sid3), { ...cross, 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'iframe' }), 200);
  await until(() => rows(`SELECT 1 FROM clew_events WHERE session_id = '${sid1}'`).length === 1, 'a link followed');
  assert.equal(rows(`SELECT count(*) AS n FROM clew_events WHERE session_id IN ('${sid2}', '${sid3}')`)[0].n, 0);
});

test('a session every step of which fails ends not fixed, recorded so', async () => {
  const w = await walk(base, { fixAt: 99 });
  assert.equal(w.end, 'not_fixed');
  await until(() => rows(`SELECT 1 FROM clew_events WHERE kind = 'outcome' AND session_id = '${w.sid}'`).length === 1,
    'the not-fixed outcome');
  const [out] = rows(`SELECT * FROM clew_events WHERE kind = 'outcome' AND session_id = '${w.sid}'`);
  assert.equal(out.result, 'not_fixed');
  assert.equal(out.step, null);
});

test('nothing is recorded for another site, nor anything that names a person', async () => {
  const before = rows('SELECT count(*) AS n FROM clew_events')[0].n;
  // A page of another site making the browser ask for ours.
  const w = await walk(base, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
  assert.equal(w.end, 'fixed');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(rows('SELECT count(*) AS n FROM clew_events')[0].n, before);
  // Another site's form: refused.
  const res = await fetch(`${base}/wizard`, { method: 'POST', headers: { ...FORM, Origin: 'https://elsewhere.example' },
    body: 'problem=bluetooth-call-audio&tried=android-add-permissions:fixed', redirect: 'manual' });
  assert.equal(res.status, 403);
  // The columns are the documented ones: no address, no user agent.
  const cols = rows("SELECT name FROM pragma_table_info('clew_events')").map((c) => c.name);
  assert.deepEqual(cols, ['id', 'at_ms', 'kind', 'kb', 'session_id', 'article', 'answers', 'tried',
    'question', 'step', 'result', 'reason', 'query', 'hits', 'hit_rank']);
  const all = JSON.stringify(rows('SELECT * FROM clew_events'));
  assert.ok(!all.includes('127.0.0.1') && !/node|undici|Mozilla/i.test(all), 'no address or agent');
});

// A page's body: its head carries every word of the interface (the
// message catalogue, for app.js), whether the page shows it or not.
const bodyOf = (html) => html.slice(html.indexOf('<body'));

test('"Was this helpful?": a form on the article, one vote a day from a client', async () => {
  const page = await (await fetch(`${base}/articles/${PROBLEM}`)).text();
  assert.match(page, /<form method="post" action="\/articles\/bluetooth-call-audio#helpful">/);
  assert.match(page, /name="reason" value="outdated"/);
  const vote = (body, headers = {}) => fetch(`${base}/articles/${PROBLEM}`,
    { method: 'POST', headers: { ...FORM, ...headers }, body, redirect: 'manual' });
  let res = await vote('result=no&reason=outdated');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/articles/${PROBLEM}?voted=no#helpful`);
  const thanks = await (await fetch(base + res.headers.get('location'))).text();
  assert.match(thanks, /Thank you for your feedback/);
  assert.doesNotMatch(bodyOf(thanks), /Was this article helpful\?/);
  await until(() => rows("SELECT 1 FROM clew_events WHERE kind = 'vote'").length === 1, 'the vote');
  const [v] = rows("SELECT * FROM clew_events WHERE kind = 'vote'");
  assert.deepEqual([v.article, v.result, v.reason, v.session_id], [PROBLEM, 'no', 'outdated', null]);
  // Again, and from another site: taken (or refused), not counted.
  assert.equal((await vote('result=yes')).status, 303);
  assert.equal((await vote('result=yes', { Origin: 'https://elsewhere.example' })).status, 403);
  assert.equal((await vote('result=perhaps')).status, 400);
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(rows("SELECT count(*) AS n FROM clew_events WHERE kind = 'vote'")[0].n, 1);
  // Relayed by a proxy, every reader is the proxy: each vote is taken.
  await vote('result=yes', { 'X-Forwarded-For': '198.51.100.1' });
  await vote('result=yes', { 'X-Forwarded-For': '198.51.100.2' });
  await until(() => rows("SELECT count(*) AS n FROM clew_events WHERE kind = 'vote'")[0].n === 3, 'relayed votes');
});

test('searches and the hits opened are recorded, the query normalised', async () => {
  const html = await (await fetch(`${base}/search?q=${encodeURIComponent('  HEADSET   Microphone ')}`)).text();
  const href = /<a href="(\/search\/open\?[^"]*)"/.exec(html)[1].replace(/&amp;/g, '&');
  assert.match(href, /rank=1$/);
  const res = await fetch(base + href, { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /^\/articles\/[^?]+#/);
  await until(() => rows("SELECT 1 FROM clew_events WHERE kind = 'open'").length === 1, 'the hit opened');
  const [s] = rows("SELECT * FROM clew_events WHERE kind = 'search' AND query = 'headset microphone'");
  assert.ok(s && s.hits > 0, 'the search, with its hits');
  const [o] = rows("SELECT * FROM clew_events WHERE kind = 'open'");
  assert.equal(o.query, 'headset microphone');
  assert.equal(o.hit_rank, 1);
  await fetch(`${base}/search?q=zzzz-nothing-here`);
  await until(() => rows("SELECT 1 FROM clew_events WHERE kind = 'search' AND hits = 0").length === 1, 'no hits');
});

test('POST /api/v1/events: checked whole, queued, then limited per client', async () => {
  const post = (body, headers = {}) => fetch(`${base}/api/v1/events`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  // One bad event and none is taken.
  let res = await post([{ kind: 'search', query: 'x', hits: 1 }, { kind: 'vote', article: PROBLEM }]);
  assert.equal(res.status, 400);
  assert.match((await res.json()).error.message, /^event 2: a 'vote' event needs 'result'/);
  res = await post({ kind: 'outcome', session: 'AAAAAAAAAAAAAAAAAAAAAA', article: PROBLEM, result: 'not_fixed' });
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { accepted: 1, dropped: 0 });
  // A second outcome for the session is taken and ignored by the store.
  res = await post({ kind: 'outcome', session: 'AAAAAAAAAAAAAAAAAAAAAA', article: PROBLEM, result: 'fixed',
    step: 'android-add-permissions' });
  assert.equal(res.status, 202);
  await until(() => /clew_events_ignored_total [1-9]/.test(
    execFileSync('curl', ['-s', `${base}/metrics`], { encoding: 'utf8' })), 'the duplicate ignored');
  assert.equal(rows("SELECT result FROM clew_events WHERE session_id = 'AAAAAAAAAAAAAAAAAAAAAA'")[0].result, 'not_fixed');
  // 100 a request at most, and 120 a minute from one client.
  res = await post({ events: Array.from({ length: 101 }, () => ({ kind: 'search', query: 'x', hits: 0 })) });
  assert.equal(res.status, 400);
  let limited = null;
  for (let i = 0; i < 5 && !limited; i++) {
    res = await post({ events: Array.from({ length: 100 }, () => ({ kind: 'search', query: 'flood', hits: 0 })) });
    if (res.status === 429) limited = res;
  }
  assert.ok(limited, 'a client past 120 events a minute is told 429');
  assert.equal(limited.headers.get('retry-after'), '60');
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /clew_events_limited_total [1-9]/);
  assert.match(metrics, /clew_events_written_total [1-9]/);
  assert.match(metrics, /clew_events_store_up 1/);
  assert.ok(rows("SELECT count(*) AS n FROM clew_events WHERE query = 'flood'")[0].n <= 120 + 100);
});

test('the admin pages: this machine, or the token; the tables add up', async () => {
  let res = await fetch(`${base}/api/v1/admin/report`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.ok(doc.totals.sessions >= 3);
  assert.ok(doc.totals.fixed >= 1 && doc.totals.not_fixed >= 2, JSON.stringify(doc.totals));
  assert.equal(doc.totals.sessions, doc.totals.fixed + doc.totals.not_fixed + doc.totals.abandoned + doc.totals.open);
  const p = doc.problems.find((x) => x.problem === PROBLEM);
  assert.ok(p && p.title && p.share_fixed > 0);
  assert.ok(doc.no_hits.some((s) => s.query === 'zzzz-nothing-here'));
  assert.ok(doc.votes.some((v) => v.article === PROBLEM && v.no === 1 && v.reasons.outdated === 1));
  assert.ok(doc.fixes.length > 0);
  res = await fetch(`${base}/api/v1/admin/problems`);
  assert.deepEqual(Object.keys(await res.json()).sort(), ['generated_at', 'problems']);
  assert.equal((await fetch(`${base}/api/v1/admin/nonsense`)).status, 404);
  const page = await (await fetch(`${base}/admin`)).text();
  assert.match(page, /<svg viewBox="0 0 720 204" role="img" aria-labelledby="days-h"/);
  assert.match(page, /Share fixed, per problem/);
  // Relayed by a proxy on this machine: not this machine's user.
  res = await fetch(`${base}/admin`, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
  assert.equal(res.status, 404);
  // A page of another site whose name was rebound to 127.0.0.1.
  res = await rawGet(`${base}/api/v1/admin/report`, { Host: 'rebound.example' });
  assert.equal(res, 404);

  const token = 'correct-horse-battery';
  const other = await startServer(db, ['--events', join(dir, 'other.sqlite'), '--admin-token', token]);
  try {
    res = await fetch(`${other.base}/api/v1/admin/report`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate'), /^Basic realm="Clew admin"/);
    res = await fetch(`${other.base}/api/v1/admin/report`, { headers: { Authorization: 'Bearer wrong-token-here' } });
    assert.equal(res.status, 401);
    res = await fetch(`${other.base}/api/v1/admin/report`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    res = await fetch(`${other.base}/admin`, {
      headers: { Authorization: 'Basic ' + Buffer.from(`anyone:${token}`).toString('base64') } });
    assert.equal(res.status, 200);
  } finally {
    await stopServer(other);
  }
});

test('--events off: nothing recorded, nothing offered', async () => {
  const off = await startServer(db, ['--events', 'off']);
  try {
    const wiz = await (await fetch(`${off.base}/wizard?problem=${PROBLEM}`)).text();
    assert.doesNotMatch(wiz, /name="sid"/);
    const art = await (await fetch(`${off.base}/articles/${PROBLEM}`)).text();
    assert.doesNotMatch(bodyOf(art), /Was this article helpful/);
    const res = await fetch(`${off.base}/api/v1/events`, { method: 'POST',
      headers: { 'Content-Type': 'application/json' }, body: '{"kind":"search","query":"x","hits":1}' });
    assert.equal(res.status, 404);
    const html = await (await fetch(`${off.base}/search?q=headset`)).text();
    assert.match(html, /<a href="\/articles\//);
  } finally {
    await stopServer(off);
  }
});

test('two replicas, one PostgreSQL: sessions on both, then clew learn, then the KB learns', async () => {
  const dsn = process.env.CLEW_TEST_PG;
  assert.ok(dsn, 'CLEW_TEST_PG is not set: run through tests/lib/pg.sh run (make check-api does)');
  execFileSync('psql', ['-q', dsn, '-c', 'DROP TABLE IF EXISTS clew_events, clew_events_meta']);
  // The DSN from a file, as from a Kubernetes Secret.
  const dsnFile = join(dir, 'dsn');
  writeFileSync(dsnFile, dsn + '\n');
  const a = await startServer(db, ['--events', '@' + dsnFile]);
  const b = await startServer(db, ['--events', dsn]);
  try {
    const walks = [];
    for (let i = 0; i < 6; i++) walks.push(walk(i % 2 ? b.base : a.base, { fixAt: 1 + (i % 3) }));
    const done = await Promise.all(walks);
    const sids = done.map((w) => w.sid);
    assert.equal(new Set(sids).size, 6);
    await until(() => pgRows(dsn, "SELECT session_id FROM clew_events WHERE kind = 'outcome'").length === 6,
      'six outcomes from two replicas');
    assert.equal(pgRows(dsn, "SELECT value FROM clew_events_meta WHERE key = 'schema_version'")[0].value, '1');
  } finally {
    await stopServer(a);
    await stopServer(b);
  }
  const learned = join(dir, 'learned.yaml');
  const report = execFileSync(bin, ['learn', '--events', dsn, '--db', db, '-o', learned], { encoding: 'utf8' });
  assert.match(report, /6 outcome\(s\) read: \d fixed, \d not fixed; 6 used/);
  const rep = execFileSync(bin, ['report', '--events', dsn, '--db', db, '--json'], { encoding: 'utf8' });
  assert.equal(JSON.parse(rep).totals.sessions, 6);
  const db2 = join(dir, 'kb-learned.sqlite');
  const out = execFileSync(bin, ['compile', '--learned', learned, '-o', db2, 'kb'], { encoding: 'utf8' });
  const plain = execFileSync(bin, ['compile', '-o', join(dir, 'kb-plain.sqlite'), 'kb'], { encoding: 'utf8' });
  assert.notEqual(/content hash (\w+)/.exec(out)[1], /content hash (\w+)/.exec(plain)[1]);
  const d = JSON.parse(execFileSync(bin, ['diagnose', '--json', '--db', db2, `problem=${PROBLEM}`],
    { encoding: 'utf8' }));
  assert.ok(d.causes.some((c) => c.learned_from >= 1), 'a cause says its prior was learned');
  // The password never shows: not when the store is down, nor when the
  // DSN does not read (libpq would quote it whole).
  for (const [bad, said] of [['postgresql://clew:s3cret-pw@127.0.0.1:1/clew', /cannot connect/],
    ['postgresql://clew:s3cret-pw@[::1/clew', /does not read as a libpq URI/]]) {
    let err = '';
    try {
      execFileSync(bin, ['report', '--events', bad], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      err = String(e.stderr);
    }
    assert.match(err, said);
    assert.doesNotMatch(err, /s3cret-pw/);
  }
});
