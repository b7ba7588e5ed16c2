// lockstep-lint: io-edge (reads saved results and run-files, writes the rendered reports)
// `lockstep report <results...> --html|--md|--junit`: render saved results (compare --json output,
// explore JSONL results — shards merged — or explore --json summaries). Given a run-file instead,
// renders that run's space-time diagram (--html) or exports its trace for Perfetto (--chrome-trace).
import { answerQuestion } from '../../reports/answer.ts';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { RUN_FILE_FORMAT } from '../../scenarios/runfile.ts';
import { InputError, EXIT_OK } from '../../runner/errors.ts';
import { checkOutDir, writeFileAtomic } from '../../runner/files.ts';
import { err } from '../../reports/style.ts';
import { loadResults } from '../../runner/load.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { renderJunit } from '../../reports/junit.ts';
import { toChromeTrace } from '../../reports/chromeTrace.ts';
import { diagramsFor, runViewOf } from '../runReport.ts';

export interface ReportArgs {
  results: string[];
  html: boolean;
  md: boolean;
  junit: boolean;
  chromeTrace: boolean;
  trace?: string;
  out: string;
  name?: string;
}

function isRunFile(path: string): boolean {
  try {
    const head = readFileSync(path, 'utf8').slice(0, 4096);
    return head.includes(`"${RUN_FILE_FORMAT}"`) && head.trimStart().startsWith('{');
  } catch (e) {
    throw new InputError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function stem(path: string): string {
  return basename(path).replace(/\.run\.json$|\.jsonl?$/, '');
}

async function reportRun(args: ReportArgs, path: string): Promise<string[]> {
  if (args.md || args.junit) throw new InputError(`${path}: a run-file renders as --html (space-time diagram) or --chrome-trace; --md and --junit take results`);
  if (!args.html && !args.chromeTrace) throw new InputError(`${path}: choose --html and/or --chrome-trace for a run-file`);
  const name = args.name ?? stem(path);
  const written: string[] = [];
  if (args.html) {
    const view = await runViewOf(path, args.trace !== undefined ? { tracePath: args.trace } : {});
    const file = join(args.out, `${name}.html`);
    writeFileAtomic(file, renderHtml({ runs: [view] }));
    written.push(file);
  }
  if (args.chromeTrace) {
    const view = await runViewOf(path, { ...(args.trace !== undefined ? { tracePath: args.trace } : {}), maxSteps: Number.POSITIVE_INFINITY });
    const file = join(args.out, `${name}.trace.json`);
    writeFileAtomic(file, JSON.stringify(toChromeTrace(view)));
    written.push(file);
  }
  return written;
}

export async function report(args: ReportArgs): Promise<number> {
  checkOutDir(args.out);
  if (args.results.length === 0) throw new InputError('report: expected a results file (compare --json output, explore .jsonl) or a run-file');
  if (!args.html && !args.md && !args.junit && !args.chromeTrace) throw new InputError('report: choose at least one of --html, --md, --junit (or --chrome-trace for a run-file)');
  const runFiles = args.results.filter(isRunFile);
  const written: string[] = [];
  if (runFiles.length > 0) {
    if (runFiles.length !== args.results.length || runFiles.length > 1) throw new InputError('report: give one run-file on its own (or results files only)');
    written.push(...(await reportRun(args, runFiles[0]!)));
  } else {
    if (args.chromeTrace) throw new InputError('report: --chrome-trace takes a run-file');
    const { results, warnings } = loadResults(args.results);
    results.answer = answerQuestion(results);
    for (const w of warnings) process.stderr.write(`${err.warn('warning:')} ${w}\n`);
    const name = args.name ?? 'report';
    if (args.html) {
      const file = join(args.out, `${name}.html`);
      writeFileAtomic(file, renderHtml({ results, runs: await diagramsFor(results, 6) }));
      written.push(file);
    }
    if (args.md) {
      const file = join(args.out, `${name}.md`);
      writeFileAtomic(file, renderMarkdown(results));
      written.push(file);
    }
    if (args.junit) {
      const file = join(args.out, `${name}.junit.xml`);
      writeFileAtomic(file, renderJunit(results));
      written.push(file);
    }
  }
  for (const w of written) process.stdout.write(`wrote ${w}\n`);
  return EXIT_OK;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report [results..]',
  describe: 'Render saved results (or a run-file) as HTML, Markdown, JUnit XML or a Chrome trace',
  builder: (y) => y
    .positional('results', { type: 'string', array: true, default: [], describe: 'compare --json output, explore results (.jsonl, shards are merged), explore --json summaries, or one run-file' })
    .option('html', { type: 'boolean', default: false, describe: 'Self-contained HTML report (for a run-file: its space-time diagram)' })
    .option('md', { type: 'boolean', default: false, describe: 'Markdown summary (for PR comments)' })
    .option('junit', { type: 'boolean', default: false, describe: 'JUnit XML: one test case per scenario × protocol' })
    .option('chrome-trace', { type: 'boolean', default: false, describe: "A run-file's trace in the Chrome trace event format (open in https://ui.perfetto.dev)" })
    .option('trace', { type: 'string', describe: 'With a run-file: use this JSONL trace instead of replaying the run' })
    .option('name', { type: 'string', describe: 'Base name of the files written (default: report, or the run-file name)' })
    .option('out', { type: 'string', default: 'runs', describe: 'Folder for the files written' })
    .example('$0 report runs/compare-results.json --html --md', 'Re-render a comparison')
    .example('$0 report shard*/explore-standard-dlm-lvb.*.jsonl --junit', 'One JUnit file from all shards')
    .example('$0 report runs/owner-crash-lease-seed7.run.json --html --chrome-trace', 'A failing run as a diagram and a Perfetto trace') as unknown as Argv<ReportArgs>,
  handler: async (args) => {
    process.exitCode = await report(args);
  },
};
