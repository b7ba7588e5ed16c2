// lockstep-lint: io-edge (reads and writes run-files)
// Run-files on disk: build one from a finished run, name it, write it atomically, and read one back
// with every field checked (a bad run-file is bad input: exit 2 with the file and field).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILE_FORMAT } from '../scenarios/runfile.ts';
import type { RunFile } from '../scenarios/runfile.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { SimulateResult } from '../scenarios/simulate.ts';
import { ScenarioError, describe, validateScenario } from '../scenarios/validate.ts';
import { runFileIssues } from '../scenarios/schema.ts';
import type { TapeOverrides } from '../sim/tape.ts';
import { InputError } from './errors.ts';
import { fileSafe, readJsonFile, writeFileAtomic } from './files.ts';

export interface RunFileInput {
  scenario: Scenario;
  scenarioSource: string;
  protocol: string;
  seed: number;
  network: RunFile['network'];
  tapeOverrides: TapeOverrides;
  result: SimulateResult;
  codeVersion: string;
  createdBy: RunFile['createdBy'];
  /** Plugin files that define the protocol (omitted from the run-file when none). */
  plugins?: readonly string[];
}

export function buildRunFile(i: RunFileInput): RunFile {
  return {
    format: RUN_FILE_FORMAT,
    scenario: i.scenario,
    scenarioSource: i.scenarioSource,
    protocol: i.protocol,
    seed: i.seed,
    knobs: i.result.knobs,
    network: i.network,
    faults: i.result.faults,
    tape: { length: i.result.tapeLength, overrides: i.tapeOverrides.map(([a, b]) => [a, b] as [number, number]) },
    violations: i.result.violations,
    faultsFired: i.result.faultsFired,
    faultsNotFired: i.result.faultsNotFired,
    traceHash: i.result.traceHash,
    events: i.result.events,
    simTimeUs: i.result.simTimeUs,
    codeVersion: i.codeVersion,
    createdBy: i.createdBy,
    ...(i.plugins !== undefined && i.plugins.length > 0 ? { plugins: [...i.plugins] } : {}),
  };
}

/** `<out>/<scenario>-<protocol>-seed<N>.run.json`. */
export function runFilePath(outDir: string, scenario: string, protocol: string, seed: number): string {
  return join(outDir, `${fileSafe(scenario)}-${fileSafe(protocol)}-seed${seed}.run.json`);
}

export function writeRunFile(path: string, rf: RunFile): void {
  writeFileAtomic(path, `${JSON.stringify(rf, null, 2)}\n`);
}

/** Whether `path` is a run-file (a readable JSON file carrying the run-file format marker). */
export function isRunFilePath(path: string): boolean {
  if (!path.endsWith('.json') || !existsSync(path) || !statSync(path).isFile()) return false;
  const head = readFileSync(path, 'utf8').slice(0, 4096);
  return head.trimStart().startsWith('{') && head.includes(`"${RUN_FILE_FORMAT}"`);
}

/** Read a run-file and check its shape; the embedded scenario and fault script are re-validated. */
export function readRunFile(path: string): RunFile {
  const raw = readJsonFile(path, 'the run-file');
  const bad = (field: string, expected: string): never => {
    throw new InputError(`${path}: ${field}: expected ${expected}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('(document)', 'a run-file object');
  const issues = runFileIssues(raw);
  if (issues.length > 0) {
    throw new ScenarioError(issues.map((i) => ({ file: path, path: i.path, expected: i.expected, got: describe(i.value) })));
  }
  const o = raw as Record<string, unknown>;
  if (o.format !== RUN_FILE_FORMAT) bad('format', `"${RUN_FILE_FORMAT}" (got ${JSON.stringify(o.format)})`);
  if (typeof o.protocol !== 'string' || o.protocol === '') bad('protocol', 'a protocol name');
  if (typeof o.seed !== 'number' || !Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) bad('seed', 'an integer from 0 to 4294967295');
  if (typeof o.traceHash !== 'string') bad('traceHash', 'a string');
  if (typeof o.codeVersion !== 'string') bad('codeVersion', 'a string');
  if (!isObject(o.knobs)) bad('knobs', 'an object');
  if (!isObject(o.network)) bad('network', 'an object');
  for (const k of ['loss', 'duplicate', 'latencyMaxUs']) {
    const v = (o.network as Record<string, unknown>)[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) bad(`network.${k}`, 'a non-negative number');
  }
  if (!Array.isArray(o.violations)) bad('violations', 'an array');
  (o.violations as unknown[]).forEach((v, i) => {
    if (!isObject(v) || typeof v.checker !== 'string') bad(`violations[${i}].checker`, 'a checker name');
  });
  if (!isObject(o.tape) || !Array.isArray(o.tape.overrides)) bad('tape.overrides', 'an array of [index, value] pairs');
  ((o.tape as { overrides: unknown[] }).overrides).forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !Number.isInteger(p[0]) || p[0] < 0 || typeof p[1] !== 'number' || !Number.isFinite(p[1])) {
      bad(`tape.overrides[${i}]`, 'a pair [index ≥ 0, finite value]');
    }
  });
  if (!Array.isArray(o.faults)) bad('faults', 'an array of faults');
  if (o.plugins !== undefined && (!Array.isArray(o.plugins) || !o.plugins.every((p) => typeof p === 'string' && p !== ''))) {
    bad('plugins', 'an array of plugin file paths');
  }
  const scenario = checkScenario(path, o.scenario);
  const faults = checkFaults(path, o.scenario, o.faults as unknown[]);
  return { ...(o as unknown as RunFile), scenario, faults };
}

function checkScenario(path: string, raw: unknown): Scenario {
  const r = validateScenario(raw, `${path}#scenario`);
  if (!r.ok) throw new ScenarioError(r.issues);
  return r.scenario;
}

/** The recorded fault script, validated as a script of the embedded scenario. */
function checkFaults(path: string, rawScenario: unknown, faults: unknown[]): RunFile['faults'] {
  const asScript = { ...(rawScenario as Record<string, unknown>), faults: { script: faults } };
  // The heal is not the script's concern here; the run's own length bounds it (a fault at a fault
  // point needs an explicit heal, so it is set to the end of the run rather than left out).
  (asScript as Record<string, unknown>).healAtUs = (rawScenario as Record<string, unknown>).durationUs;
  const r = validateScenario(asScript, path);
  if (!r.ok) {
    throw new ScenarioError(r.issues.map((i) => ({ ...i, path: i.path.replace(/^faults\.script/, 'faults') })));
  }
  return r.scenario.faults.script ?? [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
