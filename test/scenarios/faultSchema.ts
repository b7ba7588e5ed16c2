// The fault part of the published JSON Schema, derived from the fault-kind registry (fields each
// kind and partition shape takes), the role catalogue and the declared fault points. A test checks
// scenarios/scenario.schema.json against it, so the schema cannot drift from the validator;
// `npx tsx test/scenarios/faultSchema.ts --write` rewrites the schema's fault definitions.
import { readFileSync, writeFileSync } from 'node:fs';
import { FAULT_KINDS } from '../../sim/faults/registry.ts';
import type { FaultTarget, KindFields } from '../../sim/faults/kind.ts';
import { POINT_FIELDS, TARGET_FIELDS } from '../../sim/faults/kind.ts';
import { ROLES } from '../../protocols/roles.ts';
import { knownFaultPoints } from '../../scenarios/validate.ts';
import { SWARM_PROFILES } from '../../scenarios/profiles.ts';

type Json = Record<string, unknown>;

const FIELD_SCHEMAS: Readonly<Record<string, Json>> = {
  kind: {},
  atUs: { $ref: '#/$defs/duration', description: 'When the fault fires (before durationUs and no later than healAtUs). A fault at a fault point: when it is armed (default 0).' },
  durationUs: { $ref: '#/$defs/duration', description: 'How long until the fault is undone (absent: until the heal).' },
  node: { $ref: '#/$defs/nodeId', description: 'The node it acts on. With point: only hits on this node count.' },
  nodes: { type: 'array', items: { $ref: '#/$defs/nodeId' }, minItems: 1, uniqueItems: true, description: 'Partition halves/bridge: the node order to split (default: shuffled by the seed).' },
  role: { $ref: '#/$defs/roleTarget' },
  point: { description: 'Fire at a fault point in protocol code (lockstep list shows them per protocol): the node that reaches it is the target.' },
  hit: { type: 'integer', minimum: 1, description: 'Which hit of point fires the fault (default 1).' },
  shape: { description: 'Partition shape (default: groups when groups are given, links when from is given, else isolate).' },
  groups: { type: 'array', minItems: 2, items: { type: 'array', minItems: 1, items: { $ref: '#/$defs/nodeId' }, uniqueItems: true } },
  from: { type: 'array', items: { $ref: '#/$defs/nodeId' }, minItems: 1, uniqueItems: true, description: 'Directed links: the senders.' },
  to: { type: 'array', items: { $ref: '#/$defs/nodeId' }, minItems: 1, uniqueItems: true, description: 'Directed links: the receivers.' },
  direction: { enum: ['one-way', 'both'], description: 'Directed links: from → to only (one-way) or both ways (default).' },
  deltaUs: { $ref: '#/$defs/signedDuration', description: 'Clock jump size (negative jumps back).' },
  ppm: { type: 'number', exclusiveMinimum: -1000000, exclusiveMaximum: 1000000, description: 'Clock drift in parts per million.' },
  messageType: { type: 'string', minLength: 1 },
  loss: { $ref: '#/$defs/probability' },
  extraUs: { $ref: '#/$defs/duration', description: 'Extra latency: of the fence device (fence-slow) or of the links (slow-link).' },
};

const ALL_FIELDS = Object.keys(FIELD_SCHEMAS);

/** The fields one kind or shape allows. */
function allowedOf(fields: KindFields, extra: readonly string[]): Set<string> {
  const out = new Set<string>(['kind', 'atUs', ...extra, ...fields.requires, ...fields.optional, ...TARGET_FIELDS[fields.target]]);
  if (fields.atPoint) for (const x of POINT_FIELDS) out.add(x);
  return out;
}

/** The target rule: one node by node, role or point (a point may add node and role), or links, never both. */
function targetRule(target: FaultTarget): Json[] {
  const one = [{ required: ['node'] }, { required: ['role'] }, { required: ['point'] }];
  const rules: Json[] = [{ if: { required: ['node', 'role'] }, then: { required: ['point'] } }];
  if (target === 'node') rules.push({ anyOf: one });
  if (target === 'node-or-links') rules.push({ anyOf: [...one, { required: ['from', 'to'] }] });
  return rules;
}

/** `then` of one kind or shape: required fields, the target rule, every other field forbidden. */
function thenOf(fields: KindFields, extra: readonly string[]): Json {
  const allowed = allowedOf(fields, extra);
  const forbidden = Object.fromEntries(ALL_FIELDS.filter((f) => !allowed.has(f)).map((f) => [f, false]));
  const rules = targetRule(fields.target);
  return { required: [...fields.requires], properties: forbidden, ...(rules.length > 0 ? { allOf: rules } : {}) };
}

/** The schema's `$defs.fault`, from the registry. */
export function faultSchema(): Json {
  const rules: Json[] = [];
  for (const k of FAULT_KINDS) {
    if (k.shapes === undefined) {
      rules.push({ if: { properties: { kind: { const: k.name } }, required: ['kind'] }, then: thenOf(k, []) });
      continue;
    }
    rules.push({ if: { properties: { kind: { const: k.name } }, required: ['kind'] }, then: { required: [...k.requires] } });
    for (const [shape, fields] of Object.entries(k.shapes)) {
      rules.push({
        if: { properties: { kind: { const: k.name }, shape: { const: shape } }, required: ['kind', 'shape'] },
        then: thenOf(fields, ['shape']),
      });
    }
  }
  const kinds = FAULT_KINDS.map((k) => k.name);
  const shapes = Object.keys(FAULT_KINDS.find((k) => k.shapes !== undefined)!.shapes!);
  const properties = {
    ...FIELD_SCHEMAS,
    kind: { enum: kinds, description: FAULT_KINDS.map((k) => `${k.name}: ${k.description}`).join('; ') },
    shape: { ...FIELD_SCHEMAS.shape, enum: shapes },
    point: { ...FIELD_SCHEMAS.point, enum: knownFaultPoints() },
  };
  return {
    type: 'object', additionalProperties: false, required: ['kind'],
    description: 'One fault: its kind, when (atUs, or at a fault point) and its target (node, role, point or links from → to). A field that does not apply to the kind or shape is an error.',
    properties,
    anyOf: [{ required: ['atUs'] }, { required: ['point'] }],
    allOf: [...rules, { if: { required: ['hit'] }, then: { required: ['point'] } }],
  };
}

/** The schema's `$defs.roleTarget`, from the role catalogue. */
export function roleTargetSchema(): Json {
  const withResource = ROLES.filter((r) => r.resource).map((r) => r.name);
  return {
    type: 'object', additionalProperties: false, required: ['role'],
    description: 'A node named by its role, resolved when the fault fires; a role that resolves to nobody is reported as a fault that did not fire.',
    properties: {
      role: { enum: ROLES.map((r) => r.name), description: ROLES.map((r) => `${r.name}: ${r.description}`).join('; ') },
      resource: { type: 'string', minLength: 1, description: `The resource (required for ${withResource.join(', ')}).` },
      not: { type: 'array', items: { $ref: '#/$defs/nodeId' }, minItems: 1, uniqueItems: true, description: 'Exclude these nodes.' },
    },
    allOf: [
      { if: { properties: { role: { enum: withResource } }, required: ['role'] }, then: { required: ['resource'] } },
      { if: { properties: { role: { not: { enum: withResource } } }, required: ['role'] }, then: { properties: { resource: false } } },
    ],
  };
}

if (process.argv.includes('--write')) {
  const path = new URL('../../scenarios/scenario.schema.json', import.meta.url);
  const schema = JSON.parse(readFileSync(path, 'utf8')) as { $defs: Json };
  schema.$defs.fault = faultSchema();
  schema.$defs.roleTarget = roleTargetSchema();
  const swarm = ((schema as unknown as { properties: { faults: { properties: { swarm: Json } } } }).properties.faults.properties.swarm);
  swarm.enum = SWARM_PROFILES.map((p) => p.name);
  swarm.description = SWARM_PROFILES.map((p) => `${p.name}: ${p.description}`).join('; ');
  writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
}
