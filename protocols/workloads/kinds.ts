// Every workload kind a scenario may name, and the layer that runs it. Other protocols ignore a kind
// that is not theirs (and run their default), so a scenario can be explored under every protocol; a
// kind no layer knows is an error.
export const WORKLOAD_KINDS: readonly { kind: string; description: string }[] = [
  { kind: 'snapshot-metadata', description: 'ownership protocols: chunk allocate/free by read-modify-write through the owner' },
  { kind: 'passwd', description: "ownership protocols: Tweedie's cluster-wide /etc/passwd, PR readers and EX writers" },
  { kind: 'ownership-mix', description: 'ownership protocols: snapshot-metadata and passwd together (their default)' },
  { kind: 'dlm-random', description: 'dlm protocol: random locks, converts, LVB reads/writes and cancels' },
  { kind: 'glock-cache', description: "dlm protocol: GFS2's glock pattern, a node-local metadata cache validated by the LVB's generation" },
  { kind: 'lvb-holder', description: "dlm protocol: Phillips' LVB question, a scripted reader, PW writer (down-conversions carry its writes) and other value-block holder on one resource" },
  { kind: 'dlm-script', description: 'dlm protocol: per-node scripted lock, convert, unlock and value-block calls declared in the scenario (for small check configurations)' },
  { kind: 'none', description: 'no workload' },
];

export function isWorkloadKind(kind: string): boolean {
  return WORKLOAD_KINDS.some((k) => k.kind === kind);
}

export function assertWorkloadKind(kind: string): void {
  if (!isWorkloadKind(kind)) {
    throw new Error(`unknown workload kind '${kind}' (known: ${WORKLOAD_KINDS.map((k) => k.kind).join(', ')})`);
  }
}
