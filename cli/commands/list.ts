// `lockstep list [--json]`: the scenarios, protocols (with variants), checkers, fault kinds and swarm
// profiles this build knows. JSON shape per DESIGN §5.
import type { CommandModule } from 'yargs';
import { loadPluginFlags, withPlugin } from '../plugins.ts';
import type { PluginArgs } from '../plugins.ts';
import { PROTOCOLS } from '../../protocols/index.ts';
import { FAULT_KINDS } from '../../sim/faults/registry.ts';
import { SWARM_PROFILES } from '../../scenarios/profiles.ts';
import { loadLibrary } from '../../scenarios/load.ts';
import type { LibraryEntry } from '../../scenarios/load.ts';
import { EXIT_BAD_INPUT, EXIT_OK } from '../../runner/errors.ts';
import { err, out } from '../../reports/style.ts';
import type { CheckerInfo } from '../../runner/protocolChoice.ts';
import { defaultProtocolName } from '../../runner/protocolChoice.ts';

interface ListArgs extends PluginArgs {
  json: boolean;
}

export interface ListOutput {
  scenarios: { name: string; description: string; nodes: number; faults: string }[];
  protocols: { name: string; description: string; default: boolean; variants: { name: string; flaw: string; caughtBy: string[] }[] }[];
  checkers: (CheckerInfo & { protocols: string[] })[];
  faults: { name: string; description: string; requires: string[] }[];
  swarmProfiles: { name: string; description: string }[];
}

/** Everything this build knows; protocols' checkers come from their declarations (nothing is built). */
export function collect(library: LibraryEntry[]): ListOutput {
  const checkers = new Map<string, CheckerInfo & { protocols: string[] }>();
  for (const p of PROTOCOLS) {
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
    })),
    checkers: [...checkers.values()],
    faults: FAULT_KINDS.map((k) => ({ name: k.name, description: k.description, requires: [...k.requires] as string[] })),
    swarmProfiles: SWARM_PROFILES.map((p) => ({ name: p.name, description: p.description })),
  };
}

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
  }
  lines.push('', out.head('Checkers'), '');
  for (const c of o.checkers) lines.push(`  ${out.bold(c.name)} ${out.dim(`[${c.kind}] (${c.protocols.join(', ')})`)}`, `    ${c.description}`);
  lines.push('', out.head('Fault kinds'), '');
  const fw = Math.max(0, ...o.faults.map((f) => f.name.length)) + 2;
  for (const f of o.faults) lines.push(`  ${out.bold(pad(f.name, fw))}${f.description}`);
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
  describe: 'List scenarios, protocols (with variants), checkers, fault kinds and swarm profiles',
  builder: (y) => withPlugin(y)
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
    .example('$0 list', 'Everything this build knows, as text')
    .example('$0 list --json | jq ".protocols[].variants[].name"', 'Every protocol variant, from the JSON'),
  handler: async (args) => {
    process.exitCode = await list(args);
  },
};
