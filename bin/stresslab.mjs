#!/usr/bin/env -S node --max-semi-space-size=32
// The CLI is TypeScript run through tsx's loader, so `npm ci` is the whole install (no build step).
// --max-semi-space-size=32: short-lived request objects die young instead of being promoted; without
// it a load generator that has run for a few minutes can fall into back-to-back full GCs (README).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
// Once the event loop is empty, exit explicitly: Node's natural exit closes its signal handlers first
// and then tears the process down, and a Ctrl-C in that window (the 2nd press of an interrupted run
// that has just written its results) would kill the process by SIGINT instead of exiting 3.
process.once('beforeExit', () => process.exit());
