// The one assertion helper for protocol and engine code (STYLE §6: assertions live in handlers and
// stay on). A failed assertion throws an AssertionFailure; the engine reports it as a violation of
// the checker 'assertion' at the event that caused it, naming the layer and what was assumed.

/** Thrown by `assert`: the engine turns it into an 'assertion' violation, not a generic exception. */
export class AssertionFailure extends Error {
  override readonly name = 'AssertionFailure';
}

/**
 * Check what a handler assumes. `why` says what must hold, in the layer's words; prefix it with the
 * layer (`dlm: …`) so the violation names where the model broke.
 */
export function assert(cond: boolean, why: string): asserts cond {
  if (!cond) throw new AssertionFailure(why);
}
