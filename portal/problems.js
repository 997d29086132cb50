// The service answers errors as RFC 9457 problems whose `title` and `detail` are in
// English, for developers. Citizens read them here in Danish: chosen by the stable
// `type` (and `state`, and each field error's pointer), with the service's own detail
// kept as a technical note.

const titles = {
  'bad-request': ['Forespørgslen kunne ikke bruges',
    'Portalen sendte noget, tjenesten ikke kunne bruge. Hent siden igen, og kontakt kommunen, hvis det sker igen.'],
  'malformed-json': ['Forespørgslen kunne ikke bruges',
    'Portalen sendte noget, tjenesten ikke kunne læse. Hent siden igen, og prøv igen.'],
  unauthorized: ['Du er ikke logget ind', 'Dit login er udløbet eller ikke gyldigt. Log ind igen.'],
  forbidden: ['Det har du ikke adgang til', 'Dit login giver ikke adgang til at gøre dette.'],
  'not-found': ['Det findes ikke',
    'Vi kunne ikke finde det, du bad om. Det findes ikke, eller det hører ikke til dig.'],
  'method-not-allowed': ['Det kan ikke lade sig gøre', 'Tjenesten tillader ikke denne handling her.'],
  'not-acceptable': ['Det kan ikke vises', 'Tjenesten kan ikke levere det i den form, portalen bad om.'],
  conflict: ['Noget andet skete samtidig', 'Andre ændrede det samme imens. Hent siden igen, og prøv igen.'],
  'invalid-state': ['Det kan ikke lade sig gøre lige nu', 'Sagen er ikke i en tilstand, hvor det er muligt.'],
  gone: ['Det findes ikke længere', 'Det, du bad om, er ikke længere gemt.'],
  'precondition-failed': ['Oplysningerne er blevet ændret',
    'Nogen har ændret oplysningerne, siden du hentede dem. Hent siden igen, og prøv igen.'],
  'payload-too-large': ['Teksten er for lang', 'Gør teksten kortere, og prøv igen.'],
  'unsupported-media-type': ['Forespørgslen kunne ikke bruges', 'Portalen sendte noget i en form, tjenesten ikke tager imod.'],
  validation: ['Noget i formularen skal rettes', 'Ret felterne herunder, og prøv igen.'],
  'precondition-required': ['Oplysningerne skal hentes igen', 'Hent siden igen, og prøv igen.'],
  'too-many-requests': ['For mange forespørgsler på kort tid', 'Vent lidt, og prøv igen.'],
  internal: ['Der opstod en fejl hos os', 'Prøv igen senere. Oplys fejl-id’et herunder, hvis du kontakter kommunen.'],
  unavailable: ['Tjenesten er midlertidigt utilgængelig', 'Prøv igen om lidt.'],
};

// What an invalid-state problem's `state` means for a citizen.
const states = {
  completed: 'Mødet er afholdt, og det, der blev skrevet til det, kan ikke længere ændres.',
  draft: 'Afgørelsen er ikke sendt endnu, så den kan ikke ses eller påklages.',
  superseded: 'Afgørelsen er afløst af en nyere afgørelse. Klag over den nyere afgørelse.',
  force_lost: 'Afgørelsen gælder ikke længere, fordi Ankestyrelsen har ændret eller hjemvist den.',
  in_progress: 'Din forespørgsel bliver allerede behandlet. Vent lidt, og hent siden igen.',
};

// The fields the portal sends, by JSON Pointer.
const fields = {
  '/grounds': 'Din begrundelse',
  '/wishes': 'Dine ønsker',
  '/barriers': 'Det, der står i vejen',
  '/decision_id': 'Afgørelsen',
  '/items': 'WHO-5-spørgsmålene',
};

function fieldLabel(pointer) {
  const item = /^\/items\/([0-9]+)$/.exec(pointer);
  if (item) return `WHO-5, spørgsmål ${Number(item[1]) + 1}`;
  return fields[pointer] || 'Et felt';
}

// The service's field messages are stable English phrases (service/law/validate.c); the
// common ones a citizen can meet are said in Danish, the rest generically.
function fieldMessage(english) {
  if (/^must be non-empty text/.test(english)) return 'skal udfyldes (og må ikke kun være mellemrum).';
  const max = /^must be at most ([0-9]+) characters/.exec(english);
  if (max) return `må højst være ${Number(max[1]).toLocaleString('da-DK')} tegn.`;
  const range = /^must be an integer from (-?[0-9]+) to (-?[0-9]+)/.exec(english);
  if (range) return `vælg et svar fra ${range[1]} til ${range[2]}.`;
  if (/required|must not be null/.test(english)) return 'skal udfyldes.';
  return 'er ikke udfyldt rigtigt.';
}

export class Problem extends Error {
  // status: HTTP status (0: no answer); doc: the problem document or null; requestId.
  constructor(status, doc, requestId) {
    super(doc && doc.detail ? doc.detail : `HTTP ${status}`);
    this.status = status;
    this.doc = doc || {};
    this.requestId = requestId || null;
  }

  get slug() {
    const type = this.doc.type || '';
    return type.startsWith('https://fremdrift.dk/problems/') ? type.slice('https://fremdrift.dk/problems/'.length) : '';
  }
}

// { title, detail, fieldErrors: [{pointer, label, message}], technical, requestId }
export function inDanish(problem) {
  if (problem.status === 0) {
    return {
      title: 'Ingen forbindelse til tjenesten',
      detail: 'Portalen kunne ikke nå tjenesten. Tjek din internetforbindelse, og prøv igen.',
      fieldErrors: [], technical: null, requestId: null,
    };
  }
  const [title, generic] = titles[problem.slug] || ['Der opstod en fejl', 'Prøv igen senere.'];
  let detail = generic;
  if (problem.slug === 'invalid-state' && states[problem.doc.state]) detail = states[problem.doc.state];
  const fieldErrors = Array.isArray(problem.doc.errors)
    ? problem.doc.errors.map((e) => ({
      pointer: e.pointer,
      label: fieldLabel(e.pointer),
      message: `${fieldLabel(e.pointer)}: ${fieldMessage(e.message || '')}`,
    }))
    : [];
  return { title, detail, fieldErrors, technical: problem.doc.detail || null, requestId: problem.requestId };
}
