// Run the real `lockstep` binary in a subprocess (node bin/lockstep.js …) and collect its output.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/lockstep.js', import.meta.url));

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function start(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function lockstep(args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = start(args, cwd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh working folder with a tiny fast scenario (3 nodes, 4 simulated s, swarm faults). */
export function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-'));
  writeFileSync(join(dir, 'tiny.json'), JSON.stringify({
    name: 'tiny', description: 'A tiny fast scenario for CLI tests.', nodes: 3, durationUs: '4s', deadlineUs: '1s', faults: { swarm: 'standard' },
  }));
  return dir;
}
