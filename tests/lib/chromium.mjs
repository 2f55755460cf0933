// tests/lib/chromium.mjs: Debian's Chromium for the browser suites, driven
// by playwright-core (no browser is downloaded). Headless, and with the
// flags that keep it from reaching for the network: the tests talk to
// 127.0.0.1 only.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
