#!/usr/bin/env node
/** The `tandem` executable: runs the CLI against the real process. */
import { runCli } from './run-cli.js';
import { processIo } from './io.js';

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tandem: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
