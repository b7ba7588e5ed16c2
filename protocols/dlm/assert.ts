// The DLM's assertion helper: handlers assert what they assume, and a failed assertion throws, which
// the engine reports as a named violation ('exception', "node N (dlm) threw: dlm assertion failed:
// …") at the event that caused it, and stops the run (sim/world.ts guard/exception).
/** Thrown by `assert`; its message names the broken assumption. */
export class DlmAssertionError extends Error {
  override readonly name = 'DlmAssertionError';
}

/** Assert `cond`; otherwise throw a DlmAssertionError saying `why` (stays on in every run). */
export function assert(cond: boolean, why: string): asserts cond {
  if (!cond) throw new DlmAssertionError(`dlm assertion failed: ${why}`);
}
