// outcomes.test.mjs: what a reader does is recorded, in a real Chromium:
// "Yes, it's fixed" with JavaScript on and off (and in the widget's
// panel), "Was this helpful?" with JavaScript on and off, a search typed
// and a hit opened; then the admin page that shows it all (screenshots,
// axe-core). The events are read from the server's SQLite events file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSite, stopSite } from '../lib/serve.mjs';
import { axeViolations, launchChromium, openPage as newPage, shoot, shotPath } from '../lib/chromium.mjs';

const PROBLEM = 'bluetooth-call-audio';
// Android, a headset that does calls, permissions declared, a VoIP call:
// a step to try at once.
const STEP_URL = `/wizard?problem=${PROBLEM}&platform=android&sco_supported=yes&bt_permissions=yes&call_type=voip`;

let site, base, browser, events;

before(async () => {
  site = await startSite('clew-outcomes-');
  base = site.base;
  events = join(site.dir, 'events.sqlite');
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  await stopSite(site);
});

const openPage = (opts = {}) => newPage(browser, { ignoreAborted: true, ...opts });

function rows(sql) {
  const out = execFileSync('sqlite3', ['-json', events, sql], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

async function until(check, what) {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`not recorded: ${what}`);
}

// The session id the page's forms carry.
const sidOf = (page) => page.locator('form.try input[name="sid"]').first().getAttribute('value');

// From a step page: "No, still broken" once, then "Yes, it's fixed";
// checks the page says fixed and the store has the outcome for the page's
// session, with the failed step before the fixing one.
async function fixOnSecondStep(page, url) {
  await page.goto(base + url);
  await page.locator('form.try h2').waitFor();
  const sid = await sidOf(page);
  assert.match(sid, /^[A-Za-z0-9_-]{22}$/);
  const first = (await page.locator('form.try h2').textContent()).trim();
  await page.getByRole('button', { name: 'No, still broken', exact: true }).click();
  await page.waitForFunction((t) => {
    const h = document.querySelector('form.try h2');
    return h && h.textContent.trim() !== t;
  }, first);
  assert.equal(await sidOf(page), sid, 'the same session on the next page');
  await page.getByRole('button', { name: "Yes, it's fixed", exact: true }).click();
  await page.locator('.outcome.fixed').waitFor();
  await until(() => rows(`SELECT 1 FROM clew_events WHERE kind = 'outcome' AND session_id = '${sid}'`).length,
    'the outcome');
  const [o] = rows(`SELECT * FROM clew_events WHERE kind = 'outcome' AND session_id = '${sid}'`);
  assert.equal(o.result, 'fixed');
  assert.match(o.tried, /^[a-z0-9-]+:failed,[a-z0-9-]+:fixed$/, o.tried);
  assert.equal(o.step, o.tried.split(',')[1].split(':')[0]);
  return sid;
}

test('"Did it fix it?" with JavaScript on: the outcome is recorded', async () => {
  const page = await openPage();
  // The page that began the session puts its id in the address: reload
  // and Back stay in it.
  await page.goto(base + STEP_URL);
  await page.locator('form.try h2').waitFor();
  const first = await sidOf(page);
  assert.equal(new URL(page.url()).searchParams.get('sid'), first);
  await page.reload();
  assert.equal(await sidOf(page), first);
  const sid = await fixOnSecondStep(page, STEP_URL);
  await shoot(page, 'outcome-fixed-js');
  // Each page of the session was recorded as it was shown (fetched by
  // app.js: same-origin).
  assert.ok(rows(`SELECT count(*) AS n FROM clew_events WHERE kind = 'wizard' AND session_id = '${sid}'`)[0].n >= 3);
  await page.done();
});

test('"Did it fix it?" with JavaScript off: the same, by forms', async () => {
  const page = await openPage({ javaScriptEnabled: false });
  await fixOnSecondStep(page, STEP_URL);
  // (No bar is mid-animation here: the picture the docs show.)
  await shoot(page, 'outcome-fixed-nojs');
  await page.done();
});

test('in the widget\'s panel, the session is recorded too', async () => {
  const page = await openPage();
  await fixOnSecondStep(page, STEP_URL + '&embed=1');
  await page.done();
});

// "No" with a reason, then the thanks in place of the form.
async function voteNo(page) {
  await page.goto(`${base}/articles/${PROBLEM}`);
  const form = page.locator('section.helpful form');
  await form.scrollIntoViewIfNeeded();
  await page.getByText('Tell us what was wrong (optional)').click();
  await page.getByLabel('It is out of date').check();
  await page.getByRole('button', { name: 'No', exact: true }).click();
  await page.getByRole('heading', { name: 'Thank you for your feedback' }).waitFor();
  assert.match(page.url(), /\?voted=no#helpful$/);
  assert.equal(await page.locator('section.helpful form').count(), 0);
}

test('"Was this helpful?" with JavaScript on and off, one vote a client a day', async () => {
  let page = await openPage();
  await page.goto(`${base}/articles/${PROBLEM}`);
  await page.locator('section.helpful').scrollIntoViewIfNeeded();
  await shoot(page, 'article-helpful');
  await voteNo(page);
  await page.locator('section.helpful').screenshot({ path: shotPath('article-helpful-thanks.png') });
  await page.done();
  await until(() => rows("SELECT 1 FROM clew_events WHERE kind = 'vote'").length === 1, 'the vote');
  const [v] = rows("SELECT * FROM clew_events WHERE kind = 'vote'");
  assert.deepEqual([v.article, v.result, v.reason], [PROBLEM, 'no', 'outdated']);
  // Without JavaScript the form works alike; from the same client the
  // same day, it is thanked but not counted again.
  page = await openPage({ javaScriptEnabled: false });
  await voteNo(page);
  await page.done();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(rows("SELECT count(*) AS n FROM clew_events WHERE kind = 'vote'")[0].n, 1);
});

test('a search typed, and the hit opened, are recorded', async () => {
  const page = await openPage();
  await page.goto(base + '/');
  await page.locator('#q').pressSequentially('microphone linux', { delay: 30 });
  const hit = page.locator('ol.live-hits li a').first();
  await hit.waitFor();
  // The search settles (1.5 s without typing) and is recorded once.
  await until(() => rows("SELECT 1 FROM clew_events WHERE kind = 'search' AND query = 'microphone linux'").length === 1,
    'the search typed');
  await Promise.all([page.waitForURL(/\/articles\//), hit.click()]);
  await until(() => rows("SELECT 1 FROM clew_events WHERE kind = 'open' AND query = 'microphone linux'").length === 1,
    'the hit opened');
  const [o] = rows("SELECT * FROM clew_events WHERE kind = 'open'");
  assert.equal(o.hit_rank, 1);
  await page.done();
});

test('the admin page: charts drawn on the server, readable, no serious axe finding', async () => {
  // axe is injected: the page's CSP is bypassed for it.
  const page = await openPage({ bypassCSP: true });
  await page.goto(`${base}/admin`);
  await page.getByRole('heading', { name: 'Is it helping?' }).waitFor();
  assert.equal(await page.locator('svg[role="img"]').count() >= 4, true);
  // Four sessions: three fixed, and the first test's page that began one
  // and was left (still open: not yet 30 minutes idle).
  assert.match(await page.locator('.totals').textContent(), /Sessions\s*4\s*Fixed\s*3/);
  // Every chart with bars has its numbers in a table too.
  const charts = await page.locator('figure.chart svg.bars').count();
  assert.equal(await page.locator('figure.chart details table').count(), charts);
  assert.deepEqual(await axeViolations(page), []);
  await shoot(page, 'admin');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shotPath('admin-dark-desktop.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  // The pictures the docs show, from this run.
  if (process.env.CLEW_DOC_IMAGES) {
    mkdirSync('docs/img', { recursive: true });
    copyFileSync(shotPath('admin-desktop.png'), 'docs/img/admin.png');
    copyFileSync(shotPath('outcome-fixed-nojs-desktop.png'), 'docs/img/outcome-fixed.png');
    copyFileSync(shotPath('article-helpful-thanks.png'), 'docs/img/helpful.png');
  }
  await page.done();
});
