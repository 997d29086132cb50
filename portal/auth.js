// Sign-in with OpenID Connect: the authorization-code flow with PKCE (S256) against the
// IdP that GET /portal/config.json names, as a public client (no secret in a page).
// The tokens live in this module's memory only — never in localStorage, sessionStorage
// or a cookie — so they are gone when the tab closes or reloads; signing in again then
// takes a moment while the IdP still knows the citizen. Across the one redirect to the
// IdP and back, sessionStorage holds the single-use `state` and PKCE verifier (no token):
// they are removed as soon as the IdP answers.

const PENDING = 'fremdrift.portal.pending-sign-in';
let token = null; // { access: string, expiresAt: ms since epoch }
let metadataCache = null;

export class SignInError extends Error {}

function redirectUri() {
  return `${window.location.origin}/portal/`;
}

function base64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challenge(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

async function metadata(config) {
  if (metadataCache) return metadataCache;
  const url = `${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let res;
  try {
    res = await fetch(url, { credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new SignInError('Log ind-tjenesten kunne ikke nås. Prøv igen om lidt.');
  }
  const doc = res.ok ? await res.json() : null;
  if (!doc || doc.issuer !== config.issuer || !doc.authorization_endpoint || !doc.token_endpoint) {
    throw new SignInError('Log ind-tjenesten svarede ikke som forventet. Prøv igen senere.');
  }
  if (new URL(doc.token_endpoint).origin !== new URL(config.issuer).origin) {
    throw new SignInError('Log ind-tjenesten er sat forkert op: den bruger en adresse, portalen ikke må kontakte.');
  }
  metadataCache = doc;
  return doc;
}

// Sends the browser to the IdP's sign-in page.
export async function signIn(config) {
  const meta = await metadata(config);
  const pending = { state: randomString(24), verifier: randomString(48), returnTo: window.location.hash };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.client_id,
    redirect_uri: redirectUri(),
    scope: config.scope,
    state: pending.state,
    code_challenge: await challenge(pending.verifier),
    code_challenge_method: 'S256',
  });
  if (config.resource) params.set('resource', config.resource);
  window.location.assign(`${meta.authorization_endpoint}?${params}`);
}

// On the way back from the IdP: exchanges the code for tokens. Returns the hash to show
// (where the citizen was before signing in), or null when this is no answer from the IdP.
export async function completeSignIn(config) {
  const query = new URLSearchParams(window.location.search);
  if (!query.has('code') && !query.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  // The code is single-use, but it should not linger in the address bar or the history.
  window.history.replaceState(null, '', window.location.pathname);
  if (query.has('error')) {
    throw new SignInError(query.get('error') === 'access_denied'
      ? 'Du afbrød login. Du kan prøve igen.'
      : 'Log ind mislykkedes. Prøv igen.');
  }
  if (!pending || query.get('state') !== pending.state) {
    throw new SignInError('Svaret fra log ind-tjenesten hørte ikke til dette login. Prøv igen.');
  }
  if (query.has('iss') && query.get('iss') !== config.issuer) {
    throw new SignInError('Svaret kom fra en anden log ind-tjeneste end forventet. Prøv igen.');
  }
  const meta = await metadata(config);
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: query.get('code'),
    redirect_uri: redirectUri(),
    client_id: config.client_id,
    code_verifier: pending.verifier,
  });
  if (config.resource) body.set('resource', config.resource);
  let res;
  try {
    res = await fetch(meta.token_endpoint, { method: 'POST', body, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new SignInError('Log ind-tjenesten kunne ikke nås. Prøv igen om lidt.');
  }
  const answer = await res.json().catch(() => null);
  if (!res.ok || !answer || typeof answer.access_token !== 'string') {
    throw new SignInError('Log ind mislykkedes. Prøv igen.');
  }
  const lifetime = Number.isFinite(answer.expires_in) ? answer.expires_in : 300;
  token = { access: answer.access_token, expiresAt: Date.now() + lifetime * 1000 };
  return pending.returnTo || '';
}

// The access token while it is valid, else null.
export function accessToken() {
  if (token && Date.now() < token.expiresAt - 5000) return token.access;
  token = null;
  return null;
}

export function signedIn() {
  return accessToken() !== null;
}

export function signOut() {
  token = null;
}
