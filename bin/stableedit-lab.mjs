#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so Node, the worker and the tests share one source tree.
import { register } from 'tsx/esm/api';
register();
const { main, installLastResort } = await import('../src/cli/main.ts');
installLastResort(process.argv.slice(2));
process.exitCode = await main(process.argv.slice(2));
