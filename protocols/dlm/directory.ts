// The resource directory's placement rule (fs/dlm/dir.c): the directory node of a name is member
// number (hash >> 16) mod N of the sorted member array. The hash is FNV-1a 32 (fs/dlm uses jhash;
// any fixed hash gives the same behaviour).
import type { NodeId } from '../../sim/types.ts';

export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The directory node for `name` among `members` (ascending). */
export function dirNode(name: string, members: readonly NodeId[]): NodeId {
  if (members.length === 0) throw new Error(`dirNode(${name}): no members`);
  return members[(nameHash(name) >>> 16) % members.length]!;
}
