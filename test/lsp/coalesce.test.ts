// The Coalescer behind the reloads caused by file changes (server/src/lsp/coalesce.ts): one run per key
// at a time, requests arriving during a run folded into one more run. Each run waits on a promise the
// test settles: no timers.
import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../server/src/lsp/coalesce';

/** A task whose runs each wait until the test releases them. */
function gatedTask(name: string, log: string[]) {
  const gates: (() => void)[] = [];
  const task = () => {
    log.push(`start ${name}`);
    return new Promise<void>((resolve) => gates.push(() => (log.push(`end ${name}`), resolve())));
  };
  return { task, release: () => gates.shift()!() };
}

/** Lets the settled promises' callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  it('runs once for a request, and once more for all the requests made while it ran', async () => {
    const log: string[] = [];
    const runs = new Coalescer(() => {});
    const a = gatedTask('a', log);
    const first = runs.run('config', a.task);
    const during = Array.from({ length: 49 }, () => runs.run('config', a.task));
    expect(log).toEqual(['start a']);
    a.release();
    await flush();
    expect(log).toEqual(['start a', 'end a', 'start a']); // one more run, not 49
    let settled = false;
    void Promise.all([first, ...during]).then(() => (settled = true));
    await flush();
    expect(settled).toBe(false); // the requests made during the first run wait for the second
    a.release();
    await Promise.all([first, ...during]);
    expect(log).toEqual(['start a', 'end a', 'start a', 'end a']);
    expect(runs.running('config')).toBe(false);
  });

  it('keeps keys apart, runs the latest task asked for, and goes on after a task that threw', async () => {
    const log: string[] = [];
    const errors: string[] = [];
    const runs = new Coalescer((key, error) => errors.push(`${key}: ${(error as Error).message}`));
    const a = gatedTask('a', log);
    const b = gatedTask('b', log);
    void runs.run('one', a.task);
    void runs.run('two', b.task);
    expect(log).toEqual(['start a', 'start b']);
    let thrown = false;
    void runs.run('one', async () => {
      thrown = true;
      throw new Error('boom');
    });
    const last = runs.run('one', async () => void log.push('latest'));
    a.release();
    await last;
    expect(thrown).toBe(false); // replaced by the latest before it could run
    expect(log).toEqual(['start a', 'start b', 'end a', 'latest']);
    await runs.run('one', async () => {
      throw new Error('boom');
    });
    expect(errors).toEqual(['one: boom']);
    await runs.run('one', async () => void log.push('after'));
    expect(log.at(-1)).toBe('after');
    b.release();
    await flush();
    expect(runs.running('two')).toBe(false);
  });
});
