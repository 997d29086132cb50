// The test data the browser tests read, made through the API with staff development
// tokens (fremdrift-token): the citizen of the dev IdP's test login, an open case, a
// decision issued today (appealed in time), one issued two months ago (appealed late) and
// a review meeting ahead that waits for the citizen's own assessment.
import { execFileSync } from 'node:child_process';

const env = process.env;

export function devToken(role, sub, municipality = '', cpr = '') {
  return execFileSync(env.FREMDRIFT_TEST_TOKEN_TOOL, [
    '--key', env.FREMDRIFT_SIGNING_KEY, '--kid', 'dev-es256', '--alg', 'ES256',
    '--issuer', env.FREMDRIFT_JWT_ISSUERS.split(',')[0], '--audience', env.FREMDRIFT_JWT_AUDIENCE || 'fremdrift',
    '--role', role, '--sub', sub, '--municipality', municipality, '--cpr', cpr,
  ]).toString().trim();
}

export async function call(base, token, method, path, body, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: res.status, json, etag: res.headers.get('ETag'), text };
}

async function expect(base, token, method, path, body, status) {
  const r = await call(base, token, method, path, body);
  if (r.status !== status) throw new Error(`${method} ${path}: ${r.status}, expected ${status}: ${r.text.slice(0, 300)}`);
  return r;
}

function isoDaysFromNow(days) {
  const d = new Date(Date.now() + days * 86400000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(d);
}

async function issuedDecision(base, cw, caseId, kind, subject, notifiedOn) {
  const draft = await expect(base, cw, 'POST', '/v1/decisions', {
    case_id: caseId, kind, outcome: 'refused', subject,
    applied_for: 'Hjælp til forsørgelse og en indsats',
    legal_basis: ['las_11', 'lsp_17'],
    legal_basis_note: 'Bestemmelserne gælder for hele perioden.',
    facts: 'Du har været ledig siden marts.\nLægen har vurderet din arbejdsevne.',
    reasons: 'Kommunen har lagt vægt på lægens vurdering.',
    hearing: { status: 'not_needed', not_needed_reason: 'Afgørelsen bygger alene på dine egne oplysninger.' },
  }, 201);
  const id = draft.json.id;
  const current = await expect(base, cw, 'GET', `/v1/decisions/${id}`, null, 200);
  const res = await call(base, cw, 'POST', `/v1/decisions/${id}/issue`, notifiedOn ? { notified_on: notifiedOn } : {},
    { 'If-Match': current.etag });
  if (res.status !== 200) throw new Error(`issue ${kind}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.json;
}

// Returns { cw, caseId, inTime, late, reviewId, meetingOn, nextReviewDue }.
export async function makeTestData(base, citizen) {
  const cw = devToken('caseworker', 'cw-portal-test', '101');
  let registered = await call(base, cw, 'POST', '/v1/citizens', { cpr: citizen.cpr, name: citizen.name });
  let citizenId;
  if (registered.status === 201) {
    citizenId = registered.json.id;
  } else if (registered.status === 409) {
    registered = await expect(base, cw, 'POST', '/v1/citizens/search', { cpr: citizen.cpr }, 200);
    if (!registered.json.items.length) throw new Error('the citizen is registered, but not in municipality 101');
    citizenId = registered.json.items[0].id;
  } else {
    throw new Error(`register the citizen: ${registered.status} ${registered.text.slice(0, 300)}`);
  }
  const since = isoDaysFromNow(-200);
  const opened = await expect(base, cw, 'POST', '/v1/cases', {
    citizen_id: citizenId, target_group: 'jobparat', target_group_since: since,
    benefit: 'kontanthjaelp', benefit_start: since,
  }, 201);
  const caseId = opened.json.id;
  const inTime = await issuedDecision(base, cw, caseId, 'placement', 'Afgørelse om din målgruppe', null);
  const late = await issuedDecision(base, cw, caseId, 'overall', 'Afgørelse om indsatser', isoDaysFromNow(-60));
  const meetingOn = isoDaysFromNow(14);
  const review = await expect(base, cw, 'POST', `/v1/cases/${caseId}/reviews`, { meeting_on: meetingOn }, 201);
  return { cw, citizenId, caseId, inTime, late, reviewId: review.json.id, meetingOn, nextReviewDue: opened.json.next_review_due };
}
