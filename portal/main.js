// The citizen's portal: signs in, then shows one view at a time by the address's hash
// (#/, #/afgoerelse/<id>, #/moede/<id>, #/dine-data). Every error is shown in Danish in
// one alert region; every success is announced in one status region.
import { completeSignIn, signedIn, signIn, signOut, SignInError } from './auth.js';
import { decisionPage } from './decision.js';
import { h, replaceChildren } from './dom.js';
import { overview } from './overview.js';
import { inDanish, Problem } from './problems.js';
import { reviewPage } from './review.js';
import { yourDataPage } from './yourdata.js';

const SITE = 'Min sag – fremdriftsgaranti';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const routes = [
  [new RegExp('^#?/?$'), 'oversigt', (ctx) => overview(ctx)],
  [new RegExp(`^#/afgoerelse/(${UUID})$`), 'oversigt', (ctx, id) => decisionPage(ctx, id)],
  [new RegExp(`^#/moede/(${UUID})$`), 'oversigt', (ctx, id) => reviewPage(ctx, id)],
  [new RegExp('^#/dine-data$'), 'dine-data', (ctx) => yourDataPage(ctx)],
];

const view = document.getElementById('visning');
const alertBox = document.getElementById('fejl');
const statusBox = document.getElementById('status');
const nav = document.getElementById('menu');
let config = null;
let markedInvalid = [];

function clearError() {
  replaceChildren(alertBox);
  alertBox.hidden = true;
  for (const [el, describedBy] of markedInvalid) {
    el.removeAttribute('aria-invalid');
    if (describedBy === null) el.removeAttribute('aria-describedby');
    else el.setAttribute('aria-describedby', describedBy);
  }
  markedInvalid = [];
}

function showAlert(title, detail, extra) {
  replaceChildren(alertBox, h('h2', { id: 'fejl-titel' }, title), h('p', null, detail), extra);
  alertBox.hidden = false;
  alertBox.focus();
}

// A check of the page's own (before anything is sent), focusing the field in question.
function showMessage(title, detail, field) {
  showAlert(title, detail);
  if (field) markInvalid(field, null);
}

// Marks a form control invalid and, when messageId is given, adds its message to what
// the control's description says.
function markInvalid(el, messageId) {
  const describedBy = el.getAttribute('aria-describedby');
  markedInvalid.push([el, describedBy]);
  el.setAttribute('aria-invalid', 'true');
  if (messageId) el.setAttribute('aria-describedby', describedBy ? `${describedBy} ${messageId}` : messageId);
}

// Shows err in Danish. fields maps a JSON Pointer to its form control, which is marked
// invalid and linked to its message.
function showError(err, fields = {}) {
  if (err instanceof SignInError) {
    showAlert('Log ind mislykkedes', err.message);
    return;
  }
  if (!(err instanceof Problem)) {
    showAlert('Der opstod en fejl i portalen', 'Hent siden igen, og prøv igen.');
    console.error(err);
    return;
  }
  if (err.status === 401) signOut();
  const d = inDanish(err);
  const list = d.fieldErrors.length
    ? h('ul', null, d.fieldErrors.map((e, i) => h('li', { id: `feltfejl-${i}` }, e.message)))
    : null;
  const technical = d.technical || d.requestId
    ? h('p', { class: 'technical' }, d.technical ? ['Teknisk oplysning: ', h('span', { lang: 'en' }, d.technical)] : null,
      d.requestId ? ` Fejl-id: ${d.requestId}` : null)
    : null;
  showAlert(d.title, d.detail, [list, technical, err.status === 401 ? signInButton() : null]);
  d.fieldErrors.forEach((e, i) => {
    const el = fields[e.pointer];
    if (el) markInvalid(el, `feltfejl-${i}`);
  });
}

function announce(message) {
  replaceChildren(statusBox, h('p', null, message));
}

const ctx = { showError, showMessage, clearError, announce };

function signInButton() {
  const button = h('button', { type: 'button' }, 'Log ind');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await signIn(config);
    } catch (err) {
      button.disabled = false;
      showError(err);
    }
  });
  return button;
}

function setHeading(title) {
  document.title = `${title} – ${SITE}`;
  const heading = h('h1', { tabindex: -1 }, title);
  return heading;
}

function renderSignedOut() {
  nav.hidden = true;
  const title = 'Log ind';
  const heading = setHeading(title);
  const body = config && config.issuer
    ? [h('p', null, 'Her kan du se dine sager hos kommunen, din plan og dine afgørelser, klage over en afgørelse, '
        + 'forberede dig til dit opfølgningsmøde og se, hvordan dine oplysninger er brugt.'),
      h('p', null, 'Du logger ind med dit login til offentlige tjenester.'),
      signInButton()]
    : [h('p', null, 'Log ind er ikke sat op på denne server endnu. Kontakt din kommune.')];
  replaceChildren(view, heading, body);
  return heading;
}

async function render() {
  clearError();
  replaceChildren(statusBox);
  if (!signedIn()) {
    renderSignedOut().focus();
    return;
  }
  nav.hidden = false;
  const hash = window.location.hash;
  const match = routes.map(([re, section, load]) => [re.exec(hash), section, load]).find(([m]) => m);
  for (const link of nav.querySelectorAll('a')) {
    link.toggleAttribute('aria-current', false);
    if (match && link.dataset.section === match[1]) link.setAttribute('aria-current', 'page');
  }
  replaceChildren(view, h('p', { class: 'loading' }, 'Henter …'));
  view.setAttribute('aria-busy', 'true');
  try {
    if (!match) {
      const heading = setHeading('Siden findes ikke');
      replaceChildren(view, heading, h('p', null, h('a', { href: '#/' }, 'Gå til dine sager')));
      heading.focus();
      return;
    }
    const page = await match[2](ctx, match[0][1]);
    const heading = setHeading(page.title);
    replaceChildren(view, heading, page.body);
    heading.focus();
  } catch (err) {
    const heading = setHeading('Siden kunne ikke vises');
    replaceChildren(view, heading);
    showError(err);
  } finally {
    view.removeAttribute('aria-busy');
  }
}

async function start() {
  document.getElementById('log-ud').addEventListener('click', () => {
    signOut();
    window.location.hash = '';
    render();
    announce('Du er logget ud af portalen.');
  });
  try {
    const res = await fetch('/portal/config.json', { credentials: 'omit', cache: 'no-store' });
    if (!res.ok) throw new Problem(res.status, null, res.headers.get('X-Request-Id'));
    config = await res.json();
    const returnTo = await completeSignIn(config);
    if (returnTo !== null) window.history.replaceState(null, '', `${window.location.pathname}${returnTo}`);
  } catch (err) {
    renderSignedOut();
    showError(err);
    return;
  }
  window.addEventListener('hashchange', render);
  await render();
}

start();
