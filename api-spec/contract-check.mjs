// Contract check of real traffic: every response recorded by the integration tests'
// HTTP client (tests/support/http_client.h) is checked against the bundled openapi.yaml.
//
//   node api-spec/contract-check.mjs openapi.yaml RECORDING.jsonl
//
// For each recorded line it finds the operation (path templates, most specific first, and
// the method; HEAD on a path with GET but no HEAD operation is checked as that GET when
// x-unmatched-requests says `head: get-without-body`; a request no operation matches is
// checked against the answers that x-unmatched-requests names), the response by status
// (or `default`), checks that the content type is documented and validates the body with
// ajv (JSON Schema 2020-12, with formats); a HEAD response must have no body. Every object
// schema of the contract must be closed (additionalProperties: false), so an undocumented
// field is a violation. Prints every violation and a summary; exits 0 when clean, 1 on
// any violation, 2 when it cannot check at all.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const SCHEMA_URN = 'urn:fremdrift:schema:';
const OPENAPI_VOCABULARY = ['example', 'discriminator', 'xml', 'externalDocs'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const MAX_AJV_ERRORS = 8;

function fatal(message) {
    console.error(`contract: ${message}`);
    process.exit(2);
}

function loadSpec(file) {
    let text;
    try {
        text = readFileSync(file, 'utf8');
    } catch (e) {
        fatal(`cannot read the contract ${file}: ${e.message}`);
    }
    const doc = YAML.parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length)
        fatal(`${file} is not valid YAML: ${doc.errors[0].message}`);
    const spec = doc.toJS({ maxAliasCount: -1 });
    if (!spec || typeof spec !== 'object' || !String(spec.openapi || '').startsWith('3.1'))
        fatal(`${file} is not an OpenAPI 3.1 document`);
    return spec;
}

function pointerGet(doc, pointer) {
    if (!pointer.startsWith('#/'))
        return undefined;
    let node = doc;
    for (const raw of pointer.slice(2).split('/')) {
        const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
        if (node === null || typeof node !== 'object' || !(key in node))
            return undefined;
        node = node[key];
    }
    return node;
}

// Follows local $refs (responses, parameters, path items) to the object they name.
function deref(doc, node, seen = new Set()) {
    while (node && typeof node === 'object' && typeof node.$ref === 'string') {
        if (seen.has(node.$ref))
            fatal(`circular $ref ${node.$ref}`);
        seen.add(node.$ref);
        const target = pointerGet(doc, node.$ref);
        if (target === undefined)
            fatal(`unresolvable $ref ${node.$ref}`);
        node = target;
    }
    return node;
}

// A copy of a schema that ajv can compile on its own: component refs become URNs of the
// schemas registered with ajv, and x- extensions (annotations to us) are left out.
function portable(schema) {
    if (Array.isArray(schema))
        return schema.map(portable);
    if (schema === null || typeof schema !== 'object')
        return schema;
    const out = {};
    for (const [key, value] of Object.entries(schema)) {
        if (key.startsWith('x-'))
            continue;
        if (key === '$ref' && typeof value === 'string') {
            const m = /^#\/components\/schemas\/([^/]+)$/.exec(value);
            if (!m)
                fatal(`a schema refers to ${value}; only #/components/schemas/* is supported`);
            out.$ref = SCHEMA_URN + m[1];
        } else {
            out[key] = portable(value);
        }
    }
    return out;
}

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_ONE = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains',
    'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];

function isObjectSchema(s) {
    return s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) ||
        s.properties !== undefined || s.patternProperties !== undefined ||
        s.required !== undefined || s.minProperties !== undefined;
}

// Collects the places where an object schema is open to undocumented fields.
function openObjects(schema, where, found) {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
        return;
    if (isObjectSchema(schema) && schema.additionalProperties !== false)
        found.push(where);
    for (const key of SUBSCHEMA_MAPS)
        for (const [name, sub] of Object.entries(schema[key] || {}))
            openObjects(sub, `${where}/${key}/${name}`, found);
    for (const key of SUBSCHEMA_LISTS)
        (schema[key] || []).forEach((sub, i) => openObjects(sub, `${where}/${key}/${i}`, found));
    for (const key of SUBSCHEMA_ONE)
        if (schema[key] !== undefined)
            openObjects(schema[key], `${where}/${key}`, found);
}

function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function mediaEssence(contentType) {
    return String(contentType).split(';')[0].trim().toLowerCase();
}

function isJsonMedia(essence) {
    return essence === 'application/json' || essence.endsWith('+json');
}

class Contract {
    constructor(spec) {
        this.spec = spec;
        this.ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, validateFormats: true });
        addFormats(this.ajv);
        this.ajv.addVocabulary(OPENAPI_VOCABULARY);
        this.validators = new Map();
        this.unmatched = spec['x-unmatched-requests'] || {};
        if (this.unmatched.head !== undefined && this.unmatched.head !== 'get-without-body')
            fatal(`x-unmatched-requests.head is ${JSON.stringify(this.unmatched.head)}; the only value known is get-without-body`);
        const segment = this.unmatched['path-parameter-segment'];
        this.segment = segment ? segment.replace(/^\^/, '').replace(/\$$/, '') : '[^/]+';
        this.checkClosed();
        for (const [name, schema] of Object.entries(spec.components?.schemas || {})) {
            try {
                this.ajv.addSchema(portable(schema), SCHEMA_URN + name);
            } catch (e) {
                fatal(`#/components/schemas/${name}: ${e.message}`);
            }
        }
        // Compile them all now, so a schema ajv refuses is reported even if unused.
        for (const name of Object.keys(spec.components?.schemas || {})) {
            try {
                this.ajv.getSchema(SCHEMA_URN + name);
            } catch (e) {
                fatal(`#/components/schemas/${name}: ${e.message}`);
            }
        }
        this.templates = Object.entries(spec.paths || {}).map(([template, item]) => {
            const parts = template.split('/').map((seg) =>
                /^\{[^}]+\}$/.test(seg) ? `(?:${this.segment})` : escapeRegExp(seg));
            return {
                template,
                item: deref(spec, item),
                params: (template.match(/\{/g) || []).length,
                regex: new RegExp(`^${parts.join('/')}$`),
            };
        }).sort((a, b) => a.params - b.params);
    }

    // Every schema of ours must be closed, or an undocumented field would pass unseen.
    checkClosed() {
        const found = [];
        for (const [name, schema] of Object.entries(this.spec.components?.schemas || {}))
            openObjects(schema, `#/components/schemas/${name}`, found);
        for (const [template, rawItem] of Object.entries(this.spec.paths || {})) {
            const item = deref(this.spec, rawItem);
            for (const method of HTTP_METHODS) {
                const op = item[method];
                if (!op)
                    continue;
                const base = `#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`;
                for (const [status, rawResp] of Object.entries(op.responses || {}))
                    for (const [mt, media] of Object.entries(deref(this.spec, rawResp).content || {}))
                        openObjects(media.schema, `${base}/responses/${status}/content/${mt}/schema`, found);
                for (const [mt, media] of Object.entries(deref(this.spec, op.requestBody || {}).content || {}))
                    openObjects(media.schema, `${base}/requestBody/content/${mt}/schema`, found);
            }
        }
        if (found.length) {
            for (const where of found)
                console.error(`contract: ${where}: object schema without additionalProperties: false`);
            fatal(`${found.length} open object schema(s): every object schema must say additionalProperties: false`);
        }
    }

    // The operation for a request, or the answer x-unmatched-requests documents for it.
    resolve(method, path) {
        const matching = this.templates.filter((t) => t.regex.test(path));
        const lower = method.toLowerCase();
        for (const t of matching) {
            if (HTTP_METHODS.includes(lower) && t.item[lower])
                return { label: `${method} ${t.template}`, responses: t.item[lower].responses || {}, key: `${lower} ${t.template}` };
        }
        // HEAD is GET without the body: its status (and so its headers) must be one the GET
        // operation documents. It does not count as exercising the GET operation's bodies.
        if (lower === 'head' && this.unmatched.head === 'get-without-body') {
            const t = matching.find((m) => m.item.get);
            if (t)
                return { label: `HEAD ${t.template} (as GET)`, responses: t.item.get.responses || {}, key: `head ${t.template}` };
        }
        if (matching.length === 0)
            return this.unmatchedAnswer('unknown-path', `${method} ${path} (no path template)`, 404);
        if (lower === 'options')
            return this.unmatchedAnswer('options', `OPTIONS ${matching[0].template}`, 204);
        return this.unmatchedAnswer('unknown-method', `${method} ${matching[0].template} (method not documented)`, 405);
    }

    unmatchedAnswer(kind, label, status) {
        const pointer = this.unmatched[kind];
        if (typeof pointer !== 'string')
            return { label, responses: {}, key: `unmatched ${kind}`, missing: `x-unmatched-requests.${kind} is not documented` };
        const response = pointerGet(this.spec, pointer);
        if (response === undefined)
            fatal(`x-unmatched-requests.${kind} names ${pointer}, which does not exist`);
        return { label, responses: { [String(status)]: { $ref: pointer } }, key: `unmatched ${kind}`, pointer };
    }

    validator(cacheKey, schema, where) {
        if (!this.validators.has(cacheKey)) {
            try {
                this.validators.set(cacheKey, this.ajv.compile(portable(schema)));
            } catch (e) {
                fatal(`${where}: ${e.message}`);
            }
        }
        return this.validators.get(cacheKey);
    }
}

function formatAjvErrors(errors) {
    const lines = errors.slice(0, MAX_AJV_ERRORS).map((e) => {
        let extra = '';
        if (e.keyword === 'additionalProperties')
            extra = `: '${e.params.additionalProperty}'`;
        else if (e.keyword === 'enum' || e.keyword === 'const')
            extra = `: ${JSON.stringify(e.params.allowedValues ?? e.params.allowedValue)}`;
        return `${e.instancePath || '(body)'} ${e.message}${extra} [${e.schemaPath}]`;
    });
    if (errors.length > MAX_AJV_ERRORS)
        lines.push(`… and ${errors.length - MAX_AJV_ERRORS} more`);
    return lines.join('; ');
}

const RECORD_FIELDS = {
    method: 'string', path: 'string', status: 'number',
};

function checkLine(contract, record, report, exercised) {
    for (const [field, type] of Object.entries(RECORD_FIELDS)) {
        if (typeof record[field] !== type)
            return report('-', `recorder line lacks ${field} (a ${type}): the recording is broken`);
    }
    for (const field of ['query', 'content_type', 'body_text'])
        if (!(field in record) || (record[field] !== null && typeof record[field] !== 'string'))
            return report('-', `recorder line lacks ${field} (a string or null): the recording is broken`);
    if (!('body' in record))
        return report('-', 'recorder line lacks body: the recording is broken');
    const { method, path, status } = record;
    const op = contract.resolve(method, path);
    exercised.add(op.key);
    const label = `${op.label} -> ${status}`;
    if (!Number.isInteger(status) || status < 100 || status > 599)
        return report(label, `status ${status} is not an HTTP status (no response was received)`);
    if (op.missing)
        return report(label, op.missing);
    const key = String(status);
    const responseKey = key in op.responses ? key
        : `${key[0]}XX` in op.responses ? `${key[0]}XX`
            : 'default' in op.responses ? 'default' : null;
    if (responseKey === null)
        return report(label, `status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ') || 'none'})`);
    const response = deref(contract.spec, op.responses[responseKey]);
    const content = response.content || {};
    const bodyEmpty = record.body === null && record.body_text === '';
    const head = method.toUpperCase() === 'HEAD';
    if (head && !bodyEmpty)
        return report(label, 'a response to HEAD must have no body, but one was sent');
    if (Object.keys(content).length === 0) {
        if (!bodyEmpty)
            return report(label, 'the response documents no body, but one was sent');
        return;
    }
    if (record.content_type === null) {
        if (head && bodyEmpty)
            return;
        return report(label, `no Content-Type (documented: ${Object.keys(content).join(', ')})`);
    }
    const essence = mediaEssence(record.content_type);
    const mediaKey = Object.keys(content).find((k) => mediaEssence(k) === essence);
    if (mediaKey === undefined)
        return report(label, `Content-Type ${record.content_type} is not documented (documented: ${Object.keys(content).join(', ')})`);
    if (head)
        return;
    const schema = content[mediaKey].schema;
    if (!schema)
        return;
    let value;
    if (isJsonMedia(essence)) {
        if (record.body === null && record.body_text !== null)
            return report(label, `the ${mediaKey} body is not JSON`);
        value = record.body;
    } else {
        value = record.body_text !== null ? record.body_text : JSON.stringify(record.body);
    }
    const cacheKey = `${op.key} ${responseKey} ${mediaKey}`;
    const validate = contract.validator(cacheKey, schema, cacheKey);
    if (!validate(value))
        return report(label, formatAjvErrors(validate.errors));
    if (essence === 'application/problem+json' && value && value.status !== status)
        return report(label, `problem status ${JSON.stringify(value.status)} differs from the HTTP status ${status}`);
}

function main() {
    const [specFile, recording] = process.argv.slice(2);
    if (!specFile || !recording)
        fatal('usage: node contract-check.mjs openapi.yaml RECORDING.jsonl');
    const contract = new Contract(loadSpec(specFile));
    let text;
    try {
        text = readFileSync(recording, 'utf8');
    } catch (e) {
        fatal(`cannot read the recording ${recording}: ${e.message}`);
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '')
        lines.pop();
    if (lines.length === 0)
        fatal(`${recording} is empty: no response was recorded`);

    let violations = 0;
    const exercised = new Set();
    lines.forEach((line, index) => {
        const report = (label, message) => {
            violations++;
            console.log(`VIOLATION line ${index + 1}: ${label}: ${message}`);
        };
        let record;
        try {
            record = JSON.parse(line);
        } catch {
            report('-', 'not a JSON line: the recording is broken (a torn or failed write?)');
            return;
        }
        if (record === null || typeof record !== 'object' || Array.isArray(record)) {
            report('-', 'not a JSON object: the recording is broken');
            return;
        }
        checkLine(contract, record, report, exercised);
    });

    const documented = [];
    for (const t of contract.templates)
        for (const method of HTTP_METHODS)
            if (t.item[method])
                documented.push(`${method} ${t.template}`);
    const missed = documented.filter((k) => !exercised.has(k));
    console.log(`contract: operations exercised: ${documented.length - missed.length} of ${documented.length}` +
        (missed.length ? ` (not exercised: ${missed.map((k) => k.replace(/^\S+/, (m) => m.toUpperCase())).join(', ')})` : ''));
    console.log(`contract: ${lines.length} responses checked, ${violations} violations`);
    process.exit(violations ? 1 : 0);
}

main();
