// Who is viewing and who is typing on each ticket: the rules, no I/O. Each
// web process keeps one board, fed by the announcements of every process
// (server/realtime/presence-sync.ts). Nothing is stored: a browser renews its
// presence while the ticket is open, and what nobody renews expires, so a
// browser or a process that vanished without a word drops off by itself.

/** What a browser says about one ticket it has open. */
export type PresenceState = "viewing" | "typing" | "left";

export interface Announcement {
  ticketId: string;
  userId: string;
  name: string;
  /** One person may have the ticket open in several tabs: each tab is its own entry. */
  socketId: string;
  state: PresenceState;
}

export interface Viewer {
  userId: string;
  name: string;
  typing: boolean;
}

/** A browser says "viewing" this often while the ticket is open... */
export const HEARTBEAT_MS = 20_000;
/** ...and is gone when it has not for this long (a missed heartbeat is forgiven). */
export const VIEWING_TTL_MS = 2 * HEARTBEAT_MS + 5_000;
/** A browser says "typing" at most this often while keys are pressed... */
export const TYPING_EVERY_MS = 2_000;
/** ...and stops typing this long after the last time it said so. */
export const TYPING_TTL_MS = 6_000;

interface Entry {
  userId: string;
  name: string;
  seenUntil: number;
  typingUntil: number;
}

export class PresenceBoard {
  private tickets = new Map<string, Map<string, Entry>>();

  /** Applies an announcement received at `now`; true when what people see of the ticket changed. */
  apply(a: Announcement, now: number): boolean {
    const before = this.signature(a.ticketId, now);
    let entries = this.tickets.get(a.ticketId);
    if (a.state === "left") {
      entries?.delete(a.socketId);
      if (entries?.size === 0) this.tickets.delete(a.ticketId);
    } else {
      if (!entries) this.tickets.set(a.ticketId, (entries = new Map()));
      entries.set(a.socketId, {
        userId: a.userId,
        name: a.name,
        seenUntil: now + VIEWING_TTL_MS,
        // "viewing" stops typing at once (the reply was sent or emptied).
        typingUntil: a.state === "typing" ? now + TYPING_TTL_MS : 0,
      });
    }
    return this.signature(a.ticketId, now) !== before;
  }

  /** Who is on the ticket now: one line per person, typing if any of their tabs is, by name. */
  viewers(ticketId: string, now: number): Viewer[] {
    const people = new Map<string, Viewer>();
    for (const entry of this.tickets.get(ticketId)?.values() ?? []) {
      if (entry.seenUntil <= now) continue;
      const typing = entry.typingUntil > now;
      const known = people.get(entry.userId);
      people.set(entry.userId, { userId: entry.userId, name: entry.name, typing: typing || (known?.typing ?? false) });
    }
    return [...people.values()].sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
  }

  /**
   * Forgets what has expired by `now` (viewers not renewed, typing that
   * stopped); returns the tickets whose viewers look different since `since`.
   */
  expire(since: number, now: number): string[] {
    const changed: string[] = [];
    for (const [ticketId, entries] of this.tickets) {
      if (this.signature(ticketId, since) !== this.signature(ticketId, now)) changed.push(ticketId);
      for (const [socketId, entry] of entries) if (entry.seenUntil <= now) entries.delete(socketId);
      if (entries.size === 0) this.tickets.delete(ticketId);
    }
    return changed;
  }

  private signature(ticketId: string, now: number): string {
    return JSON.stringify(this.viewers(ticketId, now));
  }
}
