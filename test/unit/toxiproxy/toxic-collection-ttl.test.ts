import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToxicCollection } from '../../../harness/toxiproxy/toxic-collection.ts';

// The expiry timers of ToxicCollection, on a fake clock: exact, and cleared with the proxy.
function collection() {
  const removed: string[] = [];
  const toxics = new ToxicCollection({ added: () => {}, replaced: () => {}, removed: (t) => removed.push(t.name) });
  return { toxics, removed };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ToxicCollection ttl', () => {
  it('removes the toxic when its ttl runs out, not a millisecond before', () => {
    const { toxics, removed } = collection();
    toxics.add({ type: 'latency', name: 'l', attributes: { latency: 5, ttl: 300 } });
    vi.advanceTimersByTime(299);
    expect(toxics.list().map((t) => t.name)).toEqual(['l']);
    vi.advanceTimersByTime(1);
    expect(toxics.list()).toEqual([]);
    expect(removed).toEqual(['l']);
  });

  it('dispose (the proxy is deleted) clears every pending expiry', () => {
    const { toxics, removed } = collection();
    toxics.add({ type: 'latency', name: 'a', attributes: { ttl: 100 } });
    toxics.add({ type: 'noop', name: 'b', ttl: 100 });
    toxics.dispose();
    vi.advanceTimersByTime(1000);
    expect(removed).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a toxic removed by hand leaves no timer; a new toxic of the same name does not inherit it', () => {
    const { toxics, removed } = collection();
    toxics.add({ type: 'noop', name: 'n', attributes: { ttl: 100 } });
    toxics.remove('n');
    toxics.add({ type: 'noop', name: 'n' });
    vi.advanceTimersByTime(500);
    expect(toxics.list().map((t) => t.name)).toEqual(['n']);
    expect(removed).toEqual(['n']);
  });

  it('an update with ttl restarts the countdown from the update', () => {
    const { toxics } = collection();
    toxics.add({ type: 'noop', name: 'n', attributes: { ttl: 100 } });
    vi.advanceTimersByTime(90);
    toxics.update('n', { attributes: { ttl: 100 } });
    vi.advanceTimersByTime(90);
    expect(toxics.list()).toHaveLength(1);
    vi.advanceTimersByTime(10);
    expect(toxics.list()).toHaveLength(0);
  });
});
