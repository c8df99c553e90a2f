import { describe, expect, it } from 'vitest';
import { ForegroundGate } from './foreground-gate.js';

describe('ForegroundGate', () => {
  it('lets background work through at once when no request is in flight', async () => {
    const gate = new ForegroundGate(10_000);
    const started = Date.now();
    await gate.idle();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('holds background work until the last request ends', async () => {
    const gate = new ForegroundGate(10_000);
    gate.enter();
    gate.enter();
    let released = false;
    const waiting = gate.idle().then(() => (released = true));
    gate.leave();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(released).toBe(false);
    gate.leave();
    await waiting;
    expect(released).toBe(true);
    expect(gate.busy).toBe(false);
  });

  it('never starves background work: it goes ahead after the maximum wait', async () => {
    const gate = new ForegroundGate(30);
    gate.enter();
    const started = Date.now();
    await gate.idle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(gate.busy).toBe(true);
  });

  it('waits longer for work that asks to (database maintenance)', async () => {
    const gate = new ForegroundGate(30);
    gate.enter();
    let released = false;
    const waiting = gate.idle(10_000).then(() => (released = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(released).toBe(false);
    gate.leave();
    await waiting;
    expect(released).toBe(true);
  });
});
