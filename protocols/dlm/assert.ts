// The DLM's assertions: the one helper (sim/assert.ts) with the layer named, so a failed assumption
// is an 'assertion' violation ("node N (dlm): assertion failed: dlm: …") at the event that caused it.
import { assert as check } from '../../sim/assert.ts';

/** Assert `cond` in DLM code; otherwise the run fails with an assertion violation saying `why`. */
export function assert(cond: boolean, why: string): asserts cond {
  check(cond, `dlm: ${why}`);
}
