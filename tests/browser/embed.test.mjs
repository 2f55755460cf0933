// embed.test.mjs: the help-desk widget (/embed.js) in real Chromium, on
// host pages served from other origins (other loopback ports): one the
// server allows (--cors, --frame-ancestors) and one it does not. The
// widget must work there through window.Clew, leave the host's own
// scripts and styles alone, report each step to onResult (the ranked
// causes, the steps tried, what comes next, and once the session ends
// whether it was resolved, with the hand-over summary), and, where it is
// not allowed, say so on the console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startSite, stopSite } from '../lib/serve.mjs';
import { SIZES, axeViolations, launchChromium, openPage as newPage, shoot } from '../lib/chromium.mjs';

const PROBLEM = 'bluetooth-call-audio';

let site, base, browser, allowed, refused;

// A help desk's page: its own styles (which must not reach the widget),
// its own script (which must keep working), and the one widget tag.
function hostPage(lang, attrs) {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>Help desk</title>
<style>
  button { background: rgb(255, 0, 0) !important; font-size: 40px !important; }
  .launcher, .panel { display: none !important; }
  h1 { font-family: serif; color: rgb(0, 128, 0); }
</style></head>
<body><h1>Ticket 4711</h1>
<button id="own" type="button">Host button</button> <span id="count">0</span>
<script src="/host.js"></script>
<script src="${base}/embed.js" ${attrs} async></script>
</body></html>`;
}

// A plainer help-desk page, for the screenshot in the README.
function demoPage() {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ticket #4711 · Help desk</title>
<style>
  body { margin: 0; font: 15px/1.5 Georgia, serif; color: #222; background: #f3f1ec; }
  header { background: #2d3b2f; color: #fff; padding: 14px 24px; font: 600 18px sans-serif; }
  main { max-width: 640px; margin: 24px; padding: 20px 24px; background: #fff; border: 1px solid #ddd; }
  .meta { color: #666; font-size: 13px; }
</style></head>
<body><header>Acme Support Desk</header>
<main><h1>Ticket #4711: no sound on calls with my headset</h1>
<p class="meta">Opened by a customer · iPhone · VoIP app with CallKit</p>
<p>Since yesterday, calls in the app ring on the headset but the other side cannot hear me.
Music plays fine over the same headset.</p></main>
<script src="/host.js"></script>
<script src="${base}/embed.js" data-problem="${PROBLEM}" data-platform="ios"
  data-answers="callkit=yes" data-open="true" async></script>
</body></html>`;
}

const HOST_JS = `
  window.results = [];
  window.Clew = { onResult: function (r) { window.results.push(r); } };
  var own = document.getElementById('own');
  if (own) own.addEventListener('click', function () {
    var c = document.getElementById('count');
    c.textContent = String(Number(c.textContent) + 1);
  });`;

// A host server on a free loopback port; resolves with its origin.
function startHost() {
  return new Promise((resolve) => {
    const srv = createServer((req, res) => {
      const u = new URL(req.url, 'http://x');
      if (u.pathname === '/host.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript' });
        return res.end(HOST_JS);
      }
      if (u.pathname === '/favicon.ico') { res.writeHead(204); return res.end(); }
      if (u.pathname === '/demo') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return res.end(demoPage());
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(hostPage(u.searchParams.get('lang') || 'en', u.searchParams.get('attrs') ||
        `data-problem="${PROBLEM}" data-platform="ios"`));
    });
    srv.listen(0, '127.0.0.1', () => {
      srv.origin = `http://127.0.0.1:${srv.address().port}`;
      resolve(srv);
    });
  });
}

before(async () => {
  allowed = await startHost();
  refused = await startHost();
  site = await startSite('clew-embed-', ['--cors', allowed.origin,
    '--frame-ancestors', `'self' ${allowed.origin}`]);
  base = site.base;
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  await stopSite(site);
  for (const h of [allowed, refused]) if (h) h.close();
});

// A page that records console errors (page.consoleErrors), page errors,
// failed requests and error responses, from the host page and from the
// panel's frame, in page.problems (lib/chromium.mjs); page.done() asserts
// there were none, unless given { check: false }.
const openPage = (opts = {}) => newPage(browser, opts);

const launcher = (page) => page.locator('clew-widget button.launcher');
const panelFrame = (page) => page.frameLocator('clew-widget iframe');
// The panel's own frame (on the server's origin), for evaluate().
const innerFrame = (page) => page.frames().find((f) => f.url().startsWith(base));
const panelButton = (page, name) => panelFrame(page).getByRole('button', { name, exact: true });
const lastResult = (page) => page.evaluate(() => window.results[window.results.length - 1]);

// Screenshots of the host page with the widget, at each size (the window,
// not the whole page), once the panel's page has been laid out at the
// frame's new width.
const shootWidget = (page, name) => shoot(page, name, {
  fullPage: false,
  settle: async () => {
    const width = await page.locator('clew-widget iframe').evaluate((f) => f.clientWidth);
    await innerFrame(page).waitForFunction((w) => window.innerWidth === w, width);
  },
});

// Runs act in the panel and waits for the result the host is told next.
async function nextResult(page, act) {
  const n = await page.evaluate(() => window.results.length);
  await act();
  await page.waitForFunction((k) => window.results.length > k, n);
  return lastResult(page);
}

// A host page with the widget open on the wizard where "SLUG&q=v&..."
// leads (data-problem, data-answers).
function openAt(answers) {
  const [problem, ...rest] = answers.split('&');
  return allowed.origin + '/?attrs=' + encodeURIComponent(
    `data-problem="${problem}" data-answers="${rest.join('&')}" data-open="true"`);
}
const ANDROID = 'bluetooth-call-audio&platform=android&sco_supported=yes&bt_permissions=yes&call_type=voip';

test('the widget on an allowed origin: launcher, panel, a step, onResult, setAnswers', async () => {
  const page = await openPage();
  await page.goto(allowed.origin + '/');
  const h1Before = await page.locator('h1').evaluate((e) => getComputedStyle(e).fontFamily);

  // The launcher, styled by the widget alone (the host's `button` rule
  // and its `.launcher { display: none }` do not reach into the shadow root).
  await launcher(page).waitFor();
  const style = await launcher(page).evaluate((e) => {
    const s = getComputedStyle(e);
    return { bg: s.backgroundColor, size: s.fontSize, display: s.display };
  });
  assert.notEqual(style.bg, 'rgb(255, 0, 0)');
  assert.notEqual(style.size, '40px');
  assert.notEqual(style.display, 'none');
  // ... and the widget's styles do not leak out.
  assert.equal(await page.locator('h1').evaluate((e) => getComputedStyle(e).fontFamily), h1Before);
  assert.equal(await page.locator('#own').evaluate((e) => getComputedStyle(e).backgroundColor),
    'rgb(255, 0, 0)');
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');

  // Open: the panel shows the wizard at the prefilled step (data-problem,
  // data-platform): on iOS, a step to try; the host is told the ranking
  // and the step.
  await launcher(page).click();
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'true');
  const frame = panelFrame(page);
  await frame.locator('section.wizard h1').waitFor();
  assert.match(await frame.locator('ul.steps').textContent(), /iOS/);
  await frame.locator('form.try h2').waitFor();
  await page.waitForFunction(() => window.results.length > 0);
  let r = await lastResult(page);
  assert.equal(r.problem, PROBLEM);
  assert.deepEqual(r.answers, { platform: 'ios' });
  assert.ok(r.causes.length > 0, 'ranked causes handed over');
  assert.ok(r.causes.every((c) => c.id && c.title && typeof c.probability === 'number'));
  assert.deepEqual(r.tried, []);
  assert.equal(r.next_question, null);
  assert.ok(r.next_step && r.next_step.id, 'the step to try is named');
  assert.equal(r.next_step.title, (await frame.locator('form.try h2').textContent()).trim());
  assert.equal(r.resolved, null, 'the session goes on');
  assert.equal(r.outcome, null);
  assert.match(r.url, /\/wizard\?problem=bluetooth-call-audio&platform=ios$/);

  // "No, still broken" in the panel: the host gets the step tried and the
  // next one; focus is on the new step's title, in the panel.
  const first = r.next_step;
  r = await nextResult(page, () => panelButton(page, 'No, still broken').click());
  assert.deepEqual(r.tried, [{ step: first.id, title: first.title, result: 'failed' }]);
  assert.ok(r.next_step && r.next_step.id !== first.id, 'another step');
  assert.equal(r.resolved, null);
  assert.equal(r.next_step.title, (await frame.locator('form.try h2').textContent()).trim());
  assert.ok(await innerFrame(page).evaluate(() => document.activeElement.matches('form.try h2')),
    "focus is on the new step's title");
  assert.match(r.url, new RegExp(`&tried=${first.id}%3Afailed$`));
  // The panel stays in embed mode (no site footer, the widget's masthead).
  assert.equal(await frame.locator('footer.site-footer').isVisible(), false);

  // setAnswers from the host: the panel moves to that step, and keeps the
  // step tried in it.
  r = await nextResult(page, () => page.evaluate(() => window.Clew.setAnswers({ call_type: 'voip' })));
  assert.deepEqual(r.answers, { platform: 'ios', call_type: 'voip' });
  assert.deepEqual(r.tried.map((t) => `${t.step}:${t.result}`), [`${first.id}:failed`]);
  assert.equal(await frame.locator('ul.steps > li.tried').count(), 1);
  assert.ok(r.next_step && r.next_step.id !== first.id);
  // A new problem drops the steps tried with the old one.
  r = await nextResult(page, () => page.evaluate(() =>
    window.Clew.setAnswers({ problem: 'linux-bluetooth-headset-audio', platform: null, call_type: null })));
  assert.equal(r.problem, 'linux-bluetooth-headset-audio');
  assert.deepEqual(r.tried, []);
  r = await nextResult(page, () => page.evaluate(() =>
    window.Clew.setAnswers({ problem: 'bluetooth-call-audio', platform: 'ios' })));
  assert.deepEqual(r.tried, []);
  await frame.locator('form.try h2').waitFor();

  await shootWidget(page, 'widget');

  // The host page's own script still works; close() and Escape close.
  await page.locator('#own').click({ force: true });
  assert.equal(await page.locator('#count').textContent(), '1');
  await page.evaluate(() => window.Clew.close());
  assert.equal(await page.locator('clew-widget .panel').isVisible(), false);
  await launcher(page).focus();
  await page.keyboard.press('Enter');
  await frame.locator('section.wizard').waitFor();
  assert.equal(await page.locator('clew-widget .panel').isVisible(), true);
  await page.keyboard.press('Escape');   // the focus is in the panel's frame
  // The frame tells the host page by postMessage: closing is asynchronous.
  await page.locator('clew-widget .panel').waitFor({ state: 'hidden', timeout: 5000 });

  await page.done();
});

test('the widget walks to "fixed": onResult gets resolved: true', async () => {
  const page = await openPage();
  await page.goto(openAt(`${PROBLEM}&platform=ios`));
  const frame = panelFrame(page);
  await frame.locator('form.try h2').waitFor();
  await page.waitForFunction(() => window.results.length > 0);
  const step = (await lastResult(page)).next_step;
  assert.ok(step && step.id);
  // "Yes, it's fixed" is a POST in the panel, answered 303.
  const r = await nextResult(page, () => panelButton(page, "Yes, it's fixed").click());
  assert.equal(r.resolved, true);
  assert.equal(r.outcome.status, 'fixed');
  assert.equal(r.outcome.reason, null);
  assert.deepEqual(r.outcome.fixed_by, { id: step.id, title: step.title });
  assert.match(r.outcome.summary_text, new RegExp(`\n- fixed it: ${step.title.replace(/[.?*+()[\]]/g, '\\$&')}\n`));
  assert.deepEqual(r.tried, [{ step: step.id, title: step.title, result: 'fixed' }]);
  assert.equal(r.next_step, null);
  assert.equal(r.next_question, null);
  assert.match(r.url, new RegExp(`&tried=${step.id}%3Afixed$`));
  assert.equal(await page.evaluate(() => window.Clew.result.resolved), true);
  // The panel says so, with the focus on it.
  assert.equal((await frame.locator('.outcome.fixed h2').textContent()).trim(), 'Fixed. Glad it works again.');
  assert.ok(await innerFrame(page).evaluate(() => document.activeElement.matches('.outcome.fixed h2')));
  assert.match(innerFrame(page).url(), /[?&]embed=/, 'still in embed mode');
  await shootWidget(page, 'widget-fixed');
  await page.done();
});

test('the widget walks to "not fixed": onResult gets resolved: false and the summary', async () => {
  const page = await openPage();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: allowed.origin });
  await page.goto(openAt(ANDROID));
  const frame = panelFrame(page);
  await frame.locator('form.try h2').waitFor();
  await page.waitForFunction(() => window.results.length > 0);
  let r = await lastResult(page);
  const steps = [];
  while (r.next_step) {
    steps.push(r.next_step);
    assert.ok(steps.length < 10, 'the steps end');
    r = await nextResult(page, () => panelButton(page, 'No, still broken').click());
    assert.deepEqual(r.tried.at(-1), { step: steps.at(-1).id, title: steps.at(-1).title, result: 'failed' });
  }
  assert.equal(steps.length, 3);
  assert.equal(r.resolved, false);
  assert.equal(r.outcome.status, 'not_fixed');
  assert.equal(r.outcome.reason, 'no_step_left');
  assert.equal(r.outcome.fixed_by, null);
  assert.equal(r.next_question, null);
  assert.equal(r.tried.length, 3);
  // The summary the host gets is the one the panel shows.
  const area = frame.locator('.outcome.not-fixed textarea#summary');
  assert.equal(await area.inputValue(), r.outcome.summary_text);
  for (const s of steps) assert.ok(r.outcome.summary_text.includes(`\n- did not fix it: ${s.title}\n`));
  assert.ok(await innerFrame(page).evaluate(() => document.activeElement.matches('.outcome.not-fixed h2')));
  assert.ok((await frame.locator('.outcome .escalation').innerText()).length > 0);
  await shootWidget(page, 'widget-not-fixed');
  // "Copy the summary" works in the panel too (the host page reads the
  // clipboard: the panel's frame may not).
  await page.evaluate(() => navigator.clipboard.writeText('before'));
  await frame.locator('button.copy').click();
  await frame.locator('.copy-status', { hasText: 'Copied.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), r.outcome.summary_text);
  await shootWidget(page, 'widget-not-fixed-copied');
  await page.done();
});

test('inside the panel, search and articles stay in the panel', async () => {
  const page = await openPage();
  await page.goto(allowed.origin + '/?attrs=' + encodeURIComponent('data-open="true"'));
  const frame = panelFrame(page);
  await frame.locator('section.wizard').waitFor();
  await frame.locator('#top-q').fill('headset');
  await frame.locator('#top-q').press('Enter');
  await frame.locator('ol.hits li a').first().waitFor();
  await frame.locator('ol.hits li a').first().click();
  await frame.locator('article').first().waitFor();
  const url = await page.locator('clew-widget iframe').evaluate((f) => f.contentWindow.location.href)
    .catch(() => null);
  // Cross-origin frame: its URL is read from the frame object instead.
  const inner = page.frames().find((f) => f.url().startsWith(base));
  assert.ok(inner, 'the panel frame is on the server');
  assert.match(inner.url(), /\/articles\/[^?]+\?.*embed=/, `still in embed mode: ${url || inner.url()}`);
  assert.equal(await frame.locator('footer.site-footer').isVisible(), false);
  await page.done();
});

test('the panel follows the host page language, when the KB has it', async () => {
  const page = await openPage();
  await page.goto(allowed.origin + '/?lang=de-DE&attrs=' + encodeURIComponent('data-open'));
  await panelFrame(page).locator('section.wizard').waitFor();
  const inner = page.frames().find((f) => f.url().startsWith(base));
  assert.match(inner.url(), /[?&]lang=de-DE(&|$)/, 'the host language is passed on');
  // This KB has no German articles: the panel stays in its own language.
  assert.equal(await inner.evaluate(() => document.documentElement.lang), 'en');
  await page.done();
});

// The widget's own words, in its shadow root.
const widgetWords = (page) => page.evaluate(() => {
  const r = document.querySelector('clew-widget').shadowRoot, f = r.querySelector('iframe');
  return {
    launcher: r.querySelector('.launcher').textContent,
    title: r.querySelector('.bar h2').textContent,
    label: r.querySelector('.panel').getAttribute('aria-label'),
    close: r.querySelector('.close').getAttribute('aria-label'),
    frame: f ? f.title : null,
  };
});

test('the widget speaks the host page language: its words from the server, data-label and data-title first', async () => {
  const page = await openPage();
  await page.goto(allowed.origin + '/?lang=fr&attrs=' + encodeURIComponent('data-open'));
  await panelFrame(page).locator('section.wizard').waitFor();
  await page.waitForFunction(() =>
    document.querySelector('clew-widget').shadowRoot.querySelector('.launcher').textContent === 'Aide');
  assert.deepEqual(await widgetWords(page), { launcher: 'Aide', title: 'Assistant de dépannage',
    label: 'Assistant de dépannage', close: 'Fermer', frame: 'Assistant de dépannage' });
  // The panel's pages are in it too (the interface has it, the KB not).
  assert.equal(await innerFrame(page).evaluate(() => document.documentElement.lang), 'fr');
  await page.done();

  // data-lang over the page's own; the host's label and title over both.
  const other = await openPage();
  await other.goto(allowed.origin + '/?lang=fr&attrs=' + encodeURIComponent(
    'data-lang="zh-CN" data-label="Need a hand?" data-title="Acme help"'));
  await other.waitForFunction(() => {
    const w = document.querySelector('clew-widget');
    return w && w.shadowRoot.querySelector('.close').getAttribute('aria-label') === '关闭';
  });
  assert.deepEqual(await widgetWords(other), { launcher: 'Need a hand?', title: 'Acme help',
    label: 'Acme help', close: '关闭', frame: null });
  await other.done();
});

test('a page on an origin that is not allowed gets a console message, no widget', async () => {
  const page = await openPage();
  const said = page.waitForEvent('console', {
    predicate: (m) => m.type() === 'error' && /Clew widget:/.test(m.text()), timeout: 10000 });
  await page.goto(refused.origin + '/');
  await said;
  await page.waitForFunction(() => document.readyState === 'complete');
  const ours = page.consoleErrors.filter((t) => /Clew widget:/.test(t));
  assert.equal(ours.length, 1, page.consoleErrors.join('\n'));
  assert.match(ours[0], new RegExp(`may not use the help widget.*--cors ${refused.origin}`));
  assert.equal(await page.locator('clew-widget').count(), 0, 'no launcher');
  // The host's own script is unharmed.
  await page.locator('#own').click();
  assert.equal(await page.locator('#count').textContent(), '1');
  await page.done({ check: false });
});

test('screenshots of the widget on a help-desk page', async () => {
  const page = await openPage();
  await page.goto(allowed.origin + '/demo');
  await panelFrame(page).locator('form.try h2').waitFor();
  await page.waitForFunction(() => window.results.length > 0);
  await shootWidget(page, 'widget-demo');
  await page.done();
});

// axe-core in the open panel, on a step, "fixed" and "not fixed", and on
// the host page with the widget.
test('accessibility: the embed panel has no serious or critical axe-core violations', async () => {
  const context = await browser.newContext({ viewport: SIZES.desktop, bypassCSP: true });
  const page = await context.newPage();
  const frame = panelFrame(page);
  const found = [];
  const scan = async (name) => {
    // On the host page, the widget alone (the host page is not ours).
    for (const [n, f] of [[`panel, ${name}`, innerFrame(page)], ['host with widget', page.mainFrame()]])
      for (const v of await axeViolations(f, 'clew-widget')) found.push(`${n}: ${v}`);
  };
  await page.goto(openAt(`${PROBLEM}&platform=ios`));
  await frame.locator('form.try h2').waitFor();
  await scan('a step');
  await panelButton(page, "Yes, it's fixed").click();
  await frame.locator('.outcome.fixed h2').waitFor();
  await scan('fixed');
  await page.goto(openAt(ANDROID));
  await frame.locator('form.try h2').waitFor();
  for (let n = 0; await frame.locator('form.try').count(); n++) {
    assert.ok(n < 10);
    await panelButton(page, 'No, still broken').click();
    await frame.locator('ul.steps > li.tried').nth(n).waitFor();
  }
  await frame.locator('.outcome.not-fixed button.copy').waitFor();
  await scan('not fixed');
  await context.close();
  assert.deepEqual(found, [], found.join('\n'));
});
