// Building the page node by node. The portal never turns a string into markup (its
// Content-Security-Policy enforces Trusted Types, so innerHTML would throw): every text
// from the service lands in a text node.

// h('p', {class: 'note'}, 'text', child): an element with attributes and children.
// Attributes whose value is null, undefined or false are left out; true sets them empty.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

const dateFormat = new Intl.DateTimeFormat('da-DK', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const timeFormat = new Intl.DateTimeFormat('da-DK', {
  day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Copenhagen',
});

// "2026-03-02" → "2. marts 2026"; null → the fallback.
export function danishDate(iso, fallback = 'ikke fastsat') {
  if (!iso) return fallback;
  const [y, m, d] = iso.split('-').map(Number);
  return dateFormat.format(new Date(Date.UTC(y, m - 1, d)));
}

// An RFC 3339 timestamp in Danish time.
export function danishTime(iso) {
  return timeFormat.format(new Date(iso));
}

// Today in Denmark as an ISO date, for comparing with deadlines.
export function todayInDenmark() {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(new Date());
}

// A definition list from [term, value] pairs, leaving out pairs without a value.
export function facts(pairs) {
  return h('dl', { class: 'facts' },
    pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([term, value]) => [h('dt', null, term), h('dd', null, value)]));
}
