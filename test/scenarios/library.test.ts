// The scenario library: every file validates against the hand-written validator and the published
// JSON Schema, names match file names, every fault kind and the classic situations are covered.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIBRARY_DIR, libraryNames, loadLibrary } from '../../scenarios/load.ts';
import { FAULT_KINDS } from '../../sim/faults/registry.ts';
import { SWARM_PROFILES } from '../../scenarios/profiles.ts';
import { validateScenario } from '../../scenarios/validate.ts';
import { faultSchema, roleTargetSchema } from './faultSchema.ts';
import { schemaIssues } from '../../scenarios/schema.ts';

/** The published schema, checked by the run-time validator (ajv). */
const validateJsonSchema = (_schema: unknown, raw: unknown): unknown[] => schemaIssues(raw);

const schema = JSON.parse(readFileSync(new URL('../../scenarios/scenario.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const names = libraryNames();

describe('scenario library', () => {
  it('has at least 15 named scenarios plus standard', () => {
    expect(names.length).toBeGreaterThanOrEqual(16);
    expect(names).toContain('standard');
  });

  it.each(names)('%s validates against the validator and the JSON Schema', (name) => {
    const raw = JSON.parse(readFileSync(join(LIBRARY_DIR, `${name}.json`), 'utf8')) as unknown;
    expect(validateJsonSchema(schema, raw)).toEqual([]);
    const entry = loadLibrary().find((e) => e.name === name)!;
    expect(entry.error?.message).toBeUndefined();
    expect(entry.scenario!.name).toBe(name);
    expect(entry.scenario!.description.length).toBeGreaterThan(20);
  });

  it('standard is 5 nodes, 60 simulated s, swarm standard, workload on', () => {
    const s = loadLibrary().find((e) => e.name === 'standard')!.scenario!;
    expect(s).toMatchObject({ nodes: 5, durationUs: 60_000_000, faults: { swarm: 'standard' } });
    expect(s.workload?.kind).toBeTypeOf('string');
  });

  it('covers every fault kind in some script', () => {
    const used = new Set(loadLibrary().flatMap((e) => (e.scenario?.faults.script ?? []).map((f) => f.kind)));
    for (const k of FAULT_KINDS) expect(used, k.name).toContain(k.name);
  });

  it('covers the classic situations of the seed thread', () => {
    for (const n of ['owner-crash', 'owner-minority-partition', 'split-brain-no-quorum', 'lvb-holder-dies-mid-update',
      'paused-owner-resumes', 'fast-reboot', 'fencing-fails-then-succeeds', 'partition-during-recovery', 'merge-after-partition',
      'two-node-cluster', 'flapping-network', 'clock-jump-under-leases', 'master-and-directory-loss', 'fifty-node-cluster']) {
      expect(names).toContain(n);
    }
    const big = loadLibrary().find((e) => e.name === 'fifty-node-cluster')!.scenario!;
    expect(big.nodes).toBe(50);
  });

  it('generic library scenarios leave the protocol to the CLI', () => {
    for (const e of loadLibrary()) {
      if (/^(membership|dlm|ownership|check)-/.test(e.name)) continue; // check-*: one configuration per design
      expect(e.scenario?.protocol, e.name).toBeUndefined();
    }
  });
});

describe('published JSON Schema', () => {
  const defs = schema.$defs as Record<string, Record<string, unknown>>;
  const fault = defs.fault!;

  it('describes every fault kind, shape, field, role and fault point exactly as the registry does', () => {
    expect(fault).toEqual(faultSchema());
    expect(defs.roleTarget).toEqual(roleTargetSchema());
  });

  it('lists exactly the swarm profiles', () => {
    const props = (schema.properties as Record<string, Record<string, unknown>>).faults!.properties as Record<string, Record<string, unknown>>;
    expect(props.swarm!.enum).toEqual(SWARM_PROFILES.map((p) => p.name));
  });

  it('rejects what the validator rejects on simple cases', () => {
    expect(validateJsonSchema(schema, { nodes: 3 })).not.toEqual([]);
    expect(validateJsonSchema(schema, { nodes: 3, durationUs: '10s', bogus: 1 })).not.toEqual([]);
    expect(validateJsonSchema(schema, { nodes: 3, durationUs: '10s', faults: { script: [{ kind: 'clock-jump', atUs: 1, node: 1 }] } })).not.toEqual([]);
    expect(validateJsonSchema(schema, { nodes: 3, durationUs: '10s', faults: { swarm: 'standard', script: [] } })).not.toEqual([]);
    expect(validateJsonSchema(schema, { nodes: 3, durationUs: '10s', faults: { script: [{ kind: 'crash', atUs: '1s', node: 1 }] } })).toEqual([]);
  });

  it.each([
    [{ kind: 'partition', atUs: 1, shape: 'one-way', node: 1, nodes: [3] }, false],
    [{ kind: 'partition', atUs: 1, shape: 'links', from: [1], to: [3], direction: 'one-way' }, true],
    [{ kind: 'partition', atUs: 1, shape: 'links', from: [1] }, false],
    [{ kind: 'crash', atUs: 1, role: { role: 'owner', resource: 'snap0' } }, true],
    [{ kind: 'crash', atUs: 1, role: { role: 'owner' } }, false],
    [{ kind: 'crash', atUs: 1, role: { role: 'oldest-member', resource: 'x' } }, false],
    [{ kind: 'crash', atUs: 1, node: 1, role: { role: 'any' } }, false],
    [{ kind: 'crash', atUs: 1 }, false],
    [{ kind: 'crash', point: 'dlm-lvb.claimed', hit: 2 }, true],
    [{ kind: 'crash', point: 'no-such-point' }, false],
    [{ kind: 'restart', point: 'dlm-lvb.claimed' }, false],
    [{ kind: 'heal', atUs: 1, durationUs: 5 }, false],
    [{ kind: 'clog', atUs: 1, from: [1, 2], to: [3] }, true],
    [{ kind: 'slow-link', atUs: 1, from: [1], to: [2], extraUs: '5ms' }, true],
    [{ kind: 'drop-messages', atUs: 1, messageType: 'hb', from: [1], to: [2], direction: 'one-way' }, true],
  ])('fault %j is valid: %s, for the schema and the validator alike', (f, ok) => {
    const doc = { name: 'x', nodes: 3, durationUs: '10s', healAtUs: '5s', faults: { script: [f] } };
    expect(validateJsonSchema(schema, doc).length === 0).toBe(ok);
    expect(validateScenario(doc, 'x.json').ok).toBe(ok);
  });
});
