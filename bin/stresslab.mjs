#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so `npm ci` is the whole install (no build step).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
