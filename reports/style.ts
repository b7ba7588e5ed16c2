// Terminal styling: the only place the CLI and the terminal renderer decide colour and width.
// One colour rule for every command (chalk's order, plus https://no-color.org): FORCE_COLOR wins,
// then NO_COLOR, then colour only on a TTY whose TERM is not "dumb".
import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';

export interface Style {
  readonly ok: (s: string) => string;
  readonly bad: (s: string) => string;
  readonly warn: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly head: (s: string) => string;
}

/** A stream as far as colour and width care. */
export interface TermStream {
  isTTY?: boolean;
  columns?: number;
}

/**
 * The colour level for a stream: FORCE_COLOR ("", "true", "1"–"3" on; "0", "false" off) decides
 * when set, as chalk reads it; else NO_COLOR set and non-empty turns colour off; else a TTY (and
 * not TERM=dumb) gets basic colour.
 */
export function colourLevel(stream: TermStream, env: NodeJS.ProcessEnv = process.env): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '' || force === 'true') return 1;
    if (force === 'false') return 0;
    const n = Number.parseInt(force, 10);
    return Number.isFinite(n) ? (Math.max(0, Math.min(3, n)) as 0 | 1 | 2 | 3) : 1;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  return stream.isTTY === true && env.TERM !== 'dumb' ? 1 : 0;
}

/** Whether a stream gets colour (the one rule above). */
export function colourFor(stream: TermStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return colourLevel(stream, env) > 0;
}

/** Chalk for a stream under the one rule. */
export function chalkFor(stream: TermStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  return new Chalk({ level: colourLevel(stream, env) });
}

/** Width for wrapped text: the terminal's columns, or `fallback` when it reports none or 0. */
export function widthFor(stream: TermStream, max: number, fallback = 100): number {
  const cols = stream.columns;
  const w = typeof cols === 'number' && Number.isFinite(cols) && cols >= 20 ? cols : fallback;
  return Math.min(max, w);
}

export function makeStyle(colour: boolean | ChalkInstance): Style {
  const c = typeof colour === 'boolean' ? new Chalk({ level: colour ? 1 : 0 }) : colour;
  return { ok: c.green, bad: c.red, warn: c.yellow, dim: c.dim, bold: c.bold, head: c.bold.underline };
}

/** A style decided at each use, so a process (or a test) that changes the env is followed. */
function liveStyle(stream: TermStream): Style {
  const now = (): Style => makeStyle(chalkFor(stream));
  return {
    ok: (s) => now().ok(s), bad: (s) => now().bad(s), warn: (s) => now().warn(s),
    dim: (s) => now().dim(s), bold: (s) => now().bold(s), head: (s) => now().head(s),
  };
}

/** Styles for stdout and stderr. */
export const out: Style = liveStyle(process.stdout);
export const err: Style = liveStyle(process.stderr);
