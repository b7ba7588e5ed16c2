// Composable variants: `protocol/flawA+flawB`. A protocol's own variants compose with the flaws of
// the layers it is built on (membership, DLM), so `dlm-lvb/no-incarnation` and
// `oldest-member/no-quorum+no-fencing` name real stacks. Unknown, repeated or incompatible parts are
// errors. The canonical name lists the parts in declaration order (own, then each layer's).
import type { ProtocolDef, ProtocolVariant } from './registry.ts';
import { MEMBERSHIP_VARIANTS } from './membership/variants.ts';
import { DLM_VARIANTS } from './dlm/index.ts';

/** The flaws of one layer of the stack, selectable under every protocol built on it. */
export interface VariantLayer {
  name: string;
  variants: readonly ProtocolVariant[];
}

export const MEMBERSHIP_LAYER: VariantLayer = { name: 'membership', variants: MEMBERSHIP_VARIANTS };
/** A getter: protocols/dlm/index.ts imports this file, so DLM_VARIANTS is read only when used. */
export const DLM_LAYER: VariantLayer = {
  name: 'dlm',
  get variants() {
    return DLM_VARIANTS;
  },
};

/** The layers each protocol is built on (a protocol absent here composes only its own variants). */
export const LAYERS_OF: Readonly<Record<string, readonly VariantLayer[]>> = {
  'dlm-lvb': [MEMBERSHIP_LAYER, DLM_LAYER],
  'oldest-member': [MEMBERSHIP_LAYER],
  dlm: [MEMBERSHIP_LAYER],
};

/** Pairs that do not compose, per protocol, and why. */
export const INCOMPATIBLE: readonly { protocol: string; parts: readonly [string, string]; why: string }[] = [
  {
    protocol: 'dlm-lvb', parts: ['ignore-valnotvalid', 'new-ex-request'],
    why: 'new-ex-request already trusts every value block whatever its flag, so the pair is new-ex-request alone under two names',
  },
];

/** The parts of a variant name ('a+b' → ['a', 'b']); none for the correct configuration. */
export function variantParts(variant: string | undefined): string[] {
  return variant === undefined ? [] : variant.split('+');
}

/** Every variant selectable under `def`: its own, then each layer's not already its own, in order. */
export function selectableVariants(def: ProtocolDef): ProtocolVariant[] {
  const out = [...def.variants];
  for (const layer of LAYERS_OF[def.name] ?? []) {
    for (const v of layer.variants) if (!out.some((x) => x.name === v.name)) out.push(v);
  }
  return out;
}

/**
 * The variant `spec` ('a' or 'a+b') of `def`: one variant, or a composition whose flaw and caughtBy
 * join its parts'. Throws with the reason for an unknown, repeated or incompatible part.
 */
export function composeVariant(def: ProtocolDef, spec: string): ProtocolVariant {
  const known = selectableVariants(def);
  const names = spec.split('+');
  const parts: ProtocolVariant[] = [];
  for (const n of names) {
    const v = known.find((x) => x.name === n);
    if (v === undefined) throw new Error(`unknown variant '${n}' of protocol '${def.name}' (known: ${known.map((x) => x.name).join(', ') || 'none'})`);
    if (parts.includes(v)) throw new Error(`variant '${n}' of protocol '${def.name}' given twice`);
    parts.push(v);
  }
  for (const c of INCOMPATIBLE) {
    if (c.protocol === def.name && c.parts.every((p) => names.includes(p))) {
      throw new Error(`variants '${c.parts[0]}' and '${c.parts[1]}' of protocol '${def.name}' do not compose: ${c.why}`);
    }
  }
  // A lower layer's flaw is also caught by the checkers above it that this protocol runs.
  const runs = new Set(def.checkers.map((c) => c.name));
  const above = parts.flatMap((p) => (p.caughtAbove ?? []).filter((c) => runs.has(c)));
  if (parts.length === 1 && above.length === 0) return parts[0]!;
  parts.sort((a, b) => known.indexOf(a) - known.indexOf(b));
  return {
    name: parts.map((p) => p.name).join('+'),
    flaw: parts.map((p) => p.flaw).join(' AND '),
    caughtBy: [...new Set([...parts.flatMap((p) => p.caughtBy), ...above])],
  };
}

/** The parts of `variant` that belong to `layer`, joined ('a+b'), or undefined when none do. */
export function layerPart(variant: string | undefined, layer: VariantLayer): string | undefined {
  const mine = variantParts(variant).filter((p) => layer.variants.some((v) => v.name === p));
  return mine.length > 0 ? mine.join('+') : undefined;
}
