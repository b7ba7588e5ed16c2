// The protocol registry contract: a protocol builds a host stack and its checkers for a scenario.
// Names are `protocol` or `protocol/variant`; variants carry a known flaw and the checkers that catch it.
import type { StackFactory } from '../sim/types.ts';
import type { Observer, WorldChecker } from '../sim/world.ts';
import type { Scenario } from '../scenarios/types.ts';

export interface ProtocolVariant {
  name: string;
  /** The planted flaw, in one sentence. */
  flaw: string;
  /** Checkers expected to catch it (negative tests assert this). */
  caughtBy: string[];
}

export interface BuildInput {
  scenario: Scenario;
  /** Variant name, or undefined for the correct configuration. */
  variant: string | undefined;
  healAtUs: number;
}

export interface Built {
  stack: StackFactory;
  checkers: WorldChecker[];
  observers?: Observer[];
}

export interface ProtocolDef {
  name: string;
  description: string;
  variants: ProtocolVariant[];
  build(input: BuildInput): Built;
  /** Source files of the protocol's own code (for the lines-of-code metric), relative to the repo root. */
  sourceFiles: string[];
}
