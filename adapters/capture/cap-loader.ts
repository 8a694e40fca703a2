// Live packet capture goes through the optional npm package `cap` (libpcap bindings). It is an optional
// dependency: it only builds where libpcap-dev is installed, and everything else works without it. Code that
// needs capture calls loadCap(), which says clearly what is missing instead of failing somewhere deep.

export class CaptureUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `live capture is unavailable: the optional package "cap" could not be loaded (${detail}). ` +
        'Install libpcap-dev (apt-get install -y libpcap-dev) and run "npm rebuild cap" (or npm ci) to enable it.',
    );
    this.name = 'CaptureUnavailableError';
  }
}

/** The parts of `cap` we use (its typings are not published). */
export interface CapModule {
  Cap: new () => {
    open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
    setMinBytes?(bytes: number): void;
    on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): void;
    close(): void;
  };
  decoders: unknown;
}

let cached: CapModule | CaptureUnavailableError | undefined;

/** Loads `cap` once; throws CaptureUnavailableError naming the fix when it is missing or broken. */
export function loadCap(moduleName = 'cap'): CapModule {
  if (moduleName === 'cap' && cached !== undefined) {
    if (cached instanceof Error) throw cached;
    return cached;
  }
  let result: CapModule | CaptureUnavailableError;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    result = require(moduleName) as CapModule;
    if (typeof result.Cap !== 'function') result = new CaptureUnavailableError('it has no Cap class');
  } catch (err) {
    result = new CaptureUnavailableError(err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
  if (moduleName === 'cap') cached = result;
  if (result instanceof Error) throw result;
  return result;
}
