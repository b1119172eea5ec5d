// A third-party OIDC relying party (openid-client) and JOSE library (jose) against cells:
// discovery, the code flow with PKCE through the real login form, refresh, userinfo, revocation,
// client_credentials and introspection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Issuer, generators, errors } from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startCells, HttpBrowser, hiddenField } from './helpers.mjs';

const REDIRECT = 'http://localhost:3636';
let cells, issuer, client;

before(async () => {
  cells = await startCells();
  cells.createUser('frank', 'frank-password-1', 'frank@example.org');
  cells.admin(['client', 'create', '--id', 'svc', '--secret-stdin', '--grant', 'client_credentials'], 'svc-secret-0123456789\n');
  issuer = await Issuer.discover(cells.issuer);
  client = new issuer.Client({ client_id: 'cells-client', token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT], response_types: ['code'] });
});
after(async () => { await cells?.stop(); });

async function signIn(scope = 'openid email profile pydio offline') {
  const code_verifier = generators.codeVerifier();
  const state = generators.state();
  const nonce = generators.nonce();
  const url = client.authorizationUrl({ scope, code_challenge: generators.codeChallenge(code_verifier), code_challenge_method: 'S256', state, nonce });
  const browser = new HttpBrowser();
  let res = await browser.request(url);
  assert.equal(res.status, 302);
  const loginUrl = res.headers.get('location');
  assert.ok(loginUrl.startsWith(`${cells.url}/oauth2/login`));
  const page = await (await browser.request(loginUrl)).text();
  res = await browser.request(`${cells.url}/oauth2/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: 'frank', password: 'frank-password-1', csrf: hiddenField(page, 'csrf'), request: hiddenField(page, 'request') }),
  });
  assert.equal(res.status, 302);
  const callback = res.headers.get('location');
  assert.ok(callback.startsWith(REDIRECT));
  const params = client.callbackParams(callback);
  return client.callback(REDIRECT, params, { code_verifier, state, nonce });
}

test('discovery metadata is what openid-client needs', () => {
  assert.equal(issuer.issuer, cells.issuer);
  assert.equal(issuer.token_endpoint, `${cells.issuer}/oauth2/token`);
  assert.deepEqual(issuer.code_challenge_methods_supported, ['S256']);
});

test('code flow with PKCE through the login form; ID token validated by openid-client', async () => {
  const tokens = await signIn();
  const claims = tokens.claims();
  assert.equal(claims.iss, cells.issuer);
  assert.equal(claims.aud, 'cells-client');
  assert.equal(claims.preferred_username, 'frank');
  assert.equal(claims.email, 'frank@example.org');
  assert.ok(tokens.refresh_token);
  const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(issuer.jwks_uri)),
    { issuer: cells.issuer, typ: 'at+jwt' });
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(payload.sub, claims.sub);
  assert.equal(payload.client_id, 'cells-client');
});

test('userinfo, refresh with rotation, revocation', async () => {
  const tokens = await signIn();
  const info = await client.userinfo(tokens);
  assert.equal(info.preferred_username, 'frank');
  assert.equal(info.email, 'frank@example.org');
  const refreshed = await client.refresh(tokens);
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  assert.equal(refreshed.claims().sub, tokens.claims().sub);
  await client.revoke(refreshed.refresh_token, 'refresh_token');
  await assert.rejects(client.refresh(refreshed.refresh_token), (e) => e instanceof errors.OPError && e.error === 'invalid_grant');
  await assert.rejects(client.userinfo(refreshed.access_token), (e) => e instanceof errors.OPError || e.response?.statusCode === 401);
});

test('client_credentials, introspection and revocation for a confidential client', async () => {
  const svc = new issuer.Client({ client_id: 'svc', client_secret: 'svc-secret-0123456789', token_endpoint_auth_method: 'client_secret_basic' });
  const tokens = await svc.grant({ grant_type: 'client_credentials' });
  assert.ok(tokens.access_token);
  assert.equal(tokens.refresh_token, undefined);
  let info = await svc.introspect(tokens.access_token);
  assert.equal(info.active, true);
  assert.equal(info.client_id, 'svc');
  await svc.revoke(tokens.access_token);
  info = await svc.introspect(tokens.access_token);
  assert.equal(info.active, false);
  const wrong = new issuer.Client({ client_id: 'svc', client_secret: 'not-the-secret-000', token_endpoint_auth_method: 'client_secret_basic' });
  await assert.rejects(wrong.grant({ grant_type: 'client_credentials' }), (e) => e.error === 'invalid_client');
});
