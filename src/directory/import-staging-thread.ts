/**
 * Runs import staging (import-staging.ts) on a worker thread of its own and hands its events to the
 * caller as they come. The caller's thread only forwards the upload's bytes and writes the batches,
 * so CSV parsing, validation and password hashing never block the server's event loop, and on PGlite
 * (SQL on the server's thread) they overlap with writing the previous batch: upload + verify of
 * 100,000 rows on two cores went from 2.6–3.0 s to 1.9–2.4 s (docs/benchmarks.md).
 *
 * Flow control both ways: at most MAX_IN_FLIGHT bytes of upload are handed over and not yet read, and
 * the worker stays at most two batches ahead of the writes (import-staging-worker.ts), so memory
 * stays bounded whatever the file's size.
 */
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode, type FieldProblem } from '../platform/http/app-error.js';
import type { ImportSource } from './csv-reader.js';
import type { SerialisedError, WorkerInbound } from './import-staging-worker.js';
import type { StagingEvent, StagingParams } from './import-staging.js';

const MAX_IN_FLIGHT = 4 * 1024 * 1024;

type WorkerOutbound =
  | StagingEvent
  | { kind: 'consumed'; bytes: number }
  | { kind: 'done' }
  | { kind: 'failed'; error: SerialisedError };

function startWorker(params: StagingParams): Worker {
  // Built code runs the compiled worker; from source (the test suite runs TypeScript directly) the
  // worker loads its TypeScript through tsx, a development dependency.
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./import-staging-worker.ts', import.meta.url).href;
    return new Worker(
      `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`,
      { eval: true, workerData: params },
    );
  }
  return new Worker(new URL('./import-staging-worker.js', import.meta.url), { workerData: params });
}

function revive(error: SerialisedError): Error {
  if (error.app) {
    return new AppError(error.code as ErrorCode, error.message, {
      status: error.status,
      problems: error.problems as FieldProblem[] | undefined,
      headers: error.headers as Record<string, string> | undefined,
    });
  }
  const revived = new Error(`import staging failed: ${error.message}`);
  if (error.stack) revived.stack = error.stack;
  return revived;
}

/**
 * The upload's chunks. A request stream is not destroyed when reading stops early (a refused file):
 * destroying it would reset the connection before the client reads the error; the route discards
 * the rest instead.
 */
function chunksOf(
  source: ImportSource,
): AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string> {
  return source instanceof Readable ? source.iterator({ destroyOnReturn: false }) : source;
}

/**
 * stagingEvents(source, params), computed on a worker thread. Stop iterating (return or throw) to
 * abandon the upload: the worker is stopped and the rest of the source is left unread.
 */
export async function* stageOnWorker(
  source: ImportSource,
  params: StagingParams,
): AsyncGenerator<StagingEvent> {
  const worker = startWorker(params);
  const inbox: WorkerOutbound[] = [];
  let failure: unknown = null;
  let wakeReader: (() => void) | null = null;
  let inFlight = 0;
  let wakePump: (() => void) | null = null;
  let stopped = false;
  const notify = () => {
    const wake = wakeReader;
    wakeReader = null;
    wake?.();
  };
  const resumePump = () => {
    const wake = wakePump;
    wakePump = null;
    wake?.();
  };
  worker.on('message', (message: WorkerOutbound) => {
    if (message.kind === 'consumed') {
      inFlight -= message.bytes;
      resumePump();
    } else {
      inbox.push(message);
      notify();
    }
  });
  worker.on('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`import staging worker stopped unexpectedly (exit code ${code})`);
    notify();
  });
  const post = (message: WorkerInbound, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer);

  const pump = async () => {
    for await (const chunk of chunksOf(source)) {
      if (stopped) break;
      const view = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      // A copy of exactly the chunk's bytes, handed over without another copy (a Buffer may be a
      // view into a larger shared pool, which must not be transferred).
      const bytes = new Uint8Array(view.byteLength);
      bytes.set(view);
      inFlight += bytes.byteLength; // before the transfer, which empties `bytes` here
      post({ kind: 'chunk', bytes }, [bytes.buffer]);
      while (inFlight > MAX_IN_FLIGHT && !stopped) await new Promise<void>((resolve) => (wakePump = resolve));
    }
    if (!stopped) post({ kind: 'end' });
  };
  pump().catch((error: unknown) => {
    failure ??= error;
    notify();
  });

  try {
    for (;;) {
      const message = inbox.shift();
      if (!message) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wakeReader = resolve));
        continue;
      }
      if (message.kind === 'done') return;
      if (message.kind === 'failed') throw revive(message.error);
      if (message.kind === 'consumed') continue;
      yield message;
      if (message.kind === 'batch') post({ kind: 'taken' });
    }
  } finally {
    stopped = true;
    resumePump();
    await worker.terminate();
  }
}
