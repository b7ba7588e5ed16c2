// The fault points of the cluster stack, per layer: named places in protocol code where a fault
// matters (FoundationDB's BUGGIFY, TigerBeetle's marks). Code reaches one with
// ctx.faultPoint(name); a scenario may crash, pause or delay the node at the k-th hit. Declared
// here so `lockstep list` and the validator know them without a run; reaching an undeclared point
// fails the run.

export interface FaultPointInfo {
  name: string;
  /** The window the point opens, in the protocol's words. */
  description: string;
}

/** Membership: cman transitions, service-group barriers, fencing. */
export const MEMBERSHIP_POINTS: readonly FaultPointInfo[] = [
  {
    name: 'cman.transition',
    description:
      'the master has sent the new view, not every member has installed it',
  },
  {
    name: 'cman.view-installed',
    description:
      'a member installed a new view, the service groups not yet stopped',
  },
  {
    name: 'sm.stopped',
    description:
      'a service group member stopped for a transition, before it starts again',
  },
  {
    name: 'sm.start-done',
    description:
      'a member answered start_done, the barrier not yet complete',
  },
  { name: 'sm.finish', description: 'the barrier completed: finish sent, not every member has it' },
  {
    name: 'fence.request',
    description:
      'the fencer asked the device to fence a victim, before the answer',
  },
  {
    name: 'fence.done',
    description:
      'a victim is fenced, start_done for the fence group not yet sent',
  },
];

/** The DLM: grants, conversions, recovery phases. */
export const DLM_POINTS: readonly FaultPointInfo[] = [
  {
    name: 'dlm.grant',
    description:
      'the master granted a lock, the completion not yet sent to the holder',
  },
  {
    name: 'dlm.convert',
    description:
      'the master granted a conversion, the completion not yet sent',
  },
  {
    name: 'dlm.down-convert',
    description:
      'a PW/EX holder sent a down-conversion carrying its value block (completed at once), the master has not applied it',
  },
  {
    name: 'dlm.recovery-start',
    description:
      'lockspace recovery began: stopped, directory not yet rebuilt',
  },
  {
    name: 'dlm.recovery-rebuilt',
    description:
      'recovery rebuilt the masters, locks not yet resent',
  },
  {
    name: 'dlm.recovery-done',
    description:
      'recovery after DONE: start_done sent, pending grants not yet run',
  },
];

/** dlm-lvb ownership: claim under EX, publish in the LVB. */
export const DLM_LVB_POINTS: readonly FaultPointInfo[] = [
  {
    name: 'dlm-lvb.ex-granted',
    description:
      'EX granted, LVB not yet written (claim not yet on disk)',
  },
  {
    name: 'dlm-lvb.claimed',
    description:
      'claim on disk and metadata recovered, LVB not yet written (EX→PW pending)',
  },
  {
    name: 'dlm-lvb.published',
    description:
      'EX→PW done: owner and epoch in the LVB, the owner about to serve',
  },
];

/** oldest-member ownership: the oldest member decides, members hand over. */
export const OLDEST_MEMBER_POINTS: readonly FaultPointInfo[] = [
  { name: 'oldest-member.decision-sent', description: 'decision sent, not all acked' },
  {
    name: 'oldest-member.claimed',
    description:
      'a member took a resource assigned to it, before it serves',
  },
  {
    name: 'oldest-member.handed-over',
    description:
      'a member gave a resource up at stop, before start_done',
  },
];

/** The ownership workloads (every ownership protocol runs them). */
export const WORKLOAD_POINTS: readonly FaultPointInfo[] = [
  {
    name: 'passwd.mid-write',
    description: 'a passwd write has written its first block, not the rest: the file is torn until it finishes',
  },
];

/** lease ownership: claim by compare-and-set, renew, give up on expiry. */
export const LEASE_POINTS: readonly FaultPointInfo[] = [
  {
    name: 'lease.claimed',
    description:
      'the lease write was accepted, the new owner not yet serving',
  },
  { name: 'lease.renewed', description: 'a renewal was accepted, the next renewal not yet due' },
  {
    name: 'lease.expired',
    description:
      'an owner saw its lease expire on its own clock, its successor not yet in',
  },
];
