// tests/lib/chromium.mjs: Debian's Chromium for the browser suites, driven
// by playwright-core (no browser is downloaded). Headless, and with the
// flags that keep it from reaching for the network: the tests talk to
// 127.0.0.1 only. Also what the suites share: the two window sizes, pages
// that record what goes wrong, screenshots, and axe-core scans.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// A laptop's window and a phone's.
export const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

// Where screenshots (and PDFs) go, for a person to look at.
export const SHOTS = 'build/screenshots';

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// The path of the screenshot (or PDF) file name under SHOTS, which is made
// when missing.
export function shotPath(name) {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, name);
}

// A page in a context of its own (at the size named by size, the other
// options are the context's) that records console errors, page errors,
// failed requests and error responses, from the page and its frames:
// page.problems, and the console errors' texts alone in
// page.consoleErrors. With ignoreAborted, a request aborted on purpose
// (ERR_ABORTED: search typed on) is not a failure. page.check() asserts
// there were no problems; page.done() checks, unless given
// { check: false }, and closes the context.
export async function openPage(browser, { size = 'desktop', ignoreAborted = false, ...opts } = {}) {
  const context = await browser.newContext({ viewport: SIZES[size], ...opts });
  const page = await context.newPage();
  const problems = page.problems = [];
  page.consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    page.consoleErrors.push(m.text());
    problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (!(ignoreAborted && /ERR_ABORTED/.test(r.failure()?.errorText || '')))
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.check = () => assert.deepEqual(problems, [], problems.join('\n'));
  page.done = async ({ check = true } = {}) => {
    if (check) page.check();
    await context.close();
  };
  return page;
}

// Screenshots of page at each of SIZES, as SHOTS/NAME-SIZE.png (the whole
// page unless fullPage is false), then back at the desktop size. settle,
// when given, runs after each resize, before the picture.
export async function shoot(page, name, { fullPage = true, settle } = {}) {
  for (const [size, vp] of Object.entries(SIZES)) {
    await page.setViewportSize(vp);
    if (settle) await settle();
    await page.screenshot({ path: shotPath(`${name}-${size}.png`), fullPage });
  }
  await page.setViewportSize(SIZES.desktop);
}

// axe-core (npm, pinned) run in frame (a page or a frame of one) over the
// element root names (a CSS selector) where there is one, else over the
// whole document; resolves with its serious and critical violations, each
// as "IMPACT RULE at TARGET, ...". The pages' CSP forbids injected script:
// the frame's context must bypass it (bypassCSP).
let axeSource;
export async function axeViolations(frame, root) {
  axeSource ??= readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
  await frame.addScriptTag({ content: axeSource });
  const result = await frame.evaluate((sel) => window.axe.run(
    sel && document.querySelector(sel) ? sel : document, { resultTypes: ['violations'] }), root ?? null);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
