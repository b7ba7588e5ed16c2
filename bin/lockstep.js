#!/usr/bin/env node
// The `lockstep` command: registers tsx so the TypeScript sources run with no build step, then
// hands over to the CLI (cli/main.ts).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
