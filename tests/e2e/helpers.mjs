// Starts a real `cells` process for a test file and drives its admin CLI.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.CELLS_BIN || join(here, '../../build/cells');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startCells() {
  const data = mkdtempSync(join(tmpdir(), 'cells-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(BIN, ['start', '--bind', `127.0.0.1:${port}`, '--data', data], {
    env: { ...process.env, CELLS_ADMIN_PASSWORD: 'admin-password-e2e' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  proc.stdout.on('data', (d) => { logs += d; });
  proc.stderr.on('data', (d) => { logs += d; });
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`cells exited: ${logs}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`cells did not start: ${logs}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const admin = (args, stdin) => execFileSync(BIN, ['admin', '--data', data, ...args], { input: stdin ?? '', encoding: 'utf8' });
  return {
    url,
    issuer: `${url}/oidc`,
    admin,
    createUser: (login, password, email) =>
      admin(['user', 'create', '-u', login, '--password-stdin', ...(email ? ['--email', email] : [])], `${password}\n`),
    logs: () => logs,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.on('exit', r)));
      rmSync(data, { recursive: true, force: true });
    },
  };
}

// A minimal cookie jar for driving the login form with fetch (no redirects followed).
export class HttpBrowser {
  constructor() { this.cookies = new Map(); }
  async request(url, init = {}) {
    const headers = { ...(init.headers || {}) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }
}

export function hiddenField(html, name) {
  const m = html.match(new RegExp(`name="${name}"[^>]*value="([^"]*)"`)) || html.match(new RegExp(`value="([^"]*)"[^>]*name="${name}"`));
  if (!m) throw new Error(`no field ${name}`);
  return m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A real redirect target on a free port of 3636..3666 (the range cells-client and cells-sync
// may use), as the Cells desktop apps run one: records each request URL it receives.
export async function startCallbackServer() {
  const { createServer: createHttpServer } = await import('node:http');
  const seen = [];
  const server = createHttpServer((req, res) => {
    if (req.url.startsWith('/servers/callback')) seen.push(req.url);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('callback received');
  });
  for (let port = 3636; port <= 3666; port++) {
    const ok = await new Promise((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      const uri = `http://localhost:${port}/servers/callback`;
      return { uri, last: () => new URL(seen.at(-1), uri), count: () => seen.length, close: () => new Promise((r) => server.close(r)) };
    }
  }
  throw new Error('no free port in 3636..3666');
}
