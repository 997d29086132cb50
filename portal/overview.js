// The front page: the citizen's cases, each with its plan, the next review, the review
// meeting that waits for the citizen's own assessment, and the decisions.
import { allItems, api } from './api.js';
import { danishDate, facts, h } from './dom.js';

function reviewInvitation(review) {
  const own = review.sections.own_assessment;
  const who5 = review.sections.indicators.who5;
  return h('li', null,
    h('p', null, `Mødet er den ${danishDate(review.meeting_on)}. `,
      own ? `Du skrev din egen vurdering den ${danishDate(own.written_at.slice(0, 10))}. `
        : 'Du har ikke skrevet din egen vurdering endnu. ',
      who5 ? 'Du har svaret på WHO-5.' : 'Du har ikke svaret på WHO-5 endnu.'),
    h('p', null, h('a', { href: `#/moede/${review.id}` }, 'Forbered dig til mødet: skriv din vurdering og svar på WHO-5')));
}

function interventionItem(i) {
  const when = i.started_on ? `startet ${danishDate(i.started_on)}`
    : `ønsket ${danishDate(i.requested_on)}${i.planned_start ? `, planlagt start ${danishDate(i.planned_start)}` : ''}`;
  return h('li', null, `${i.type.label} (${when})`);
}

function planSection(plan) {
  if (!plan) return h('p', null, 'Der er ingen plan for en lukket sag.');
  const last = plan.last_review;
  const parts = [];
  if (last) {
    parts.push(h('p', null, `Din sidste opfølgning blev afsluttet den ${danishDate(last.completed_on)}.`));
    parts.push(facts([
      ['Dine ønsker', last.own_assessment.wishes],
      ['Det, der står i vejen', last.own_assessment.barriers],
      ['Sagsbehandlerens anbefaling', last.recommendation],
    ]));
  } else {
    parts.push(h('p', null, 'Din første opfølgning (fremdriftsgaranti) er ikke holdt endnu.'));
  }
  const running = plan.interventions.running;
  const planned = plan.interventions.planned;
  parts.push(h('h4', null, 'Indsatser'));
  parts.push(running.length || planned.length
    ? h('ul', null, running.map(interventionItem), planned.map(interventionItem))
    : h('p', null, 'Du har ingen igangværende eller planlagte indsatser.'));
  if (plan.next_follow_ups.length) {
    parts.push(h('h4', null, 'Aftalte opfølgninger'));
    parts.push(h('ul', null, plan.next_follow_ups.map((f) => h('li', null, `${danishDate(f.on)}: ${f.purpose}`))));
  }
  if (plan.flags.length) {
    parts.push(h('h4', null, 'Det holder kommunen øje med'));
    parts.push(h('ul', null, plan.flags.map((f) => h('li', null, `${f.why} (siden ${danishDate(f.since)})`))));
  }
  return parts;
}

function decisionItem(d) {
  const state = d.status === 'superseded' ? 'afløst af en nyere afgørelse' : d.in_force ? 'gælder' : 'gælder ikke længere';
  return h('li', null,
    h('a', { href: `#/afgoerelse/${d.id}` }, d.subject || d.kind.label),
    h('span', { class: 'meta' },
      ` — ${d.kind.label}, meddelt ${danishDate(d.notified_on)}, klagefrist ${danishDate(d.appeal_deadline)} (${state})`));
}

async function caseSection(c, plan) {
  const [decisions, reviews] = await Promise.all([
    allItems(`/v1/decisions?case_id=${encodeURIComponent(c.id)}`),
    c.status === 'open' ? allItems(`/v1/cases/${encodeURIComponent(c.id)}/reviews`) : Promise.resolve([]),
  ]);
  const issued = decisions.filter((d) => d.status !== 'draft');
  const waiting = reviews.filter((r) => r.status === 'scheduled');
  const headingId = `sag-${c.id}`;
  return h('section', { class: 'case', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, `${c.target_group.label}, kommune ${c.municipality}`),
    facts([
      ['Status', c.status === 'open' ? 'Åben' : `Lukket ${danishDate(c.closed_at && c.closed_at.slice(0, 10))}`],
      ['Ydelse', `${c.benefit.label} (siden ${danishDate(c.benefit_start)})`],
      ['Næste opfølgning senest', c.status === 'open' ? danishDate(c.next_review_due) : null],
    ]),
    waiting.length ? [h('h3', null, 'Dit kommende opfølgningsmøde'), h('ul', { class: 'plain' }, waiting.map(reviewInvitation))] : null,
    h('h3', null, 'Din plan'),
    planSection(plan),
    h('h3', null, 'Dine afgørelser'),
    issued.length ? h('ul', null, issued.map(decisionItem)) : h('p', null, 'Du har ingen afgørelser i denne sag endnu.'));
}

export async function overview() {
  const [cases, plans] = await Promise.all([allItems('/v1/me/cases'), api('/v1/me/plan')]);
  const plansByCase = new Map(plans.data.plans.map((p) => [p.case_id, p]));
  const sections = await Promise.all(cases.map((c) => caseSection(c, plansByCase.get(c.id))));
  return {
    title: 'Dine sager',
    body: sections.length ? sections : h('p', null, 'Du har ingen sager hos en kommune.'),
  };
}
