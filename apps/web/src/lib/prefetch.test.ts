import { afterEach, describe, expect, it, vi } from 'vitest';
import { prefetch, takePrefetched } from './prefetch.js';

describe('prefetched reads', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('are given to the first load of their key, once', async () => {
    const load = vi.fn(() => Promise.resolve({ id: 'w1' }));
    prefetch('workspace:w1', load);
    expect(load).toHaveBeenCalledTimes(1);
    expect(takePrefetched('workspace:w2')).toBeNull();
    await expect(takePrefetched('workspace:w1')).resolves.toEqual({ id: 'w1' });
    expect(takePrefetched('workspace:w1')).toBeNull();
  });

  it('go stale: a read started long before the page asks is not handed out', () => {
    vi.useFakeTimers();
    prefetch('terms:w1', () => Promise.resolve('old'));
    vi.advanceTimersByTime(10_001);
    expect(takePrefetched('terms:w1')).toBeNull();
  });

  it('that fail report it to whoever takes them, and to nobody else', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      prefetch('workspace:w3', () => Promise.reject(new Error('401')));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).not.toHaveBeenCalled();
      await expect(takePrefetched('workspace:w3')).rejects.toThrow('401');
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
