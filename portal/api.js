// Calls to the fremdrift API on the portal's own origin, with the citizen's token. Every
// failure becomes a Problem (problems.js), which the page shows in Danish.
import { accessToken } from './auth.js';
import { Problem } from './problems.js';

// api('/v1/me/cases') → { data, etag, response }. Options: method, body (sent as JSON),
// ifMatch (an ETag), accept ('application/json' or e.g. 'text/plain'; anything but JSON
// gives the text as data), blob (the body as a Blob).
export async function api(path, { method = 'GET', body, ifMatch, accept = 'application/json', blob = false } = {}) {
  const token = accessToken();
  if (!token) throw new Problem(401, { type: 'https://fremdrift.dk/problems/unauthorized' }, null);
  const headers = { Authorization: `Bearer ${token}`, Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch) headers['If-Match'] = ifMatch;
  let res;
  try {
    res = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store',
    });
  } catch {
    throw new Problem(0, null, null);
  }
  const requestId = res.headers.get('X-Request-Id');
  if (!res.ok) {
    const doc = (res.headers.get('Content-Type') || '').startsWith('application/problem+json')
      ? await res.json().catch(() => null) : null;
    throw new Problem(res.status, doc, requestId);
  }
  let data;
  if (blob) data = await res.blob();
  else if (accept === 'application/json') data = await res.json();
  else data = await res.text();
  return { data, etag: res.headers.get('ETag'), response: res };
}

// Every item of a keyset-paginated list (the portal's lists are short: a citizen's cases,
// decisions, appeals and reviews), at most `pages` pages.
export async function allItems(path, pages = 10) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < pages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const { data } = await api(`${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...data.items);
    cursor = data.next_cursor;
    if (!cursor) break;
  }
  return items;
}
