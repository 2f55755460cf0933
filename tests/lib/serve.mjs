// serve.mjs: compiles a KB and runs `clew serve` on a free loopback port,
// for the Node test suites (tests/api, tests/browser).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const bin = process.env.CLEW_BIN || 'build/clew';

// Compiles the folders or files in sources into the database at db.
export function compileKb(db, ...sources) {
  execFileSync(bin, ['compile', '-q', '-o', db, ...sources]);
}

// Starts `clew serve` on db, with more flags when given; resolves with
// { child, base } once it listens (the port is read from its "listening"
// line on stderr).
export function startServer(db, args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0',
      '--no-access-log', '--templates', 'templates', '--static', 'static', ...args],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + err)), 10000);
    child.stderr.on('data', (chunk) => {
      err += chunk;
      const m = /\(port (\d+)\)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: `http://127.0.0.1:${m[1]}` });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

// Stops a server from startServer (SIGTERM) and waits for it to exit.
export function stopServer(s) {
  return new Promise((resolve) => {
    if (!s || s.child.exitCode !== null) return resolve();
    s.child.once('exit', resolve);
    s.child.kill('SIGTERM');
  });
}

// A site for a suite: the shipped KB (kb/) compiled into a new temporary
// folder (named from prefix), served by `clew serve` with args when given.
// Resolves with { dir, db, server, base }.
export async function startSite(prefix, args = []) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = join(dir, 'kb.sqlite');
  try {
    compileKb(db, 'kb');
    const server = await startServer(db, args);
    return { dir, db, server, base: server.base };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

// Stops a site from startSite and removes its folder.
export async function stopSite(site) {
  if (!site) return;
  await stopServer(site.server);
  rmSync(site.dir, { recursive: true, force: true });
}
