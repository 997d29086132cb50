// Signs a test citizen in at the development IdP the way a browser would (authorization
// code + PKCE S256, the sign-in form, the redirect) and prints the access token.
// Usage: node citizen-token.mjs ISSUER LOGIN REDIRECT_URI
// REDIRECT_URI must be one the IdP was started with (IDP_PORTAL_REDIRECT_URIS).
import { createHash, randomBytes } from 'node:crypto';

const [issuer, login, redirectUri] = process.argv.slice(2);
if (!issuer || !login || !redirectUri) {
  console.error('usage: node citizen-token.mjs ISSUER LOGIN REDIRECT_URI');
  process.exit(2);
}

const jar = new Map();
function remember(res) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}
function cookieHeader() {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

// Follows redirects by hand, so cookies are kept, until one leaves the IdP.
async function go(url, init = {}) {
  let next = new URL(url, issuer);
  let options = init;
  for (let hops = 0; hops < 10; hops++) {
    if (next.origin !== new URL(issuer).origin) return next;
    const res = await fetch(next, { ...options, redirect: 'manual', headers: { ...options.headers, cookie: cookieHeader() } });
    remember(res);
    if (res.status >= 300 && res.status < 400) {
      next = new URL(res.headers.get('location'), next);
      options = {};
      continue;
    }
    return { res, url: next, body: await res.text() };
  }
  throw new Error('too many redirects');
}

const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');
const state = randomBytes(16).toString('base64url');
const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();

const auth = new URL(discovery.authorization_endpoint);
auth.search = new URLSearchParams({
  client_id: 'fremdrift-portal', response_type: 'code', scope: 'openid fremdrift',
  redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state,
}).toString();

const page = await go(auth);
if (page instanceof URL) throw new Error(`no sign-in page; redirected to ${page}`);
const action = page.body.match(/action="([^"]+)"/);
if (!action) throw new Error(`no sign-in form: ${page.res.status} ${page.body.slice(0, 300)}`);
const back = await go(action[1], {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ login, password: 'any' }).toString(),
});
if (!(back instanceof URL)) throw new Error(`sign-in did not redirect back: ${back.body.slice(0, 300)}`);
if (back.searchParams.get('state') !== state) throw new Error('state mismatch');
const code = back.searchParams.get('code');
if (!code) throw new Error(`no code: ${back}`);

const tokenRes = await fetch(discovery.token_endpoint, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: redirectUri,
    client_id: 'fremdrift-portal', code_verifier: verifier,
  }).toString(),
});
const tokens = await tokenRes.json();
if (!tokens.access_token) throw new Error(`token endpoint: ${JSON.stringify(tokens)}`);
process.stdout.write(`${tokens.access_token}\n`);
