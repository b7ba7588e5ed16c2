// The run-file: everything needed to reproduce one run exactly (DESIGN §5). Pure: the CLI reads and
// writes the JSON; this module defines the shape and builds/parses it.
import type { Scenario } from './types.ts';
import type { FaultSpec } from '../sim/faults/spec.ts';
import type { FaultFired, FaultNotFired, Violation } from '../sim/types.ts';

export const RUN_FILE_FORMAT = 'lockstep-run/1';

export interface RunFile {
  format: typeof RUN_FILE_FORMAT;
  /** The full scenario, embedded so the run replays even if the library file changes. */
  scenario: Scenario;
  /** Where the scenario came from (a library name or a file path), for humans. */
  scenarioSource?: string;
  protocol: string;
  seed: number;
  /** Swarm/scenario knobs as printed before the run. */
  knobs: Record<string, number | string>;
  /** Network knobs in force (drawn ones are fixed here so a shrunk fault script keeps them). */
  network: { loss?: number; duplicate?: number; latencyMaxUs?: number };
  /** The concrete fault schedule that ran. */
  faults: FaultSpec[];
  /** Decision-tape overrides on top of the seed's own draws ([index, value], ascending). */
  tape: { length: number; overrides: [number, number][] };
  violations: Violation[];
  /**
   * What the faults did: the node each role target resolved to and the hit of each fault point it
   * fired at (the decisions behind them are on the tape, so replay reproduces them exactly).
   */
  faultsFired?: FaultFired[];
  /** Faults that never fired, and why. */
  faultsNotFired?: FaultNotFired[];
  traceHash: string;
  events: number;
  simTimeUs: number;
  /** Version of the code that produced it: package version + a hash of the sources. */
  codeVersion: string;
  createdBy: 'run' | 'explore' | 'shrink' | 'compare' | 'check';
  /** Absolute paths of the plugin files that define the protocol (absent for a built-in protocol). */
  plugins?: string[];
}
