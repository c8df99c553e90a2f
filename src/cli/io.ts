/**
 * What the CLI touches of the outside world, injectable so tests run it in-process: output streams,
 * environment, and the hidden password prompt.
 */
import readline from 'node:readline';
import { Writable } from 'node:stream';

export interface CliOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  env: Record<string, string | undefined>;
  /** Asks for a password without echoing it; absent when there is no terminal to ask on. */
  promptPassword?: (question: string) => Promise<string>;
  /** Asks for a line of text (echoed); absent when there is no terminal to ask on. */
  prompt?: (question: string) => Promise<string>;
}

/** Reads a line from the terminal, echoed. */
export function promptLine(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer.trim());
    });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('Cancelled.'));
    });
  });
}

/** Reads a line from the terminal without echoing what is typed. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let muted = false;
    const output = new Writable({
      write(chunk, _encoding, callback) {
        if (!muted) process.stderr.write(chunk);
        callback();
      },
    });
    const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('Cancelled.'));
    });
    muted = true;
  });
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    ...(process.stdin.isTTY ? { promptPassword: promptHidden, prompt: promptLine } : {}),
  };
}
