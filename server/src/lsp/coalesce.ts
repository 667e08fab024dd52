/**
 * Runs at most one task per key at a time, and folds the requests that arrive while it runs into one
 * more run after it: a burst of N requests for the same key gives one run, or two when some of them
 * arrived after the first run had started (it may have read the disk before their change). No timers:
 * the running task is what absorbs the burst.
 */
export class Coalescer {
  private readonly runs = new Map<string, { again: boolean; task: () => Promise<void>; done: Promise<void> }>();

  constructor(
    /** A run that threw (the next one still runs). */
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  /**
   * Runs `task` for `key` now, or once more after the run under way (with the latest `task` asked for).
   * Resolves when a run that started after this call settled; never rejects.
   */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const running = this.runs.get(key);
    if (running) {
      running.again = true;
      running.task = task;
      return running.done;
    }
    let settle!: () => void;
    const run = { again: true, task, done: new Promise<void>((resolve) => (settle = resolve)) };
    this.runs.set(key, run);
    void (async () => {
      while (run.again) {
        run.again = false;
        try {
          await run.task();
        } catch (error) {
          this.onError(key, error);
        }
      }
      this.runs.delete(key);
      settle();
    })();
    return run.done;
  }

  /** Whether a run for `key` is under way. */
  running(key: string): boolean {
    return this.runs.has(key);
  }
}
