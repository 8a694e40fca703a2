#!/usr/bin/env node
// Entry point of the `ovn-ts` binary.
import { runCli } from './program';

process.exitCode = runCli(process.argv.slice(2));
