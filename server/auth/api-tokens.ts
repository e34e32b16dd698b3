// Bearer tokens for the JSON API. Only a SHA-256 of the token is stored.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { sqlOf, type Db, type Tx } from "../db/client.ts";
import { notFound } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { AuthUser } from "./policy.ts";
import { AUTH_USER_COLUMNS, type AuthUserRow } from "./users.ts";

export const API_TOKEN_DAYS = 30;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

export async function issueApiToken(db: Tx, userId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = `hd_${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(now.getTime() + API_TOKEN_DAYS * 86_400_000);
  await db.apiToken.create({ data: { userId, tokenHash: digest(token), expiresAt } });
  return { token, expiresAt };
}

/** The token's owner while the token is good: one query, on every API request. */
export async function userForApiToken(db: Db, token: string, now = new Date()): Promise<AuthUser | null> {
  if (!/^hd_[A-Za-z0-9_-]{20,}$/.test(token)) return null;
  const sql = sqlOf(db);
  const [row] = await sql.query<AuthUserRow & { tokenId: string; expiresAt: Date; lastUsedAt: Date | null }>(
    `SELECT t."id" AS "tokenId", t."expiresAt", t."lastUsedAt", ${AUTH_USER_COLUMNS}
       FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId"
      WHERE t."tokenHash" = $1 AND u."deactivatedAt" IS NULL`,
    [digest(token)],
  );
  if (!row || row.expiresAt <= now) return null;
  // Record use at most once a minute: no write on every request.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await sql.query(`UPDATE "ApiToken" SET "lastUsedAt" = $2::timestamp(3) WHERE "id" = $1`, [row.tokenId, now.toISOString()]);
  }
  const { tokenId: _tokenId, expiresAt: _expiresAt, lastUsedAt: _lastUsedAt, ...user } = row;
  return user;
}

export const TokenListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1, "validation.limit").max(100, "validation.limit").default(50),
  /** The id of the last token of the previous page. */
  cursor: z.uuid("validation.cursor").optional(),
});

const tokenView = { id: true, createdAt: true, expiresAt: true, lastUsedAt: true } as const;

/** The caller's own tokens, newest first: when each was made, last used and ends. Never the token itself. */
export async function listApiTokens(db: Tx, user: AuthUser, rawQuery: unknown) {
  const query = parseInput(TokenListQuerySchema, rawQuery);
  const rows = await db.apiToken.findMany({
    where: { userId: user.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: tokenView,
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1].id : null };
}

/** Ends one of the caller's own tokens at once; someone else's token is "not found". */
export async function revokeApiToken(db: Tx, user: AuthUser, tokenId: string) {
  const token = await db.apiToken.findFirst({ where: { id: tokenId, userId: user.id }, select: tokenView });
  if (!token) throw notFound();
  await db.apiToken.delete({ where: { id: tokenId } });
  return token;
}
