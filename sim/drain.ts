// Drain the microtask queue: after a coroutine is woken, every continuation it queues (however
// deeply nested its awaits) runs before the next simulated event. One MessageChannel round trip
// does it, because all microtasks run before any macrotask. No clock is read.
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

let port1: MessagePort | undefined;
let port2: MessagePort | undefined;
const waiting: (() => void)[] = [];

export function drainMicrotasks(): Promise<void> {
  if (port1 === undefined || port2 === undefined) {
    const channel = new MessageChannel();
    port1 = channel.port1;
    port2 = channel.port2;
    port1.on('message', () => {
      waiting.shift()?.();
      if (waiting.length === 0) port1!.unref();
    });
  }
  port1.ref();
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    port2!.postMessage(0);
  });
}
