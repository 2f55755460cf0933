// openapi.test.mjs: docs/openapi.yaml is true of the running server: every
// documented route is served, every served route is documented, and live
// responses (successes and errors) match the documented schemas, which are
// read closed: a key the server sends that the schema does not name fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { compileKb, startServer, stopServer } from '../lib/serve.mjs';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';

const spec = parse(readFileSync('docs/openapi.yaml', 'utf8'));
const SPEC_ID = 'https://clew.invalid/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: SPEC_ID, components: closeSchemas(spec.components) });

let dir, server, base;

// A copy of components whose object schemas admit no key they do not name
// (unevaluatedProperties: false), unless they say what other keys may be.
// The document stays open for clients (a server may add keys); the test
// holds the server to what it documents. A member of an allOf is left
// open, and a $ref there points at an open copy of its schema, so that
// allOf extends it; the schema holding the allOf is closed instead. The
// tests of if and not are left as they are.
function closeSchemas(components) {
  const out = JSON.parse(JSON.stringify(components));
  const target = (ref) => ref.slice(2).split('/').slice(1).reduce((o, k) => o[k], components);
  const close = (node, member) => {
    if (Array.isArray(node)) return node.forEach((n) => close(n, false));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'if' || k === 'not') continue;
      if (k === 'allOf') {
        node.allOf = v.map((m) => (m.$ref ? JSON.parse(JSON.stringify(target(m.$ref))) : m));
        node.allOf.forEach((m) => close(m, true));
      } else if (k === 'properties') {
        Object.values(v).forEach((n) => close(n, false));
      } else {
        close(v, false);
      }
    }
    if ((node.properties || node.allOf) && !member &&
        !('additionalProperties' in node) && !('unevaluatedProperties' in node))
      node.unevaluatedProperties = false;
  };
  close(out.schemas, false);
  return out;
}

// Resolves a local "#/components/..." reference (non-schema objects).
function deref(obj) {
  while (obj && obj.$ref) {
    obj = obj.$ref.slice(2).split('/').reduce((o, k) => o[k.replace(/~1/g, '/')], spec);
  }
  return obj;
}

function validate(schema, body, what) {
  const fn = ajv.compile(rewriteRefs(schema));
  const ok = fn(body);
  assert.ok(ok, `${what}: ${ajv.errorsText(fn.errors)}\n${JSON.stringify(body).slice(0, 400)}`);
}

// Points local refs of a schema at the registered spec document.
function rewriteRefs(schema) {
  return JSON.parse(JSON.stringify(schema), (k, v) =>
    k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? SPEC_ID + v : v);
}

// Served routes, from the router's table: pattern -> allowed methods.
function servedRoutes() {
  const src = readFileSync('server/http/router.c', 'utf8');
  const table = src.slice(src.indexOf('routes[] = {'), src.indexOf('};', src.indexOf('routes[] = {')));
  const out = new Map();
  for (const m of table.matchAll(/\{ "(\/[^"]*)", (?:NULL|"[^"]*"), "([^"]*)"/g))
    out.set(m[1], m[2].split(', ').filter((x) => x !== 'HEAD' && x !== 'OPTIONS'));
  return out;
}

// Appends an example's value: an object is one argument a key, an array
// the argument repeated.
function appendExample(params, name, value) {
  if (Array.isArray(value)) value.forEach((v) => params.append(name, v));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) appendExample(params, k, v);
  else params.append(name, value);
}

// The requests an operation documents: one, from its parameters' examples,
// or one per named example of its request body. Returns [[name, url,
// init], ...].
function exampleRequests(path, method, op) {
  let url = path;
  const query = new URLSearchParams();
  for (const p of (op.parameters || []).map(deref)) {
    if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(p.example));
    else if (p.in === 'query' && p.example !== undefined) appendExample(query, p.name, p.example);
  }
  const qs = query.toString();
  url += qs ? '?' + qs : '';
  const init = () => ({ method: method.toUpperCase(), headers: {} });
  if (!op.requestBody) return [['example', url, init()]];
  const [type, media] = Object.entries(op.requestBody.content)[0];
  const bodies = media.examples ?
    Object.entries(media.examples).map(([name, e]) => [name, deref(e).value]) :
    [['example', media.example]];
  return bodies.map(([name, value]) => {
    const req = init();
    req.headers['Content-Type'] = type;
    if (type === 'application/json') {
      req.body = JSON.stringify(value);
    } else {
      const form = new URLSearchParams();
      appendExample(form, '', value);
      req.body = form.toString();
    }
    return [name, url, req];
  });
}

// Checks a response against the operation's description of its status
// (or its default): the headers it documents, when sent, and the body.
// Returns the body, parsed when JSON.
async function checkResponse(res, op, what) {
  const documented = deref(op.responses[String(res.status)] || op.responses.default);
  assert.ok(documented, `${what}: status ${res.status} is not documented`);
  for (const [name, h] of Object.entries(documented.headers || {})) {
    const value = res.headers.get(name);
    const schema = deref(h).schema;
    if (value !== null && schema) validate(schema, value, `${what}: header ${name}`);
  }
  const type = (res.headers.get('content-type') || '').split(';')[0].trim();
  const text = await res.text();
  if (!documented.content) return text;
  const media = documented.content[type];
  assert.ok(media, `${what}: content type ${type} is not documented for ${res.status}`);
  if (type !== 'application/json') return text;
  const body = JSON.parse(text);
  validate(media.schema, body, what);
  return body;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clew-openapi-'));
  compileKb(join(dir, 'kb.sqlite'), 'kb');
  server = await startServer(join(dir, 'kb.sqlite'));
  base = server.base;
});

after(async () => {
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
});

test('every served route is documented, and every documented route is served', () => {
  const served = servedRoutes();
  assert.ok(served.size >= 10, 'the router table was not found');
  for (const [pattern, methods] of served) {
    const item = spec.paths[pattern];
    assert.ok(item, `${pattern} is served but not documented`);
    for (const m of methods)
      assert.ok(item[m.toLowerCase()], `${m} ${pattern} is served but not documented`);
  }
  for (const [pattern, item] of Object.entries(spec.paths)) {
    assert.ok(served.has(pattern), `${pattern} is documented but not served`);
    for (const m of ['get', 'post', 'put', 'delete', 'patch'])
      if (item[m]) assert.ok(served.get(pattern).includes(m.toUpperCase()),
        `${m.toUpperCase()} ${pattern} is documented but not served`);
  }
});

test('each documented operation answers its example as documented, and valid', async () => {
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of ['get', 'post']) {
      const op = item[method];
      if (!op) continue;
      // Most examples answer 200; a few depend on the machine (the probe
      // needs BlueZ) or redirect: the spec lists what its example may give.
      const statuses = op['x-example-statuses'] || [200];
      for (const [name, url, init] of exampleRequests(path, method, op)) {
        const what = `${method.toUpperCase()} ${url} (${name})`;
        const res = await fetch(base + url, { ...init, redirect: 'manual' });
        assert.ok(statuses.includes(res.status), `${what}: ${res.status}`);
        await checkResponse(res, op, what);
      }
    }
  }
});

test('documented errors happen as documented', async () => {
  const op = (p, m) => spec.paths[p][m];
  const big = JSON.stringify({ q: 'x'.repeat(70 * 1024) });
  const cases = [
    ['/api/v1/articles?limit=0', {}, op('/api/v1/articles', 'get'), 400],
    ['/api/v1/articles/no-such-article', {}, op('/api/v1/articles/{slug}', 'get'), 404],
    ['/api/v1/search', {}, op('/api/v1/search', 'get'), 400],
    ['/api/v1/diagnose?sco_supported=maybe', {}, op('/api/v1/diagnose', 'get'), 400],
    ['/api/v1/diagnose?q=' + 'a'.repeat(9000), {}, op('/api/v1/diagnose', 'get'), 414],
    ['/api/v1/diagnose', { method: 'POST', body: '{"answers":', headers: { 'Content-Type': 'application/json' } }, op('/api/v1/diagnose', 'post'), 400],
    ['/api/v1/diagnose', { method: 'POST', body: big, raw: true,
      headers: tooLarge(big, { 'Content-Type': 'application/json' }) }, op('/api/v1/diagnose', 'post'), 413],
    ['/api/v1/diagnose', { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } }, op('/api/v1/diagnose', 'post'), 415],
    ['/healthz', { method: 'DELETE' }, op('/healthz', 'get'), 405],
    ['/articles/no-such-article', {}, op('/articles/{slug}', 'get'), 404],
    ['/api/v1/events', { method: 'POST', body: '{"kind":"vote"}', headers: { 'Content-Type': 'application/json' } }, op('/api/v1/events', 'post'), 400],
    ['/api/v1/events', { method: 'POST', body: '[]', headers: { 'Content-Type': 'application/json' } }, op('/api/v1/events', 'post'), 400],
    ['/api/v1/events', { method: 'POST', body: '{}', headers: { 'Content-Type': 'text/plain' } }, op('/api/v1/events', 'post'), 415],
    ['/api/v1/events', { method: 'POST', body: '{"kind":"search","query":"x","hits":1}',
      headers: { 'Content-Type': 'application/json', Origin: 'https://elsewhere.example' } }, op('/api/v1/events', 'post'), 403],
    ['/articles/bluetooth-call-audio', { method: 'POST', body: 'result=maybe', headers: FORM }, op('/articles/{slug}', 'post'), 400],
    ['/articles/bluetooth-call-audio', { method: 'POST', body: 'result=yes',
      headers: { ...FORM, Origin: 'https://elsewhere.example' } }, op('/articles/{slug}', 'post'), 403],
    ['/articles/bluetooth-call-audio', { method: 'POST', body: 'result=yes', headers: { 'Content-Type': 'text/plain' } }, op('/articles/{slug}', 'post'), 415],
    ['/articles/no-such-article', { method: 'POST', body: 'result=yes', headers: FORM }, op('/articles/{slug}', 'post'), 404],
    ['/search/open?to=no-such-article', {}, op('/search/open', 'get'), 404],
  ];
  for (const [url, init, o, status] of cases) {
    // The oversized upload goes by node:http (rawRequest), which holds the
    // body back until the server asks for it; fetch cannot.
    const res = init.raw ? await rawRequest(base + url, init) : await fetch(base + url, init);
    assert.equal(res.status, status, url);
    await checkResponse(res, o, `${init.method || 'GET'} ${url}`);
  }
});

test('503 when no KB is loaded is documented', async () => {
  const other = await startServer(join(dir, 'missing.sqlite'));
  try {
    for (const path of ['/healthz', '/api/v1/articles', '/api/v1/questions']) {
      const res = await fetch(other.base + path);
      assert.equal(res.status, 503, path);
      await checkResponse(res, spec.paths[path].get, `GET ${path}`);
    }
    const res = await rawRequest(other.base + '/wizard', { method: 'POST', headers: FORM, body: 'problem=x' });
    assert.equal(res.status, 503, 'POST /wizard');
    await checkResponse(res, spec.paths['/wizard'].post, 'POST /wizard');
  } finally {
    await stopServer(other);
  }
});

// The repair loop of /api/v1/diagnose, live: each request form, each way a
// session goes on or ends, and each error, checked against the document.
const DIAGNOSE = '/api/v1/diagnose';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
// Android, a headset that does calls, the permissions declared, a VoIP
// call: three causes, a step each.
const PROBLEM = 'bluetooth-call-audio';
const ANDROID = { platform: 'android', sco_supported: 'yes', bt_permissions: 'yes', call_type: 'voip' };
const ANDROID_ARGS = [['problem', PROBLEM], ...Object.entries(ANDROID)];

// A request by node:http, which sends whatever headers it is given (fetch
// may keep Origin to itself); resolves with a fetch Response. With
// `Expect: 100-continue` among the headers, the body goes only once the
// server says "100 Continue": a server that answers at once (413 on the
// Content-Length alone) gets no body, so there is no upload for it to
// cut off with a connection reset.
function rawRequest(url, { method = 'GET', headers = {}, body } = {}) {
  const expect = Object.entries(headers).some(([k, v]) =>
    k.toLowerCase() === 'expect' && /^100-continue$/i.test(v));
  return new Promise((resolve, reject) => {
    let sent = !expect;
    const req = request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        // Answered before "100 Continue": the body is not wanted.
        if (!sent) req.destroy();
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: res.headers }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (expect) req.on('continue', () => { sent = true; req.end(body); });
    else req.end(body);
  });
}

// The headers for an upload the server must refuse with 413 (over its
// 64 KiB limit): its Content-Length up front, and `Expect: 100-continue`,
// so that it is not cut off half-sent whichever way the server refuses.
const tooLarge = (body, headers) => ({ ...headers, 'Content-Length': String(Buffer.byteLength(body)),
  Expect: '100-continue' });

// GET /api/v1/diagnose with args ([[key, value], ...]) on the server at
// origin; the reply checked against the document. Resolves with [status,
// body].
async function diagnoseGet(args, origin = base) {
  const url = `${DIAGNOSE}?${new URLSearchParams(args)}`;
  const res = await fetch(origin + url);
  return [res.status, await checkResponse(res, spec.paths[DIAGNOSE].get, `GET ${url}`)];
}

// POST /api/v1/diagnose with body (an object, sent as JSON); as diagnoseGet.
async function diagnosePost(body, origin = base) {
  const res = await fetch(origin + DIAGNOSE, { method: 'POST', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' } });
  return [res.status, await checkResponse(res, spec.paths[DIAGNOSE].post,
    `POST ${DIAGNOSE} ${JSON.stringify(body)}`)];
}

const brief = (tried) => tried.map((t) => [t.ref, t.result]);
const round4 = (v) => Math.round(v * 10000) / 10000;

// Starts a server on a KB compiled from sources; resolves with it.
async function serveKb(name, ...sources) {
  const db = join(dir, `${name}.sqlite`);
  compileKb(db, ...sources);
  return startServer(db);
}

test('diagnose reads steps tried from repeated arguments, a list, or a POST body alike', async () => {
  const steps = ['android-check-offcall-sco:failed', 'android-use-sco-device:skipped'];
  const [s1, repeated] = await diagnoseGet([...ANDROID_ARGS, ...steps.map((t) => ['tried', t])]);
  const [s2, list] = await diagnoseGet([...ANDROID_ARGS, ['tried', steps.join(',')]]);
  // Read once every answer is, so 'problem' may come after.
  const [s3, first] = await diagnoseGet([['tried', `${steps[0]},,`], ['tried', steps[1]], ...ANDROID_ARGS]);
  const [s4, posted] = await diagnosePost({ problem: PROBLEM, answers: ANDROID,
    tried: { 'android-check-offcall-sco': 'failed', 'android-use-sco-device': 'skipped' } });
  assert.deepEqual([s1, s2, s3, s4], [200, 200, 200, 200]);
  assert.deepEqual(brief(repeated.tried),
    [['android-check-offcall-sco', 'failed'], ['android-use-sco-device', 'skipped']]);
  assert.deepEqual(list, repeated);
  assert.deepEqual(first, repeated);
  assert.deepEqual(posted, repeated);
  // A step named twice keeps its first place and its later result.
  const [, twice] = await diagnoseGet([...ANDROID_ARGS, ['tried', 'android-use-sco-device:failed'],
    ['tried', 'android-check-offcall-sco:failed,android-use-sco-device:skipped']]);
  assert.deepEqual(brief(twice.tried),
    [['android-use-sco-device', 'skipped'], ['android-check-offcall-sco', 'failed']]);
});

test('diagnose: an open session whose next action is a step, or a question', async () => {
  const [status, d] = await diagnoseGet([...ANDROID_ARGS, ['tried', 'android-check-offcall-sco:failed']]);
  assert.equal(status, 200);
  assert.equal(d.outcome, null);
  assert.equal(d.next_question, null);
  assert.equal(d.next_action.type, 'step');
  assert.deepEqual(d.next_action.step, d.steps[0], 'the next step is the plan\'s first');
  assert.ok(!d.steps.some((s) => s.id === 'android-check-offcall-sco'), 'a step tried is not planned');
  const why = d.next_action.why;
  assert.equal(why.rule, 'expected_cost');
  assert.equal(d.expected_cost, why.expected_cost_of_repair);
  assert.equal(why.fix_probability, d.next_action.step.fix_probability);
  assert.equal(why.cost, d.next_action.step.cost);
  // The failed step counts against the cause it fixes, and says so.
  const cause = d.causes.find((c) => c.solutions.some((s) => s.id === 'android-check-offcall-sco'));
  assert.equal(cause.solutions.find((s) => s.id === 'android-check-offcall-sco').status, 'failed');
  const evidence = cause.explanation.filter((e) => 'step' in e);
  assert.deepEqual(evidence.map((e) => [e.step, e.answer, e.effect, e.supports]),
    [['android-check-offcall-sco', 'failed', 'contradicts', false]]);
  assert.ok(!('question' in evidence[0]));
  for (const c of d.causes.filter((c) => c !== cause))
    assert.ok(c.solutions.every((s) => s.status === 'untried'), c.id);

  // A step when even knowing the cause would not pay for a question: no
  // question was weighed.
  const [, sure] = await diagnoseGet([['problem', PROBLEM], ['platform', 'android'],
    ['bt_permissions', 'unknown'], ['call_type', 'voip'], ['sco_supported', 'yes'], ['sco_offcall', 'no']]);
  assert.equal(sure.next_action.type, 'step');
  assert.equal(sure.next_action.why.question, null);
  assert.equal(sure.next_action.why.expected_cost_asking_first, null);
  assert.ok(!('information_gain' in sure.next_action.why));

  // A question, when asking first is expected to cost less.
  const [, ask] = await diagnoseGet([['problem', PROBLEM]]);
  assert.equal(ask.outcome, null);
  assert.equal(ask.next_action.type, 'question');
  assert.deepEqual(ask.next_question, ask.next_action.question);
  assert.equal(ask.next_action.why.rule, 'expected_cost');
  assert.equal(ask.next_action.why.question, ask.next_question.id);
  assert.ok(ask.next_action.why.expected_cost_asking_first < ask.next_action.why.expected_cost_of_repair);
  assert.equal(ask.expected_cost, ask.next_action.why.expected_cost_of_repair);
});

test('diagnose: a step that fixed it ends the session fixed', async () => {
  const [status, d] = await diagnosePost({ problem: PROBLEM, answers: ANDROID,
    tried: { 'android-check-offcall-sco': 'failed', 'android-use-sco-device': 'fixed' } });
  assert.equal(status, 200);
  const o = d.outcome;
  assert.deepEqual([o.status, o.resolved, o.reason], ['fixed', true, null]);
  assert.equal(o.fixed_by.id, 'android-use-sco-device');
  assert.ok(!('fix_probability' in o.fixed_by) && !('escalation_html' in o));
  assert.deepEqual([d.steps, d.expected_cost, d.next_action, d.next_question], [[], null, null, null]);
  assert.equal(d.causes.flatMap((c) => c.solutions).find((s) => s.id === 'android-use-sco-device').status, 'fixed');
  assert.deepEqual(o.summary.tried, d.tried);
  assert.equal(o.summary.problem.slug, PROBLEM);
  assert.deepEqual(o.summary.answers.map((a) => [a.question, a.answer]), Object.entries(d.answers));
  assert.ok(o.summary_text.split('\n').includes(`- fixed it: ${o.fixed_by.title}`), o.summary_text);
});

test('diagnose: when no step fixed it, the session ends not fixed, with a summary', async () => {
  const [status, d] = await diagnosePost({ problem: PROBLEM, answers: ANDROID, tried: {
    'android-check-offcall-sco': 'failed', 'android-use-sco-device': 'failed', 'android-add-permissions': 'failed' } });
  assert.equal(status, 200);
  const o = d.outcome;
  assert.deepEqual([o.status, o.resolved, o.reason, o.fixed_by], ['not_fixed', false, 'no_step_left', null]);
  assert.match(o.escalation_html, /^<p>/, 'the article\'s own "contact" text');
  assert.deepEqual([d.steps, d.expected_cost, d.next_action, d.next_question], [[], null, null, null]);
  const s = o.summary;
  assert.equal(s.problem.slug, PROBLEM);
  assert.deepEqual(s.tried, d.tried);
  assert.deepEqual(s.causes.map((c) => [c.id, c.probability]),
    d.causes.slice(0, 5).map((c) => [c.id, round4(c.probability)]));
  assert.equal(s.other_probability, round4(d.other_probability));
  const lines = o.summary_text.split('\n');
  assert.match(lines[0], /^Problem: .* \(bluetooth-call-audio\)$/);
  for (const t of d.tried) assert.ok(lines.includes(`- did not fix it: ${t.title}`), t.step);
  for (const a of s.answers) assert.ok(lines.includes(`- ${a.text} ${a.label}`), a.question);

  // While the listed causes together stay likelier than an unlisted one,
  // the session goes on with a step.
  const three = 'ios-switch-route-in-call:failed,ios-use-callkit:failed,ios-set-call-audio-routing:failed';
  const listed = (x) => x.causes.reduce((sum, c) => sum + c.probability, 0);
  const [, open] = await diagnoseGet([['problem', PROBLEM], ['platform', 'ios'], ['tried', three]]);
  assert.equal(open.outcome, null);
  assert.ok(open.other_probability < listed(open));
  assert.equal(open.next_action.type, 'step');

  // Ended early, a step still untried: a cause the KB does not list has
  // become likelier than every listed cause together.
  const [, early] = await diagnoseGet([['problem', PROBLEM], ['platform', 'ios'],
    ['tried', `${three},ios-choose-route-before-voip:failed`]]);
  assert.equal(early.outcome.status, 'not_fixed');
  assert.equal(early.outcome.reason, 'unlisted_cause');
  assert.ok(early.other_probability > listed(early));
  assert.deepEqual([early.expected_cost, early.next_action], [null, null]);
});

test('diagnose: steps named SLUG/ID, steps skipped', async () => {
  // No problem yet: steps are named SLUG/ID, or by a name no other article uses.
  const [s1, d] = await diagnoseGet([['platform', 'android'], ['tried', `${PROBLEM}/android-add-permissions:skipped`]]);
  const [s2, byId] = await diagnoseGet([['platform', 'android'], ['tried', 'android-add-permissions:skipped']]);
  assert.deepEqual([s1, s2], [200, 200]);
  assert.deepEqual(byId, d);
  assert.deepEqual(d.tried.map((t) => [t.step, t.ref, t.article, t.result]),
    [['android-add-permissions', `${PROBLEM}/android-add-permissions`, PROBLEM, 'skipped']]);
  for (const st of d.steps) assert.equal(st.ref, `${st.article}/${st.id}`);
  // Skipped: not planned, no evidence, its status says so.
  assert.ok(!d.steps.some((st) => st.id === 'android-add-permissions'));
  const cause = d.causes.find((c) => c.id === 'android-missing-permissions');
  assert.equal(cause.solutions.find((so) => so.id === 'android-add-permissions').status, 'skipped');
  assert.ok(!cause.explanation.some((e) => 'step' in e));
  // With a problem, another article's step is refused: its outcome says
  // nothing about this problem's causes.
  const [s3, other] = await diagnoseGet([['problem', PROBLEM],
    ['tried', 'linux-bluetooth-headset-audio/linux-start-bluez:failed']]);
  assert.equal(s3, 400);
  assert.equal(other.error.code, 'bad_step');
  assert.match(other.error.message, /another problem/);
});

test('diagnose: with no repair steps, questions by information gain', async () => {
  const other = await serveKb('no-steps', 'tests/data/http/no-steps.md', 'tests/data/kb/questions.md');
  try {
    const [status, d] = await diagnoseGet([['problem', 'no-steps']], other.base);
    assert.equal(status, 200);
    assert.deepEqual([d.steps, d.expected_cost, d.outcome], [[], null, null]);
    assert.equal(d.next_action.type, 'question');
    assert.deepEqual(d.next_action.question, d.next_question);
    assert.deepEqual(d.next_action.why,
      { rule: 'information_gain', information_gain: round4(d.next_question.information_gain) });
    const [, done] = await diagnoseGet([['problem', 'no-steps'], ['device_kind', 'earpiece'],
      ['voice_profile', 'yes']], other.base);
    assert.deepEqual([done.next_action, done.next_question, done.outcome], [null, null, null]);
  } finally {
    await stopServer(other);
  }
});

test('GET /wizard sends an article with nothing to troubleshoot to its page', async () => {
  const other = await serveKb('glossary', 'tests/data/lang/glossary.md',
    'tests/data/http/no-steps.md', 'tests/data/kb/questions.md');
  try {
    const res = await fetch(`${other.base}/wizard?problem=glossary`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/articles/glossary');
    await checkResponse(res, spec.paths['/wizard'].get, 'GET /wizard?problem=glossary');
  } finally {
    await stopServer(other);
  }
});

test('diagnose: bad steps are 400 bad_step (or bad_request), naming what is valid', async () => {
  const get = (tried, args = ANDROID_ARGS) => [...args, ['tried', tried]];
  const cases = [
    [get('no-such-step:failed'), 'bad_step', /steps of 'bluetooth-call-audio': .*android-add-permissions/],
    [get('linux-start-bluez:failed'), 'bad_step', /unknown step 'linux-start-bluez'/],
    [get('android-add-permissions:maybe'), 'bad_step', /valid: failed, fixed, skipped/],
    [get('android-add-permissions'), 'bad_step', /not STEP:RESULT/],
    [get('no-such-article/android-add-permissions:failed'), 'bad_step', /no article with causes/],
    [{ problem: PROBLEM, tried: { 'android-add-permissions': 'maybe' } }, 'bad_step', /valid: failed, fixed, skipped/],
    [{ problem: PROBLEM, tried: { 'no-such-step': 'failed' } }, 'bad_step', /steps of 'bluetooth-call-audio'/],
    [{ problem: PROBLEM, tried: { 'android-add-permissions': true } }, 'bad_request', /must be a string/],
    [{ problem: PROBLEM, tried: ['android-add-permissions:failed'] }, 'bad_request', /unexpected 'tried'/],
  ];
  for (const [args, code, message] of cases) {
    const [status, body] = Array.isArray(args) ? await diagnoseGet(args) : await diagnosePost(args);
    assert.equal(status, 400, JSON.stringify(args));
    assert.equal(body.error.code, code, JSON.stringify(args));
    assert.match(body.error.message, message);
  }
  // The wizard's page says so too.
  const url = `/wizard?${new URLSearchParams(get('no-such-step:failed'))}`;
  const res = await fetch(base + url);
  assert.equal(res.status, 400);
  await checkResponse(res, spec.paths['/wizard'].get, `GET ${url}`);

  // A step name two articles use: SLUG/ID, or answer 'problem'.
  const kb = join(dir, 'twice');
  mkdirSync(kb);
  const source = readFileSync(`kb/${PROBLEM}.md`, 'utf8');
  assert.ok(source.includes(`\nslug: ${PROBLEM}\n`), 'the article names its slug');
  writeFileSync(join(kb, 'copy.md'), source.replace(`\nslug: ${PROBLEM}\n`, '\nslug: copy\n'));
  const other = await serveKb('twice', 'kb', kb);
  try {
    const [status, body] = await diagnoseGet([['tried', 'android-add-permissions:failed']], other.base);
    assert.equal(status, 400);
    assert.equal(body.error.code, 'bad_step');
    assert.match(body.error.message, /in several articles: name it as SLUG\/android-add-permissions/);
    const [s1, slugged] = await diagnoseGet([['tried', 'copy/android-add-permissions:failed']], other.base);
    const [s2, answered] = await diagnoseGet([['problem', 'copy'], ['tried', 'android-add-permissions:failed']], other.base);
    assert.deepEqual([s1, s2], [200, 200]);
    assert.deepEqual(brief(slugged.tried), [['copy/android-add-permissions', 'failed']]);
    assert.deepEqual(brief(answered.tried), [['android-add-permissions', 'failed']]);
  } finally {
    await stopServer(other);
  }
});

test('POST /wizard answers 303 with the GET page of its fields, or 403, 415, 400, 413', async () => {
  const op = spec.paths['/wizard'].post;
  const fields = [...ANDROID_ARGS, ['tried', 'android-check-offcall-sco:failed'],
    ['ask', 'platform'], ['tried', 'android-use-sco-device:fixed']];
  const post = async (body, headers = {}, path = '/wizard') => {
    const res = await rawRequest(base + path, { method: 'POST', headers: { ...FORM, ...headers }, body });
    return [res.status, res.headers.get('location'), await checkResponse(res, op, `POST ${path} ${body.slice(0, 80)}`)];
  };
  const form = new URLSearchParams(fields).toString();
  // The fields, in order, 'ask' left out; the POST's own query is not kept.
  const [status, location] = await post(form, {}, '/wizard?embed=1');
  assert.equal(status, 303);
  const to = new URL(location, base);
  assert.equal(to.origin + to.pathname, base + '/wizard');
  assert.deepEqual([...to.searchParams], fields.filter(([k]) => k !== 'ask'));
  const page = await fetch(base + location);
  assert.equal(page.status, 200);
  assert.match(await checkResponse(page, spec.paths['/wizard'].get, `GET ${location}`),
    /class="outcome fixed"/, 'the page it leads to says the session ended fixed');
  // From this server's own pages, or with no Origin: passed on.
  assert.equal((await post(form, { Origin: base }))[0], 303);
  // From another site's page: refused.
  assert.equal((await post(form, { Origin: 'https://elsewhere.example' }))[0], 403);
  assert.equal((await post(form, { Origin: 'null' }))[0], 403);
  // Not a form: 415 (before anything else is looked at).
  assert.equal((await post(form, { 'Content-Type': 'text/plain' }))[0], 415);
  assert.equal((await post('{}', { 'Content-Type': 'application/json', Origin: 'null' }))[0], 415);
  // A form that cannot be read.
  for (const bad of ['problem=%zz', 'problem=a%00b', 'problem=%ff'])
    assert.equal((await post(bad))[0], 400, bad);
  // Too large: 413, as the default response says.
  const huge = 'q=' + 'x'.repeat(70 * 1024);
  assert.equal((await post(huge, tooLarge(huge, FORM)))[0], 413);
  // Other methods: 405, and Allow lists POST.
  const put = await fetch(base + '/wizard', { method: 'PUT' });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'GET, HEAD, POST');
  await checkResponse(put, spec.paths['/wizard'].get, 'PUT /wizard');
});
