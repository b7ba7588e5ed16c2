// vitest globalSetup: rebuild dist/ JavaScript (esbuild, ~0.4 CPU-s; unchanged files are not
// rewritten) before any test runs, so tests that spawn bin/lockstep.js never run stale code.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const build = fileURLToPath(new URL('../tools/build.js', import.meta.url));
  execFileSync(process.execPath, [build, '--js-only'], { stdio: 'inherit' });
}
