// The demo protocol ('gossip'): exercises the engine until the real cluster stack is there.
import type { ProtocolDef } from '../registry.ts';
import { Gossip, monotonicChecker, convergenceChecker, learnedAfterRestartChecker } from './gossip.ts';

export const gossipProtocol: ProtocolDef = {
  name: 'gossip',
  description: 'Demo: nodes gossip a durable growing counter and converge after heal.',
  variants: [
    { name: 'forgetful', flaw: 'Keeps the counter in volatile memory, so a restarted node goes back to 0.', caughtBy: ['gossip-monotonic'] },
    { name: 'quiet-after-heal', flaw: 'Stops gossiping when it stops counting (at heal), so counters that diverged during a partition never converge.', caughtBy: ['gossip-converges'] },
  ],
  build({ scenario, variant, healAtUs }) {
    const opts = {
      periodUs: Number(scenario.cluster?.gossipPeriodUs ?? 100_000),
      incrementUntilUs: healAtUs,
      forgetful: variant === 'forgetful',
      quietAfterHeal: variant === 'quiet-after-heal',
    };
    return {
      stack: () => [new Gossip(opts)],
      checkers: [monotonicChecker(), convergenceChecker(), learnedAfterRestartChecker()],
    };
  },
  sourceFiles: ['protocols/demo/gossip.ts'],
};
