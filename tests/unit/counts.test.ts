// Remembered counts: used until a ticket changes, never when a change may
// have been missed, and never for more than a second.
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { COUNT_MAX_AGE_MS, CountCache, type ChangeSignal } from "../../server/tickets/counts.ts";

function signal() {
  const listeners = new Set<() => void>();
  return {
    connected: true as boolean,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ring: () => listeners.forEach((l) => l()),
  } satisfies ChangeSignal & { ring(): void };
}

describe("remembered counts", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("a count is used again until a ticket changes", () => {
    const cache = new CountCache();
    const changes = signal();
    cache.follow(changes);
    cache.lookup("queue").remember(42);
    expect(cache.lookup("queue").count).toBe(42);
    expect(cache.lookup("other").count).toBeUndefined();
    changes.ring();
    expect(cache.lookup("queue").count).toBeUndefined();
  });

  test("a count read while a change came in is not kept", () => {
    const cache = new CountCache();
    const changes = signal();
    cache.follow(changes);
    const reading = cache.lookup("queue");
    changes.ring(); // committed while the count was being read: it may not include the change
    reading.remember(42);
    expect(cache.lookup("queue").count).toBeUndefined();
  });

  test("nothing is kept while changes cannot be heard, or without anything to hear them", () => {
    const cache = new CountCache();
    cache.lookup("queue").remember(42);
    expect(cache.lookup("queue").count).toBeUndefined();
    const changes = signal();
    const stop = cache.follow(changes);
    changes.connected = false;
    cache.lookup("queue").remember(42);
    expect(cache.lookup("queue").count).toBeUndefined();
    changes.connected = true;
    cache.lookup("queue").remember(42);
    expect(cache.lookup("queue").count).toBe(42);
    stop();
    expect(cache.lookup("queue").count).toBeUndefined();
  });

  test("a count is not used once it is a second old, heard of a change or not", () => {
    const cache = new CountCache();
    cache.follow(signal());
    cache.lookup("queue").remember(42);
    vi.advanceTimersByTime(COUNT_MAX_AGE_MS - 1);
    expect(cache.lookup("queue").count).toBe(42);
    vi.advanceTimersByTime(1);
    expect(cache.lookup("queue").count).toBeUndefined();
  });
});
