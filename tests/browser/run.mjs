// The citizen's portal and the API docs page in a real browser: headless Debian chromium
// driven by puppeteer-core. A citizen signs in through the development IdP, sees their
// plan, reads a letter, appeals in time and late and sees both listed, writes their own
// assessment and WHO-5, reads the access log and downloads the export; axe-core checks
// every portal page against WCAG 2.1 AA, and /docs must render every operation of the
// contract. Screenshots of each step go to FREMDRIFT_TEST_BROWSER_OUT.
// Prints a criterion-style synthesis line, which scripts/test.sh counts.
//   Environment (scripts/test.sh sets it): FREMDRIFT_TEST_URL, FREMDRIFT_TEST_IDP_ISSUER,
//   FREMDRIFT_TEST_TOKEN_TOOL, FREMDRIFT_SIGNING_KEY, FREMDRIFT_JWT_ISSUERS,
//   FREMDRIFT_TEST_BROWSER_OUT; CHROMIUM (default /usr/bin/chromium).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { call, makeTestData } from './setup.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const base = process.env.FREMDRIFT_TEST_URL;
const issuer = process.env.FREMDRIFT_TEST_IDP_ISSUER;
const out = process.env.FREMDRIFT_TEST_BROWSER_OUT;
// The dev IdP's test citizen (tests/idp/README.md).
const citizen = { login: 'borger-anna', cpr: '1502851116', name: 'Anna Testesen' };
const STEP_MS = 40000;
// Redoc lays out the whole contract in the browser: slow on a loaded machine.
const DOCS_MS = 90000;

const results = [];
let shot = 0;

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// The whole page, or (fullPage false) what the window shows: chromium cannot capture the
// whole of the docs page.
async function screenshot(page, name, fullPage = true) {
  shot += 1;
  const file = join(out, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
}

// No WCAG 2.0/2.1 A or AA violation on the page as it is now.
async function accessible(page, what) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  });
  assert(found.length === 0, `${what}: axe found WCAG 2.1 AA violations:\n  ${found.join('\n  ')}`);
}

// GET path exactly as written (fetch would resolve %2e%2e segments before sending).
function rawStatus(path) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

async function step(name, fn, timeoutMs = STEP_MS) {
  const started = Date.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)),
    ]);
    results.push({ name, ok: true });
    console.log(`[PASS] browser::${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`[FAIL] browser::${name}: ${err.message}`);
  }
}

async function heading(page) {
  return page.$eval('h1', (el) => el.textContent);
}

async function waitForHeading(page, text) {
  await page.waitForFunction((t) => {
    const h1 = document.querySelector('h1');
    return h1 && h1.textContent === t && !document.querySelector('[aria-busy="true"]');
  }, { timeout: 15000 }, text);
}

async function statusText(page, contains) {
  await page.waitForFunction((t) => document.getElementById('status').textContent.includes(t), { timeout: 15000 }, contains);
  return page.$eval('#status', (el) => el.textContent);
}

function danishDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat('da-DK', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

async function main() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const downloads = join(out, 'downloads');
  mkdirSync(downloads);
  const profile = mkdtempSync(join(tmpdir(), 'fremdrift-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--lang=da-DK'],
  });
  const problems = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    // Anything the page's Content-Security-Policy or Trusted Types refused, and any
    // uncaught error, fails the run at the end.
    // A failed request is logged by chromium too; the steps assert the ones they expect
    // (a 404, a 422), and every one is printed here to explain a failing step.
    // On /docs Redoc tries to show Redocly's logo from its CDN: the CSP's img-src refuses
    // it, as it should, and Redoc then leaves the logo out.
    page.on('console', (msg) => {
      const text = msg.text();
      if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of/.test(text)
          && !(text.includes('https://cdn.redoc.ly/redoc/logo-mini.svg') && text.includes("img-src 'self' data:"))) {
        problems.push(`console: ${text}`);
      }
    });
    page.on('response', (res) => {
      if (res.status() >= 400) {
        const url = new URL(res.url());
        const params = [...url.searchParams.keys()].join(',');
        console.log(`  (${res.request().method()} ${url.origin}${url.pathname}${params ? ` with ${params}` : ''}: ${res.status()})`);
      }
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, eventsEnabled: true });

    let data = null;
    await step('test data set up through the API with staff tokens', async () => {
      data = await makeTestData(base, citizen);
    });

    await step('the portal is served with a strict Content-Security-Policy', async () => {
      const res = await page.goto(`${base}/portal/`, { waitUntil: 'networkidle0' });
      const h = res.headers();
      const csp = h['content-security-policy'] || '';
      assert(/script-src 'self';/.test(csp) && /style-src 'self';/.test(csp), `CSP: ${csp}`);
      assert(!/unsafe-inline|unsafe-eval/.test(csp), `CSP allows inline code: ${csp}`);
      assert(csp.includes(`connect-src 'self' ${new URL(issuer).origin};`), `CSP connect-src is not self and the IdP: ${csp}`);
      assert(h['x-frame-options'] === 'DENY' && h['referrer-policy'] === 'no-referrer', 'security headers missing');
      assert(/^"[0-9a-f]{32}"$/.test(h.etag || ''), `ETag: ${h.etag}`);
      const again = await fetch(`${base}/portal/`, { headers: { 'If-None-Match': h.etag } });
      assert(again.status === 304, `If-None-Match answered ${again.status}, not 304`);
      assert(h['content-type'] === 'text/html; charset=utf-8', `Content-Type: ${h['content-type']}`);
      const answer = await fetch(`${base}/portal/?code=c0de&state=s7a7e&iss=${encodeURIComponent(issuer)}`);
      assert(answer.status === 200, `the IdP's answer to /portal/ got ${answer.status}: ${await answer.text()}`);
      for (const path of ['/portal/..%2Fopenapi.yaml', '/portal/%2e%2e/openapi.yaml', '/portal/.%2E/.%2E/etc/passwd',
        '/docs/..%2f..%2fportal%2fmain.js', '/portal/main.js%00.html', '/portal/.git', '/portal/README.md']) {
        const status = await rawStatus(path);
        assert(status === 404, `${path} answered ${status}`);
      }
      const js = await fetch(`${base}/portal/main.js`);
      assert(js.headers.get('content-type') === 'text/javascript; charset=utf-8', `main.js: ${js.headers.get('content-type')}`);
      const docs = await fetch(`${base}/docs`);
      assert(/script-src 'self';/.test(docs.headers.get('content-security-policy') || ''), 'the docs page has no strict script-src');
    });

    await step('the sign-in page meets WCAG 2.1 AA', async () => {
      await waitForHeading(page, 'Log ind');
      await accessible(page, 'sign-in page');
      await screenshot(page, 'log-ind');
    });

    await step('a citizen signs in through the dev IdP', async () => {
      await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#visning button')]);
      await page.waitForSelector('#login-form');
      await screenshot(page, 'idp-login');
      await page.type('#login', citizen.login);
      await page.type('#password', 'any-password');
      await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#login-submit')]);
      await waitForHeading(page, 'Dine sager').catch(async (err) => {
        const alert = await page.$eval('#fejl', (el) => el.innerText).catch(() => '');
        throw new Error(`${err.message}; the page says: ${alert}`);
      });
      assert(!page.url().includes('code='), `the code stayed in the address: ${page.url()}`);
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
      assert(!/eyJ/.test(stored), 'a token was found in localStorage or sessionStorage');
    });

    await step('the citizen sees their cases, plan and next review date', async () => {
      const text = await page.$eval('main', (el) => el.innerText);
      assert(text.includes('Din plan'), 'no plan shown');
      assert(text.includes(danishDate(data.nextReviewDue)), `next review ${danishDate(data.nextReviewDue)} not shown`);
      assert(text.includes(`Mødet er den ${danishDate(data.meetingOn)}`), 'the coming review meeting is not shown');
      assert(text.includes('Afgørelse om din målgruppe') && text.includes('Afgørelse om indsatser'), 'decisions not listed');
      await accessible(page, 'overview');
      await screenshot(page, 'dine-sager');
    });

    await step('the citizen reads a decision letter with its appeal deadline', async () => {
      await page.click(`a[href="#/afgoerelse/${data.inTime.id}"]`);
      await waitForHeading(page, 'Afgørelse om din målgruppe');
      const letter = await page.$eval('article.letter', (el) => el.textContent);
      const api = await call(base, data.cw, 'GET', `/v1/decisions/${data.inTime.id}/letter`, null, { Accept: 'text/plain' });
      assert(letter === api.text, 'the letter shown is not the letter the API gives');
      const text = await page.$eval('main', (el) => el.innerText);
      assert(text.includes(danishDate(data.inTime.appeal_deadline)), 'the appeal deadline is not shown');
      await accessible(page, 'decision page');
      await screenshot(page, 'afgoerelse-og-brev');
    });

    await step('the citizen files an appeal with reasons and sees it listed', async () => {
      await page.type('#begrundelse', 'Jeg er uenig, fordi min læge siger, at jeg ikke kan arbejde nu.');
      await page.click('#klageformular button[type="submit"]');
      const said = await statusText(page, 'Din klage er modtaget');
      assert(!said.includes('efter klagefristen'), `an appeal in time was called late: ${said}`);
      await page.waitForSelector('#klager li');
      const listed = await page.$eval('#klager', (el) => el.innerText);
      assert(listed.includes('min læge siger'), `the appeal is not listed with its reasons: ${listed}`);
      const api = await call(base, data.cw, 'GET', `/v1/appeals?decision_id=${data.inTime.id}`);
      assert(api.json.items.length === 1 && api.json.items[0].channel === 'digital' && !api.json.items[0].late,
        `the API has ${JSON.stringify(api.json.items)}`);
      await accessible(page, 'decision page after the appeal');
      await screenshot(page, 'klage-modtaget');
    });

    await step('a late appeal is received and marked late', async () => {
      await page.goto(`${base}/portal/#/afgoerelse/${data.late.id}`);
      // A reload forgets the token (memory only): the IdP's session signs the citizen in
      // again, and the page comes back to where it was.
      await page.reload();
      await waitForHeading(page, 'Log ind');
      await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#visning button')]);
      await waitForHeading(page, 'Afgørelse om indsatser');
      const notice = await page.$eval('.notice', (el) => el.textContent);
      assert(notice.includes('Du kan stadig klage'), `no late-appeal notice: ${notice}`);
      await page.type('#begrundelse', 'Jeg fik først brevet at se nu.');
      await page.click('#klageformular button[type="submit"]');
      await statusText(page, 'efter klagefristen');
      await page.waitForSelector('#klager li');
      const listed = await page.$eval('#klager', (el) => el.innerText);
      assert(/dage efter klagefristen/.test(listed), `the late appeal is not listed as late: ${listed}`);
      await accessible(page, 'late appeal');
      await screenshot(page, 'klage-efter-fristen');
    });

    await step('errors are shown in Danish', async () => {
      await page.evaluate(() => { window.location.hash = '#/afgoerelse/00000000-0000-4000-8000-000000000000'; });
      await waitForHeading(page, 'Siden kunne ikke vises');
      const alert = await page.$eval('#fejl', (el) => el.innerText);
      assert(alert.includes('Det findes ikke') && alert.includes('hører ikke til dig'), `alert: ${alert}`);
      await accessible(page, 'error');
      await screenshot(page, 'fejl-paa-dansk');
    });

    await step('the citizen writes their own assessment and WHO-5 before the meeting', async () => {
      await page.evaluate((id) => { window.location.hash = `#/moede/${id}`; }, data.reviewId);
      await waitForHeading(page, 'Forbered dit opfølgningsmøde');
      // Blank fields first: the service's 422 is shown in Danish, field by field.
      await page.click('#vurdering button[type="submit"]');
      await page.waitForFunction(() => !document.getElementById('fejl').hidden);
      const alert = await page.$eval('#fejl', (el) => el.innerText);
      assert(alert.includes('Noget i formularen skal rettes') && alert.includes('Dine ønsker: skal udfyldes'),
        `validation alert: ${alert}`);
      assert(await page.$eval('#oensker', (el) => el.getAttribute('aria-invalid')) === 'true', 'field not marked invalid');
      const describedBy = await page.$eval('#oensker', (el) => el.getAttribute('aria-describedby'));
      const message = await page.$eval(`#${describedBy.split(' ')[1]}`, (el) => el.textContent);
      assert(message.startsWith('Dine ønsker'), `the field is not described by its error: ${describedBy}, ${message}`);
      await accessible(page, 'review page with errors');
      await page.type('#oensker', 'Jeg vil gerne have et job i en butik.');
      await page.type('#barrierer', 'Jeg har ondt i ryggen og sover dårligt.');
      await page.click('#vurdering button[type="submit"]');
      await statusText(page, 'Din vurdering er gemt');
      for (const [i, v] of [3, 2, 4, 1, 3].entries()) await page.click(`#who5-${i}-${v}`);
      await page.click('#who5 button[type="submit"]');
      await statusText(page, 'Din WHO-5-score er 52 ud af 100');
      const review = await call(base, data.cw, 'GET', `/v1/reviews/${data.reviewId}`);
      const s = review.json.sections;
      assert(s.own_assessment.written_by === 'citizen' && s.own_assessment.wishes.includes('butik'),
        `own assessment: ${JSON.stringify(s.own_assessment)}`);
      assert(JSON.stringify(s.indicators.who5.items) === '[3,2,4,1,3]' && s.indicators.who5.answered_by === 'citizen',
        `WHO-5: ${JSON.stringify(s.indicators.who5)}`);
      await accessible(page, 'review page');
      await screenshot(page, 'forbered-moedet');
    });

    await step('the citizen sees the access log and downloads the export', async () => {
      await page.click('a[href="#/dine-data"]');
      await waitForHeading(page, 'Dine data');
      const rows = await page.$$eval('tbody tr', (trs) => trs.map((tr) => tr.innerText));
      assert(rows.length > 0, 'the access log is empty');
      assert(rows.some((r) => r.includes('En sagsbehandler')), 'the caseworker\'s uses are not shown');
      await accessible(page, 'your data');
      await page.click('#hent-data');
      await statusText(page, 'Dine data er hentet');
      let file = null;
      for (let i = 0; i < 50 && !file; i++) {
        file = readdirSync(downloads).find((f) => f.endsWith('.json'));
        if (!file) await new Promise((r) => setTimeout(r, 100));
      }
      assert(file, 'no export file was downloaded');
      const exported = JSON.parse(readFileSync(join(downloads, file), 'utf8'));
      const text = JSON.stringify(exported);
      assert(text.includes(citizen.cpr) && text.includes('min læge siger'), 'the export lacks the citizen or the appeal');
      await screenshot(page, 'dine-data');
    });

    await step('/docs renders every operation of the contract', async () => {
      const yaml = await (await fetch(`${base}/openapi.yaml`)).text();
      const ids = [...yaml.matchAll(/^\s+operationId: ([A-Za-z0-9_]+)$/gm)].map((m) => m[1]);
      assert(ids.length > 50, `only ${ids.length} operations found in openapi.yaml`);
      const res = await page.goto(`${base}/docs`, { waitUntil: 'domcontentloaded', timeout: DOCS_MS });
      assert(res.status() === 200, `/docs answered ${res.status()}`);
      // render.js replaces the prerendered markup, then marks the container.
      await page.waitForSelector('#redoc[data-rendered]', { timeout: DOCS_MS });
      const rendered = await page.$$eval('[data-section-id]', (els) => els.map((e) => e.getAttribute('data-section-id')));
      const missing = ids.filter((id) => !rendered.some((r) => r.endsWith(`/operation/${id}`)));
      assert(missing.length === 0, `operations not rendered: ${missing.join(', ')}`);
      await screenshot(page, 'docs', false);
    }, DOCS_MS);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }

  results.push({ name: 'no CSP, Trusted Types or script error in any page', ok: problems.length === 0 });
  console.log(problems.length
    ? `[FAIL] browser::no CSP, Trusted Types or script error in any page:\n  ${problems.join('\n  ')}`
    : '[PASS] browser::no CSP, Trusted Types or script error in any page');
  const passing = results.filter((r) => r.ok).length;
  console.log(`screenshots: ${out}`);
  console.log(`[====] Synthesis: Tested: ${results.length} | Passing: ${passing} | Failing: ${results.length - passing} | Crashing: 0`);
  process.exitCode = passing === results.length ? 0 : 1;
}

main().catch((err) => {
  console.log(`[FAIL] browser: ${err.stack || err.message}`);
  console.log('[====] Synthesis: Tested: 1 | Passing: 0 | Failing: 1 | Crashing: 0');
  process.exitCode = 1;
});
