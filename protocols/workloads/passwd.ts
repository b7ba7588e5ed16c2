// The passwd workload's storage side: Tweedie's cluster-wide /etc/passwd as a file of several blocks
// on the shared disk. A read reads every block; a write reads the version and writes every block with
// the next version, one block at a time — so an unexcluded reader can see a torn file.
import type { DiskKey } from '../../sim/types.ts';
import type { Op } from './options.ts';
import type { OpEnv, OpOutcome } from './opEnv.ts';

export interface PasswdBlock {
  epoch: number | null;
  owner: number;
  version: number;
  /** Which block of the file this is. */
  block: number;
}

/** The disk key of block `i` (under the resource's metadata prefix, so the effect checker sees it). */
export function passwdKey(i: number): DiskKey<PasswdBlock> {
  return `meta/passwd/${i}`;
}

export function runPasswdOp(env: OpEnv, op: Op, blocks: number, done: (o: OpOutcome) => void): void {
  if (op.kind === 'pread') return readAll(env, blocks, (versions) => done({ ok: true, result: { versions } }));
  if (op.kind === 'pwrite') return writeAll(env, blocks, done);
  throw new Error(`passwd file asked to run a ${op.kind} operation`);
}

function readAll(env: OpEnv, blocks: number, done: (versions: number[]) => void): void {
  const versions: number[] = [];
  const next = (i: number): void => {
    if (i === blocks) return done(versions);
    env.ctx.disk.read(passwdKey(i), (r) => {
      versions.push(r.value?.version ?? 0);
      next(i + 1);
    });
  };
  next(0);
}

function writeAll(env: OpEnv, blocks: number, done: (o: OpOutcome) => void): void {
  env.ctx.disk.read(passwdKey(0), (r) => {
    const version = (r.value?.version ?? 0) + 1;
    const next = (i: number): void => {
      if (i === blocks) return done({ ok: true, result: { version } });
      if (i === 1) env.ctx.faultPoint('passwd.mid-write');
      const rec: PasswdBlock = { epoch: env.stamp.epoch, owner: env.stamp.owner, version, block: i };
      env.ctx.disk.write(passwdKey(i), rec, (w) => (w.ok ? next(i + 1) : done({ ok: false, reason: w.reason ?? 'refused' })), env.writeOpts);
    };
    next(0);
  });
}
