// fremdrift's development identity provider: the certified npm `oidc-provider` on
// loopback, with test citizens (authorization code + PKCE), staff clients (client
// credentials) and a few loopback-only /dev/ endpoints the tests use to rotate keys, take
// the JWKS down and count what the service fetched. Never expose it: any password works.
// See README.md beside this file for the accounts, clients and claims.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('server.mjs: IDP_PORT must be a port number');
  process.exit(2);
}
const stateDir = process.env.IDP_STATE_DIR || '.';
const issuer = `http://127.0.0.1:${port}`;
// How long the service may cache the JWKS (Cache-Control max-age on /jwks), in seconds.
const jwksMaxAge = Number(process.env.IDP_JWKS_MAX_AGE || 300);
const portalRedirects = (process.env.IDP_PORTAL_REDIRECT_URIS || '')
  .split(',').map((s) => s.trim()).filter((s) => s !== '');

// The resource indicator must be an absolute URI; the token's `aud` is the service's
// own name, which is what fremdrift checks.
const RESOURCE = 'urn:fremdrift';
const AUDIENCE = 'fremdrift';
const CPR_CLAIM = 'dk:gov:saml:attribute:CprNumberIdentifier';

// Fictitious people. The CPR numbers are valid dates (all fremdrift checks) and belong to
// nobody in these tests' world; they are not to be used outside them.
const citizens = {
  'borger-anna': { cpr: '1502851116', name: 'Anna Testesen' },
  'borger-bent': { cpr: '2110927381', name: 'Bent Prøvesen' },
  'borger-cecilie': { cpr: '0507683944', name: 'Cecilie Eksempel' },
};

// Staff machines and people, each a client-credentials client: the token's `sub` is the
// client id, its `roles` array and `municipality` come from here.
const staff = {
  'staff-caseworker-101': { roles: ['caseworker'], municipality: '101' },
  'staff-team-lead-101': { roles: ['team_lead'], municipality: '101' },
  'staff-caseworker-751': { roles: ['caseworker'], municipality: '751' },
  'staff-auditor-101': { roles: ['auditor', 'unrelated-app-role'], municipality: '101' },
  'staff-appeals-board': { roles: ['appeals_board'] },
  'staff-two-roles-101': { roles: ['caseworker', 'auditor'], municipality: '101' },
};
const STAFF_SECRET = 'dev-secret-not-for-production';

// ---- Keys: kept in the state directory so a restarted IdP signs with the same keys.
const keysFile = join(stateDir, 'idp-keys.json');

function newKeyPair(kind) {
  const { privateKey } = kind === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: `${kind.toLowerCase()}-${randomUUID()}`, alg: kind, use: 'sig' };
}

// Newest first: oidc-provider signs with the first key of the wanted algorithm.
let keys = existsSync(keysFile)
  ? JSON.parse(readFileSync(keysFile, 'utf8'))
  : [newKeyPair('RS256'), newKeyPair('ES256')];

function saveKeys() {
  writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
}
saveKeys();

// ---- What the tests can switch and count.
const stats = { discovery: 0, jwks: 0, token: 0 };
let jwksDown = false;

function findAccount(ctx, id) {
  const person = citizens[id];
  if (!person) return undefined;
  return {
    accountId: id,
    async claims() {
      return { sub: id, name: person.name, [CPR_CLAIM]: person.cpr };
    },
  };
}

function configuration() {
  return {
    clients: [
      {
        client_id: 'fremdrift-portal',
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: portalRedirects.length ? portalRedirects : ['http://127.0.0.1/portal/'],
      },
      ...Object.keys(staff).map((id) => ({
        client_id: id,
        client_secret: STAFF_SECRET,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      })),
    ],
    jwks: { keys },
    findAccount,
    claims: { openid: ['sub'], profile: ['name'], fremdrift: [CPR_CLAIM] },
    scopes: ['openid', 'profile', 'fremdrift'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => {
          if (resource !== RESOURCE) throw new Error('unknown resource');
          return {
            scope: 'fremdrift',
            audience: AUDIENCE,
            accessTokenTTL: 3600,
            accessTokenFormat: 'jwt',
            // Citizens' tokens are ES256, staff tokens RS256, so both kinds of key are used.
            jwt: { sign: { alg: client.clientId === 'fremdrift-portal' ? 'ES256' : 'RS256' } },
          };
        },
      },
    },
    extraTokenClaims: async (ctx, token) => {
      if (token.kind === 'ClientCredentials') {
        const s = staff[token.clientId];
        return s ? { sub: token.clientId, ...s } : undefined;
      }
      if (token.kind === 'AccessToken') {
        const person = citizens[token.accountId];
        return person ? { [CPR_CLAIM]: person.cpr, name: person.name } : undefined;
      }
      return undefined;
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60 },
    cookies: { keys: ['fremdrift-dev-idp-cookie-key'] },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Fejl</title><h1>Fejl</h1><pre>${escapeHtml(JSON.stringify(out))}</pre>`;
    },
  };
}

// A new Provider takes a new key set; sessions and grants live in oidc-provider's
// module-wide memory store, so a rotation does not sign anybody out.
let provider;
let providerCallback;
function buildProvider() {
  provider = new Provider(issuer, configuration());
  provider.proxy = false;
  providerCallback = provider.callback();
}
buildProvider();

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---- The sign-in page: one form, any password, then every requested scope is granted.
function loginPage(uid, error) {
  const options = Object.entries(citizens)
    .map(([id, p]) => `<li><code>${id}</code> — ${escapeHtml(p.name)}</li>`).join('');
  return `<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Log ind (test-IdP)</title></head>
<body><main>
<h1>Log ind med test-IdP</h1>
<p>Udviklings-IdP for fremdrift. Alle adgangskoder virker. Testborgere:</p>
<ul>${options}</ul>
${error ? `<p role="alert" id="login-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" id="login-form">
  <label for="login">Brugernavn</label>
  <input id="login" name="login" type="text" autocomplete="username" required>
  <label for="password">Adgangskode</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button id="login-submit" type="submit">Log ind</button>
</form>
</main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

// Grants everything the client asked for: consent is not what these tests are about.
async function grantAll(details, accountId) {
  const { prompt, params, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  const missing = prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  if (missing.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  return grant.save();
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (action === undefined && req.method === 'GET') {
    if (details.prompt.name === 'consent') {
      const grantId = await grantAll(details, details.session.accountId);
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    send(res, 200, 'text/html; charset=utf-8', loginPage(uid));
    return;
  }
  if (action === 'login' && req.method === 'POST') {
    const form = await readForm(req);
    const login = form.get('login') || '';
    if (!citizens[login] || !form.get('password')) {
      send(res, 200, 'text/html; charset=utf-8', loginPage(uid, 'Ukendt testbruger eller tom adgangskode.'));
      return;
    }
    const afterLogin = { ...details, session: { accountId: login } };
    const grantId = await grantAll(afterLogin, login);
    await provider.interactionFinished(req, res, {
      login: { accountId: login },
      consent: { grantId },
    }, { mergeWithLastSubmission: false });
    return;
  }
  send(res, 404, 'text/plain', 'not found\n');
}

// ---- Test controls, loopback only.
function isLoopback(req) {
  const a = req.socket.remoteAddress || '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, 'application/json', `${JSON.stringify(value)}\n`);
}

function devEndpoint(req, res, path) {
  if (!isLoopback(req)) return sendJson(res, 403, { error: 'loopback only' });
  const post = req.method === 'POST';
  switch (`${req.method} ${path}`) {
    case 'GET /dev/stats':
      return sendJson(res, 200, stats);
    case 'GET /dev/keys':
      return sendJson(res, 200, { kids: keys.map((k) => k.kid), signing: signingKids() });
    case 'POST /dev/rotate':
      // New keys first (they sign from now on); the old ones stay published.
      keys = [newKeyPair('RS256'), newKeyPair('ES256'), ...keys];
      break;
    case 'POST /dev/retire':
      // Only the newest key of each algorithm stays.
      keys = Object.values(signingKids()).map((kid) => keys.find((k) => k.kid === kid));
      break;
    case 'POST /dev/down':
      jwksDown = true;
      return sendJson(res, 200, { down: true });
    case 'POST /dev/up':
      jwksDown = false;
      return sendJson(res, 200, { down: false });
    default:
      return sendJson(res, post ? 404 : 405, { error: 'unknown dev endpoint' });
  }
  saveKeys();
  buildProvider();
  return sendJson(res, 200, { kids: keys.map((k) => k.kid), signing: signingKids() });
}

function signingKids() {
  const out = {};
  for (const k of keys) if (!out[k.alg]) out[k.alg] = k.kid;
  return out;
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const path = url.pathname;
    if (path.startsWith('/dev/')) return devEndpoint(req, res, path);
    if (path === '/.well-known/openid-configuration') stats.discovery += 1;
    if (path === '/jwks') {
      stats.jwks += 1;
      if (jwksDown) return sendJson(res, 503, { error: 'temporarily_unavailable' });
      res.setHeader('cache-control', `public, max-age=${jwksMaxAge}`);
    }
    if (path === '/token') stats.token += 1;
    const m = path.match(/^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/);
    if (m) return await interaction(req, res, m[1], m[2]);
    return providerCallback(req, res);
  } catch (err) {
    console.error('idp:', err);
    if (!res.headersSent) sendJson(res, 500, { error: 'server_error', detail: String(err.message) });
    else res.end();
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`dev IdP listening, issuer ${issuer}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => { server.close(() => process.exit(0)); server.closeAllConnections(); });
}
