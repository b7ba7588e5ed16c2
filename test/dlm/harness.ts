// A small test harness: a 5-node world with the real membership stack (cman + fenced), the DLM and
// a scripted application module whose per-node coroutine drives the lock API.
import { World } from '../../sim/world.ts';
import type { WorldChecker } from '../../sim/world.ts';
import type { Context, Module, NodeId, RunResult } from '../../sim/types.ts';
import type { FaultSpec } from '../../sim/faults/spec.ts';
import { membershipStack, parseMembershipOptions } from '../../protocols/membership/index.ts';
import { dlmCheckers, dlmModule } from '../../protocols/dlm/index.ts';
import type { Dlm, LockspaceHandle, LostLvbSignal } from '../../protocols/dlm/index.ts';

export interface AppCtx {
  ctx: Context;
  ls: LockspaceHandle;
  node: NodeId;
  sleep(us: number): Promise<void>;
  /** Resolves when the lockspace has completed its first recovery (the node is a member). */
  ready(): Promise<void>;
}

export type Script = (a: AppCtx) => Promise<void>;

class App implements Module {
  readonly name = 'app-script';
  private readonly timers = new Map<number, () => void>();
  private next = 1;

  constructor(private readonly script: Script | undefined, private readonly lvbSize: number, private readonly lostLvb: LostLvbSignal) {}

  onStart(ctx: Context): void {
    const ls = ctx.module<Dlm>('dlm').lockspace('t', { lvbSize: this.lvbSize, lostLvb: this.lostLvb });
    const script = this.script;
    if (script === undefined) return;
    const sleep = (us: number): Promise<void> => {
      const d = ctx.deferred<void>();
      const id = this.next++;
      this.timers.set(id, () => d.resolve());
      ctx.setTimer(us, id);
      return d.promise;
    };
    const ready = async (): Promise<void> => {
      while (ls.recovering) await sleep(10_000);
    };
    ctx.spawn('script', () => script({ ctx, ls, node: ctx.node, sleep, ready }));
  }

  onTimer(_ctx: Context, tag: unknown): void {
    const f = this.timers.get(tag as number);
    this.timers.delete(tag as number);
    f?.();
  }
}

export interface RunOptions {
  nodes?: number;
  seed?: number;
  faults?: FaultSpec[];
  durationUs?: number;
  variant?: string;
  checkers?: WorldChecker[];
  lvbSize?: number;
  /** Lockspace 't''s lost-value-block signal (default 'valnotvalid'); the checkers are told. */
  lostLvb?: LostLvbSignal;
  /** Only nodes listed run their script (boot restarts run it again). */
  scripts: Partial<Record<number, Script>>;
  trace?: (r: Record<string, unknown>) => void;
  onWorld?: (w: World) => void;
}

export async function runCluster(o: RunOptions): Promise<{ result: RunResult; world: World }> {
  const nodes = o.nodes ?? 5;
  const opts = parseMembershipOptions({}, nodes);
  const world = new World({
    scenario: 'dlm-test', protocol: 'dlm', seed: o.seed ?? 1, nodes, durationUs: o.durationUs ?? 15_000_000,
    stack: (n) => [...membershipStack(opts), dlmModule(o.variant !== undefined ? { variant: o.variant } : {}), new App(o.scripts[n], o.lvbSize ?? 32, o.lostLvb ?? 'valnotvalid')],
    checkers: o.checkers ?? dlmCheckers({ coverage: false, lostLvb: { t: o.lostLvb ?? 'valnotvalid' } }),
    faults: o.faults ?? [],
    ...(o.trace ? { trace: o.trace } : {}),
  });
  o.onWorld?.(world);
  const result = await world.run();
  return { result, world };
}

export const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
