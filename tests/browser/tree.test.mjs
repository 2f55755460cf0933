// tree.test.mjs: the decision tree page (/wizard/tree) in a real Chromium
// (Debian's, driven by playwright-core), for both shipped problems: every
// node of `clew tree` is on the page as a link into the wizard at its path,
// with its whole label, within a laptop's width (1280x800) and a phone's;
// a click on a step or an end opens the wizard there; print shows every
// node, closed questions included (through CSS, and through app.js's
// beforeprint/afterprint where CSS cannot); no serious or critical axe-core
// violations, light and dark. Screenshots (and a PDF) go to
// build/screenshots/tree-*, for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bin, startSite, stopSite } from '../lib/serve.mjs';
import { SIZES, axeViolations, launchChromium, openPage as newPage, shotPath } from '../lib/chromium.mjs';

const PROBLEMS = ['bluetooth-call-audio', 'linux-bluetooth-headset-audio'];

let site, db, base, browser;

before(async () => {
  site = await startSite('clew-tree-');
  db = site.db;
  base = site.base;
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  await stopSite(site);
});

// A page that records console errors, page errors, failed requests and
// error responses (lib/chromium.mjs); page.check() asserts there were none.
const openPage = (opts = {}) => newPage(browser, opts);

// The tree as `clew tree` gives it, and each node with the arguments of
// the wizard URL its path leads to (worked out here, not by the server):
// the problem, then QUESTION=VALUE for each answer and tried=STEP:failed
// for each step that did not fix it, in path order. Chains are the runs of
// steps tried one after another, with the first one's number on its path;
// answers, every answer's label in document order.
function treeOf(problem) {
  const tree = JSON.parse(execFileSync(bin, ['tree', '--db', db, '--problem', problem,
    '--format', 'json'], { encoding: 'utf8' }));
  const nodes = [], chains = [], answers = [];
  (function visit(node, args, nrSteps, chain) {
    if (node.question !== undefined) {
      nodes.push({ kind: 'question', node, args });
      for (const a of node.answers) {
        answers.push(a.label);
        visit(a.node, [...args, [node.question, a.value]], nrSteps, null);
      }
    } else if (node.step !== undefined) {
      if (!chain) chains.push(chain = { start: nrSteps + 1, texts: [] });
      chain.texts.push(node.text);
      nodes.push({ kind: 'step', node, args });
      visit(node.failed, [...args, ['tried', `${node.step}:failed`]], nrSteps + 1, chain);
    } else {
      nodes.push({ kind: 'leaf', node, args });
    }
  })(tree.root, [['problem', problem]], 0, null);
  assert.equal(nodes.length, tree.nodes);
  assert.equal(tree.truncated, false);
  return { tree, nodes, chains, answers };
}

const key = (args) => JSON.stringify(args);
const hrefKey = (href) => {
  const u = new URL(href, 'http://x');
  assert.equal(u.pathname, '/wizard', href);
  return key([...u.searchParams]);
};
// As the templates' |percent.
const percent = (p) => Math.max(0, Math.min(100, Math.floor(p * 100 + 0.5 + 1e-9)));
const squash = (s) => s.replace(/\s+/g, ' ').trim();

// What the page shows for each link of the outline, and its step chains.
async function outline(page) {
  return page.evaluate(() => ({
    links: [...document.querySelectorAll('.tree a')].map((a) => ({
      href: a.getAttribute('href'),
      text: a.textContent,
      kind: a.closest('.tree-question') ? 'question' : a.closest('.tree-steps') ? 'step'
        : a.closest('.tree-leaf') ? 'leaf' : 'other',
      meta: a.parentElement.querySelector(':scope > .tree-meta')?.textContent ?? null,
      handover: !!a.closest('.tree-leaf.handover'),
    })),
    chains: [...document.querySelectorAll('.tree ol.tree-steps')].map((ol) => ({
      start: Number(ol.getAttribute('start')),
      texts: [...ol.querySelectorAll(':scope > li > a')].map((a) => a.textContent),
    })),
  }));
}

// The href of the outline's link whose arguments are args.
async function hrefOf(page, args) {
  const hrefs = await page.locator('.tree a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => hrefKey(h) === key(args));
  assert.ok(href, key(args));
  return href;
}

// Problems with the layout at the page's width: sideways scrolling, a node
// or label that reaches past the viewport, text clipped by its box, a
// node link not shown.
async function layoutProblems(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth, bad = [];
    if (document.documentElement.scrollWidth > vw)
      bad.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
    for (const e of document.querySelectorAll('.tree a, .tree-answer, .tree-meta, .tree-then')) {
      if (!e.checkVisibility()) bad.push(`not shown: ${e.textContent}`);
      for (const r of e.getClientRects())
        if (r.left < 0 || r.right > vw + 0.5) bad.push(`past the edge (${r.left}..${r.right}): ${e.textContent}`);
    }
    for (const e of document.querySelectorAll('.tree, .tree *')) {
      if (e.closest('.visually-hidden')) continue;
      const cs = getComputedStyle(e);
      if (cs.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1)
        bad.push(`clipped: ${e.tagName}.${e.className} ${e.textContent.slice(0, 60)}`);
      if (cs.textOverflow === 'ellipsis') bad.push(`ellipsis: ${e.textContent.slice(0, 60)}`);
    }
    return bad;
  });
}

for (const problem of PROBLEMS) {
  test(`${problem}: every node is a link to its wizard step, with its whole label, on a laptop and a phone`, async () => {
    const { nodes, chains, answers } = treeOf(problem);
    const page = await openPage();
    const res = await page.goto(`${base}/wizard/tree?problem=${problem}`);
    assert.equal(res.status(), 200);
    await page.waitForLoadState('networkidle');

    const shown = await outline(page);
    assert.equal(shown.links.filter((l) => l.kind === 'other').length, 0, 'only nodes link in the outline');
    assert.equal(shown.links.length, nodes.length, 'one link a node');
    const byUrl = new Map(shown.links.map((l) => [hrefKey(l.href), l]));
    assert.equal(byUrl.size, nodes.length, 'each link its own path');
    for (const { kind, node, args } of nodes) {
      const l = byUrl.get(key(args));
      assert.ok(l, `a link for the ${kind} at ${key(args)}`);
      assert.equal(l.kind, kind, key(args));
      if (kind === 'question') {
        assert.equal(squash(l.text), node.text);
      } else if (kind === 'step') {
        assert.equal(squash(l.text), node.text);
        assert.match(l.meta, new RegExp(`^(under 1 min|\\d+ min|\\d+ h( \\d+ min)?) · ${percent(node.fix_probability)}% chance$`));
      } else {
        const top = node.causes[0];
        assert.ok(top, 'the shipped KB has a cause at every end');
        assert.ok(squash(l.text).endsWith(`Most likely cause (${percent(top.probability)}%): ${top.title}`), l.text);
        assert.equal(l.handover, node.outcome === 'not_fixed');
        assert.match(l.text, node.outcome === 'not_fixed' ? /hand over to support/i : /causes ranked/);
      }
    }
    // Each run of steps is one numbered list, in the order tried, numbered
    // along its path.
    assert.ok(chains.length > 0);
    assert.deepEqual(shown.chains, chains);
    // Every answer is shown, with its label, under its question.
    assert.deepEqual((await page.locator('.tree .tree-answer').allTextContents())
      .map(squash), answers);

    assert.deepEqual(await layoutProblems(page), []);
    await page.screenshot({ path: shotPath(`tree-${problem}-laptop.png`) });
    await page.screenshot({ path: shotPath(`tree-${problem}-desktop.png`), fullPage: true });
    await page.setViewportSize(SIZES.phone);
    assert.deepEqual(await layoutProblems(page), []);
    await page.screenshot({ path: shotPath(`tree-${problem}-phone.png`), fullPage: true });
    await page.done();
  });
}

test('a click on a step or an end opens the wizard at that path', async () => {
  const page = await openPage();
  for (const problem of PROBLEMS) {
    const { nodes } = treeOf(problem);
    // A step after others failed (the deepest), and the deepest end.
    const depth = (n) => n.args.length;
    const step = nodes.filter((n) => n.kind === 'step').sort((a, b) => depth(b) - depth(a))[0];
    const leaf = nodes.filter((n) => n.kind === 'leaf').sort((a, b) => depth(b) - depth(a))[0];
    for (const n of [step, leaf]) {
      await page.goto(`${base}/wizard/tree?problem=${problem}`);
      const link = page.locator(`.tree a[href="${await hrefOf(page, n.args)}"]`);
      assert.equal(await link.count(), 1);
      assert.ok((await link.textContent()).includes(n.kind === 'step' ? n.node.text : n.node.causes[0].title));
      await Promise.all([page.waitForURL((u) => u.pathname === '/wizard'), link.click()]);
      // (app.js adds the session id the page began to the address.)
      assert.equal(key([...new URL(page.url()).searchParams].filter(([k]) => k !== 'sid')), key(n.args));
      if (n.kind === 'step') {
        // The wizard offers that step.
        assert.equal(squash(await page.locator('form.try h2').textContent()), n.node.text);
      } else {
        // The ranked answer, with the same most likely cause; handed over
        // when the tree says so.
        assert.equal(squash(await page.locator('ol.causes > li.cause.first h3').textContent()),
          n.node.causes[0].title);
        assert.equal(await page.locator('.outcome.not-fixed').count(), n.node.outcome === 'not_fixed' ? 1 : 0);
      }
    }
  }
  await page.done();
});

test('questions fold; without JavaScript every one is open and the tools are hidden', async () => {
  const problem = PROBLEMS[1];
  const plain = await openPage({ javaScriptEnabled: false });
  await plain.goto(`${base}/wizard/tree?problem=${problem}`);
  assert.equal(await plain.locator('.tree details:not([open])').count(), 0);
  assert.equal(await plain.locator('.tree-tools').isVisible(), false);
  assert.deepEqual(await layoutProblems(plain), []);
  await plain.done();

  const page = await openPage();
  await page.goto(`${base}/wizard/tree?problem=${problem}`);
  const all = await page.locator('.tree details').count();
  assert.ok(all > 3);
  await page.locator('.tree-tools button', { hasText: 'Collapse all' }).click();
  assert.equal(await page.locator('.tree details[open]').count(), 0);
  // Only the first question is left in view.
  assert.equal((await page.locator('.tree a').evaluateAll((as) => as.filter((a) => a.checkVisibility()))).length, 1);
  await page.screenshot({ path: shotPath(`tree-${problem}-collapsed.png`) });
  await page.locator('.tree summary').first().click();
  assert.equal(await page.locator('.tree details[open]').count(), 1);
  // By keyboard too: the triangle is a button that Enter toggles.
  await page.locator('.tree details[open] summary').nth(1).press('Enter');
  assert.equal(await page.locator('.tree details[open]').count(), 2);
  await page.locator('.tree-tools button', { hasText: 'Expand all' }).click();
  assert.equal(await page.locator('.tree details[open]').count(), all);
  await page.done();
});

test('print shows every node, even under folded questions', async () => {
  for (const problem of PROBLEMS) {
    const { nodes } = treeOf(problem);
    const page = await openPage();
    await page.goto(`${base}/wizard/tree?problem=${problem}`);
    // Fold every question, as a reader might before printing.
    await page.locator('.tree details').evaluateAll((ds) => ds.forEach((d) => { d.open = false; }));
    await page.emulateMedia({ media: 'print' });
    const visible = await page.locator('.tree a').evaluateAll((as) => as.filter((a) => a.checkVisibility()).length);
    assert.equal(visible, nodes.length, 'every node prints');
    assert.equal(await page.locator('.masthead').isVisible(), false);
    assert.equal(await page.locator('.tree-tools').isVisible(), false);
    assert.deepEqual(await layoutProblems(page), []);
    await page.screenshot({ path: shotPath(`tree-${problem}-print.png`), fullPage: true });
    await page.pdf({ path: shotPath(`tree-${problem}.pdf`), format: 'A4', printBackground: false });

    // Where a browser cannot show a closed <details>' content in print
    // (no ::details-content), app.js opens every question before printing
    // and closes again, after, the ones that were closed. Played here by
    // dropping that CSS rule, and by the events a print dialog fires
    // (emulateMedia fires none).
    await page.goto(`${base}/wizard/tree?problem=${problem}`);
    const dropped = await page.evaluate(() => {
      let n = 0;
      // The rule sits in an @media print block: look into grouping rules.
      const drop = (holder) => {
        for (let i = holder.cssRules.length - 1; i >= 0; i--) {
          const r = holder.cssRules[i];
          if (r.selectorText?.includes('::details-content')) { holder.deleteRule(i); n++; }
          else if (r.cssRules) drop(r);
        }
      };
      for (const sheet of document.styleSheets) drop(sheet);
      return n;
    });
    assert.ok(dropped > 0, 'the ::details-content rule is gone');
    // Some questions folded, some not (every other one).
    const details = page.locator('.tree details');
    await details.evaluateAll((ds) => ds.forEach((d, i) => { d.open = i % 2 === 0; }));
    const openBefore = await details.evaluateAll((ds) => ds.map((d) => d.open));
    assert.ok(openBefore.includes(false) && openBefore.includes(true));
    const shown = () => page.locator('.tree a').evaluateAll((as) => as.filter((a) => a.checkVisibility()).length);
    assert.ok(await shown() < nodes.length, 'without the rule, folded questions hide their nodes');
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    assert.equal(await page.locator('.tree details:not([open])').count(), 0, 'beforeprint opens every question');
    assert.equal(await shown(), nodes.length, 'every node prints');
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    assert.deepEqual(await details.evaluateAll((ds) => ds.map((d) => d.open)), openBefore,
      'afterprint closes again the questions that were closed, and only them');
    await page.done();
  }
});

// axe-core (npm, pinned), as browser.test.mjs runs it: the pages' CSP
// forbids injected script, so the scanning context bypasses it.
test('accessibility: no serious or critical axe-core violations, light and dark', async () => {
  const found = [];
  for (const colorScheme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: SIZES.desktop, bypassCSP: true, colorScheme });
    const page = await context.newPage();
    for (const problem of PROBLEMS) {
      await page.goto(`${base}/wizard/tree?problem=${problem}`);
      for (const v of await axeViolations(page)) found.push(`${problem} (${colorScheme}): ${v}`);
      if (colorScheme === 'dark')
        await page.screenshot({ path: shotPath(`tree-${problem}-dark.png`) });
    }
    await context.close();
  }
  assert.deepEqual(found, [], found.join('\n'));
});
