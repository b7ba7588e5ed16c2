// lockstep-lint: io-edge (reads the process CPU clock and writes each row's run-file)
// Phillips' LVB table measured for a report: `lvbTable` over a library configuration, the first
// schedule of each row written as a run-file (replay, report --html take it), and the CPU time spent.
import { loadScenario } from '../scenarios/load.ts';
import { buildRunFile, writeRunFile } from './runFiles.ts';
import { codeVersion } from './codeVersion.ts';
import { fileSafe } from './files.ts';
import { threadCpuMs } from './threadCpu.ts';
import { lvbTable, summarizeLvbTable } from './lvbTable.ts';
import type { LvbTableSummary } from './lvbTable.ts';

/** The library configuration the report measures. */
export const LVB_TABLE_SCENARIO = 'dlm-lvb-table';

export interface LvbTableRunOptions {
  scenario?: string;
  protocol?: string;
  seed?: number;
  /** Default faults=2,delays=0: crashes only (the table is about deaths). */
  bound?: string;
  outDir: string;
}

/** Measure the table and write one run-file per row, named `<scenario>-<protocol>-lvb-<row>.run.json`. */
export async function measureLvbTable(o: LvbTableRunOptions): Promise<LvbTableSummary> {
  const loaded = loadScenario(o.scenario ?? LVB_TABLE_SCENARIO);
  const scenario = loaded.scenario;
  const protocol = o.protocol ?? scenario.protocol ?? 'dlm';
  const seed = o.seed ?? 1;
  // This thread's CPU where the platform tells (compare runs the table on a worker next to others).
  const thread0 = threadCpuMs();
  const cpu0 = process.cpuUsage();
  const t = await lvbTable(scenario, protocol, o.bound ?? 'faults=2,delays=0', seed);
  const thread1 = threadCpuMs();
  const all = process.cpuUsage(cpu0);
  const cpuMs = thread0 !== undefined && thread1 !== undefined ? thread1 - thread0 : (all.user + all.system) / 1000;
  const files = t.cases.map((c, i) => {
    const rf = buildRunFile({
      scenario, scenarioSource: loaded.source, protocol, seed, network: {},
      tapeOverrides: c.example.deviations.map(([a, b]) => [a, b]), result: c.example.result, codeVersion: codeVersion(), createdBy: 'check',
    });
    const path = `${o.outDir}/${fileSafe(scenario.name)}-${fileSafe(protocol)}-lvb-${i + 1}.run.json`;
    writeRunFile(path, rf);
    return path;
  });
  return summarizeLvbTable(t, files, Math.round(cpuMs));
}
