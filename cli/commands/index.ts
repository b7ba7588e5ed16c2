// Every CLI command, in the order `lockstep --help` shows them. Adding a command = one line here.
import type { CommandModule } from 'yargs';
import { listCommand } from './list.ts';
import { runCommand } from './run.ts';
import { exploreCommand } from './explore.ts';
import { replayCommand } from './replay.ts';
import { shrinkCommand } from './shrink.ts';
import { compareCommand } from './compare.ts';
import { reportCommand } from './report.ts';
import { checkCommand } from './check.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: CommandModule<object, any>[] = [
  listCommand,
  runCommand,
  exploreCommand,
  checkCommand,
  replayCommand,
  shrinkCommand,
  compareCommand,
  reportCommand,
];
