// Exit codes and the error a command throws for bad input (exit 2, message shown without a stack).
import { ScenarioError } from '../scenarios/validate.ts';
import { ProtocolClashError, UnknownCheckerError, UnknownProtocolError } from '../protocols/index.ts';
import { ProtocolDefinitionError } from '../protocols/registry.ts';

export const EXIT_OK = 0;
export const EXIT_VIOLATED = 1;
export const EXIT_BAD_INPUT = 2;

/** Bad input from the user: a flag, a file, a field. The message says what and where. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** True when the error is the user's input rather than a bug (printed without a stack). */
export function isInputError(err: unknown): err is Error {
  return err instanceof InputError || err instanceof ScenarioError || err instanceof UnknownProtocolError
    || err instanceof UnknownCheckerError || err instanceof ProtocolClashError || err instanceof ProtocolDefinitionError;
}
