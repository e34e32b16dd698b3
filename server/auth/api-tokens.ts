// Bearer tokens for the JSON API. Only a SHA-256 of the token is stored.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client.ts";
import { loadAuthUser } from "./users.ts";
import type { AuthUser } from "./policy.ts";

export const API_TOKEN_DAYS = 30;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

export async function issueApiToken(db: Db, userId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = `hd_${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(now.getTime() + API_TOKEN_DAYS * 86_400_000);
  await db.apiToken.create({ data: { userId, tokenHash: digest(token), expiresAt } });
  return { token, expiresAt };
}

export async function userForApiToken(db: Db, token: string, now = new Date()): Promise<AuthUser | null> {
  if (!/^hd_[A-Za-z0-9_-]{20,}$/.test(token)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: digest(token) } });
  if (!row || row.expiresAt <= now) return null;
  // Record use at most once a minute: no write on every request.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return loadAuthUser(db, row.userId);
}
