// Validates miningrisk's SIEM events against the ECS field definitions shipped in @elastic/ecs
// (its EcsFlat object): every key an ECS field or under miningrisk., types as ECS defines them,
// array fields as arrays, event.kind/category/type from the allowed values and fitting together,
// no top-level "host" string. EVENTS_FILE names the ndjson file (tests/e2e/55-incidents.sh).
// Run: node --test tests/siem/
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const net = require('node:net');
const { EcsFlat, EcsVersion } = require('@elastic/ecs');

const STRING_TYPES = new Set(['keyword', 'constant_keyword', 'wildcard', 'text', 'match_only_text']);
const INT_TYPES = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
const FLOAT_TYPES = new Set(['float', 'double', 'half_float', 'scaled_float']);

// {a: {b: 1}} -> [['a.b', 1]]; arrays stay values.
function flatten(obj, prefix = '', out = []) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(EcsFlat[key] && ['object', 'flattened', 'nested'].includes(EcsFlat[key].type))) {
      flatten(v, key, out);
    } else {
      out.push([key, v]);
    }
  }
  return out;
}

function typeOk(def, v) {
  if (STRING_TYPES.has(def.type)) return typeof v === 'string';
  if (INT_TYPES.has(def.type)) return Number.isInteger(v);
  if (FLOAT_TYPES.has(def.type)) return typeof v === 'number' && Number.isFinite(v);
  if (def.type === 'boolean') return typeof v === 'boolean';
  if (def.type === 'date') return typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v));
  if (def.type === 'ip') return typeof v === 'string' && net.isIP(v) !== 0;
  if (['object', 'flattened', 'nested'].includes(def.type)) return typeof v === 'object' && v !== null;
  return false;  // a type this validator does not know: fail loudly rather than pass
}

function allowedNames(field) { return new Set((EcsFlat[field].allowed_values || []).map((a) => a.name)); }

// Returns the list of problems of one event (empty: valid).
function validate(ev) {
  const problems = [];
  if (typeof ev.host !== 'object' || ev.host === null || Array.isArray(ev.host)) problems.push('host must be an object (host.*), not a top-level string');
  if (!ev.ecs || ev.ecs.version !== EcsVersion) problems.push(`ecs.version must be ${EcsVersion}`);
  for (const [key, v] of flatten(ev)) {
    if (key === 'miningrisk' || key.startsWith('miningrisk.')) continue;
    const def = EcsFlat[key];
    if (!def) { problems.push(`${key}: not an ECS field`); continue; }
    const isArray = (def.normalize || []).includes('array');
    if (isArray) {
      if (!Array.isArray(v)) { problems.push(`${key}: must be an array`); continue; }
      for (const item of v) if (!typeOk(def, item)) problems.push(`${key}: element ${JSON.stringify(item)} is not ${def.type}`);
    } else if (Array.isArray(v)) {
      problems.push(`${key}: must not be an array`);
    } else if (!typeOk(def, v)) {
      problems.push(`${key}: ${JSON.stringify(v)} is not ${def.type}`);
    }
  }
  const e = Object.assign({}, ev.event || {});
  // (a non-array category/type is reported above; keep checking the rest)
  if (!Array.isArray(e.category)) e.category = [];
  if (!Array.isArray(e.type)) e.type = [];
  if (!allowedNames('event.kind').has(e.kind)) problems.push(`event.kind ${e.kind} not allowed`);
  const cats = EcsFlat['event.category'].allowed_values;
  const types = allowedNames('event.type');
  for (const c of e.category || []) if (!cats.find((a) => a.name === c)) problems.push(`event.category ${c} not allowed`);
  for (const t of e.type || []) if (!types.has(t)) problems.push(`event.type ${t} not allowed`);
  // They fit together: each category expects one of the types, each type is expected by a category.
  for (const c of e.category || []) {
    const exp = (cats.find((a) => a.name === c) || {}).expected_event_types || [];
    if (!(e.type || []).some((t) => exp.includes(t))) problems.push(`event.category ${c} expects one of ${exp.join(',')}, got ${(e.type || []).join(',')}`);
  }
  for (const t of e.type || []) {
    if (!(e.category || []).some((c) => ((cats.find((a) => a.name === c) || {}).expected_event_types || []).includes(t)))
      problems.push(`event.type ${t} fits none of the categories ${(e.category || []).join(',')}`);
  }
  if (typeof e.id !== 'string' || e.id.length === 0) problems.push('event.id missing');
  return problems;
}

test('the validator itself rejects what it must', () => {
  assert.notDeepStrictEqual(validate({ host: 'web01', ecs: { version: EcsVersion }, event: { kind: 'alert', category: ['malware'], type: ['info'], id: 'x' } }), []);
  assert.notDeepStrictEqual(validate({ host: { name: 'a' }, ecs: { version: EcsVersion }, bogus: 1, event: { kind: 'alert', category: ['malware'], type: ['info'], id: 'x' } }), []);
  assert.notDeepStrictEqual(validate({ host: { name: 'a' }, ecs: { version: EcsVersion }, event: { kind: 'alert', category: 'malware', type: ['info'], id: 'x' } }), []);
  assert.notDeepStrictEqual(validate({ host: { name: 'a' }, ecs: { version: EcsVersion }, event: { kind: 'alert', category: ['malware'], type: ['start'], id: 'x' } }), []);
  assert.notDeepStrictEqual(validate({ host: { name: 'a' }, ecs: { version: EcsVersion }, process: { pid: '12' }, event: { kind: 'alert', category: ['process'], type: ['info'], id: 'x' } }), []);
  assert.deepStrictEqual(validate({ host: { name: 'a' }, ecs: { version: EcsVersion }, miningrisk: { anything: [1, { x: 2 }] }, event: { kind: 'alert', category: ['malware', 'process'], type: ['info'], id: 'x' } }), []);
});

const file = process.env.EVENTS_FILE;
test('every line of the events file is one valid ECS event', { skip: !file && 'EVENTS_FILE not set' }, () => {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  assert.ok(lines.length > 0, 'no events');
  const min = Number(process.env.EVENTS_MIN || 1);
  assert.ok(lines.length >= min, `only ${lines.length} events, expected at least ${min}`);
  lines.forEach((line, i) => {
    let ev;
    assert.doesNotThrow(() => { ev = JSON.parse(line); }, `line ${i + 1} is not JSON`);
    assert.deepStrictEqual(validate(ev), [], `line ${i + 1}: ${line.slice(0, 300)}`);
  });
});

module.exports = { validate };
