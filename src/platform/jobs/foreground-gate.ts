/**
 * Lets background work (provisioning users from the directory feed, housekeeping) give way to
 * requests. The embedded database runs every query on the one JavaScript thread, so a background
 * loop that catches up on 100,000 changed users would otherwise sit in front of every request for
 * minutes. Background loops await `idle()` between pages: it resolves once no request is in flight
 * (or after `maxWaitMs`, so background work is never starved by a steady stream of requests).
 */
export class ForegroundGate {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly maxWaitMs = 2_000) {}

  /** Call when a request starts. */
  enter(): void {
    this.inFlight++;
  }

  /** Call when a request ends (successfully or not). */
  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) this.release();
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  /**
   * Resolves when no request is in flight, or after the maximum wait (the gate's own, or a longer one
   * for work that can wait, such as database maintenance).
   */
  idle(maxWaitMs = this.maxWaitMs): Promise<void> {
    if (this.inFlight === 0) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      }, maxWaitMs);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    // Let the response that just ended be written before background work takes the thread again.
    setImmediate(() => waiters.forEach((w) => w()));
  }
}

/** A gate that never waits, for code run outside a server (tests of domain functions, CLI). */
export const NO_GATE = new ForegroundGate(0);
