// The demo protocol ('gossip'): exercises the engine until the real cluster stack is there.
import { defineProtocol, describeCheckers } from '../registry.ts';
import { Gossip, monotonicChecker, convergenceChecker, learnedAfterRestartChecker } from './gossip.ts';

export const gossipProtocol = defineProtocol({
  name: 'gossip',
  optionsSchema: { cluster: { gossipPeriodUs: { type: 'integer', minimum: 1_000, maximum: 3_600_000_000, description: 'gossip period (at least 1 ms)' } } },
  description: 'Demo: nodes gossip a durable growing counter and converge after heal.',
  checkers: describeCheckers([monotonicChecker(), convergenceChecker(), learnedAfterRestartChecker()]),
  variants: [
    { name: 'forgetful', flaw: 'Keeps the counter in volatile memory, so a restarted node goes back to 0.', caughtBy: ['gossip-monotonic'] },
    { name: 'quiet-after-heal', flaw: 'Stops gossiping when it stops counting (at heal), so counters that diverged during a partition never converge.', caughtBy: ['gossip-converges'] },
  ],
  build({ cluster, variant, healAtUs }) {
    const opts = {
      periodUs: Number(cluster.gossipPeriodUs ?? 100_000),
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
});
