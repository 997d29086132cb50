// When and why the citizen's data was used (never by whom), and all of it as one file.
import { api } from './api.js';
import { danishTime, h } from './dom.js';

const actions = { read: 'Læst', search: 'Søgt frem', create: 'Oprettet', update: 'Ændret', export: 'Udleveret' };
const roles = {
  citizen: 'Dig selv',
  caseworker: 'En sagsbehandler',
  team_lead: 'En teamleder',
  integration: 'Kommunens fagsystem',
  appeals_board: 'Ankestyrelsen',
  auditor: 'Kontrol af behandlingen',
};

function row(entry) {
  return h('tr', null,
    h('td', null, danishTime(entry.at)),
    h('td', null, actions[entry.action] || entry.action),
    h('td', null, entry.purpose),
    h('td', null, roles[entry.by_role] || entry.by_role));
}

function filename(response) {
  const cd = response.headers.get('Content-Disposition') || '';
  const m = /filename="?([A-Za-z0-9._-]+)"?/.exec(cd);
  return m ? m[1] : 'mine-data.json';
}

export async function yourDataPage(ctx) {
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary' }, 'Vis ældre');
  let cursor = null;
  const load = async () => {
    const { data } = await api(`/v1/me/access-log?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    tbody.append(...data.items.map(row));
    cursor = data.next_cursor;
    more.hidden = !cursor;
    return data.items.length;
  };
  more.addEventListener('click', async () => {
    ctx.clearError();
    more.disabled = true;
    try {
      const n = await load();
      ctx.announce(`${n} ældre ${n === 1 ? 'række' : 'rækker'} er vist.`);
    } catch (err) {
      ctx.showError(err, {});
    } finally {
      more.disabled = false;
    }
  });
  await load();

  const exportButton = h('button', { type: 'button', id: 'hent-data' }, 'Hent dine data');
  exportButton.addEventListener('click', async () => {
    ctx.clearError();
    exportButton.disabled = true;
    try {
      const { data, response } = await api('/v1/me/export', { blob: true });
      const url = URL.createObjectURL(data);
      const link = h('a', { href: url, download: filename(response), hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      ctx.announce(`Dine data er hentet som filen ${filename(response)}.`);
    } catch (err) {
      ctx.showError(err, {});
    } finally {
      exportButton.disabled = false;
    }
  });

  return {
    title: 'Dine data',
    body: [
      h('h2', null, 'Hvornår og hvorfor dine oplysninger er brugt'),
      h('p', null, 'Her kan du se, hver gang dine oplysninger er læst, søgt frem, ændret eller udleveret, og til hvad. '
        + 'Du kan se, hvilken slags medarbejder eller system det var, men ikke hvem.'),
      h('table', null,
        h('caption', null, 'Brug af dine oplysninger, nyeste først'),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Tidspunkt'), h('th', { scope: 'col' }, 'Hvad'),
          h('th', { scope: 'col' }, 'Formål'), h('th', { scope: 'col' }, 'Hvem'))),
        tbody),
      more,
      h('h2', null, 'Hent alle dine oplysninger'),
      h('p', null, 'Du har ret til at få alle de oplysninger, kommunerne har om dig i denne tjeneste '
        + '(databeskyttelsesforordningens artikel 15). Du får dem som én fil i formatet JSON.'),
      exportButton,
    ],
  };
}
