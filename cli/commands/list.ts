// `lockstep list [--json]`: the scenarios, protocols (with variants, what composes with them, their
// fault points and roles), checkers, fault kinds and swarm profiles this build knows. JSON shape
// per DESIGN §5.
import { buildInputOf } from '../../scenarios/simulate.ts';
import type { CommandModule } from 'yargs';
import { loadPluginFlags, withPlugin } from '../plugins.ts';
import type { PluginArgs } from '../plugins.ts';
import { PROTOCOLS } from '../../protocols/index.ts';
import type { ProtocolDef } from '../../protocols/registry.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { FAULT_KINDS } from '../../sim/faults/registry.ts';
import { SWARM_PROFILES } from '../../scenarios/profiles.ts';
import { loadLibrary } from '../../scenarios/load.ts';
import type { LibraryEntry } from '../../scenarios/load.ts';
import { EXIT_BAD_INPUT, EXIT_OK } from '../../runner/errors.ts';
import { err, out } from '../../reports/style.ts';
import type { CheckerInfo } from '../../runner/protocolChoice.ts';
import { defaultProtocolName } from '../../runner/protocolChoice.ts';
import { INCOMPATIBLE, LAYERS_OF } from '../../protocols/variants.ts';
import { ROLES } from '../../protocols/roles.ts';
import type { RoleInfo } from '../../protocols/roles.ts';

interface ListArgs extends PluginArgs {
  json: boolean;
}

export interface ListOutput {
  scenarios: { name: string; description: string; nodes: number; faults: string }[];
  protocols: {
    name: string; description: string; default: boolean; variants: { name: string; flaw: string; caughtBy: string[] }[];
    /** Flaws of the layers it is built on, selectable as `name/own+layer` compositions. */
    composes: { layer: string; variants: string[] }[];
    /** Pairs of variants that do not compose, and why. */
    incompatible: { parts: string[]; why: string }[];
    /** Fault points its stack declares (a fault may fire at the k-th hit). */
    faultPoints: { name: string; description: string }[];
    /** Roles a fault may target under it (`any` always). */
    roles: string[];
  }[];
  roles: RoleInfo[];
  checkers: (CheckerInfo & { protocols: string[] })[];
  faults: { name: string; description: string; requires: string[] }[];
  swarmProfiles: { name: string; description: string }[];
}

/** Everything this build knows; protocols' checkers come from their declarations (nothing is built). */
export function collect(library: LibraryEntry[]): ListOutput {
  const checkers = new Map<string, CheckerInfo & { protocols: string[] }>();
  const roles = new Map<string, string[]>();
  for (const p of PROTOCOLS) {
    roles.set(p.name, ['any', ...probeRoles(p)]);
    for (const c of p.checkers) {
      const seen = checkers.get(c.name);
      if (seen === undefined) checkers.set(c.name, { ...c, protocols: [p.name] });
      else seen.protocols.push(p.name);
    }
  }
  const dflt = PROTOCOLS.length > 0 ? defaultProtocolName() : '';
  return {
    scenarios: library.flatMap((e) => (e.scenario === undefined ? [] : [{
      name: e.name, description: e.scenario.description, nodes: e.scenario.nodes,
      faults: e.scenario.faults.swarm !== undefined ? `swarm ${e.scenario.faults.swarm}` : `${e.scenario.faults.script?.length ?? 0} scripted`,
    }])),
    protocols: PROTOCOLS.map((p) => ({
      name: p.name, description: p.description, default: p.name === dflt,
      variants: p.variants.map((v) => ({ name: `${p.name}/${v.name}`, flaw: v.flaw, caughtBy: [...v.caughtBy] })),
      composes: (LAYERS_OF[p.name] ?? []).map((l) => ({
        layer: l.name, variants: l.variants.filter((v) => !p.variants.some((o) => o.name === v.name)).map((v) => v.name),
      })),
      incompatible: INCOMPATIBLE.filter((c) => c.protocol === p.name).map((c) => ({ parts: [...c.parts], why: c.why })),
      faultPoints: (p.faultPoints ?? []).map((x) => ({ name: x.name, description: x.description })),
      roles: roles.get(p.name) ?? ['any'],
    })),
    roles: [...ROLES],
    checkers: [...checkers.values()],
    faults: FAULT_KINDS.map((k) => ({ name: k.name, description: k.description, requires: [...k.requires] as string[] })),
    swarmProfiles: SWARM_PROFILES.map((p) => ({ name: p.name, description: p.description })),
  };
}

/** A protocol's role targets: their resolvers come with a build, so build it against a probe. */
function probeRoles(p: ProtocolDef): string[] {
  try {
    return (p.build(buildInputOf(PROBE, undefined, 40_000_000)).roles ?? []).map((r) => r.role);
  } catch {
    return [];
  }
}

/** A scenario to build protocols against when collecting their roles. */
const PROBE: Scenario = {
  name: 'list-probe', description: '', nodes: 5, durationUs: 60_000_000,
  workload: { kind: 'snapshot-metadata' }, faults: { swarm: 'standard' },
};

function printHuman(o: ListOutput): void {
  const lines: string[] = [];
  const pad = (s: string, n: number): string => s.padEnd(n);
  lines.push(out.head('Scenarios'), '');
  const w = Math.max(0, ...o.scenarios.map((s) => s.name.length)) + 2;
  for (const s of o.scenarios) lines.push(`  ${out.bold(pad(s.name, w))}${out.dim(`${s.nodes} nodes, ${s.faults}`)}`, `  ${' '.repeat(w)}${s.description}`);
  lines.push('', out.head('Protocols'), '');
  for (const p of o.protocols) {
    lines.push(`  ${out.bold(p.name)}${p.default ? out.dim(' (default)') : ''}  ${p.description}`);
    for (const v of p.variants) lines.push(`    ${v.name}  ${v.flaw} ${out.dim(`caught by: ${v.caughtBy.join(', ')}`)}`);
    for (const c of p.composes) lines.push(`    ${out.dim(`composes with ${c.layer} flaws (${p.name}/a+b):`)} ${c.variants.join(', ')}`);
    for (const c of p.incompatible) lines.push(`    ${out.dim(`does not compose: ${c.parts.join(' + ')}: ${c.why}`)}`);
    if (p.faultPoints.length > 0) lines.push(`    ${out.dim('fault points:')}`);
    for (const f of p.faultPoints) lines.push(`      ${f.name}  ${out.dim(f.description)}`);
    lines.push(`    ${out.dim(`roles: ${p.roles.join(', ')}`)}`);
  }
  lines.push('', out.head('Checkers'), '');
  for (const c of o.checkers) lines.push(`  ${out.bold(c.name)} ${out.dim(`[${c.kind}] (${c.protocols.join(', ')})`)}`, `    ${c.description}`);
  lines.push('', out.head('Fault kinds'), '');
  const fw = Math.max(0, ...o.faults.map((f) => f.name.length)) + 2;
  for (const f of o.faults) lines.push(`  ${out.bold(pad(f.name, fw))}${f.description}`);
  lines.push('', out.head('Roles (fault targets resolved when the fault fires)'), '');
  for (const r of o.roles) lines.push(`  ${out.bold(pad(r.name, fw))}${r.description}${r.resource ? out.dim(' (needs resource)') : ''}`);
  lines.push('', out.head('Swarm profiles'), '');
  for (const p of o.swarmProfiles) lines.push(`  ${out.bold(pad(p.name, fw))}${p.description}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function list(args: ListArgs): Promise<number> {
  await loadPluginFlags(args);
  const library = loadLibrary();
  const broken = library.filter((e) => e.error !== undefined);
  const o = collect(library);
  if (args.json) process.stdout.write(`${JSON.stringify(o, null, 2)}\n`);
  else printHuman(o);
  for (const b of broken) process.stderr.write(`${err.bad('invalid library scenario:')}\n${b.error!.message}\n`);
  return broken.length > 0 ? EXIT_BAD_INPUT : EXIT_OK;
}

export const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'List scenarios, protocols (variants, compositions, fault points, roles), checkers, fault kinds and swarm profiles',
  builder: (y) => withPlugin(y)
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
    .example('$0 list', 'Everything this build knows, as text')
    .example('$0 list --json | jq ".protocols[].variants[].name"', 'Every protocol variant, from the JSON'),
  handler: async (args) => {
    process.exitCode = await list(args);
  },
};
