// One decision: what was decided, the letter, the appeal deadline, the citizen's appeals
// against it, and a form to appeal — before the deadline and after it, since a late
// appeal is received too (the municipality decides whether it can still be heard).
import { allItems, api } from './api.js';
import { danishDate, facts, h, replaceChildren, todayInDenmark } from './dom.js';

const appealStatus = {
  received: 'Modtaget. Kommunen genvurderer afgørelsen',
  changed_by_municipality: 'Kommunen har givet dig medhold og ændret afgørelsen',
  forwarded: 'Sendt videre til Ankestyrelsen',
  ruled: 'Ankestyrelsen har truffet afgørelse',
};

function appealItem(a) {
  return h('li', null,
    h('p', null, h('strong', null, `Klage modtaget den ${danishDate(a.received_on)}`),
      `: ${appealStatus[a.status] || a.status}.`),
    a.late ? h('p', null, `Klagen kom ${a.days_late} ${a.days_late === 1 ? 'dag' : 'dage'} efter klagefristen. Den er modtaget.`) : null,
    a.status === 'received' ? h('p', null, `Kommunen skal genvurdere afgørelsen senest den ${danishDate(a.reconsideration_deadline)}.`) : null,
    a.grounds ? facts([['Din begrundelse', a.grounds]]) : null);
}

function appealList(appeals) {
  return appeals.length
    ? h('ul', { class: 'plain', id: 'klager' }, appeals.map(appealItem))
    : h('p', { id: 'klager' }, 'Du har ikke klaget over denne afgørelse.');
}

function appealForm(ctx, d, onFiled) {
  const late = todayInDenmark() > d.appeal_deadline;
  const guidance = d.appeal_guidance;
  const grounds = h('textarea', { id: 'begrundelse', name: 'grounds', rows: 8, maxlength: 20000, 'aria-describedby': 'begrundelse-hjaelp' });
  const button = h('button', { type: 'submit' }, 'Send klage');
  const form = h('form', { id: 'klageformular', novalidate: true },
    h('label', { for: 'begrundelse' }, 'Din begrundelse (valgfri)'),
    h('p', { id: 'begrundelse-hjaelp', class: 'hint' },
      'Skriv med dine egne ord, hvorfor du er uenig i afgørelsen. Du kan også klage uden at skrive en begrundelse.'),
    grounds,
    button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    ctx.clearError();
    const body = { decision_id: d.id };
    if (grounds.value.trim() !== '') body.grounds = grounds.value;
    try {
      const { data } = await api('/v1/appeals', { method: 'POST', body });
      grounds.value = '';
      await onFiled();
      ctx.announce(data.late
        ? `Din klage er modtaget den ${danishDate(data.received_on)}. Den kom efter klagefristen, men den er modtaget.`
        : `Din klage er modtaget den ${danishDate(data.received_on)}.`);
    } catch (err) {
      ctx.showError(err, { '/grounds': grounds });
    } finally {
      button.disabled = false;
    }
  });
  return [
    h('h2', null, 'Klag over afgørelsen'),
    late
      ? h('p', { class: 'notice' }, `Klagefristen var den ${danishDate(d.appeal_deadline)}. Du kan stadig klage: `
        + 'en klage, der kommer efter fristen, bliver modtaget, og kommunen vurderer, om den kan behandles.')
      : h('p', null, `Du kan klage til og med den ${danishDate(d.appeal_deadline)}.`),
    guidance ? facts([['Hvor', guidance.where], ['Hvordan', guidance.how], ['Hvis fristen er overskredet', guidance.late]]) : null,
    form,
  ];
}

export async function decisionPage(ctx, id) {
  const path = `/v1/decisions/${encodeURIComponent(id)}`;
  const [{ data: d }, { data: letter }] = await Promise.all([api(path), api(`${path}/letter`, { accept: 'text/plain' })]);
  const appealsHolder = h('div', null, appealList(await allItems(`/v1/appeals?decision_id=${encodeURIComponent(id)}`)));
  const refreshAppeals = async () => {
    replaceChildren(appealsHolder, appealList(await allItems(`/v1/appeals?decision_id=${encodeURIComponent(id)}`)));
  };
  const moved = d.appeal_guidance && d.appeal_guidance.deadline_moved_from;
  return {
    title: d.subject || d.kind.label,
    body: [
      h('p', null, h('a', { href: '#/' }, 'Tilbage til dine sager')),
      facts([
        ['Slags afgørelse', d.kind.label],
        ['Resultat', d.outcome ? d.outcome.label : null],
        ['Meddelt', danishDate(d.notified_on)],
        ['Klagefrist', `${danishDate(d.appeal_deadline)}${moved ? ` (flyttet fra ${danishDate(moved)}, som ikke var en arbejdsdag)` : ''}`],
        ['Gælder', d.in_force ? 'Ja' : 'Nej, den er afløst eller ændret'],
      ]),
      h('h2', { id: 'brev-overskrift' }, 'Brevet'),
      h('article', { class: 'letter', 'aria-labelledby': 'brev-overskrift' }, letter),
      h('h2', null, 'Dine klager'),
      appealsHolder,
      d.status === 'issued' && d.in_force ? appealForm(ctx, d, refreshAppeals) : null,
    ],
  };
}
