// The rows behind mailed one-time links (AccountToken: reset, confirmation; issued by recovery.ts)
// outlive their use only until they expire: after that a link is refused whether or not its row is
// there (openAccountLink treats an unknown link as an expired one), so a daily job removes them.
import type { Tx } from "../db/client.ts";

/** Removes links past their expiry, used or not. */
export async function pruneAccountTokens(db: Tx, now = new Date()): Promise<number> {
  const { count } = await db.accountToken.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
