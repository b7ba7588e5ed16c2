// The DLM's checkers (reference §5.1–4, 10–12, plus master agreement) and its coverage checkers.
import type { WorldChecker } from '../../../sim/world.ts';
import { compatChecker } from './compat.ts';
import { queueChecker } from './queue.ts';
import { completionChecker } from './completion.ts';
import { lvbChecker } from './lvb.ts';
import type { LvbCheckerOptions } from './lvb.ts';
import { masterAgreementChecker } from './masters.ts';
import { livenessChecker } from './liveness.ts';
import { flagsChecker } from './flags.ts';
import { copyAgreementChecker } from './agreement.ts';
import { recoveryRestartedChecker, remasteredChecker, valNotValidSeenChecker } from './coverage.ts';

export { compatChecker, queueChecker, completionChecker, lvbChecker, masterAgreementChecker, livenessChecker, flagsChecker, copyAgreementChecker };

/** All DLM checkers; `coverage: false` leaves out the sometimes-checkers. */
export function dlmCheckers(which: { coverage?: boolean; liveness?: boolean } & LvbCheckerOptions = {}): WorldChecker[] {
  const lvb = lvbChecker(which.lostLvb !== undefined ? { lostLvb: which.lostLvb } : {});
  const out: WorldChecker[] = [compatChecker(), queueChecker(), completionChecker(), lvb, masterAgreementChecker(), flagsChecker()];
  if (which.liveness !== false) out.push(livenessChecker(), copyAgreementChecker());
  if (which.coverage !== false) out.push(valNotValidSeenChecker(), remasteredChecker(), recoveryRestartedChecker());
  return out;
}
