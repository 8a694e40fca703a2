// The ToolIo of the running process, and the wrapper that turns ToolExit into upstream's
// "PROGRAM: message" line and exit status.

import { createNodeRandom } from '../node/node-random';
import { ToolExit } from './tool-exit';
import type { ToolIo } from './tool-io';

export function processIo(): ToolIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    nowMs: () => Date.now(),
    random: createNodeRandom(),
  };
}

/** Runs a synchronous tool body; returns its exit status, printing fatal errors as upstream does. */
export function runTool(program: string, io: ToolIo, body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof ToolExit) {
      io.stderr(`${program}: ${e.message}\n`);
      return e.status;
    }
    throw e;
  }
}
