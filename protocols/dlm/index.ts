// The DLM's public entry: the module factory (`dlmModule`) other protocols stack, its checkers
// (`dlmCheckers`), the flawed variants, and the standalone protocol 'dlm' (membership + fencing +
// dlm + a random lock workload).
import type { Built, ProtocolVariant } from '../registry.ts';
import { defineProtocol, describeCheckers } from '../registry.ts';
import { membershipCheckers, membershipStack, parseMembershipOptions } from '../membership/index.ts';
import { Dlm } from './dlm.ts';
import type { DlmBugs, LostLvbSignal } from './lockspace.ts';
import { dlmCheckers } from './checkers/index.ts';
import { DlmWorkload, DEFAULT_WORKLOAD } from './workload.ts';
import { dlmRoles } from './roles.ts';
import { DLM_LAYER, MEMBERSHIP_LAYER, layerPart } from '../variants.ts';
import { membershipRoles } from '../membership/roles.ts';
import { DLM_POINTS, MEMBERSHIP_POINTS } from '../faultPoints.ts';
import { MEMBERSHIP_OPTIONS_SCHEMA, timeUs } from '../membership/options.ts';
import type { DlmWorkloadOptions } from './workload.ts';
import { GlockCache, DEFAULT_GLOCK_CACHE } from './glockCache.ts';
import { LvbHolderWorkload, DEFAULT_LVB_HOLDER } from './lvbWorkload.ts';
import type { GlockCacheOptions } from './glockCache.ts';
import { glockCacheChecker } from './checkers/glock.ts';
import type { MembershipOptions } from '../membership/index.ts';
import { DlmScriptWorkload, DLM_SCRIPT_SCHEMA, dlmScriptIssues } from './scriptWorkload.ts';
import type { ScriptProgram } from './scriptWorkload.ts';

export { Dlm, DEFAULT_LVB_SIZE } from './dlm.ts';
export type { DlmOptions } from './dlm.ts';
export type { LostLvbSignal } from './lockspace.ts';
export { DlmLock, LockspaceHandle } from './api.ts';
export type { LockResult, LockOptions, UnlockOptions, AstOptions, ResultFlags } from './api.ts';
export type { ModeName } from './modes.ts';
export { Status, statusName } from './flags.ts';
export type { LockFlags } from './flags.ts';
export { dlmCheckers } from './checkers/index.ts';

/**
 * A flawed variant: one planted bug the named checkers must catch. `scripted`: the swarm rarely
 * reaches the case, so a scripted negative test in test/dlm/negative.test.ts proves the catch.
 */
export type DlmVariant = ProtocolVariant & { bugs: DlmBugs; scripted?: true; glockTrustValid?: true };

/** Flawed variants: each plants one bug that the named checkers must catch. */
export const DLM_VARIANTS: readonly DlmVariant[] = [
  { name: 'no-lvb-invalidate', flaw: 'Recovery does not mark the value block VALNOTVALID when a PW/EX holder dies.', caughtBy: ['dlm-lvb'], bugs: { noLvbInvalidate: true } },
  { name: 'ignore-convert-queue', flaw: 'New requests are granted without waiting for queued conversions (rule 7).', caughtBy: ['dlm-queue'], bugs: { ignoreConvertQueue: true } },
  { name: 'lose-completion', flaw: 'Every 40th completion is dropped at the owner.', caughtBy: ['dlm-completion', 'dlm-liveness'], bugs: { loseCompletionEvery: 40 } },
  { name: 'bad-compat', flaw: 'PR and PW are treated as compatible.', caughtBy: ['dlm-compat'], bugs: { badCompat: true } },
  { name: 'split-master', flaw: 'Recovery ignores the directory: every node that looks up an orphaned resource becomes its master.', caughtBy: ['dlm-masters'], bugs: { splitMaster: true } },
  { name: 'no-rebuild', flaw: 'Survivors do not send their locks to a new master, so requests on remastered resources never complete.', caughtBy: ['dlm-liveness'], bugs: { noRebuild: true } },
  { name: 'no-demote-reply', flaw: "CONVDEADLK demotes a queued conversion to NL at the master only: the owner's copy keeps its old mode, and a master rebuilt from it holds incompatible modes.", caughtBy: ['dlm-compat'], bugs: { noDemoteReply: true }, scripted: true },
  { name: 'ivvalblk-own-flag', flaw: 'An IVVALBLK conversion reports VALNOTVALID on its own completion.', caughtBy: ['dlm-flags'], bugs: { ivValBlkReportsInvalid: true }, scripted: true },
  { name: 'sticky-flags', flaw: 'Status-block flags are not cleared after a completion, so later completions of the lock repeat them.', caughtBy: ['dlm-flags'], bugs: { stickySbflags: true }, scripted: true },
  { name: 'glock-trust-valid', flaw: "The glock-cache workload trusts a node's cached metadata whenever the value block is valid, without comparing generations.", caughtBy: ['glock-cache'], bugs: {}, scripted: true, glockTrustValid: true },
  { name: 'lose-down-conversion', flaw: 'A down-conversion completes at the requester but never reaches the master.', caughtBy: ['dlm-copies'], bugs: { loseDownConversion: true }, scripted: true },
];

/** The bugs of `variant`: one DLM variant, or the DLM parts of a composition 'a+b' merged. */
export function dlmBugsOf(variant: string | undefined): DlmBugs {
  if (variant === undefined) return {};
  const parts = variant.split('+');
  const found = DLM_VARIANTS.filter((x) => parts.includes(x.name));
  if (found.length === 0 && parts.length === 1) throw new Error(`unknown dlm variant '${variant}' (known: ${DLM_VARIANTS.map((x) => x.name).join(', ')})`);
  return found.reduce<DlmBugs>((all, v) => ({ ...all, ...v.bugs }), {});
}

/** A 'dlm' module for a host stack; `variant` plants one of DLM_VARIANTS' bugs (undefined = correct). */
export function dlmModule(opts: { variant?: string; bugs?: DlmBugs } = {}): Dlm {
  return new Dlm({ bugs: { ...dlmBugsOf(opts.variant), ...opts.bugs } });
}

/** The 'glock-cache' workload: GFS2's LVB-validated metadata cache, with its checker. */
function buildGlock(mopts: MembershipOptions, w: DlmWorkloadOptions, variant: string | undefined, given: GlockGiven = {}): Built {
  const mv = layerPart(variant, MEMBERSHIP_LAYER);
  const dv = layerPart(variant, DLM_LAYER);
  const v = DLM_VARIANTS.find((x) => x.name === dv);
  const gopts: GlockCacheOptions = {
    ...DEFAULT_GLOCK_CACHE, lvbSize: w.lvbSize, lostLvb: w.lostLvb ?? 'valnotvalid', stopAtUs: w.stopAtUs, ...given,
    ...(v?.glockTrustValid === true ? { trustValid: true } : {}),
  };
  const lostLvb = { [gopts.lockspace]: gopts.lostLvb ?? 'valnotvalid' };
  return {
    stack: () => [
      ...membershipStack({ ...mopts, ...(mv !== undefined ? { variant: mv } : {}) }),
      dlmModule(dv !== undefined ? { variant: dv } : {}), new GlockCache(gopts),
    ],
    checkers: [...dlmCheckers({ lostLvb }), glockCacheChecker(), ...membershipCheckers(mopts, { liveness: false, coverage: false })],
  };
}

/** The glock-cache options a scenario sets explicitly (the rest keep DEFAULT_GLOCK_CACHE). */
type GlockGiven = Partial<Pick<GlockCacheOptions, 'workersPerNode' | 'writeChance' | 'thinkUsMax'>>;

function glockGiven(w: Record<string, unknown>): GlockGiven {
  return {
    ...(typeof w.workersPerNode === 'number' ? { workersPerNode: w.workersPerNode } : {}),
    ...(typeof w.writeChance === 'number' ? { writeChance: w.writeChance } : {}),
    ...(typeof w.thinkMaxUs === 'number' ? { thinkUsMax: w.thinkMaxUs } : {}),
  };
}

/** The 'dlm-script' workload: the scenario's per-node programs of DLM calls. */
function buildScript(mopts: MembershipOptions, w: DlmWorkloadOptions, programs: ScriptProgram[], lockspace: string | undefined, variant: string | undefined): Built {
  const mv = layerPart(variant, MEMBERSHIP_LAYER);
  const dv = layerPart(variant, DLM_LAYER);
  const ls = lockspace ?? 'sc';
  const lostLvb = w.lostLvb ?? 'valnotvalid';
  return {
    stack: () => [
      ...membershipStack({ ...mopts, ...(mv !== undefined ? { variant: mv } : {}) }),
      dlmModule(dv !== undefined ? { variant: dv } : {}), new DlmScriptWorkload({ lockspace: ls, lvbSize: w.lvbSize, lostLvb, programs }),
    ],
    checkers: [...dlmCheckers({ lostLvb: { [ls]: lostLvb } }), ...membershipCheckers(mopts, { liveness: false, coverage: false })],
    roles: [...membershipRoles(), ...dlmRoles()],
  };
}

/** cluster.lostLvb: 'valnotvalid' (fs/dlm, default) or 'zero' (o2dlm); anything else is an error. */
export function parseLostLvb(v: unknown): LostLvbSignal {
  if (v === undefined || v === 'valnotvalid' || v === 'zero') return v ?? 'valnotvalid';
  throw new Error(`cluster.lostLvb: expected 'valnotvalid' or 'zero', got ${JSON.stringify(v)}`);
}

const DLM_WORKLOAD_SCHEMA = {
  resources: { type: 'integer', minimum: 1, maximum: 10_000, description: 'resources the workers lock' },
  workersPerNode: { type: 'integer', minimum: 1, maximum: 64, description: 'workers per node' },
  holdUsMax: timeUs(0, 'longest a lock is held'),
};

const GLOCK_SCHEMA = {
  ...DLM_WORKLOAD_SCHEMA,
  writeChance: { type: 'number', minimum: 0, maximum: 1, description: 'chance that a round writes (EX) rather than reads (PR)' },
  thinkMaxUs: timeUs(1_000, 'longest pause between two rounds'),
};

const LVB_HOLDER_SCHEMA = {
  stopAfterHealUs: timeUs(0, 'new locks stop this long after the heal (default 1.2 s)'),
};

/** The 'lvb-holder' workload (Phillips' LVB question): scripted reader, writer and other holder. */
function buildLvbHolder(mopts: MembershipOptions, w: { stopAfterHealUs?: unknown; lvbSize?: number }, healAtUs: number, variant: string | undefined): Built {
  const mv = layerPart(variant, MEMBERSHIP_LAYER);
  const dv = layerPart(variant, DLM_LAYER);
  const after = typeof w.stopAfterHealUs === 'number' ? w.stopAfterHealUs : 1_200_000;
  const opts = { ...DEFAULT_LVB_HOLDER, stopAtUs: healAtUs + after, ...(typeof w.lvbSize === 'number' ? { lvbSize: w.lvbSize } : {}) };
  return {
    stack: () => [
      ...membershipStack({ ...mopts, ...(mv !== undefined ? { variant: mv } : {}) }),
      dlmModule(dv !== undefined ? { variant: dv } : {}), new LvbHolderWorkload(opts),
    ],
    checkers: [...dlmCheckers({ lostLvb: { [opts.lockspace]: 'valnotvalid' } }), ...membershipCheckers(mopts, { liveness: false, coverage: false })],
    roles: [...membershipRoles(), ...dlmRoles()],
  };
}

export const dlmProtocol = defineProtocol({
  name: 'dlm',
  optionsSchema: {
    ...MEMBERSHIP_OPTIONS_SCHEMA,
    cluster: {
      ...MEMBERSHIP_OPTIONS_SCHEMA.cluster,
      lvbSize: { type: 'integer', minimum: 1, maximum: 4096, description: 'LVB size in bytes' },
      lostLvb: { enum: ['valnotvalid', 'zero'], description: "the lost-LVB signal: fs/dlm's 'valnotvalid' or o2dlm's 'zero'" },
    },
    workload: { 'dlm-random': DLM_WORKLOAD_SCHEMA, 'glock-cache': GLOCK_SCHEMA, 'lvb-holder': LVB_HOLDER_SCHEMA, 'dlm-script': DLM_SCRIPT_SCHEMA },
    issues: dlmScriptIssues,
  },
  description: 'The distributed lock manager (modes, queues, ASTs, LVBs, recovery) under a random lock workload, on cman membership and fencing.',
  checkers: describeCheckers([
    ...dlmCheckers(), glockCacheChecker(), ...membershipCheckers(undefined, { liveness: false, coverage: false }),
  ]),
  options: parseMembershipOptions,
  variants: DLM_VARIANTS.map(({ name, flaw, caughtBy }) => ({ name, flaw, caughtBy })),
  build({ cluster, workload, variant, healAtUs, options: mopts }) {
    const w = workload ?? { kind: 'dlm-random' };
    // Its own variants are DLM flaws; membership flaws compose under it.
    const mv = layerPart(variant, MEMBERSHIP_LAYER);
    const dv = layerPart(variant, DLM_LAYER);
    const wopts = {
      ...DEFAULT_WORKLOAD,
      stopAtUs: healAtUs,
      ...(typeof w.resources === 'number' ? { resources: w.resources } : {}),
      ...(typeof w.workersPerNode === 'number' ? { workersPerNode: w.workersPerNode } : {}),
      ...(w.kind === 'none' ? { workersPerNode: 0 } : {}),
      ...(typeof w.holdUsMax === 'number' ? { holdUsMax: w.holdUsMax } : {}),
      ...(typeof cluster.lvbSize === 'number' ? { lvbSize: cluster.lvbSize } : {}),
      lostLvb: parseLostLvb(cluster.lostLvb),
    };
    if (w.kind === 'glock-cache') return buildGlock(mopts, wopts, variant, glockGiven(w));
    if (w.kind === 'dlm-script') return buildScript(mopts, wopts, w.programs as ScriptProgram[], typeof w.lockspace === 'string' ? w.lockspace : undefined, variant);
    if (w.kind === 'lvb-holder') return buildLvbHolder(mopts, { stopAfterHealUs: w.stopAfterHealUs, ...(typeof cluster.lvbSize === 'number' ? { lvbSize: cluster.lvbSize } : {}) }, healAtUs, variant);
    const lostLvb = { [wopts.lockspace]: wopts.lostLvb };
    return {
      stack: () => [...membershipStack({ ...mopts, ...(mv !== undefined ? { variant: mv } : {}) }), dlmModule(dv !== undefined ? { variant: dv } : {}), new DlmWorkload(wopts)],
      checkers: [...dlmCheckers({ lostLvb }), ...membershipCheckers(mopts, { liveness: false, coverage: false })],
      roles: [...membershipRoles(), ...dlmRoles()],
    };
  },
  faultPoints: [...MEMBERSHIP_POINTS, ...DLM_POINTS],
  sourceFiles: [
    'protocols/dlm/modes.ts', 'protocols/dlm/flags.ts', 'protocols/dlm/lvb.ts', 'protocols/dlm/resource.ts',
    'protocols/dlm/callbacks.ts', 'protocols/dlm/directory.ts', 'protocols/dlm/channel.ts', 'protocols/dlm/lockspace.ts',
    'protocols/dlm/recovery.ts', 'protocols/dlm/api.ts', 'protocols/dlm/dlm.ts', 'protocols/dlm/validate.ts',
    'protocols/dlm/assert.ts', 'protocols/dlm/observations.ts', 'protocols/dlm/glockCache.ts', 'protocols/dlm/lvbWorkload.ts',
    'protocols/dlm/scriptWorkload.ts',
  ],
});
