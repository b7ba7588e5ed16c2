// Every protocol Lockstep knows (the built-ins plus any registered at run time), and name
// resolution (`name` or `name/variant`, or a ProtocolDef object given directly).
import type { ProtocolDef, ProtocolVariant } from './registry.ts';
import { gossipProtocol } from './demo/index.ts';
import { leaseProtocol } from './lease/index.ts';
import { oldestMemberProtocol } from './oldest-member/index.ts';
import { dlmLvbProtocol } from './dlm-lvb/index.ts';
import { cmanProtocol } from './membership/index.ts';
import { dlmProtocol } from './dlm/index.ts';
import { composeVariant } from './variants.ts';

export const PROTOCOLS: ProtocolDef[] = [gossipProtocol, leaseProtocol, oldestMemberProtocol, dlmLvbProtocol, cmanProtocol, dlmProtocol];

/** The names of the protocols that ship with Lockstep (a registered protocol may not reuse one). */
export const BUILT_IN_PROTOCOLS: readonly string[] = PROTOCOLS.map((p) => p.name);

export interface ResolvedProtocol {
  def: ProtocolDef;
  variant: ProtocolVariant | undefined;
  /** Canonical name: `name` or `name/variant`. */
  name: string;
}

export class UnknownProtocolError extends Error {}

/** A scenario's `checkers` names a checker its protocol does not declare. */
export class UnknownCheckerError extends Error {}

/** A protocol whose name is taken by another registered protocol. */
export class ProtocolClashError extends Error {}

/**
 * Add a protocol to the registry (CLI --plugin, or a library user), so it resolves by name.
 * Registering the same definition again is a no-op; another protocol under a taken name is an error.
 */
export function registerProtocol(def: ProtocolDef): void {
  const taken = PROTOCOLS.find((p) => p.name === def.name);
  if (taken === def) return;
  if (taken !== undefined) {
    const what = BUILT_IN_PROTOCOLS.includes(def.name) ? 'a built-in protocol' : 'an already registered protocol';
    throw new ProtocolClashError(`protocol '${def.name}': the name is taken by ${what}; choose another name`);
  }
  PROTOCOLS.push(def);
}

export function resolveProtocol(name: string): ResolvedProtocol {
  const [base, variantName, ...rest] = name.split('/');
  const def = PROTOCOLS.find((p) => p.name === base);
  if (def === undefined || rest.length > 0) {
    throw new UnknownProtocolError(`unknown protocol '${name}' (known: ${PROTOCOLS.map((p) => p.name).join(', ')})`);
  }
  return withVariant(def, variantName);
}

/** A protocol given by name (`name` or `name/variant`) or as a definition plus a variant name. */
export function resolveProtocolRef(ref: string | ProtocolDef, variant?: string): ResolvedProtocol {
  if (typeof ref === 'string') return resolveProtocol(variant === undefined ? ref : `${ref}/${variant}`);
  return withVariant(ref, variant);
}

function withVariant(def: ProtocolDef, variantName: string | undefined): ResolvedProtocol {
  if (variantName === undefined) return { def, variant: undefined, name: def.name };
  let variant: ProtocolVariant;
  try {
    variant = composeVariant(def, variantName); // 'a' or a composition 'a+b' (own and layer flaws)
  } catch (err) {
    throw new UnknownProtocolError(err instanceof Error ? err.message : String(err));
  }
  return { def, variant, name: `${def.name}/${variant.name}` };
}

/**
 * The checkers a scenario's `checkers` list keeps (all declared ones when it has none). An unknown
 * name is an UnknownCheckerError listing the protocol's checkers.
 */
export function selectCheckers(resolved: ResolvedProtocol, wanted: readonly string[] | undefined, where: string): string[] {
  const known = resolved.def.checkers.map((c) => c.name);
  if (wanted === undefined) return known;
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UnknownCheckerError(`${where}: checkers: expected names of ${resolved.name}'s checkers (${known.join(', ')}), got ${unknown.map((n) => `'${n}'`).join(', ')}`);
  }
  return [...wanted];
}
