// Module 'dlm-script': a scripted DLM workload whose calls are declared in the scenario, so a small
// `lockstep check` configuration makes exactly the call sequence a case needs (a CONVDEADLK
// conversion queued behind another, an IVVALBLK conversion, a value-carrying down-conversion …) and
// the search adds the rest (crashes at fault points, delivery orders). Each program is one node's
// list of operations, run in order by one coroutine:
//   lock     request `mode` on `resource` as the named handle (optionally with the value block, flags)
//   convert  convert the named handle to `mode` (flags; `valueBlock: false` sends no value block)
//   unlock   unlock it (`invalidate`: IVVALBLK), when it is held and idle
//   cancel   cancel its request or conversion in flight
//   wait     wait until its operation in flight completes
//   write    put [node, value, 0 …] in its value block (sent by the next writing conversion or unlock)
//   sleep    nothing (only `atUs` / `afterUs`)
// An operation starts at `atUs` (simulated time) at the earliest and `afterUs` after the previous one
// started or completed; lock/convert/unlock wait for their completion unless `wait: false` (then a
// later operation on the same handle, or `wait`, waits for it). An operation on a handle that is not
// held (its request failed, it was unlocked) is skipped; -ENOTCONN (the node's lockspace is gone)
// ends the program. A restarted node runs nothing (volatile only). Validation: `dlmScriptIssues`.
import type { Context, Module } from '../../sim/types.ts';
import { Sleeper } from '../sleeper.ts';
import type { Dlm } from './dlm.ts';
import type { DlmLock, LockspaceHandle } from './api.ts';
import type { LostLvbSignal } from './lockspace.ts';
import type { LockFlags } from './flags.ts';
import type { ModeName } from './modes.ts';
import { MODE_NAMES } from './modes.ts';
import { Status } from './flags.ts';

export const SCRIPT_OPS = ['lock', 'convert', 'unlock', 'cancel', 'wait', 'write', 'sleep'] as const;
export type ScriptOpKind = (typeof SCRIPT_OPS)[number];

export const SCRIPT_FLAGS: readonly (keyof LockFlags)[] = [
  'noQueue', 'noQueueBast', 'quecvt', 'convDeadlk', 'noDlckWt', 'expedite', 'noOrder', 'altPr', 'altCw', 'ivValBlk',
];

export interface ScriptOp {
  op: ScriptOpKind;
  lock?: string;
  resource?: string;
  mode?: ModeName;
  atUs?: number;
  afterUs?: number;
  wait?: boolean;
  valueBlock?: boolean;
  flags?: (keyof LockFlags)[];
  value?: number;
  invalidate?: boolean;
}

export interface ScriptProgram {
  node: number;
  ops: ScriptOp[];
}

export interface DlmScriptOptions {
  lockspace: string;
  lvbSize: number;
  lostLvb?: LostLvbSignal;
  programs: ScriptProgram[];
}

/** Which fields each operation reads (besides op, atUs, afterUs); any other field is an error. */
const FIELDS: Readonly<Record<ScriptOpKind, { required: readonly string[]; optional: readonly string[] }>> = {
  lock: { required: ['lock', 'resource', 'mode'], optional: ['valueBlock', 'flags', 'wait'] },
  convert: { required: ['lock', 'mode'], optional: ['valueBlock', 'flags', 'wait'] },
  unlock: { required: ['lock'], optional: ['invalidate', 'wait'] },
  cancel: { required: ['lock'], optional: [] },
  wait: { required: ['lock'], optional: [] },
  write: { required: ['lock', 'value'], optional: [] },
  sleep: { required: [], optional: [] },
};

const NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_-]{0,31}$';

/** The JSON Schema of one operation (the field-level checks; dlmScriptIssues does the rest). */
const OP_SCHEMA = {
  type: 'object',
  required: ['op'],
  additionalProperties: false,
  properties: {
    op: { enum: [...SCRIPT_OPS], description: 'the operation' },
    lock: { type: 'string', pattern: NAME_PATTERN, description: "the handle's name in this node's program (a letter, then letters, digits, '_', '-')" },
    resource: { type: 'string', minLength: 1, maxLength: 64, description: 'the resource name' },
    mode: { enum: [...MODE_NAMES] },
    atUs: { type: 'integer', minimum: 0, description: 'start at this simulated time at the earliest' },
    afterUs: { type: 'integer', minimum: 0, description: 'start this long after the previous operation' },
    wait: { type: 'boolean', description: 'wait for the completion before the next operation (default true)' },
    valueBlock: { type: 'boolean', description: 'use the lock value block (VALBLK)' },
    flags: { type: 'array', uniqueItems: true, items: { enum: [...SCRIPT_FLAGS] }, description: 'request flags' },
    value: { type: 'integer', minimum: 0, maximum: 255, description: 'the byte written after the node id' },
    invalidate: { type: 'boolean', description: 'IVVALBLK on the unlock' },
  },
};

export const DLM_SCRIPT_SCHEMA = {
  programs: {
    type: 'array',
    minItems: 1,
    description: 'one program per node: { node, ops }',
    items: {
      type: 'object',
      required: ['node', 'ops'],
      additionalProperties: false,
      properties: {
        node: { type: 'integer', minimum: 1, description: 'the node that runs the operations' },
        ops: { type: 'array', minItems: 1, items: OP_SCHEMA, description: 'the operations, run in order' },
      },
    },
  },
  lockspace: { type: 'string', pattern: NAME_PATTERN, description: 'the lockspace name (default "sc")' },
};

/** One problem with a workload's programs (as the scenario validator prints it). */
export interface ScriptIssue {
  path: string;
  expected: string;
  value: unknown;
}

/**
 * What JSON Schema cannot say about a schema-valid `dlm-script` workload: nodes within the cluster,
 * one program per node, the fields each operation reads, handles named by a `lock` before use and
 * requested once.
 */
export function dlmScriptIssues(doc: { nodes: number; workload?: unknown }): ScriptIssue[] {
  const w = doc.workload as { kind?: unknown; programs?: unknown } | undefined;
  if (w?.kind !== 'dlm-script') return [];
  if (!Array.isArray(w.programs)) return [{ path: 'workload.programs', expected: 'an array of programs { node, ops } (required)', value: w.programs }];
  const out: ScriptIssue[] = [];
  const seen = new Map<number, number>();
  (w.programs as ScriptProgram[]).forEach((p, i) => {
    const at = `workload.programs[${i}]`;
    if (p.node > doc.nodes) out.push({ path: `${at}.node`, expected: `a node id from 1 to ${doc.nodes} (the cluster has ${doc.nodes} nodes)`, value: p.node });
    const prev = seen.get(p.node);
    if (prev !== undefined) out.push({ path: `${at}.node`, expected: `one program per node (programs[${prev}] is node ${p.node}'s)`, value: p.node });
    seen.set(p.node, i);
    const defined = new Set<string>();
    p.ops.forEach((op, j) => {
      const here = `${at}.ops[${j}]`;
      const f = FIELDS[op.op];
      for (const k of f.required) {
        if ((op as unknown as Record<string, unknown>)[k] === undefined) out.push({ path: `${here}.${k}`, expected: `a value (an '${op.op}' operation needs ${f.required.join(', ')})`, value: undefined });
      }
      for (const k of Object.keys(op)) {
        if (k === 'op' || k === 'atUs' || k === 'afterUs' || f.required.includes(k) || f.optional.includes(k)) continue;
        out.push({ path: `${here}.${k}`, expected: `no such field for '${op.op}' (it reads ${['atUs', 'afterUs', ...f.required, ...f.optional].join(', ')})`, value: (op as unknown as Record<string, unknown>)[k] });
      }
      if (op.lock === undefined || !f.required.includes('lock')) return;
      if (op.op === 'lock') {
        if (defined.has(op.lock)) out.push({ path: `${here}.lock`, expected: `a new handle name ('${op.lock}' was requested by an earlier 'lock' of this program)`, value: op.lock });
        defined.add(op.lock);
      } else if (!defined.has(op.lock)) {
        out.push({ path: `${here}.lock`, expected: `a handle an earlier 'lock' operation of this program requested (known: ${[...defined].join(', ') || 'none'})`, value: op.lock });
      }
    });
  });
  return out;
}

interface Handle {
  lk?: DlmLock;
  pending?: Promise<unknown>;
  abort?: AbortController;
}

export class DlmScriptWorkload implements Module {
  readonly name = 'dlm-script';
  private ctx!: Context;
  private ls!: LockspaceHandle;
  private readonly sleeper = new Sleeper<number>((id) => id);
  private stopped = false;

  constructor(private readonly opts: DlmScriptOptions) {}

  onStart(ctx: Context): void {
    this.ctx = ctx;
    const lost = this.opts.lostLvb !== undefined ? { lostLvb: this.opts.lostLvb } : {};
    this.ls = ctx.module<Dlm>('dlm').lockspace(this.opts.lockspace, { lvbSize: this.opts.lvbSize, ...lost });
    const program = this.opts.programs.find((p) => p.node === ctx.node);
    if (program === undefined || ctx.incarnation > 1) return;
    ctx.spawn('script', () => this.run(program.ops));
  }

  onTimer(_ctx: Context, tag: unknown): void {
    if (typeof tag !== 'number') return;
    this.sleeper.wake(tag);
  }

  private sleep(us: number): Promise<void> {
    return this.sleeper.sleep(this.ctx, us);
  }

  private async run(ops: readonly ScriptOp[]): Promise<void> {
    const handles = new Map<string, Handle>();
    for (const op of ops) {
      if (this.stopped) return;
      if (op.atUs !== undefined && this.ctx.now() < op.atUs) await this.sleep(op.atUs - this.ctx.now());
      if (op.afterUs !== undefined && op.afterUs > 0) await this.sleep(op.afterUs);
      const h = op.lock !== undefined ? handles.get(op.lock) ?? {} : {};
      if (op.lock !== undefined) handles.set(op.lock, h);
      if (op.op === 'sleep') continue;
      if (op.op === 'cancel') {
        h.abort?.abort();
        continue;
      }
      if (h.pending !== undefined) await h.pending;
      if (op.op === 'wait') continue;
      const started = this.start(op, h);
      if (started === undefined) continue;
      h.pending = started;
      if (op.wait !== false) await started;
    }
  }

  /** Issue one lock/convert/unlock/write; the promise settles when it completes (undefined: nothing issued). */
  private start(op: ScriptOp, h: Handle): Promise<void> | undefined {
    const flags: LockFlags = {};
    for (const f of op.flags ?? []) flags[f] = true;
    if (op.op === 'lock') {
      h.abort = new AbortController();
      return this.ls.lock(op.resource!, op.mode!, { valueBlock: op.valueBlock === true, flags, signal: h.abort.signal }).then((lk) => {
        this.note(lk.status);
        if (lk.status === Status.OK) h.lk = lk;
      });
    }
    const lk = h.lk;
    if (lk === undefined || lk.mode === null) return undefined;
    if (op.op === 'write') {
      const v = new Uint8Array(this.opts.lvbSize);
      v[0] = this.ctx.node;
      v[1] = op.value ?? 0;
      lk.valueBlock = v;
      return undefined;
    }
    if (lk.busy) return undefined;
    if (op.op === 'convert') {
      h.abort = new AbortController();
      const vb = op.valueBlock !== undefined ? { valueBlock: op.valueBlock } : {};
      return lk.convert(op.mode!, { flags, signal: h.abort.signal, ...vb }).then((r) => this.note(r.status));
    }
    return lk.unlock(op.invalidate === true ? { invalidate: true } : {}).then((r) => {
      this.note(r.status);
      if (r.ok) h.lk = undefined;
    });
  }

  private note(status: number): void {
    if (status === Status.ENOTCONN) this.stopped = true;
  }
}
