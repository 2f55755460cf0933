// browser.test.mjs: the pages in a real Chromium (Debian's, driven by
// playwright-core; nothing is downloaded): the wizard with JavaScript on (by
// mouse and by keyboard alone), Back and reload, the same walk with
// JavaScript off, search as you type, no console errors or failed requests,
// and screenshots under build/screenshots/ for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { compileKb, startServer, stopServer } from '../lib/serve.mjs';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../lib/chromium.mjs';

const SHOTS = 'build/screenshots';
const PROBLEM = 'linux-bluetooth-headset-audio';
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let dir, server, base, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clew-browser-'));
  mkdirSync(SHOTS, { recursive: true });
  compileKb(join(dir, 'kb.sqlite'), 'kb');
  server = await startServer(join(dir, 'kb.sqlite'));
  base = server.base;
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
});

// A page that records console errors, page errors, failed requests and
// error responses; check() asserts there were none.
async function openPage(opts = {}) {
  const context = await browser.newContext({ viewport: SIZES.desktop, ...opts });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A fetch aborted on purpose (search typed on) is not a failure.
    if (!/ERR_ABORTED/.test(r.failure()?.errorText || ''))
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.check = () => assert.deepEqual(problems, [], problems.join('\n'));
  page.done = async () => { page.check(); await context.close(); };
  return page;
}

async function shoot(page, name) {
  for (const [size, vp] of Object.entries(SIZES)) {
    await page.setViewportSize(vp);
    await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(SIZES.desktop);
}

const legend = (page) => page.locator('form.question legend');
const legendText = async (page) =>
  (await legend(page).count()) ? (await legend(page).textContent()).trim() : null;

// Each walk answers every question with its last option, which for this
// problem ends at a ranked cause.
// The answer page: no question left, the causes ranked, the top one first.
async function assertRanked(page) {
  await page.locator('p.done').waitFor();
  const causes = page.locator('ol.causes > li.cause');
  assert.ok(await causes.count() > 0, 'causes are listed');
  assert.ok(await page.locator('ol.causes > li.cause.first').isVisible());
  const pcts = await page.locator('ol.causes > li .likelihood > span:last-child').allTextContents();
  const nums = pcts.map((t) => parseInt(t, 10));
  assert.deepEqual([...nums].sort((a, b) => b - a), nums, `ranked: ${pcts}`);
}

test('the JS wizard goes from / to a ranked answer by clicks, in place', async () => {
  const page = await openPage();
  await page.goto(base + '/');
  await page.locator(`a.button[href="/wizard?problem=${PROBLEM}"]`).click();
  await page.waitForURL(/\/wizard\?problem=/);
  await legend(page).waitFor();
  await shoot(page, 'wizard-start');
  // Marks the document: a full page load would lose it.
  await page.evaluate(() => { window.__sameDocument = true; });
  const barBefore = await page.locator('li.cause.first .bar-fill').getAttribute('data-pct');
  let steps = 0;
  while (await legend(page).count()) {
    const before = page.url();
    const text = await legendText(page);
    await page.locator('form.question input[type=radio]').last().check();
    await page.locator('form.question button[type=submit]').click();
    await page.waitForURL((u) => u.href !== before);
    await page.waitForFunction((t) => {
      const l = document.querySelector('form.question legend');
      return !l || l.textContent.trim() !== t;
    }, text);
    steps++;
    assert.ok(steps < 25, 'the wizard ends');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'updated in place');
    assert.equal(await page.locator('ul.steps > li').count(), steps, 'one answer listed per step');
    assert.equal(await page.locator('ul.steps > li a', { hasText: 'change' }).count(), steps);
    // Focus moved to the new question (or the result).
    const focused = await page.evaluate(() => document.activeElement.matches('form.question legend, p.done'));
    assert.ok(focused, 'focus is on the new question');
    const live = await page.locator('[aria-live=polite][role=status]').first().textContent();
    assert.match(live, /^Most likely: .+, \d+%/);
  }
  assert.ok(steps >= 2, `answered ${steps} questions`);
  await assertRanked(page);
  // Solutions, drawn in place by app.js: a body never opens with its
  // summary's sentence again, and a one-sentence one is shown once.
  const shown = await page.evaluate(() => [...document.querySelectorAll('li.cause .solution')]
    .map((d) => ({
      brief: d.classList.contains('brief'),
      summary: (d.querySelector('summary')?.textContent || '').replace(/\s+/g, ''),
      body: (d.querySelector('.body')?.textContent || d.textContent).replace(/\s+/g, ''),
    })));
  assert.ok(shown.length > 0, 'solutions are shown');
  for (const so of shown) {
    if (so.brief) continue;
    assert.ok(so.summary && so.body, 'a summary over a body');
    assert.ok(!so.body.startsWith(so.summary), `body repeats "${so.summary}"`);
  }
  const barAfter = await page.locator('li.cause.first .bar-fill').getAttribute('data-pct');
  assert.ok(barBefore !== null && barAfter !== null);
  // The bar's width follows the probability (set through CSSOM: the CSP allows it).
  await page.waitForFunction(() => {
    const f = document.querySelector('li.cause.first .bar-fill');
    return Math.abs(f.getBoundingClientRect().width /
      f.parentNode.getBoundingClientRect().width * 100 - Number(f.dataset.pct)) < 3;
  });
  // "why?" opens, and "change" goes back to that question.
  const why = page.locator('li.cause.first details.why');
  if (await why.count()) {
    await why.locator('summary').click();
    assert.ok(await why.locator('li').first().isVisible());
  }
  await shoot(page, 'wizard-answer');
  // "change" next to the first answer asks that question again and keeps
  // every other answer; answering it brings all of them back.
  const firstQ = (await page.locator('ul.steps > li .q').first().textContent()).trim();
  await page.locator('ul.steps > li a', { hasText: 'change' }).first().click();
  await page.waitForURL(/[?&]ask=/);
  await page.waitForFunction((t) => document.querySelector('form.question legend')?.textContent.trim() === t, firstQ);
  assert.equal(await page.locator('ul.steps > li').count(), steps - 1, 'the other answers are kept');
  await page.locator('form.question input[type=radio]').first().check();
  await page.locator('form.question button[type=submit]').click();
  await page.waitForURL((u) => !u.searchParams.has('ask'));
  await page.waitForFunction((n) => document.querySelectorAll('ul.steps > li').length === n, steps);
  await page.done();
});

test('the JS wizard works by keyboard alone', async () => {
  const page = await openPage();
  await page.goto(base + '/');
  // Tab to the first "Start troubleshooting" link for the problem, Enter.
  for (let i = 0; ; i++) {
    assert.ok(i < 60, 'reached the wizard link by Tab');
    await page.keyboard.press('Tab');
    const href = await page.evaluate(() => document.activeElement.getAttribute('href'));
    if (href === `/wizard?problem=${PROBLEM}`) break;
  }
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/wizard\?problem=/);
  await legend(page).waitFor();
  // Tab into the question's radios.
  for (let i = 0; ; i++) {
    assert.ok(i < 40, 'reached the question by Tab');
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.matches('form.question input[type=radio]'))) break;
  }
  let steps = 0;
  while (await legend(page).count()) {
    const text = await legendText(page);
    // The last answer of each question leads to a ranked cause here:
    // ArrowUp wraps to it, Space keeps it picked.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    assert.ok(await page.evaluate(() => document.activeElement.checked), 'Space picks the answer');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Next');
    await page.keyboard.press('Enter');
    await page.waitForFunction((t) => {
      const l = document.querySelector('form.question legend');
      return !l || l.textContent.trim() !== t;
    }, text);
    steps++;
    assert.ok(steps < 25);
    if (await legend(page).count()) {
      assert.ok(await page.evaluate(() => document.activeElement.matches('form.question legend')),
        'focus is on the new question');
      await page.keyboard.press('Tab');
      assert.ok(await page.evaluate(() => document.activeElement.matches('form.question input[type=radio]')));
    }
  }
  await assertRanked(page);
  assert.ok(await page.evaluate(() => document.activeElement.matches('p.done')));
  await page.done();
});

test('Back and reload land on the same step', async () => {
  const page = await openPage();
  await page.goto(`${base}/wizard?problem=${PROBLEM}`);
  const q1 = await legendText(page);
  const url1 = page.url();
  await page.locator('form.question input[type=radio]').last().check();
  await page.locator('form.question button[type=submit]').click();
  await page.waitForFunction((t) => document.querySelector('form.question legend')?.textContent.trim() !== t, q1);
  const q2 = await legendText(page);
  const url2 = page.url();
  const causes2 = await page.locator('ol.causes > li h3').allTextContents();
  await page.locator('form.question input[type=radio]').last().check();
  await page.locator('form.question button[type=submit]').click();
  await page.waitForFunction((t) => document.querySelector('form.question legend')?.textContent.trim() !== t, q2);
  assert.notEqual(page.url(), url2);

  await page.goBack();
  await page.waitForFunction((t) => document.querySelector('form.question legend')?.textContent.trim() === t, q2);
  assert.equal(page.url(), url2);
  assert.deepEqual(await page.locator('ol.causes > li h3').allTextContents(), causes2);
  const steps = await page.locator('ul.steps > li').allInnerTexts();

  await page.reload();
  assert.equal(page.url(), url2);
  assert.equal(await legendText(page), q2);
  assert.deepEqual(await page.locator('ol.causes > li h3').allTextContents(), causes2);
  assert.deepEqual(await page.locator('ul.steps > li').allInnerTexts(), steps);

  await page.goBack();
  await page.waitForURL(url1);
  await page.waitForFunction((t) => document.querySelector('form.question legend')?.textContent.trim() === t, q1);
  await page.goForward();
  await page.waitForFunction((t) => document.querySelector('form.question legend')?.textContent.trim() === t, q2);
  await page.done();
});

test('without JavaScript the wizard walks by forms', async () => {
  const page = await openPage({ javaScriptEnabled: false });
  await page.goto(base + '/');
  await page.locator(`a.button[href="/wizard?problem=${PROBLEM}"]`).click();
  await page.waitForURL(/\/wizard\?problem=/);
  assert.equal(await page.locator('.bar').count(), 0, 'no script ran');
  let steps = 0;
  while (await legend(page).count()) {
    await page.locator('form.question input[type=radio]').last().check();
    await Promise.all([page.waitForNavigation(), page.locator('form.question button[type=submit]').click()]);
    steps++;
    assert.ok(steps < 25);
    assert.equal(await page.locator('ul.steps > li').count(), steps);
  }
  await assertRanked(page);
  await shoot(page, 'wizard-nojs');
  await page.done();
});

test('the tree view: a click on a leaf opens the wizard at that path', async () => {
  const page = await openPage();
  await page.goto(`${base}/wizard/tree?problem=${PROBLEM}`);
  assert.ok(await page.locator('svg.tree a').count() > 3, 'leaves link to the wizard');
  // A Linux-only article: no platform question, the paths start with the
  // Linux questions.
  assert.equal(await page.locator('svg.tree a[href*="platform="]').count(), 0);
  const leaves = page.locator('svg.tree a[href*="device_connected="]');
  const href = await leaves.first().getAttribute('href');
  assert.match(href, new RegExp(`^/wizard\\?problem=${PROBLEM}&`));
  await shoot(page, 'tree');
  await Promise.all([page.waitForURL(/\/wizard\?problem=/), leaves.first().locator('rect').click()]);
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, href);
  await page.locator('ol.causes > li.cause').first().waitFor();
  await page.done();
});

// axe-core (npm, pinned) on each page; the pages' CSP forbids injected
// script, so the scanning context bypasses it (the pages' own scripts run
// as usual).
test('accessibility: no serious or critical axe-core violations', async () => {
  const axe = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
  const context = await browser.newContext({ viewport: SIZES.desktop, bypassCSP: true });
  const page = await context.newPage();
  const pages = ['/', `/wizard?problem=${PROBLEM}`,
    `/wizard?problem=${PROBLEM}&platform=linux&bluez_running=yes`,
    `/articles/${PROBLEM}`, '/search?q=headset', `/wizard/tree?problem=${PROBLEM}`];
  const found = [];
  for (const path of pages) {
    await page.goto(base + path);
    await page.addScriptTag({ content: axe });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations)
      if (v.impact === 'serious' || v.impact === 'critical')
        found.push(`${path}: ${v.impact} ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }
  await context.close();
  assert.deepEqual(found, [], found.join('\n'));
});

test('search as you type on / and /search; Enter still submits', async () => {
  const page = await openPage();
  await page.goto(base + '/');
  await page.locator('#q').pressSequentially('headset', { delay: 40 });
  const hit = page.locator('ol.live-hits li h3 a').first();
  await hit.waitFor();
  assert.match(await hit.getAttribute('href'), /^\/articles\/[^/#]+#.+/);
  assert.match(await hit.textContent(), /headset/i);
  assert.equal(new URL(page.url()).pathname, '/', 'still on the home page');
  await shoot(page, 'search-live');
  await Promise.all([page.waitForURL(/\/search\?q=headset/), page.locator('#q').press('Enter')]);
  assert.ok(await page.locator('ol.hits li').count() > 0);

  // On /search: typing replaces the hits; the platform filter applies.
  await page.locator('#sq').fill('');
  await page.locator('#sq').pressSequentially('microphone', { delay: 30 });
  await page.waitForFunction(() => /q=microphone/.test(location.search) &&
    document.querySelector('.hit-count')?.textContent.length > 0);
  const all = await page.locator('ol.hits > li').count();
  assert.ok(all > 0, 'hits for microphone');
  await page.locator('#sp').selectOption('ios');
  await page.waitForFunction(() => /platform=ios/.test(location.search));
  await page.waitForFunction(() => [...document.querySelectorAll('ol.hits > li a')]
    .every((a) => !a.getAttribute('href').startsWith('/articles/linux-')));
  const snippets = await page.locator('ol.hits .snippet').count();
  assert.ok(snippets >= 0);
  await page.done();
});

test('no console errors or failed requests on the pages; screenshots', async () => {
  const page = await openPage();
  const paths = ['/', `/wizard?problem=${PROBLEM}`, '/wizard', `/articles/${PROBLEM}`, '/search?q=headset'];
  for (const p of paths) {
    const res = await page.goto(base + p);
    assert.equal(res.status(), 200, p);
    await page.waitForLoadState('networkidle');
    // The script ran (it marks the document).
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('js')), p);
  }
  await page.goto(base + '/');
  await shoot(page, 'index');
  await page.goto(`${base}/articles/${PROBLEM}`);
  await shoot(page, 'article');
  await page.goto(`${base}/search?q=headset`);
  await shoot(page, 'search');
  await page.done();
});
