// Module 'app': a trivial level-2 application service for standalone membership runs. It joins the
// group 'app', answers each start after a random recovery time (so barriers really wait) and keeps
// a flag 'running' between finish and stop. Durable: nothing.
import type { Context, Module, NodeId } from '../../sim/types.ts';
import type { ClusterApi, ServiceCallbacks, ServiceGroup, StartInfo, StartType } from './api.ts';
import { LEVEL_APP } from './api.ts';

export const APP_GROUP = 'app';

export class AppService implements Module<never, AppServiceTimerTag>, ServiceCallbacks {
  readonly name = 'app';
  running = false;
  private ctx!: Context<never, AppServiceTimerTag>;
  private group: ServiceGroup | undefined;

  constructor(private readonly recoveryUsMax = 50_000) {}

  onStart(ctx: Context<never, AppServiceTimerTag>): void {
    this.ctx = ctx;
    this.group = ctx.module<ClusterApi & Module>('cman').joinGroup(APP_GROUP, LEVEL_APP, this);
  }

  stop(): void {
    this.running = false;
  }

  start(_members: readonly NodeId[], eventId: number, _type: StartType, _info: StartInfo): void {
    this.ctx.setTimer(this.ctx.random().int(0, this.recoveryUsMax), { done: eventId });
  }

  finish(_eventId: number): void {
    this.running = true;
  }

  onTimer(_ctx: Context<never, AppServiceTimerTag>, tag: AppServiceTimerTag): void {
    this.group?.startDone(tag.done);
  }
}

/** The app service's one timer: its recovery of an event is done. */
export type AppServiceTimerTag = { done: number };
