// Run the CLI in this process (cli/main.ts) with its output captured: fast enough for many cases.
import { vi } from 'vitest';
import { main } from '../../cli/main.ts';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** `lockstep ...args` in `cwd`, with `env` set for the call only. */
export async function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const saved = { ...process.env };
  const dir = process.cwd();
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  for (const [k, v] of Object.entries({ NO_COLOR: '1', FORCE_COLOR: undefined, ...env })) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.chdir(cwd);
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.chdir(dir);
    o.mockRestore();
    e.mockRestore();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
