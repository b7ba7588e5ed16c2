// The CLI entry: parses argv with yargs, runs a command, maps errors to exit codes
// (0 all properties held, 1 a property was violated, 2 bad input or internal error).
import yargs from 'yargs';
import { COMMANDS } from './commands/index.ts';
import { InputError, EXIT_BAD_INPUT, isInputError } from '../runner/errors.ts';
import { packageVersion } from '../runner/codeVersion.ts';
import { err, widthFor } from '../reports/style.ts';

/** Run the CLI on `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  quietOnClosedPipe();
  const parser = yargs(argv)
    .scriptName('lockstep')
    .usage('$0 <command> [options]\n\nDeterministic cluster simulator: run protocols under injected faults and check that ownership stays raceless.')
    .command(COMMANDS)
    .demandCommand(1, 'Name a command (see `lockstep --help`).')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .wrap(widthFor(process.stdout, 120))
    .epilogue('Exit codes: 0 every property held, 1 a property was violated (compare: a correct protocol failed or a flawed variant was not caught), 2 bad input or internal error, 130 interrupted.\nDocs: docs/cli.md')
    .exitProcess(false)
    .fail((msg, e) => {
      throw e ?? new InputError(msg);
    });
  if (argv.length === 0) {
    process.stdout.write(`${await parser.getHelp()}\n`);
    process.stderr.write(`${err.bad('error:')} name a command (listed above)\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    await parser.parseAsync();
  } catch (e) {
    return report(e);
  }
  const code = process.exitCode;
  return typeof code === 'number' ? code : Number(code ?? 0);
}

let pipeGuard = false;

/** `lockstep list | head`: a closed pipe ends the output quietly instead of crashing. */
function quietOnClosedPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

function report(e: unknown): number {
  if (isInputError(e)) {
    process.stderr.write(`${err.bad('error:')} ${e.message}\n${e instanceof InputError && /^Unknown|^Not enough|^Missing|^Did you mean|^Name a command|^Invalid/.test(e.message) ? 'Run `lockstep --help` or `lockstep <command> --help` for usage.\n' : ''}`);
    return EXIT_BAD_INPUT;
  }
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.stderr.write(`${err.bad('internal error:')} ${text}\n`);
  return EXIT_BAD_INPUT;
}
