// compress.test.mjs: replies compressed when the client asks (Brotli,
// gzip, by Accept-Encoding with q-values) and only then; headers and
// bodies that cannot be read handled; ETag and 304 per encoding;
// Cache-Control and Last-Modified; the page cache: a page kept is
// byte-identical to one rendered fresh, and a reload changes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { copyFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { compileKb, startServer, stopServer, startSite, stopSite } from '../lib/serve.mjs';

let site, fresh, recording;

before(async () => {
  site = await startSite('clew-compress-', ['--events', 'off']);
  // The same KB file rendered every time: the reference for the cache.
  fresh = await startServer(site.db, ['--events', 'off', '--page-cache-mb', '0']);
  recording = await startServer(site.db, ['--events', join(site.dir, 'events.sqlite')]);
});

after(async () => {
  await stopServer(fresh);
  await stopServer(recording);
  await stopSite(site);
});

// A request with exactly these headers (node:http adds none of its own
// Accept-Encoding); resolves with { status, headers, body } (body raw).
function raw(base, path, headers = {}, method = 'GET', body) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method, headers,
      agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
        body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

function decode(r) {
  const ce = r.headers['content-encoding'];
  if (ce === 'br') return zlib.brotliDecompressSync(r.body);
  if (ce === 'gzip') return zlib.gunzipSync(r.body);
  assert.equal(ce, undefined, `unexpected Content-Encoding ${ce}`);
  return r.body;
}

function varies(r) {
  return (r.headers.vary || '').split(/\s*,\s*/).includes('Accept-Encoding');
}

const ARTICLE = '/api/v1/articles/bluetooth-call-audio';
const WIZARD = '/wizard?problem=bluetooth-call-audio&platform=ios&bt_device=speaker';
const DIAG = JSON.stringify({ problem: 'bluetooth-call-audio',
  answers: { platform: 'android', sco_supported: 'no' } });

async function staticJs() {
  const home = (await raw(site.base, '/')).body.toString();
  const m = /\/static\/app\.js\?v=([0-9a-f]+)/.exec(home);
  assert.ok(m, 'the home page names app.js with its version');
  return m[0];
}

// [name, path, method, body, headers]
async function routes() {
  return [
    ['article JSON', ARTICLE],
    ['wizard page', WIZARD],
    ['home', '/'],
    ['article page', '/articles/bluetooth-call-audio'],
    ['search page', '/search?q=headset'],
    ['diagnose GET', '/api/v1/diagnose?problem=bluetooth-call-audio'],
    ['questions JSON', '/api/v1/questions'],
    ['static app.js', await staticJs()],
    ['diagnose POST', '/api/v1/diagnose', 'POST', DIAG, { 'Content-Type': 'application/json' }],
  ];
}

test('no Accept-Encoding: no Content-Encoding; br and gzip decode to the same bytes', async () => {
  for (const [name, path, method = 'GET', body, hdrs = {}] of await routes()) {
    const plain = await raw(site.base, path, hdrs, method, body);
    assert.equal(plain.status, 200, name);
    assert.equal(plain.headers['content-encoding'], undefined, name);
    assert.ok(plain.body.length >= 1024, `${name} is large enough to compress`);
    assert.ok(varies(plain), `${name}: Vary names Accept-Encoding even uncompressed`);
    assert.equal(Number(plain.headers['content-length']), plain.body.length, name);
    for (const [ae, want] of [['br', 'br'], ['gzip', 'gzip'], ['br, gzip', 'br'],
      ['gzip, deflate, br, zstd', 'br']]) {
      const r = await raw(site.base, path, { ...hdrs, 'Accept-Encoding': ae }, method, body);
      assert.equal(r.status, 200, `${name} ${ae}`);
      assert.equal(r.headers['content-encoding'], want, `${name} ${ae}`);
      assert.ok(varies(r), `${name} ${ae}: Vary`);
      assert.ok(r.body.length < plain.body.length / 2, `${name} ${ae}: ${r.body.length} bytes`);
      assert.equal(Number(r.headers['content-length']), r.body.length, name);
      assert.ok(decode(r).equals(plain.body), `${name} ${ae}: decodes to the same bytes`);
    }
  }
});

test('nothing is compressed for a client that did not ask, on any route', async () => {
  const paths = ['/', '/?platform=linux', '/articles/bluetooth-call-audio', '/search?q=headset',
    WIZARD, '/wizard/tree?problem=bluetooth-call-audio', '/api/v1/articles', ARTICLE,
    '/api/v1/questions', '/api/v1/messages', '/api/v1/search?q=headset',
    '/api/v1/diagnose?problem=bluetooth-call-audio', '/static/app.css', '/static/app.js',
    '/static/embed.js', '/embed.js', '/metrics', '/healthz', '/no/such/page',
    '/articles/no-such-article', '/api/v1/articles/none', '/static/nope.css', '/admin'];
  for (const path of paths) {
    for (const method of ['GET', 'HEAD']) {
      // twice: the second time from the page cache, with copies made
      for (let i = 0; i < 2; i++) {
        const r = await raw(site.base, path, {}, method);
        assert.equal(r.headers['content-encoding'], undefined, `${method} ${path}`);
        assert.doesNotMatch(r.headers.etag || '', /-(br|gz)"$/, `${method} ${path}`);
      }
    }
    // an explicit identity, and encodings this server does not make
    for (const ae of ['identity', 'deflate', 'zstd', 'compress']) {
      const r = await raw(site.base, path, { 'Accept-Encoding': ae });
      assert.equal(r.headers['content-encoding'], undefined, `${path} ${ae}`);
    }
  }
  const post = await raw(site.base, '/api/v1/diagnose', { 'Content-Type': 'application/json' }, 'POST', DIAG);
  assert.equal(post.headers['content-encoding'], undefined);
  JSON.parse(post.body.toString());
});

test('a page served again (from the cache) decodes the same as the first time', async () => {
  for (let i = 0; i < 3; i++) {
    for (const ae of ['br', 'gzip', undefined]) {
      const r = await raw(site.base, WIZARD, ae ? { 'Accept-Encoding': ae } : {});
      const want = await raw(fresh.base, WIZARD);
      assert.ok(decode(r).equals(want.body), `request ${i} ${ae}`);
    }
  }
});

test('q-values choose the coding', async () => {
  const cases = [
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['br;q=0.5, gzip;q=0.4', 'br'],
    ['br;q=0', undefined],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0, *', 'gzip'],
    ['*', 'br'],
    ['*;q=0', undefined],
    ['identity;q=0, *;q=0', undefined], // nothing acceptable: identity anyway
    ['identity', undefined],
    ['deflate', undefined],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
  ];
  for (const [ae, want] of cases) {
    const r = await raw(site.base, ARTICLE, { 'Accept-Encoding': ae });
    assert.equal(r.status, 200, ae);
    assert.equal(r.headers['content-encoding'], want, ae);
    JSON.parse(decode(r).toString());
  }
});

test('Accept-Encoding that cannot be read: 200, uncompressed, the server stays up', async () => {
  const plain = (await raw(site.base, ARTICLE)).body;
  const junk = [
    'br;q=', 'gz', ',,,', ';;;', 'br;q=2', 'gzip;q=abc', 'br gzip', '"br"',
    'x'.repeat(10 * 1024), ('br;q=0.9, ').repeat(800),
  ];
  for (const ae of junk) {
    const r = await raw(site.base, ARTICLE, { 'Accept-Encoding': ae });
    assert.equal(r.status, 200, ae.slice(0, 40));
    assert.equal(r.headers['content-encoding'], undefined, ae.slice(0, 40));
    assert.ok(r.body.equals(plain), ae.slice(0, 40));
  }
  // An element that can be read next to one that cannot.
  const r = await raw(site.base, ARTICLE, { 'Accept-Encoding': 'br;q=, gzip' });
  assert.equal(r.headers['content-encoding'], 'gzip');
  // Bytes node:http would not send: a raw socket.
  for (const bytes of [Buffer.from([0xff, 0xfe, 0x62, 0x72]), Buffer.from('br\u0001;q=1', 'latin1'),
    Buffer.concat([Buffer.from('gzip'), Buffer.from([0xc3, 0xa9])])]) {
    const reply = await new Promise((resolve, reject) => {
      const u = new URL(site.base);
      const s = net.connect(Number(u.port), u.hostname, () => {
        s.write(Buffer.concat([Buffer.from(`GET ${ARTICLE} HTTP/1.1\r\nHost: x\r\n` +
          'Connection: close\r\nAccept-Encoding: '), bytes, Buffer.from('\r\n\r\n')]));
      });
      const chunks = [];
      s.on('data', (c) => chunks.push(c));
      s.on('end', () => resolve(Buffer.concat(chunks)));
      s.on('error', reject);
    });
    const text = reply.toString('latin1');
    assert.match(text, /^HTTP\/1\.1 (200|400)/, bytes.toString('hex'));
    assert.doesNotMatch(text.split('\r\n\r\n')[0], /Content-Encoding/i, bytes.toString('hex'));
  }
  // Truncated: the connection closes after half a header.
  await new Promise((resolve) => {
    const u = new URL(site.base);
    const s = net.connect(Number(u.port), u.hostname, () => {
      s.end(`GET ${ARTICLE} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br;q=0.`);
    });
    s.on('close', resolve);
    s.on('error', resolve);
    s.resume();
  });
  const health = await raw(site.base, '/healthz');
  assert.equal(health.status, 200);
});

test('tiny bodies and compressed types are never compressed', async () => {
  const h = await raw(site.base, '/healthz', { 'Accept-Encoding': 'br, gzip' });
  assert.equal(h.status, 200);
  assert.ok(h.body.length < 1024);
  assert.equal(h.headers['content-encoding'], undefined);
  assert.ok(!varies(h));
  // this KB's search results are some 800 bytes
  const s = await raw(site.base, '/api/v1/search?q=headset', { 'Accept-Encoding': 'br' });
  assert.equal(s.status, 200);
  assert.ok(s.body.length < 1024);
  assert.equal(s.headers['content-encoding'], undefined);
  const e = await raw(site.base, '/api/v1/articles/no-such-slug', { 'Accept-Encoding': 'br' });
  assert.equal(e.status, 404);
  assert.equal(e.headers['content-encoding'], undefined);
});

test('ETag per encoding; If-None-Match gives 304 for the matching one only', async () => {
  const plain = await raw(site.base, ARTICLE);
  const br = await raw(site.base, ARTICLE, { 'Accept-Encoding': 'br' });
  const gz = await raw(site.base, ARTICLE, { 'Accept-Encoding': 'gzip' });
  const tag = plain.headers.etag;
  assert.match(tag, /^"[^"]+"$/);
  assert.equal(br.headers.etag, tag.replace(/"$/, '-br"'));
  assert.equal(gz.headers.etag, tag.replace(/"$/, '-gz"'));
  let r = await raw(site.base, ARTICLE, { 'Accept-Encoding': 'br', 'If-None-Match': br.headers.etag });
  assert.equal(r.status, 304);
  assert.equal(r.body.length, 0);
  assert.equal(r.headers.etag, br.headers.etag);
  assert.equal(r.headers['content-encoding'], undefined);
  assert.ok(varies(r));
  r = await raw(site.base, ARTICLE, { 'Accept-Encoding': 'gzip', 'If-None-Match': br.headers.etag });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'gzip');
  r = await raw(site.base, ARTICLE, { 'If-None-Match': br.headers.etag });
  assert.equal(r.status, 200);
  r = await raw(site.base, ARTICLE, { 'If-None-Match': tag });
  assert.equal(r.status, 304);
  r = await raw(site.base, ARTICLE, { 'Accept-Encoding': 'gzip', 'If-None-Match': `"x", ${gz.headers.etag}` });
  assert.equal(r.status, 304);
  // static files too
  const js = await staticJs();
  const jsr = await raw(site.base, js, { 'Accept-Encoding': 'br' });
  assert.match(jsr.headers.etag, /-br"$/);
  r = await raw(site.base, js, { 'Accept-Encoding': 'br', 'If-None-Match': jsr.headers.etag });
  assert.equal(r.status, 304);
});

test('HEAD: the headers of the GET, no body', async () => {
  for (const path of [ARTICLE, WIZARD, '/']) {
    const get = await raw(site.base, path, { 'Accept-Encoding': 'br' });
    const head = await raw(site.base, path, { 'Accept-Encoding': 'br' }, 'HEAD');
    assert.equal(head.status, 200, path);
    assert.equal(head.body.length, 0, path);
    assert.equal(head.headers['content-encoding'], 'br', path);
    assert.equal(head.headers['content-length'], String(get.body.length), path);
  }
});

test('Cache-Control and Last-Modified as docs/deploy.md says', async () => {
  const kb = JSON.parse((await raw(site.base, '/healthz')).body);
  const built = new Date(kb.kb.built_at);
  const js = await staticJs();
  const cc = async (path, hdrs = {}, method = 'GET', body) =>
    (await raw(site.base, path, hdrs, method, body)).headers['cache-control'];
  const KB = 'public, max-age=60, stale-while-revalidate=600';
  assert.equal(await cc(ARTICLE), KB);
  assert.equal(await cc('/api/v1/articles'), KB);
  assert.equal(await cc('/api/v1/questions'), KB);
  assert.equal(await cc('/api/v1/search?q=headset'), KB);
  assert.equal(await cc('/api/v1/diagnose?problem=bluetooth-call-audio'), KB);
  assert.equal(await cc('/articles/bluetooth-call-audio'), KB);
  assert.equal(await cc('/search?q=headset'), KB);
  assert.equal(await cc('/wizard/tree?problem=bluetooth-call-audio'), KB);
  // The probe answers this (loopback) client: its button makes these
  // pages its own. Through a proxy it does not.
  assert.equal(await cc('/'), 'private, no-cache');
  assert.equal(await cc(WIZARD), 'private, no-cache');
  assert.equal(await cc('/', { 'X-Forwarded-For': '192.0.2.1' }), KB);
  assert.equal(await cc(WIZARD, { 'X-Forwarded-For': '192.0.2.1' }), KB);
  assert.equal(await cc(js), 'public, max-age=31536000, immutable');
  assert.equal(await cc('/static/app.js'), 'public, max-age=300');
  assert.equal(await cc('/static/app.js?v=0000000000'), 'public, max-age=300');
  assert.equal(await cc('/healthz'), 'no-store');
  assert.equal(await cc('/metrics'), 'no-store');
  // never public: POST, errors, admin
  const post = await cc('/api/v1/diagnose', { 'Content-Type': 'application/json' }, 'POST', DIAG);
  assert.ok(!post || !/public/.test(post), post);
  for (const path of ['/api/v1/articles/nope', '/articles/nope', '/nope', '/admin', '/api/v1/admin/outcomes']) {
    const v = await cc(path);
    assert.ok(!v || !/public/.test(v), `${path}: ${v}`);
  }
  // Last-Modified: the KB's build time, on KB documents only.
  const a = await raw(site.base, ARTICLE);
  assert.equal(a.headers['last-modified'], built.toUTCString());
  assert.equal((await raw(site.base, WIZARD)).headers['last-modified'], built.toUTCString());
  assert.equal((await raw(site.base, '/healthz')).headers['last-modified'], undefined);
  // If-Modified-Since, when there is no If-None-Match.
  const later = new Date(built.getTime() + 1000).toUTCString();
  const earlier = new Date(built.getTime() - 1000).toUTCString();
  assert.equal((await raw(site.base, ARTICLE, { 'If-Modified-Since': built.toUTCString() })).status, 304);
  assert.equal((await raw(site.base, ARTICLE, { 'If-Modified-Since': later })).status, 304);
  assert.equal((await raw(site.base, ARTICLE, { 'If-Modified-Since': earlier })).status, 200);
  assert.equal((await raw(site.base, ARTICLE, { 'If-Modified-Since': 'yesterday' })).status, 200);
  assert.equal((await raw(site.base, ARTICLE, { 'If-Modified-Since': later,
    'If-None-Match': '"other"' })).status, 200);
});

async function metric(base, name) {
  const text = (await raw(base, '/metrics')).body.toString();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ').pop()) : 0;
}

test('a page from the cache is byte-identical to one rendered fresh', async () => {
  const pages = [
    ['/', {}],
    ['/', { 'Accept-Language': 'de' }],
    ['/?platform=linux', {}],
    ['/?lang=de', {}],
    ['/articles/bluetooth-call-audio', {}],
    ['/articles/bluetooth-call-audio?embed=1', {}],
    ['/search?q=headset', {}],
    ['/search?q=headset&platform=linux', {}],
    [WIZARD, {}],
    [WIZARD, { 'Accept-Language': 'fr, de;q=0.5' }],
    [WIZARD, { 'X-Forwarded-For': '192.0.2.1' }],
    ['/wizard?platform=ios&problem=bluetooth-call-audio', {}],
    ['/wizard?problem=bluetooth-call-audio&embed=https%3A%2F%2Fhelp.example.com', {}],
    ['/wizard/tree?problem=bluetooth-call-audio', {}],
  ];
  const hits = await metric(site.base, 'clew_page_cache_lookups_total{result="hit"}');
  for (let round = 0; round < 2; round++) {
    for (const [path, hdrs] of pages) {
      const kept = await raw(site.base, path, hdrs);
      const made = await raw(fresh.base, path, hdrs);
      assert.equal(kept.status, made.status, path);
      assert.ok(kept.body.equals(made.body), `${path} ${JSON.stringify(hdrs)} (round ${round})`);
      for (const h of ['content-type', 'content-language', 'vary', 'etag', 'cache-control',
        'x-frame-options', 'content-security-policy'])
        assert.equal(kept.headers[h], made.headers[h], `${path}: ${h}`);
    }
  }
  assert.ok(await metric(site.base, 'clew_page_cache_lookups_total{result="hit"}') >= hits + pages.length,
    'the second round came from the cache');
  assert.ok(await metric(site.base, 'clew_page_cache_entries') > 0);
  assert.equal(await metric(fresh.base, 'clew_page_cache_entries'), 0);
});

test('events on: the pages that record are neither kept nor publicly cached', async () => {
  const before = await metric(recording.base, 'clew_page_cache_lookups_total{result="miss"}') +
    await metric(recording.base, 'clew_page_cache_lookups_total{result="hit"}');
  const w1 = await raw(recording.base, WIZARD, { 'X-Forwarded-For': '192.0.2.1' });
  const w2 = await raw(recording.base, WIZARD, { 'X-Forwarded-For': '192.0.2.1' });
  assert.equal(w1.status, 200);
  // each a new session, so each its own page
  assert.ok(!w1.body.equals(w2.body));
  assert.equal(w1.headers['cache-control'], 'no-store');
  const sid = /[?&;]sid=([A-Za-z0-9_-]+)/.exec(w1.body.toString());
  assert.ok(sid, 'the wizard page carries a session id');
  const again = await raw(recording.base, `${WIZARD}&sid=${sid[1]}`, { 'X-Forwarded-For': '192.0.2.1' });
  assert.equal(again.headers['cache-control'], 'no-cache');
  const s = await raw(recording.base, '/search?q=headset');
  assert.equal(s.headers['cache-control'], 'no-cache');
  const after = await metric(recording.base, 'clew_page_cache_lookups_total{result="miss"}') +
    await metric(recording.base, 'clew_page_cache_lookups_total{result="hit"}');
  assert.equal(after, before, 'no lookups for pages that record');
  // the article page records nothing on GET: kept
  await raw(recording.base, '/articles/bluetooth-call-audio');
  await raw(recording.base, '/articles/bluetooth-call-audio');
  assert.ok(await metric(recording.base, 'clew_page_cache_lookups_total{result="hit"}') >= 1);
});

test('a reload (SIGHUP) drops the pages kept', async () => {
  const before = await raw(site.base, '/', { 'X-Forwarded-For': '192.0.2.1' });
  const hash = JSON.parse((await raw(site.base, '/healthz')).body).kb.content_hash;
  assert.ok(before.body.toString().includes(hash));
  // Another KB in the same file: compiled aside, renamed into place.
  const next = join(site.dir, 'next.sqlite');
  compileKb(next, 'tests/data/translations');
  copyFileSync(site.db, join(site.dir, 'old.sqlite'));
  renameSync(next, site.db);
  site.server.child.kill('SIGHUP');
  let now = hash;
  for (let i = 0; i < 100 && now === hash; i++) {
    await new Promise((r) => setTimeout(r, 50));
    now = JSON.parse((await raw(site.base, '/healthz')).body).kb.content_hash;
  }
  assert.notEqual(now, hash, 'the new KB is served');
  const after = await raw(site.base, '/', { 'X-Forwarded-For': '192.0.2.1' });
  assert.ok(!after.body.equals(before.body));
  assert.ok(after.body.toString().includes(now));
  assert.ok(!after.body.toString().includes(hash));
  // and the file goes back, for any test after this one
  renameSync(join(site.dir, 'old.sqlite'), site.db);
  site.server.child.kill('SIGHUP');
  for (let i = 0; i < 100 && now !== hash; i++) {
    await new Promise((r) => setTimeout(r, 50));
    now = JSON.parse((await raw(site.base, '/healthz')).body).kb.content_hash;
  }
  assert.equal(now, hash);
});
