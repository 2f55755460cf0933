// fixes.test.mjs: a wizard page shows a fix's text once, and only under
// the causes that lead (templates/wizard.html, wizard.c's is_leading);
// with JavaScript off, every other fix of every ranked cause is one link
// away: the step on offer above (#try), or the list item of the article
// where the fix is said (/articles/SLUG#fix-ID, anchors.c).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, stopSite } from '../lib/serve.mjs';
import { launchChromium, openPage as newPage } from '../lib/chromium.mjs';

// Pages of the shipped KB: the results of a Linux session not fixed
// (seven causes), an Android one, a step on offer, the first step, and
// the same in Chinese.
const LINUX_END = '/wizard?problem=linux-bluetooth-headset-audio&sco_supported=yes' +
  '&device_connected=yes&active_profile=a2dp&tried=linux-switch-to-headset-profile%3Afailed' +
  '&tried=linux-enable-hfp-roles%3Afailed&tried=linux-start-bluez%3Afailed' +
  '&tried=linux-power-on-adapter%3Afailed&tried=linux-connect-headset%3Afailed' +
  '&tried=linux-use-hfp-headset%3Afailed&tried=linux-fix-controller-sco%3Afailed';
const ANDROID_END = '/wizard?problem=bluetooth-call-audio&platform=android' +
  '&sco_supported=yes&bt_permissions=yes&call_type=voip&tried=android-check-offcall-sco%3Afailed' +
  '&tried=android-use-sco-device%3Afailed&tried=android-add-permissions%3Afailed';
const IOS_STEP = '/wizard?problem=bluetooth-call-audio&platform=ios&bt_device=speaker';
const PAGES = [LINUX_END, ANDROID_END, IOS_STEP, '/wizard',
  `${LINUX_END}&lang=zh-CN`, `${IOS_STEP}&lang=zh-CN`];

let site, browser;

before(async () => {
  site = await startSite('clew-fixes-');
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  await stopSite(site);
});

const squash = (s) => s.replace(/\s+/g, ' ').trim();

// Per ranked cause of the page: each fix as listed ({ text } when its text
// is there, { href, title } when it is a link), in the page's order.
function listed() {
  return [...document.querySelectorAll('ol.causes > li.cause')].map((li) =>
    [...li.querySelectorAll('.solution, p.fix')].map((f) => {
      if (f.matches('p.fix')) {
        const a = f.querySelector('a');
        return { href: a.getAttribute('href'), title: a.textContent.trim() };
      }
      return { text: (f.querySelector('.body') || f).textContent.trim() };
    }));
}

for (const path of PAGES) {
  test(`without JavaScript every cause's fixes are reached from ${path.slice(0, 60)}…`, async () => {
    const page = await newPage(browser, { javaScriptEnabled: false });
    const article = await newPage(browser, { javaScriptEnabled: false });
    const api = new URLSearchParams(path.split('?')[1] || '');
    api.delete('lang');
    const doc = await (await fetch(`${site.base}/api/v1/diagnose?${api}`)).json();
    await page.goto(site.base + path);
    const causes = await page.evaluate(listed);
    assert.equal(causes.length, doc.causes.length, 'every ranked cause is listed');
    let links = 0, inline = 0;
    for (const [i, fixes] of causes.entries()) {
      assert.equal(fixes.length, doc.causes[i].solutions.length,
        `cause ${doc.causes[i].id}: each of its fixes is listed`);
      for (const f of fixes) {
        if (f.text !== undefined) {
          assert.ok(f.text.length > 0, 'a fix shown is shown with its text');
          inline++;
          continue;
        }
        links++;
        assert.ok(f.title.length > 0);
        if (f.href === '#try') {
          // The step on offer, in full above.
          assert.equal(squash(await page.locator('form#try h2').textContent()), squash(f.title));
          assert.ok((await page.locator('form#try .body').textContent()).trim().length > 0);
          continue;
        }
        const url = new URL(f.href, site.base);
        assert.match(url.pathname, /^\/articles\/[^/]+$/);
        assert.match(url.hash, /^#fix-[A-Za-z0-9_-]+$/, `${f.href}: names the fix's own item`);
        await article.goto(url.href);
        const item = article.locator(`li${url.hash}`);
        assert.equal(await item.count(), 1, `${f.href}: the article has that item`);
        assert.ok(await item.isVisible());
        // The item is the fix: it starts with the title the wizard shows.
        assert.ok(squash(await item.textContent()).startsWith(squash(f.title).replace(/…$/, '')),
          `${f.href}: "${f.title}"`);
      }
    }
    assert.ok(inline > 0, 'the leading causes show their fixes');
    if (doc.causes.length > 1) assert.ok(links > 0, 'the others link to them');
    // A fix's text is on the page once.
    const bodies = await page.evaluate(() => [...document.querySelectorAll('section.wizard .body')]
      .map((b) => b.textContent.replace(/\s+/g, ' ').trim()));
    assert.equal(new Set(bodies).size, bodies.length, 'no fix told twice');
    await page.done();
    await article.done();
  });
}

// With JavaScript on, "#try" is a link within the page: the browser goes
// to the step above, and the wizard fetches nothing.
test('with JavaScript on, a fix\'s "#try" link goes to the step above, fetching nothing', async () => {
  const page = await newPage(browser);
  await page.goto(site.base + IOS_STEP);
  await page.waitForFunction(() => document.documentElement.classList.contains('js'));
  const fetched = [];
  page.on('request', (r) => fetched.push(r.url()));
  const link = page.locator('ol.causes a[href="#try"]').first();
  assert.equal(await link.count(), 1);
  await link.click();
  await page.waitForFunction(() => location.hash === '#try');
  await page.waitForTimeout(300);
  assert.deepEqual(fetched, []);
  assert.ok(await page.locator('form#try h2').isVisible());
  assert.ok(await page.evaluate(() => document.querySelector('form#try').getBoundingClientRect().top < innerHeight));
  await page.done();
});
