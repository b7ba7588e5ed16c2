// Terminal styling for the CLI: the only place the CLI touches chalk. Colour only on a TTY and
// never when NO_COLOR is set (https://no-color.org).
import { Chalk } from 'chalk';

export interface Style {
  readonly ok: (s: string) => string;
  readonly bad: (s: string) => string;
  readonly warn: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly head: (s: string) => string;
}

/** Whether a stream should get colour. */
export function colourFor(stream: { isTTY?: boolean }): boolean {
  const noColor = process.env.NO_COLOR;
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}

export function makeStyle(colour: boolean): Style {
  const c = new Chalk({ level: colour ? 1 : 0 });
  return { ok: c.green, bad: c.red, warn: c.yellow, dim: c.dim, bold: c.bold, head: c.bold.underline };
}

/** Styles for stdout and stderr, decided once per process. */
export const out: Style = makeStyle(colourFor(process.stdout));
export const err: Style = makeStyle(colourFor(process.stderr));
