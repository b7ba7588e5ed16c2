// The named tasks a pool worker runs besides seeds: compare's other work (the bounded-check claims,
// Phillips' LVB table, the report's space-time diagrams), run on the same warm workers as the seeds
// and at the same time, instead of one after another on the main thread once the seeds are done.
// Each task's code is imported when the task first runs, so a worker that runs only seeds loads none of it.
import type { RunFile } from '../scenarios/runfile.ts';
import type { ClaimSearch, CachedClaim } from './checkClaims.ts';
import type { LvbTableRunOptions } from './lvbTableRun.ts';
import type { LvbTableSummary } from './lvbTable.ts';
import type { RunView } from './runView.ts';

/** A report diagram: replay `run` with a trace and build its space-time view. */
export interface DiagramTask {
  run: RunFile;
  /** Where the run-file is (or will be) written: shown in the view. */
  runFile: string;
}

interface Tasks {
  claim: { arg: ClaimSearch; value: CachedClaim };
  'lvb-table': { arg: LvbTableRunOptions; value: LvbTableSummary };
  diagram: { arg: DiagramTask; value: RunView };
}
export type TaskName = keyof Tasks;
export type TaskArg<N extends TaskName> = Tasks[N]['arg'];
export type TaskValue<N extends TaskName> = Tasks[N]['value'];

/** Run task `name` in this thread. */
export async function runTask<N extends TaskName>(name: N, arg: TaskArg<N>): Promise<TaskValue<N>> {
  switch (name) {
    case 'claim': {
      const { searchClaim } = await import('./checkClaims.ts');
      return (await searchClaim(arg as ClaimSearch)) as TaskValue<N>;
    }
    case 'lvb-table': {
      const { measureLvbTable } = await import('./lvbTableRun.ts');
      return (await measureLvbTable(arg as LvbTableRunOptions)) as TaskValue<N>;
    }
    case 'diagram': {
      const { diagramOf } = await import('./diagram.ts');
      return (await diagramOf((arg as DiagramTask).run, (arg as DiagramTask).runFile)) as TaskValue<N>;
    }
    default:
      throw new Error(`unknown pool task '${String(name)}'`);
  }
}
