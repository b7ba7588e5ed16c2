#!/usr/bin/env node
// The `lockstep` command: runs the compiled CLI (dist/cli.js; `npm run build` writes it, and
// `npm install` / `npm pack` run the build), plain JavaScript with no TypeScript loader.
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli.js')) throw e;
  process.stderr.write('lockstep: not built yet (dist/cli.js is missing): run `npm run build`\n');
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
