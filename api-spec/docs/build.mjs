// Builds the API reference page served at /docs from the bundled openapi.yaml, so the
// page can never drift from the contract the binary serves: Redocly's build-docs
// prerenders it (what a reader without script sees), then the page is made to work under
// a Content-Security-Policy without inline script and without the network: Redoc's bundle
// is copied from the pinned `redoc` package instead of its CDN, and the inline script
// moves to a file of its own (render.js). That script renders the page afresh from the
// spec embedded in it rather than hydrating the prerendered markup, which the standalone
// bundle's React rejects as a mismatch (React errors 418 and 423).
//   node docs/build.mjs OPENAPI OUT_DIR      (run from api-spec/, by scripts/docs.sh)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const spec = resolve(here, '..');
const [openapi, outArg] = process.argv.slice(2);
if (!openapi || !outArg) {
  console.error('usage: node docs/build.mjs OPENAPI OUT_DIR');
  process.exit(2);
}
const out = resolve(outArg);
mkdirSync(out, { recursive: true });
const raw = join(out, 'redocly.html');

execFileSync(join(spec, 'node_modules/.bin/redocly'),
  ['build-docs', resolve(openapi), '--output', raw, '--template', join(here, 'template.hbs'),
    '--config', join(spec, 'redocly.yaml'), '--disableGoogleFont'],
  { cwd: spec, stdio: ['ignore', 'ignore', 'inherit'] });

let html = readFileSync(raw, 'utf8');

// Exactly one CDN script and one inline script are expected; anything else means the
// pinned Redocly changed its output and this step must be looked at again.
const cdn = /<script src="https:\/\/cdn\.redocly\.com\/redoc\/v[0-9.]+\/bundles\/redoc\.standalone\.js"><\/script>/g;
const inline = /<script>([\s\S]*?)<\/script>/g;
const cdnHits = html.match(cdn) || [];
const inlineHits = [...html.matchAll(inline)];
if (cdnHits.length !== 1 || inlineHits.length !== 1) {
  console.error(`docs/build.mjs: expected 1 CDN and 1 inline script, found ${cdnHits.length} and ${inlineHits.length}`);
  process.exit(1);
}
const hydrate = 'Redoc.hydrate(__redoc_state, container)';
if (!inlineHits[0][1].includes(hydrate)) {
  console.error('docs/build.mjs: the inline script no longer hydrates as expected');
  process.exit(1);
}
// Once Redoc has rendered, the container says so (data-rendered), for whoever waits on it.
writeFileSync(join(out, 'render.js'), inlineHits[0][1].replace(hydrate,
  "Redoc.init(__redoc_state.spec.data, __redoc_state.options, container, () => container.setAttribute('data-rendered', ''))"));
html = html.replace(cdn, '<script src="/docs/redoc.standalone.js"></script>')
  .replace(inline, '<script src="/docs/render.js"></script>');
if (/https?:\/\/(cdn|fonts)\./.test(html)) {
  console.error('docs/build.mjs: the page still loads something from the network');
  process.exit(1);
}
writeFileSync(join(out, 'index.html'), html);
rmSync(raw);
copyFileSync(join(spec, 'node_modules/redoc/bundles/redoc.standalone.js'), join(out, 'redoc.standalone.js'));
copyFileSync(join(here, 'docs.css'), join(out, 'docs.css'));
