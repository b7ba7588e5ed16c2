// The scenario library: every file validates against the hand-written validator and the published
// JSON Schema, names match file names, every fault kind and the classic situations are covered.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIBRARY_DIR, libraryNames, loadLibrary } from '../../scenarios/load.ts';
import { FAULT_KINDS } from '../../sim/faults/registry.ts';
import { SWARM_PROFILES } from '../../scenarios/profiles.ts';
import { validateJsonSchema } from './jsonSchema.ts';

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

  it('lists exactly the registered fault kinds and their required fields', () => {
    const kinds = ((fault.properties as Record<string, Record<string, unknown>>).kind!.enum as string[]);
    expect(kinds).toEqual(FAULT_KINDS.map((k) => k.name));
    const rules = fault.allOf as { if: { properties: { kind: { const: string } } }; then: { required: string[] } }[];
    for (const k of FAULT_KINDS) {
      const rule = rules.find((r) => r.if.properties.kind.const === k.name);
      expect(rule?.then.required ?? [], k.name).toEqual([...k.requires]);
    }
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
});
