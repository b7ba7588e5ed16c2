// Every protocol Lockstep knows, and name resolution (`name` or `name/variant`).
import type { ProtocolDef, ProtocolVariant } from './registry.ts';
import { gossipProtocol } from './demo/index.ts';
import { leaseProtocol } from './lease/index.ts';
import { oldestMemberProtocol } from './oldest-member/index.ts';
import { dlmLvbProtocol } from './dlm-lvb/index.ts';
import { cmanProtocol } from './membership/index.ts';
import { dlmProtocol } from './dlm/index.ts';

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
  const variant = def.variants.find((v) => v.name === variantName);
  if (variant === undefined) {
    throw new UnknownProtocolError(`unknown variant '${variantName}' of protocol '${def.name}' (known: ${def.variants.map((v) => v.name).join(', ') || 'none'})`);
  }
  return { def, variant, name: `${def.name}/${variant.name}` };
}
