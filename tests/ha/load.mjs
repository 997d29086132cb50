// The load of the fault test: writers that open cases with an Idempotency-Key and send
// the same request again, with the same key, until it is acknowledged; and a reader that
// follows the event feed keeping next_after. Every attempt is recorded with its times.
import { randomUUID } from 'node:crypto';

export const REQUEST_TIMEOUT_MS = 10000;
const RETRY_PAUSE_MS = 200;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One HTTP exchange; never throws. status 0 means no answer (error says why).
export async function call(base, method, path, { token, body, key } = {}) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body) headers['Content-Type'] = 'application/json';
  if (key) headers['Idempotency-Key'] = key;
  const t0 = Date.now();
  try {
    const res = await fetch(base + path, {
      method, headers, body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON: judged by the caller */ }
    return { t0, t1: Date.now(), status: res.status, type: res.headers.get('content-type') || '',
      retryAfter: res.headers.get('retry-after'), replayed: res.headers.get('idempotent-replayed') === 'true', json };
  } catch (e) {
    return { t0, t1: Date.now(), status: 0, error: e.name === 'TimeoutError' ? 'timeout' : String(e.cause?.code || e.message) };
  }
}

// Whether an answer is the "try again" the service promises while a part is away:
// 503 problem+json with Retry-After, from the service or from HAProxy.
export function isProperUnavailable(a) {
  return a.status === 503 && a.type.startsWith('application/problem+json') && a.retryAfter !== null &&
    a.json !== null && a.json.status === 503;
}

// The answers after which a client may send the same request again with its key: the
// database or an instance away (503), an instance that died mid-request (502, 504 or no
// answer), or the key's first request still finishing elsewhere (409 in_progress).
function retryable(a) {
  return a.status === 0 || a.status === 502 || a.status === 503 || a.status === 504 ||
    (a.status === 409 && a.json?.type?.endsWith('/in_progress'));
}

export class Writer {
  constructor(base, token, citizenDay, yearDigit, label, runId) {
    Object.assign(this, { base, token, citizenDay, yearDigit, label, runId });
    this.attempts = [];   // every exchange, with its key
    this.acked = [];      // { key, id, t0, t1 } of acknowledged writes
    this.unexpected = []; // answers that are neither success nor a retryable failure
    this.stopping = false;
    this.current = null;  // the key being written, until acknowledged
  }

  // Opens one case under key, sending it again with the same key until it is
  // acknowledged. A key is given up only at the test's deadline, so every key ends
  // acknowledged and the count of cases can be compared with the count of keys.
  // A citizen has one open case per municipality, so each write registers a citizen of
  // its own first (with a key of its own), then opens the case.
  async write(key, deadline) {
    this.serial = (this.serial || 0) + 1;
    const n = this.serial;
    const cpr = `${String(this.citizenDay).padStart(2, '0')}${String(1 + (Math.floor(n / 4000) % 12)).padStart(2, '0')}5${this.yearDigit}${String(n % 4000).padStart(4, '0')}`;
    const citizen = await this.send(`${key}-citizen`, '/v1/citizens', { cpr, name: `HA ${key}` }, deadline, [200, 201]);
    if (!citizen) return;
    const body = { citizen_id: citizen.json.id, target_group: 'aktivitetsparat', target_group_since: '2025-03-01',
      benefit: 'kontanthjaelp', benefit_start: '2025-03-01' };
    const a = await this.send(key, '/v1/cases', body, deadline, [201]);
    if (a) this.acked.push({ key, id: a.json.id, t0: a.t0, t1: a.t1 });
  }

  // Sends one POST under key until it is answered with one of ok; the answer, or null.
  async send(key, path, body, deadline, ok) {
    while (Date.now() < deadline) {
      const a = await call(this.base, 'POST', path, { token: this.token, body, key });
      a.key = key;
      this.attempts.push(a);
      if (ok.includes(a.status) && a.json?.id) return a;
      if (!retryable(a)) {
        this.unexpected.push(a);
        return null;
      }
      await sleep(RETRY_PAUSE_MS);
    }
    return null;
  }

  async run(pauseMs, deadline) {
    for (let n = 1; !this.stopping; n++) {
      this.current = `${this.runId}-${this.label}-${n}`;
      await this.write(this.current, deadline);
      this.current = null;
      await sleep(pauseMs);
    }
  }
}

export class FeedReader {
  constructor(base, token) {
    Object.assign(this, { base, token });
    this.after = 0;
    this.events = [];     // every event delivered, in the order delivered
    this.attempts = [];
    this.unexpected = [];
    this.stopping = false;
  }

  async page() {
    const a = await call(this.base, 'GET', `/v1/events?after=${this.after}&limit=1000`, { token: this.token });
    this.attempts.push(a);
    if (a.status === 200 && a.json && Array.isArray(a.json.events)) {
      for (const e of a.json.events) this.events.push({ seq: e.seq, type: e.type, resource_id: e.resource_id, after: this.after });
      this.after = a.json.next_after;
      return a.json.events.length;
    }
    if (!retryable(a)) this.unexpected.push(a);
    return -1;
  }

  async run(pauseMs) {
    while (!this.stopping) {
      await this.page();
      await sleep(pauseMs);
    }
  }

  // Reads until two pages in a row come back empty (every event numbered and delivered).
  async drain(deadline) {
    let empty = 0;
    while (empty < 2 && Date.now() < deadline) {
      const n = await this.page();
      empty = n === 0 ? empty + 1 : 0;
      if (n <= 0) await sleep(300);
    }
    return empty >= 2;
  }
}

export const newRunId = () => `ha-${randomUUID().slice(0, 8)}`;
