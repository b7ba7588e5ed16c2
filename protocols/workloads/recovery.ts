// Metadata recovery by a new owner, before it serves: a passwd write cut short by the loss of
// ownership leaves blocks at two versions, so the new owner rolls the file forward to the newest
// version; a snapshot record is one atomic write and needs only to be read back.
import type { OpEnv } from './opEnv.ts';
import type { PasswdBlock } from './passwd.ts';
import { passwdKey } from './passwd.ts';
import { snapshotKey } from './snapshot.ts';

/** Recover `resource` under the new owner's stamp and token; `done(ok)` (false: storage refused). */
export function recoverResource(env: OpEnv, resource: string, passwdBlocks: number, done: (ok: boolean, reason?: string) => void): void {
  if (resource !== 'passwd') return env.ctx.disk.read(snapshotKey(resource), () => done(true));
  const versions: number[] = [];
  const read = (i: number): void => {
    if (i === passwdBlocks) return repair(0, Math.max(...versions));
    env.ctx.disk.read(passwdKey(i), (r) => {
      versions.push(r.value?.version ?? 0);
      read(i + 1);
    });
  };
  const repair = (i: number, version: number): void => {
    if (i === passwdBlocks) return done(true);
    if (versions[i] === version) return repair(i + 1, version);
    const rec: PasswdBlock = { epoch: env.stamp.epoch, owner: env.stamp.owner, version, block: i };
    env.ctx.disk.write(passwdKey(i), rec, (w) => (w.ok ? repair(i + 1, version) : done(false, w.reason)), env.writeOpts);
  };
  read(0);
}
