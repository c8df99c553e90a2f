/**
 * Worker-thread entry of import staging (started by import-staging-thread.ts): receives the upload's
 * bytes, runs stagingEvents over them and posts each event back. The server's thread meanwhile only
 * moves bytes and writes batches into the database, so on PGlite, whose SQL runs on that thread,
 * parsing and validating the next batch overlaps with writing the previous one.
 *
 * Messages in: { kind: 'chunk', bytes } | { kind: 'end' } | { kind: 'taken' } (a batch was written).
 * Messages out: { kind: 'consumed', bytes } (input read, send more) | StagingEvent | { kind: 'done' }
 * | { kind: 'failed', error }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../platform/http/app-error.js';
import { stagingEvents, type StagingParams } from './import-staging.js';

/** Batches posted and not yet written: enough to keep both threads busy, few enough to bound memory. */
const AHEAD = 2;

export type WorkerInbound = { kind: 'chunk'; bytes: Uint8Array } | { kind: 'end' } | { kind: 'taken' };
export type SerialisedError =
  | { app: true; code: string; message: string; status: number; problems?: unknown; headers?: unknown }
  | { app: false; message: string; stack?: string };

const port = parentPort!;
const params = workerData as StagingParams;

const chunks: Uint8Array[] = [];
let ended = false;
let wakeReader: (() => void) | null = null;
let outstanding = 0;
let wakeWriter: (() => void) | null = null;

port.on('message', (message: WorkerInbound) => {
  if (message.kind === 'taken') {
    outstanding--;
    const wake = wakeWriter;
    wakeWriter = null;
    wake?.();
    return;
  }
  if (message.kind === 'chunk') chunks.push(message.bytes);
  else ended = true;
  const wake = wakeReader;
  wakeReader = null;
  wake?.();
});

/** The upload as it arrives; each chunk is acknowledged once read, so the server sends the next. */
async function* upload(): AsyncGenerator<Uint8Array> {
  for (;;) {
    const chunk = chunks.shift();
    if (chunk) {
      yield chunk;
      port.postMessage({ kind: 'consumed', bytes: chunk.byteLength });
    } else if (ended) {
      return;
    } else {
      await new Promise<void>((resolve) => (wakeReader = resolve));
    }
  }
}

function serialise(error: unknown): SerialisedError {
  if (isAppError(error)) {
    return {
      app: true,
      code: error.code,
      message: error.message,
      status: error.status,
      problems: error.problems,
      headers: error.headers,
    };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { app: false, message: e.message, stack: e.stack };
}

try {
  for await (const event of stagingEvents(upload(), params)) {
    // A batch's COPY document is handed over, not copied.
    port.postMessage(event, event.kind === 'batch' ? [event.copy.buffer] : []);
    if (event.kind === 'batch') {
      outstanding++;
      while (outstanding >= AHEAD) await new Promise<void>((resolve) => (wakeWriter = resolve));
    }
  }
  port.postMessage({ kind: 'done' });
} catch (error) {
  port.postMessage({ kind: 'failed', error: serialise(error) });
}
