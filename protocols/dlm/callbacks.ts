// A lock's callback queue on its owner node (fs/dlm/ast.c): completions and blocking notifications
// are delivered in the order queued; a bast is dropped when its mode is compatible with the mode of
// the latest completion or when it repeats the callback just before it; delivery can be held back
// (during lockspace recovery) without losing anything.
import { Mode, compatible } from './modes.ts';

export interface CastCallback {
  kind: 'cast';
  status: number;
  sbflags: number;
  /** Granted mode after the operation (IV when the lock is gone or was never granted). */
  mode: Mode;
  lvb: string | undefined;
  lvbseq: number;
  /** The operation this completes (request/convert/unlock op id). */
  opId: number;
}

export interface BastCallback {
  kind: 'bast';
  mode: Mode;
}

export type Callback = CastCallback | BastCallback;

export class CallbackQueue {
  private queue: Callback[] = [];
  /** Mode granted by the latest completion queued (IV before the first grant). */
  private lastCastMode: Mode = Mode.IV;
  private lastQueued: Callback | undefined;
  dropped = 0;

  /** Queue a callback, applying Linux's skip rules to basts. Returns false if it was dropped. */
  push(cb: Callback): boolean {
    if (cb.kind === 'bast') {
      const repeat = this.lastQueued?.kind === 'bast' && this.lastQueued.mode === cb.mode;
      if (repeat || (this.lastCastMode !== Mode.IV && compatible(cb.mode, this.lastCastMode))) {
        this.dropped++;
        return false;
      }
    } else if (cb.status === 0) {
      this.lastCastMode = cb.mode;
    }
    this.queue.push(cb);
    this.lastQueued = cb;
    return true;
  }

  get length(): number {
    return this.queue.length;
  }

  /** Deliver everything queued, in order (callbacks queued during delivery are delivered too). */
  flush(deliver: (cb: Callback) => void): void {
    while (this.queue.length > 0) deliver(this.queue.shift()!);
  }
}
