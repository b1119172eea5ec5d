// The pages in a real headless Chromium (Debian's), driven by playwright-core: login, SSO,
// the out-of-band code page with its copy button, and logout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startCells, startCallbackServer, CHROMIUM_ARGS } from './helpers.mjs';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
let cells, browser, callback, REDIRECT;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cells = await startCells();
  callback = await startCallbackServer();
  REDIRECT = callback.uri;
  cells.createUser('grace', 'grace-password-1', 'grace@example.org');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await callback?.close();
  await cells?.stop();
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authUrl(redirectUri, challenge, extra = {}) {
  const q = new URLSearchParams({ client_id: 'cells-client', redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile email offline',
    state: 'st-' + randomBytes(4).toString('hex'), code_challenge: challenge, code_challenge_method: 'S256', ...extra });
  return `${cells.issuer}/oauth2/auth?${q}`;
}

async function signInThroughPage(page, password) {
  await page.fill('input[name=login]', 'grace');
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

test('login page: wrong password, right password, then SSO without the page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { challenge } = pkce();
  await page.goto(authUrl(REDIRECT, challenge));
  assert.ok(page.url().startsWith(`${cells.url}/oauth2/login`));
  assert.equal(await page.locator('h1').textContent(), 'Sign in to Cells');
  await page.screenshot({ path: `${ARTIFACTS}login.png` });

  await signInThroughPage(page, 'wrong-password');
  const error = await page.locator('#error').textContent();
  assert.match(error, /Wrong login or password/);
  assert.doesNotMatch(error, /unknown user|no such user|password is incorrect/i);

  await signInThroughPage(page, 'grace-password-1');
  await page.waitForURL(`${REDIRECT}?**`);
  const landed = callback.last();
  assert.ok(landed.searchParams.get('code'));
  assert.ok(landed.searchParams.get('state').startsWith('st-'));
  assert.equal(landed.searchParams.get('iss'), cells.issuer);

  const session = (await context.cookies()).find((c) => c.name === 'cells_session');
  assert.ok(session, 'session cookie set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');

  await page.goto(authUrl(REDIRECT, challenge));
  await page.waitForURL(`${REDIRECT}?**`);
  assert.ok(callback.last().searchParams.get('code'), 'second authorization skips the login page');
  await context.close();
});

test('out-of-band page shows a code that exchanges for tokens, and copies it', async () => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cells.url });
  const page = await context.newPage();
  const { verifier, challenge } = pkce();
  const oob = `${cells.url}/oauth2/oob`;
  await page.goto(authUrl(oob, challenge));
  await signInThroughPage(page, 'grace-password-1');
  await page.waitForURL(`${oob}?**`);
  const code = await page.locator('#code').inputValue();
  assert.ok(code.length >= 40);
  await page.screenshot({ path: `${ARTIFACTS}oob.png` });

  await page.click('#copy');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, code);

  const res = await fetch(`${cells.issuer}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: oob, client_id: 'cells-client', code_verifier: verifier }),
  });
  assert.equal(res.status, 200);
  assert.ok((await res.json()).access_token);
  await context.close();
});

test('logout confirmation ends the session and returns to the client with state', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { verifier, challenge } = pkce();
  await page.goto(authUrl(REDIRECT, challenge));
  await signInThroughPage(page, 'grace-password-1');
  await page.waitForURL(`${REDIRECT}?**`);
  const code = callback.last().searchParams.get('code');
  const tokens = await (await fetch(`${cells.issuer}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'cells-client', code_verifier: verifier }),
  })).json();

  const logout = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: REDIRECT, state: 'bye' });
  await page.goto(`${cells.issuer}/oauth2/sessions/logout?${logout}`);
  await page.screenshot({ path: `${ARTIFACTS}logout.png` });
  await page.click('button[value=yes]');
  await page.waitForURL(`${REDIRECT}?**`);
  assert.equal(callback.last().searchParams.get('state'), 'bye');

  await page.goto(authUrl(REDIRECT, challenge));
  assert.ok(page.url().startsWith(`${cells.url}/oauth2/login`), 'signed out: the login page is back');
  await context.close();
});
