// Every fault kind by name, in a fixed order (the order `lockstep list` shows).
import type { FaultKind } from './kind.ts';
import { crash } from './crash.ts';
import { restart } from './restart.ts';
import { pause, resume } from './pause.ts';
import { partition } from './partition.ts';
import { heal } from './heal.ts';
import { clog } from './clog.ts';
import { clockJump, clockDrift } from './clock.ts';
import { fenceFailure, fenceSlow } from './fence.ts';
import { fastReboot } from './fastReboot.ts';
import { flaky, dropMessages } from './flaky.ts';
import { slowLink } from './slowLink.ts';

export const FAULT_KINDS: readonly FaultKind[] = [
  crash, restart, pause, resume, partition, heal, clog, clockJump, clockDrift, fenceFailure, fenceSlow,
  fastReboot, flaky, dropMessages, slowLink,
];

const byName = new Map(FAULT_KINDS.map((k) => [k.name, k]));

export function faultKind(name: string): FaultKind {
  const k = byName.get(name);
  if (k === undefined) throw new Error(`unknown fault kind '${name}' (known: ${[...byName.keys()].join(', ')})`);
  return k;
}
