// Lock modes and the compatibility matrix of the VMS/Linux DLM (reference §1, [CONST], [LOCK]).
export const Mode = { IV: -1, NL: 0, CR: 1, CW: 2, PR: 3, PW: 4, EX: 5 } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];
/** The six grantable modes (IV is "no mode"). */
export type GrantMode = 0 | 1 | 2 | 3 | 4 | 5;
export type ModeName = 'NL' | 'CR' | 'CW' | 'PR' | 'PW' | 'EX';

export const MODE_NAMES: readonly ModeName[] = ['NL', 'CR', 'CW', 'PR', 'PW', 'EX'];
const GRANT_MODES: readonly GrantMode[] = [0, 1, 2, 3, 4, 5];

// Rows and columns NL..EX; symmetric. 1 = may be granted together.
const COMPAT: readonly (readonly number[])[] = [
  [1, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 1, 0],
  [1, 1, 1, 0, 0, 0],
  [1, 1, 0, 1, 0, 0],
  [1, 1, 0, 0, 0, 0],
  [1, 0, 0, 0, 0, 0],
];

/** May locks in modes a and b be granted at once? IV is compatible with everything (it holds nothing). */
export function compatible(a: Mode, b: Mode): boolean {
  if (a === Mode.IV || b === Mode.IV) return true;
  return COMPAT[a]![b] === 1;
}

export function modeName(m: Mode): ModeName | 'IV' {
  return m === Mode.IV ? 'IV' : MODE_NAMES[m]!;
}

/** The name of a held mode, or null for IV (nothing held). */
export function heldModeName(m: Mode): ModeName | null {
  return m === Mode.IV ? null : MODE_NAMES[m]!;
}

export function parseMode(name: string): GrantMode {
  const i = MODE_NAMES.findIndex((n) => n === name);
  if (i < 0) throw new Error(`unknown lock mode '${name}' (expected one of ${MODE_NAMES.join(', ')})`);
  return GRANT_MODES[i]!;
}

/**
 * A down-conversion (Linux `down_conversion`): to a lower mode, not the PR↔CW "middle" conversion,
 * and not QUECVT. Such a conversion is always grantable, so a remote requester completes it at once.
 */
export function isDownConversion(gr: Mode, rq: Mode, quecvt: boolean): boolean {
  if (quecvt || gr === Mode.IV) return false;
  const middle = (gr === Mode.PR && rq === Mode.CW) || (gr === Mode.CW && rq === Mode.PR);
  return rq < gr && !middle;
}
