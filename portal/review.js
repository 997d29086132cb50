// Before the review meeting: the citizen writes their own assessment (wishes and
// barriers) and answers WHO-5, each saved on its own with the review's ETag.
import { api } from './api.js';
import { danishDate, danishTime, h } from './dom.js';

// WHO-5 in Danish (Psykiatrisk Center Nordsjælland's version): the last two weeks.
const who5Items = [
  'Jeg har været glad og i godt humør',
  'Jeg har følt mig rolig og afslappet',
  'Jeg har følt mig aktiv og energisk',
  'Jeg er vågnet frisk og udhvilet',
  'Min dagligdag har været fyldt med ting, der interesserer mig',
];
const who5Scale = [
  [5, 'Hele tiden'],
  [4, 'Det meste af tiden'],
  [3, 'Lidt mere end halvdelen af tiden'],
  [2, 'Lidt mindre end halvdelen af tiden'],
  [1, 'Lidt af tiden'],
  [0, 'På intet tidspunkt'],
];

function textField(id, name, label, hint, value) {
  return [
    h('label', { for: id }, label),
    h('p', { id: `${id}-hjaelp`, class: 'hint' }, hint),
    h('textarea', { id, name, rows: 6, maxlength: 20000, required: true, 'aria-describedby': `${id}-hjaelp` }, value || ''),
  ];
}

function who5Fieldset(index, answer) {
  const legendId = `who5-${index}-sp`;
  return h('fieldset', { class: 'who5', 'aria-describedby': 'who5-intro' },
    h('legend', { id: legendId }, `${index + 1}. ${who5Items[index]}`),
    h('div', { class: 'choices' }, who5Scale.map(([value, label]) => {
      const id = `who5-${index}-${value}`;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', id, name: `who5-${index}`, value, required: true, checked: answer === value }),
        h('label', { for: id }, label));
    })));
}

export async function reviewPage(ctx, id) {
  const path = `/v1/reviews/${encodeURIComponent(id)}`;
  const first = await api(path);
  const review = first.data;
  let etag = first.etag;
  const open = review.status === 'scheduled';
  const own = review.sections.own_assessment;
  const who5 = review.sections.indicators.who5;
  const when = review.meeting_at ? danishTime(review.meeting_at) : danishDate(review.meeting_on);

  const body = [
    h('p', null, h('a', { href: '#/' }, 'Tilbage til dine sager')),
    h('p', null, `Dit opfølgningsmøde (fremdriftsgaranti) er ${when}. `,
      open ? 'Det, du skriver her, ser din sagsbehandler før mødet. Du kan rette det indtil mødet er afsluttet.'
        : 'Mødet er afsluttet, så det, der blev skrevet, kan ikke længere ændres.'),
  ];
  if (!open) return { title: 'Dit opfølgningsmøde', body };

  const saveButton = (label) => h('button', { type: 'submit' }, label);

  const assessmentButton = saveButton('Gem din vurdering');
  const wishes = textField('oensker', 'wishes', 'Hvad ønsker du dig?',
    'Fx arbejde, uddannelse, helbred eller hverdagen: hvad vil du gerne nå?', own && own.wishes);
  const barriers = textField('barrierer', 'barriers', 'Hvad står i vejen for dig?',
    'Det, du selv oplever gør det svært for dig lige nu.', own && own.barriers);
  const assessmentForm = h('form', { id: 'vurdering', novalidate: true }, wishes, barriers, assessmentButton);
  assessmentForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    ctx.clearError();
    assessmentButton.disabled = true;
    const fields = { '/wishes': wishes[2], '/barriers': barriers[2] };
    try {
      const saved = await api(`${path}/own-assessment`, {
        method: 'PUT', ifMatch: etag, body: { wishes: wishes[2].value, barriers: barriers[2].value },
      });
      etag = saved.etag;
      ctx.announce('Din vurdering er gemt.');
    } catch (err) {
      ctx.showError(err, fields);
    } finally {
      assessmentButton.disabled = false;
    }
  });

  const who5Button = saveButton('Gem dine svar');
  const who5Form = h('form', { id: 'who5', novalidate: true },
    h('p', { id: 'who5-intro' }, 'Hvordan har du haft det de seneste to uger? Vælg for hvert udsagn det svar, der passer bedst.'),
    who5Items.map((_, i) => who5Fieldset(i, who5 ? who5.items[i] : null)),
    who5Button);
  who5Form.addEventListener('submit', async (event) => {
    event.preventDefault();
    ctx.clearError();
    const items = who5Items.map((_, i) => {
      const chosen = who5Form.querySelector(`input[name="who5-${i}"]:checked`);
      return chosen ? Number(chosen.value) : null;
    });
    const missing = items.findIndex((v) => v === null);
    if (missing >= 0) {
      ctx.showMessage('Svar på alle fem spørgsmål', `Du mangler at svare på spørgsmål ${missing + 1}.`,
        who5Form.querySelector(`input[name="who5-${missing}"]`));
      return;
    }
    who5Button.disabled = true;
    try {
      const saved = await api(`${path}/who5`, { method: 'PUT', ifMatch: etag, body: { items } });
      etag = saved.etag;
      ctx.announce(`Dine svar er gemt. Din WHO-5-score er ${saved.data.sections.indicators.who5.score} ud af 100.`);
    } catch (err) {
      ctx.showError(err, {});
    } finally {
      who5Button.disabled = false;
    }
  });

  body.push(h('h2', null, 'Din egen vurdering'), assessmentForm, h('h2', null, 'Sådan har du haft det (WHO-5)'), who5Form);
  return { title: 'Forbered dit opfølgningsmøde', body };
}
