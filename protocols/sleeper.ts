// Timed waits for a module's async code: `await sleeper.sleep(us)` sets one timer whose tag carries
// the sleep's id, and the module's onTimer hands that id to `wake`. Ids count from 1 per module
// instance, so the timers, and the trace, are what each module produced by hand before.
import type { TimerId } from '../sim/types.ts';
import type { Deferred } from '../sim/world.ts';

/** What a sleep needs of a module's context (any message type). */
interface SleepContext<T> {
  deferred<R>(): Deferred<R>;
  setTimer(delayUs: number, tag: T): TimerId;
}

export class Sleeper<T> {
  private readonly waiting = new Map<number, Deferred<void>>();
  private next = 1;

  /**
   * `tagOf(id)`: the module's timer tag for sleep `id` (a number, or e.g. `{ sleep: id }`);
   * `nextId`: where ids come from when the module numbers other timers from the same counter.
   */
  constructor(private readonly tagOf: (id: number) => T, private readonly nextId: () => number = () => this.next++) {}

  /** Resolves after `us` of this node's time (never, if the node dies first). */
  sleep(ctx: SleepContext<T>, us: number): Promise<void> {
    const id = this.nextId();
    const d = ctx.deferred<void>();
    this.waiting.set(id, d);
    const t = ctx.setTimer(us, this.tagOf(id));
    if (t < 0) this.waiting.delete(id); // not set (a dying incarnation): nothing will wake it
    return d.promise;
  }

  /** From onTimer: wake sleep `id` (nothing when no sleep has that id). */
  wake(id: number): void {
    const d = this.waiting.get(id);
    if (d === undefined) return;
    this.waiting.delete(id);
    d.resolve();
  }
}
