#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Entry point: TypeScript sources run through tsx's loader, so no build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';
register();
// A closed pipe (`ffsnn profiles | head`) ends the program quietly instead of crashing on EPIPE.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
