// The lock service's properties, as checkers over observations: the engine's own 'disk-write'
// (what the storage really accepted) and the master's 'grant'. Declared up front in `checkerInfo`.
import { describeCheckers } from '../../index.ts';
import type { CheckerInfo, CheckerWorld, NodeId, Observation, WorldChecker } from '../../index.ts';

const FILE = 'chubby/file';

/** A write the storage applied to the shared file (the engine's 'disk-write' observation). */
function acceptedSeq(obs: Observation): number | undefined {
  if (obs.data.key !== FILE || obs.data.ok !== true) return undefined;
  const value = obs.data.value as { seq?: unknown } | undefined;
  return typeof value?.seq === 'number' ? value.seq : undefined;
}

/** always: the file never accepts a write under an older sequencer than one it already accepted. */
export function sequencedWrites(): WorldChecker {
  let newest = 0;
  let writer: NodeId = 0;
  return {
    name: 'chubby-sequenced-writes',
    kind: 'always',
    description: 'The shared file never accepts a write made under an older lock sequencer than one it already accepted.',
    observes: ['disk-write'],
    onObservation(obs: Observation, w: CheckerWorld) {
      const seq = acceptedSeq(obs);
      if (seq === undefined) return;
      if (seq < newest) {
        w.violate(`node ${obs.node} wrote the file under sequencer ${seq} after node ${writer} wrote it under ${newest}`);
      }
      if (seq >= newest) [newest, writer] = [seq, obs.node];
    },
  };
}

/** always: every new grant carries a sequencer larger than every earlier one. */
export function sequencersIncrease(): WorldChecker {
  let last = 0;
  let lastTo: NodeId = 0;
  return {
    name: 'chubby-sequencers-increase',
    kind: 'always',
    description: 'Each new lock grant carries a larger sequencer than every grant before it (also across master restarts).',
    observes: ['grant'],
    onObservation(obs: Observation, w: CheckerWorld) {
      const seq = obs.data.seq as number;
      if (seq <= last) w.violate(`sequencer ${seq} granted to node ${obs.data.to as number} after ${last} went to node ${lastTo}`);
      else [last, lastTo] = [seq, obs.data.to as NodeId];
    },
  };
}

/** eventually: once healed, with the master and a client up, some holder updates the file. */
export function lockProgress(healAtUs: number, deadlineUs: number | undefined): WorldChecker {
  let lastWriteUs = -1;
  return {
    name: 'chubby-progress',
    kind: 'eventually',
    description: 'After heal, with the master and a client up, some holder gets the lock and updates the file by the deadline.',
    observes: ['disk-write'],
    onObservation(obs: Observation) {
      if (acceptedSeq(obs) !== undefined) lastWriteUs = obs.atUs;
    },
    onDeadline(w: CheckerWorld) {
      const clientUp = w.nodes.some((n) => n !== 1 && w.isUp(n) && !w.isPaused(n));
      if (!w.isUp(1) || w.isPaused(1) || !clientUp) return;
      if (lastWriteUs < healAtUs) {
        const by = deadlineUs === undefined ? 'the deadline' : `${deadlineUs} µs after heal`;
        w.violate(`no holder updated the file between heal and ${by}`);
      }
    },
  };
}

/** sometimes: the storage refused a stale holder's write (the case sequencers exist for). */
export function staleWriteFenced(): WorldChecker {
  return {
    name: 'chubby-stale-write-fenced',
    kind: 'sometimes',
    description: "The storage refused a write because its sequencer was older than one it had seen.",
    observes: ['disk-write'],
    onObservation(obs: Observation, w: CheckerWorld) {
      if (obs.data.key === FILE && obs.data.reason === 'stale-token') w.cover();
    },
  };
}

/** The declarations defineProtocol() needs, taken from the checkers themselves. */
export const checkerInfo: CheckerInfo[] = describeCheckers([
  sequencedWrites(), sequencersIncrease(), lockProgress(0, undefined), staleWriteFenced(),
]);
