import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Limiter', () => {
  it('runs at most `size` at once, in arrival order', async () => {
    const l = new Limiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        l.run(async () => {
          order.push(i);
          peak = Math.max(peak, ++running);
          await tick();
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(l.running).toBe(0);
  });

  it('frees the slot when work throws', async () => {
    const l = new Limiter(1);
    await expect(l.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await l.run(async () => 7)).toBe(7);
  });

  it('lets an aborted waiter leave the line, and dispose cancels the rest', async () => {
    const l = new Limiter(1);
    let release!: () => void;
    const first = l.run(() => new Promise<void>((r) => (release = r)));
    const ac = new AbortController();
    const second = l.run(async () => 'never', ac.signal);
    const third = l.run(async () => 'never either');
    expect(l.queued).toBe(2);
    ac.abort();
    await expect(second).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(l.queued).toBe(1);
    l.dispose();
    await expect(third).rejects.toMatchObject({ code: 'CANCELLED' });
    release();
    await first;
    await expect(l.run(async () => 1)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(() => new Limiter(0)).toThrow();
  });
});
