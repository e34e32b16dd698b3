// How many tickets a list holds, kept until the next change to any ticket.
// A queue page counts what its viewer may see (up to COUNT_LIMIT rows of an
// index) at every load, and most loads come while nothing has changed since
// the last one. Every change to a ticket is an event, and every committed
// event rings the event wake-up (at once for this process's commits, by
// NOTIFY for other processes'), which forgets every count. What is not
// heard (a script writing without a wake-up of its own, a NOTIFY lost while
// the writer's wake-up connection is down, or one still on its way) is
// covered like the live channel's safety-net poll covers it: a count is never
// used more than a second after it was read. While this process's wake-up
// connection is down, nothing is kept.
import { singleton } from "../runtime.ts";

/** What tells this process that tickets may have changed (the event wake-up). */
export interface ChangeSignal {
  readonly connected: boolean;
  subscribe(listener: () => void): () => void;
}

/** Beyond this many lists (viewers × views), start again rather than grow. */
const MAX_COUNTS = 5_000;
/** The longest a count is used, heard of a change or not (the event readers poll as often). */
export const COUNT_MAX_AGE_MS = 1_000;

export class CountCache {
  private counts = new Map<string, { count: number; at: number }>();
  private generation = 0;
  private signal?: ChangeSignal;

  /** Remembers counts while `signal` is connected, forgetting them all whenever it rings. */
  follow(signal: ChangeSignal): () => void {
    this.signal = signal;
    this.forget();
    const unsubscribe = signal.subscribe(() => this.forget());
    return () => {
      unsubscribe();
      if (this.signal === signal) this.signal = undefined;
      this.forget();
    };
  }

  forget() {
    this.generation++;
    this.counts.clear();
  }

  /**
   * The remembered count for `key`, or a way to remember one: a count read
   * while a change came in may already be out of date, so it is kept only if
   * nothing rang between this call and `remember`.
   */
  lookup(key: string): { count: number | undefined; remember: (count: number) => void } {
    const generation = this.generation;
    const usable = this.signal?.connected === true;
    const now = Date.now();
    const kept = usable ? this.counts.get(key) : undefined;
    return {
      count: kept && now - kept.at < COUNT_MAX_AGE_MS ? kept.count : undefined,
      remember: (count) => {
        if (!usable || generation !== this.generation || !this.signal?.connected) return;
        if (this.counts.size >= MAX_COUNTS) this.counts.clear();
        // Aged from when it was asked for: the count may have been read a moment later.
        this.counts.set(key, { count, at: now });
      },
    };
  }
}

/**
 * The counts kept for one database client (the one whose wake-up the app
 * follows; any other client, as in tests, keeps nothing). On globalThis: the
 * Remix build's copy of this module must share the server's.
 */
export function ticketCounts(db: object): CountCache {
  const caches = singleton("ticketCounts", () => new WeakMap<object, CountCache>());
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new CountCache()));
  return cache;
}
