// Every protocol Lockstep knows, and name resolution (`name` or `name/variant`).
import type { ProtocolDef, ProtocolVariant } from './registry.ts';
import { gossipProtocol } from './demo/index.ts';
import { leaseProtocol } from './lease/index.ts';
import { oldestMemberProtocol } from './oldest-member/index.ts';
import { dlmLvbProtocol } from './dlm-lvb/index.ts';
import { cmanProtocol } from './membership/index.ts';
import { dlmProtocol } from './dlm/index.ts';
import { composeVariant } from './variants.ts';

export const PROTOCOLS: ProtocolDef[] = [gossipProtocol, leaseProtocol, oldestMemberProtocol, dlmLvbProtocol, cmanProtocol, dlmProtocol];

export interface ResolvedProtocol {
  def: ProtocolDef;
  variant: ProtocolVariant | undefined;
  /** Canonical name: `name` or `name/variant`. */
  name: string;
}

export class UnknownProtocolError extends Error {}

export function resolveProtocol(name: string): ResolvedProtocol {
  const [base, variantName, ...rest] = name.split('/');
  const def = PROTOCOLS.find((p) => p.name === base);
  if (def === undefined || rest.length > 0) {
    throw new UnknownProtocolError(`unknown protocol '${name}' (known: ${PROTOCOLS.map((p) => p.name).join(', ')})`);
  }
  if (variantName === undefined) return { def, variant: undefined, name: def.name };
  let variant: ProtocolVariant;
  try {
    variant = composeVariant(def, variantName); // 'a' or a composition 'a+b' (own and layer flaws)
  } catch (err) {
    throw new UnknownProtocolError((err as Error).message);
  }
  return { def, variant, name: `${def.name}/${variant.name}` };
}
