// pagesize.test.mjs: what the shipped KB's pages weigh, so that a change
// that makes them grossly heavier again is seen (docs/wizard-pages.md has
// the numbers). Bytes of the HTML as served, uncompressed, with the
// defaults of `clew serve` (events on: the links carry a session id).
// Before issue 21 these pages weighed 24-38 KB, 13.4 KB of it the whole
// message catalogue; the bounds leave some 20% above what they weigh now.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, stopSite } from '../lib/serve.mjs';

const LINUX_END = '/wizard?problem=linux-bluetooth-headset-audio&sco_supported=yes' +
  '&device_connected=yes&active_profile=a2dp&tried=linux-switch-to-headset-profile%3Afailed' +
  '&tried=linux-enable-hfp-roles%3Afailed&tried=linux-start-bluez%3Afailed' +
  '&tried=linux-power-on-adapter%3Afailed&tried=linux-connect-headset%3Afailed' +
  '&tried=linux-use-hfp-headset%3Afailed&tried=linux-fix-controller-sco%3Afailed';
const IOS_END = '/wizard?problem=bluetooth-call-audio&platform=ios' +
  '&tried=ios-switch-route-in-call%3Afailed&tried=ios-answer-interruption-on-headset%3Afailed' +
  '&tried=ios-choose-route-before-voip%3Afailed&tried=ios-use-callkit%3Afailed';

// [path, most bytes, what it is]
const PAGES = [
  ['/wizard', 15000, 'the first step (every problem\'s causes)'],
  ['/wizard?problem=bluetooth-call-audio', 10000, 'a problem chosen'],
  ['/wizard?problem=bluetooth-call-audio&platform=ios&bt_device=speaker', 10000, 'a step to try'],
  [IOS_END, 13000, 'results: not fixed, three causes'],
  [LINUX_END, 25000, 'results: not fixed, seven causes, seven steps tried'],
  ['/articles/bluetooth-call-audio', 16000, 'an article'],
  ['/', 5000, 'the start page'],
];

let site;

before(async () => {
  site = await startSite('clew-pagesize-');
});

after(async () => {
  await stopSite(site);
});

for (const [path, most, what] of PAGES) {
  for (const lang of ['en', 'zh-CN']) {
    test(`${what} (${lang}) is at most ${most} bytes`, async () => {
      const url = `${site.base}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
      const res = await fetch(url);
      assert.equal(res.status, 200);
      const html = await res.text();
      const bytes = Buffer.byteLength(html);
      // Chinese text is longer in UTF-8 bytes: a tenth more allowed.
      const bound = lang === 'en' ? most : Math.round(most * 1.1);
      assert.ok(bytes <= bound, `${path}: ${bytes} bytes, more than ${bound}`);
      // What the page carries for app.js is its few words, not the catalogue.
      const data = /<script type="application\/json" id="clew-t">([^<]*)<\/script>/.exec(html);
      assert.ok(data && Buffer.byteLength(data[1]) < 1024, 'app.js\'s words under 1 KB');
      // No line is indented (templates' indentation is not sent).
      assert.doesNotMatch(html.replace(/<(pre|textarea)[\s\S]*?<\/\1>/g, ''), /\n[ \t]+</);
    });
  }
}
