// openapi.test.mjs: docs/openapi.yaml is true of the running server: every
// documented route is served, every served route is documented, and live
// responses (successes and errors) match the documented schemas, which are
// read closed: a key the server sends that the schema does not name fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { compileKb, startServer, stopServer } from '../lib/serve.mjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    ['/api/v1/diagnose', { method: 'POST', body: big, headers: { 'Content-Type': 'application/json' } }, op('/api/v1/diagnose', 'post'), 413],
    ['/api/v1/diagnose', { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } }, op('/api/v1/diagnose', 'post'), 415],
    ['/healthz', { method: 'DELETE' }, op('/healthz', 'get'), 405],
    ['/articles/no-such-article', {}, op('/articles/{slug}', 'get'), 404],
  ];
  for (const [url, init, o, status] of cases) {
    let res;
    try {
      res = await fetch(base + url, init);
    } catch (e) {
      // A server may close on an oversized upload before reading it all.
      if (status === 413) continue;
      throw e;
    }
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
  } finally {
    await stopServer(other);
  }
});
