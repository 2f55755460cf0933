// import.test.mjs: pages as help centers and docs platforms export them
// (tests/data/import: HTML tables and alert divs, Microsoft Learn alerts,
// includes and images, Docusaurus admonitions, a page with a front-matter
// slip), compiled with --keep-going and read in a real Chromium: the
// text whole, the notes drawn as notes, nothing of the authors' script
// run, no axe violation (screenshots in build/screenshots/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, startServer, stopServer } from '../lib/serve.mjs';
import { axeViolations, launchChromium, openPage, shoot } from '../lib/chromium.mjs';

let dir, server, base, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clew-import-'));
  const db = join(dir, 'kb.sqlite');
  // The slip page is left out; the run still succeeds.
  execFileSync(bin, ['compile', '-q', '-k', '-o', db, 'tests/data/import'], { stdio: 'ignore' });
  server = await startServer(db);
  base = server.base;
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an exported help-center page: its table, note and keys, and none of its script', async () => {
  // The page's Content-Security-Policy off: what stops the author's
  // script here is the allow-list alone (and axe needs it off).
  const page = await openPage(browser, { bypassCSP: true });
  await page.goto(`${base}/articles/windows-silent-calls`);
  const table = page.locator('article table').first();
  await table.waitFor();
  assert.deepEqual(await table.locator('th').allTextContents().then((t) => t.map((s) => s.trim())),
    ['Item', 'Minimum', 'Where to look']);
  assert.match(await table.textContent(), /cannot carry calls/);
  assert.equal(await page.locator('article kbd').count(), 2);
  assert.equal(await page.locator('abbr[title="Hands-Free Profile"]').count(), 1);
  const note = page.getByRole('note', { name: 'Warning' });
  assert.equal(await note.count(), 1);
  assert.match(await note.textContent(), /save open documents/);
  // The link to the maker's guide stays; the javascript: one is text.
  assert.equal(await page.locator('a[href="https://support.example.com/bt"]').count(), 1);
  assert.equal(await page.getByRole('link', { name: 'Quick settings' }).count(), 0);
  // Click everything the author wanted to click; open the details.
  await page.getByText('Open Quick settings').click();
  await page.getByText('Still silent?').click();
  await page.getByText('pair it again').waitFor();
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(await axeViolations(page, 'article'), []);
  await shoot(page, 'import-help-center');
  await page.done();
});

test('a Microsoft Learn article: alerts, the image, the included step', async () => {
  const page = await openPage(browser);
  // The image's host, answered here (no test leaves loopback): the page's
  // Content-Security-Policy lets an https image show.
  await page.route('https://docs.example.com/**', (route) => route.fulfill({
    contentType: 'image/png', body: readFileSync('docs/img/helpful.png') }));
  await page.goto(`${base}/articles/support-article`);
  await page.getByRole('note', { name: 'Note' }).waitFor();
  assert.match(await page.getByRole('note', { name: 'Important' }).textContent(), /call drops/);
  const img = page.locator('article img[alt^="The Bluetooth settings screen"]');
  assert.equal(await img.count(), 1);
  assert.match(await page.locator('article').textContent(), /restart the phone and connect the headset once more/);
  assert.doesNotMatch(await page.locator('article').textContent(), /:::|INCLUDE|ms\.topic/);
  await page.waitForFunction(() => document.querySelector('article img').naturalWidth > 0);
  await shoot(page, 'import-learn');
  await page.done();
  const axe = await openPage(browser, { bypassCSP: true });
  await axe.goto(`${base}/articles/support-article`);
  assert.deepEqual(await axeViolations(axe, 'article'), []);
  await axe.done({ check: false });
});

test('a Docusaurus page: admonitions, one inside a step', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await page.goto(`${base}/articles/docusaurus-pairing`);
  const tip = page.getByRole('note', { name: 'Tip' });
  await tip.waitFor();
  assert.match(await tip.textContent(), /Do this first/);
  assert.match(await page.getByRole('note', { name: 'Warning' }).textContent(), /thinner in headset mode/);
  assert.deepEqual(await axeViolations(page, 'article'), []);
  await shoot(page, 'import-docusaurus');
  await page.done();
});

test('the page with a front-matter slip was left out, the others listed', async () => {
  const page = await openPage(browser);
  await page.goto(`${base}/`);
  const text = await page.locator('main').textContent();
  assert.match(text, /Music plays but calls are silent/);
  assert.match(text, /Fix call audio on a Bluetooth headset with Android/);
  assert.match(text, /Pair a headset so that calls work/);
  assert.doesNotMatch(text, /Template/);
  await page.done();
});
