// A sender flooding the inbox is slowed down, not dropped: past FLOOD.mails read in FLOOD.windowMs,
// each further mail of theirs waits for a free slot (its job is moved), one slot per
// windowMs / mails in the order they came. Pure: no I/O.

export const FLOOD = { mails: 20, windowMs: 10 * 60_000 } as const;

/**
 * When this mail may be read: null for now, else the moment. `recent`: when the sender's mails
 * were read, newest first (at least FLOOD.mails of them when there are); `waitingAhead`: how many
 * of their mails wait for a slot and came before this one.
 */
export function throttledUntil(recent: readonly Date[], waitingAhead: number, now: Date): Date | null {
  const inWindow = recent.filter((at) => now.getTime() - at.getTime() < FLOOD.windowMs);
  if (inWindow.length < FLOOD.mails) return null;
  // The window has room again when the FLOOD.mails-th newest leaves it; those waiting go first.
  const freed = inWindow[FLOOD.mails - 1].getTime() + FLOOD.windowMs;
  const spacing = FLOOD.windowMs / FLOOD.mails;
  return new Date(Math.max(freed, now.getTime()) + waitingAhead * spacing);
}
