// How the upstream-compatible tools end early: one "PROGRAM: message" line on stderr and an exit status,
// exactly as upstream's ovs_fatal() (status 1) does.

export class ToolExit extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
    this.name = 'ToolExit';
  }
}

/** Upstream's ovs_fatal(0, ...). */
export function fatal(message: string): never {
  throw new ToolExit(message);
}
