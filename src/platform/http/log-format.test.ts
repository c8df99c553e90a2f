import { describe, expect, it } from 'vitest';
import { humanLogLine } from './log-format.js';

describe('humanLogLine', () => {
  it('writes time, level, message and the other fields on one line', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 0, 2, 12, 4, 31),
      pid: 1,
      hostname: 'h',
      reqId: 'abc',
      msg: 'request',
      url: '/a b',
    });
    expect(humanLogLine(line)).toBe('12:04:31 INFO  request  reqId=abc url="/a b"\n');
  });

  it("puts an error's stack under its line", () => {
    const line = JSON.stringify({
      level: 50,
      time: 0,
      msg: 'failed',
      err: { message: 'x', stack: 'Error: x\n    at y' },
    });
    expect(humanLogLine(line)).toBe('00:00:00 ERROR failed\n  Error: x\n      at y\n');
  });

  it('passes through what is not JSON', () => {
    expect(humanLogLine('plain')).toBe('plain\n');
  });
});
