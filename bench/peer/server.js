// The peer of the cells benchmark: panva's oidc-provider, configured as closely as possible to
// cells (see docs/performance.md for every difference that matters).
//
//   NODE_ENV=production PEER_PORT=9090 [PEER_WORKERS=N] node server.js
//
// The cluster primary generates the signing keys (RSA-2048, P-256, Ed25519) and the cookie keys,
// forks one worker per core (PEER_WORKERS overrides) and holds the one store every worker uses:
// the adapter below forwards each call to the primary over the cluster IPC channel, so a refresh
// token issued by one worker can be used, introspected or revoked on any other (like cells'
// database). Prints "peer ready <port>" once every worker listens.
import cluster from 'node:cluster';
import crypto from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { promisify } from 'node:util';

import Provider from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

const PORT = Number(process.env.PEER_PORT || 9090);
const HOST = process.env.PEER_HOST || '127.0.0.1';
const WORKERS = Number(process.env.PEER_WORKERS || os.availableParallelism());
const ISSUER = process.env.PEER_ISSUER || `http://${HOST}:${PORT}`;
const CLIENT_SECRET = process.env.PEER_CLIENT_SECRET || 'bench-client-secret-0123456789';
const USER = process.env.PEER_USER || 'bench';
const USER_PASSWORD = process.env.PEER_USER_PASSWORD || 'bench-password-0123456789';
const REDIRECT_URI = process.env.PEER_REDIRECT_URI || 'http://localhost:3000/cb';
// scrypt at the OWASP level listed as equivalent to cells' Argon2id (m=19 MiB, t=2, p=1).
const SCRYPT = { N: 2 ** 14, r: 8, p: 5, maxmem: 64 * 1024 * 1024 };

// ---------------------------------------------------------------------------------------------
// The shared store (primary) and its adapter (workers).

class ExpiringMap {
  #map = new Map();

  get(key) {
    const e = this.#map.get(key);
    if (!e) return undefined;
    if (e.expiry !== undefined && e.expiry <= Date.now()) {
      this.#map.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key, value, options) {
    const expiry = options?.maxAge !== undefined ? Date.now() + options.maxAge : undefined;
    this.#map.set(key, { value, expiry });
  }

  delete(key) { this.#map.delete(key); }

  sweep() {
    const now = Date.now();
    for (const [k, e] of this.#map) if (e.expiry !== undefined && e.expiry <= now) this.#map.delete(k);
  }
}

function servePrimaryStore() {
  const store = new ExpiringMap();
  const adapters = new Map();
  const adapterFor = (model) => {
    let a = adapters.get(model);
    if (!a) adapters.set(model, (a = new MemoryAdapter(model, store)));
    return a;
  };
  setInterval(() => store.sweep(), 60_000).unref();
  cluster.on('message', async (worker, msg) => {
    if (!msg || msg.t !== 'adapter') return;
    try {
      const value = await adapterFor(msg.model)[msg.op](...msg.args);
      worker.send({ t: 'adapter', id: msg.id, value });
    } catch (e) {
      worker.send({ t: 'adapter', id: msg.id, error: String(e) });
    }
  });
}

const pending = new Map();
let nextId = 0;
if (cluster.isWorker) {
  process.on('message', (msg) => {
    if (!msg || msg.t !== 'adapter') return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error));
    else p.resolve(msg.value);
  });
}

function call(model, op, args) {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject });
    process.send({ t: 'adapter', id, model, op, args });
  });
}

class SharedAdapter {
  constructor(model) { this.model = model; }
  upsert(id, payload, expiresIn) { return call(this.model, 'upsert', [id, payload, expiresIn]); }
  find(id) { return call(this.model, 'find', [id]); }
  findByUserCode(code) { return call(this.model, 'findByUserCode', [code]); }
  findByUid(uid) { return call(this.model, 'findByUid', [uid]); }
  consume(id) { return call(this.model, 'consume', [id]); }
  destroy(id) { return call(this.model, 'destroy', [id]); }
  revokeByGrantId(grantId) { return call(this.model, 'revokeByGrantId', [grantId]); }
}

// ---------------------------------------------------------------------------------------------
// Primary: keys, workers, store.

function generateKeys() {
  const jwk = (pair, extra) => ({ ...pair.privateKey.export({ format: 'jwk' }), ...extra });
  return [
    jwk(crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }), { alg: 'RS256', use: 'sig', kid: 'rs256' }),
    jwk(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }), { alg: 'ES256', use: 'sig', kid: 'es256' }),
    jwk(crypto.generateKeyPairSync('ed25519'), { alg: 'EdDSA', use: 'sig', kid: 'eddsa' }),
  ];
}

if (cluster.isPrimary) {
  const keys = generateKeys();
  const cookieKeys = [crypto.randomBytes(32).toString('base64url')];
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(USER_PASSWORD, salt, 32, SCRYPT);
  const env = {
    PEER_KEYS: JSON.stringify(keys),
    PEER_COOKIE_KEYS: JSON.stringify(cookieKeys),
    PEER_USER_HASH: `${salt.toString('base64')}$${hash.toString('base64')}`,
  };
  servePrimaryStore();
  let listening = 0;
  for (let i = 0; i < WORKERS; i += 1) {
    const w = cluster.fork(env);
    w.on('listening', () => {
      listening += 1;
      if (listening === WORKERS) console.log(`peer ready ${PORT} workers=${WORKERS}`);
    });
  }
  cluster.on('exit', (w, code, signal) => {
    if (!shuttingDown) {
      console.error(`worker ${w.process.pid} died (${signal || code}); stopping`);
      process.exit(1);
    }
  });
  let shuttingDown = false;
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => {
      shuttingDown = true;
      for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
      setTimeout(() => process.exit(0), 200).unref();
    });
  }
} else {
  startWorker();
}

// ---------------------------------------------------------------------------------------------
// Worker: the provider.

function startWorker() {
  const keys = JSON.parse(process.env.PEER_KEYS);
  const [salt, stored] = process.env.PEER_USER_HASH.split('$').map((s) => Buffer.from(s, 'base64'));
  const scrypt = promisify(crypto.scrypt);
  const accounts = new Map([[USER, { accountId: USER, email: `${USER}@example.com`, name: 'Bench User' }]]);

  const clientBase = {
    client_secret: CLIENT_SECRET,
    grant_types: ['client_credentials', 'refresh_token', 'authorization_code'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  };
  // Same ids as the cells clients: bench-rs signs access tokens with RS256, bench-es with ES256.
  const accessTokenAlg = { 'bench-rs': 'RS256', 'bench-es': 'ES256', 'bench-ed': 'EdDSA' };

  const provider = new Provider(ISSUER, {
    adapter: SharedAdapter,
    clients: Object.keys(accessTokenAlg).map((id) => ({ client_id: id, ...clientBase })),
    jwks: { keys },
    cookies: { keys: JSON.parse(process.env.PEER_COOKIE_KEYS) },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => ISSUER + '/api',
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => ({
          scope: 'api',
          audience: ISSUER + '/api',
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: accessTokenAlg[client.clientId] || 'RS256' } },
        }),
      },
    },
    ttl: {
      AccessToken: 600,
      ClientCredentials: 600,
      AuthorizationCode: 600,
      IdToken: 3600,
      RefreshToken: 60 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 60 * 24 * 3600,
    },
    // cells: every refresh rotates; a refresh token is issued when the client may refresh.
    rotateRefreshToken: true,
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    // cells asks no consent for registered clients: grant what was asked.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email offline_access');
      grant.addResourceScope(ISSUER + '/api', 'api');
      await grant.save();
      return grant;
    },
    findAccount: async (ctx, sub) => {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, name: a.name, preferred_username: sub, email: a.email, email_verified: true }),
      };
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: (ctx, client) => client.clientAuthMethod === 'none' },
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));

  const callback = provider.callback();
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const page = (uid, error) => `<!doctype html><html><head><meta charset="utf-8"><title>Sign in</title></head>
<body><h1>Sign in</h1>${error ? `<p class="error">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<input name="login" autocomplete="username"><input name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in</button></form></body></html>`;

  const readBody = (req) => new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > 1 << 20) reject(new Error('too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });

  async function interaction(req, res, uid, action) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (!action) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page(uid));
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    const login = form.get('login') || '';
    const hash = await scrypt(form.get('password') || '', salt, 32, SCRYPT);
    if (!accounts.has(login) || !crypto.timingSafeEqual(hash, stored)) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(uid, 'wrong login or password'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }

  const server = http.createServer((req, res) => {
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url);
    if (m && (req.method === 'GET' || (req.method === 'POST' && m[2]))) {
      interaction(req, res, m[1], m[2]).catch((e) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(String(e.message));
      });
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    callback(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(PORT, HOST);
}
