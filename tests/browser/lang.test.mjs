// lang.test.mjs: the wizard and an article in a real Chromium whose
// language is Chinese (the shipped kb/ and its zh-CN translations), and a
// page shown in the source's language to a reader of a language it lacks:
// what a reader sees, and no serious axe finding (screenshots in
// build/screenshots/; with CLEW_DOC_IMAGES=1 also docs/img/wizard-zh.png
// and docs/img/fallback.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { startSite, stopSite } from '../lib/serve.mjs';
import { axeViolations, launchChromium, openPage, shoot, shotPath } from '../lib/chromium.mjs';

let site, browser;

before(async () => {
  site = await startSite('clew-lang-', ['--events', 'off']);
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  await stopSite(site);
});

test('the wizard in Chinese: interface, question, causes and steps', async () => {
  const page = await openPage(browser, { locale: 'zh-CN', extraHTTPHeaders: { 'Accept-Language': 'zh-CN,zh;q=0.9' } });
  await page.goto(`${site.base}/wizard?problem=bluetooth-call-audio&platform=android`);
  await page.locator('legend').first().waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  const main = await page.locator('main').textContent();
  // The interface's words, the catalogue's question, the translated causes.
  assert.match(main, /最可能的原因/);
  assert.match(await page.locator('legend').first().textContent(), /应用是否声明了蓝牙权限/);
  assert.match(main, /应用没有声明使用蓝牙音频所需的权限/);
  assert.doesNotMatch(main, /Most likely causes|The app does not declare/);
  await shoot(page, 'wizard-zh');
  if (process.env.CLEW_DOC_IMAGES) {
    mkdirSync('docs/img', { recursive: true });
    copyFileSync(shotPath('wizard-zh-desktop.png'), 'docs/img/wizard-zh.png');
  }
  await page.done();
  const axe = await openPage(browser, { bypassCSP: true, extraHTTPHeaders: { 'Accept-Language': 'zh-CN' } });
  await axe.goto(`${site.base}/wizard?problem=bluetooth-call-audio&platform=android`);
  assert.deepEqual(await axeViolations(axe), []);
  await axe.done({ check: false });
});

test('the same diagnosis in both languages, only the text differs', async () => {
  const url = `${site.base}/wizard?problem=linux-bluetooth-headset-audio&platform=linux&bluez_running=yes`;
  const ids = async (lang) => {
    const page = await openPage(browser, { extraHTTPHeaders: { 'Accept-Language': lang } });
    await page.goto(url);
    const names = await page.locator('form input[type=radio]').evaluateAll((els) => els.map((e) => `${e.name}=${e.value}`));
    const causes = await page.locator('.cause').count();
    await page.done();
    return { names, causes };
  };
  assert.deepEqual(await ids('zh-CN'), await ids('en'));
});

test('a language the article is not in: the original, said in the reader\'s language', async () => {
  const page = await openPage(browser, { extraHTTPHeaders: { 'Accept-Language': 'fr-FR,fr;q=0.9' } });
  await page.goto(`${site.base}/articles/bluetooth-call-audio`);
  const note = page.getByRole('note').filter({ hasText: 'langue' });
  await note.waitFor();
  assert.equal(await page.getAttribute('article', 'lang'), 'en');
  assert.match(await page.locator('nav.languages').textContent(), /English\s+简体中文/);
  // hreflang alternates for every language the article is in.
  const alts = await page.locator('link[rel=alternate]').evaluateAll((els) => els.map((e) => e.hreflang));
  assert.deepEqual(alts.sort(), ['en', 'zh-CN']);
  await shoot(page, 'article-fallback', { fullPage: false });
  if (process.env.CLEW_DOC_IMAGES) copyFileSync(shotPath('article-fallback-desktop.png'), 'docs/img/fallback.png');
  // The interface's language switcher, at the foot of every page: a
  // plain link list, with JavaScript off too.
  const off = await openPage(browser, { javaScriptEnabled: false });
  await off.goto(`${site.base}/search?q=headset`);
  await off.locator('nav.lang-switch a[hreflang="zh-CN"]').click();
  await off.locator('nav.lang-switch strong[lang="zh-CN"]').waitFor();
  assert.equal(await off.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(new URL(off.url()).searchParams.get('q'), 'headset');
  await off.done();
  // The language list works without JavaScript: a plain link.
  await page.locator('nav.languages a[hreflang="zh-CN"]').click();
  await page.locator('h1', { hasText: '蓝牙' }).waitFor();
  await page.done();
});
