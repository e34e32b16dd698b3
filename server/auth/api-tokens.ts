// Bearer tokens for the JSON API. Only a SHA-256 of the token is stored; the
// token itself is shown once, when made. A token is named, scoped
// (server/auth/scopes.ts) and expires; its use is recorded at most once a
// minute, with an audit entry (server/audit/log.ts) in the same transaction.
import { randomBytes } from "node:crypto";
import { tokenDigest } from "./token-digest.ts";
import { z } from "zod";
import { sqlOf, transactionOf, type Db, type Tx } from "../db/client.ts";
import { DomainError, notFound } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { recordAudit } from "../audit/log.ts";
import { assertCan, type AuthUser } from "./policy.ts";
import { covers, FULL_ACCESS, normalizeScopes, ScopesSchema, type Scope } from "./scopes.ts";
import { AUTH_USER_COLUMNS, type AuthUserRow } from "./users.ts";

/** How long a token from a sign-in (POST /auth/token) lasts, and the default for a named one. */
export const API_TOKEN_DAYS = 30;
/** The longest a named token may last: a forgotten token should not work for ever. */
export const MAX_TOKEN_DAYS = 365;
/** How often a token's use is written down (lastUsedAt, and an audit entry). */
const USE_RECORDED_EVERY_MS = 60_000;


/** How a token came to be, for the audit log. */
export type TokenOrigin = "sign_in" | "password_change" | "created";

export interface IssuedToken {
  /** The bearer token: shown this once, never stored. */
  token: string;
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: Date;
  expiresAt: Date;
}

/**
 * Makes a token for `userId` in the caller's transaction and records its
 * creation there. Without options: an all-scopes token for 30 days, as a
 * sign-in hands out.
 */
export async function issueApiToken(
  db: Tx,
  userId: string,
  options: { name?: string; scopes?: readonly Scope[]; days?: number; origin?: TokenOrigin; ip?: string | null; now?: Date } = {},
): Promise<IssuedToken> {
  const now = options.now ?? new Date();
  const token = `hd_${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(now.getTime() + (options.days ?? API_TOKEN_DAYS) * 86_400_000);
  const row = await db.apiToken.create({
    data: { userId, tokenHash: tokenDigest(token), name: options.name ?? "", scopes: [...(options.scopes ?? FULL_ACCESS)], createdAt: now, expiresAt },
    select: { id: true, name: true, scopes: true, createdAt: true, expiresAt: true },
  });
  await recordAudit(db, {
    action: "token.created",
    actorId: userId,
    target: { type: "token", id: row.id },
    data: { name: row.name, scopes: row.scopes, expiresAt: row.expiresAt.toISOString(), origin: options.origin ?? "sign_in" },
    ip: options.ip ?? null,
    at: now,
  });
  return { token, ...row, scopes: normalizeScopes(row.scopes) };
}

/** The all-scopes token a sign-in (POST /auth/token) hands out. */
export function issueSignInToken(db: Db, userId: string, ip: string | null): Promise<IssuedToken> {
  return db.$transaction((tx) => issueApiToken(tx, userId, { origin: "sign_in", ip }));
}

export const NewTokenSchema = z.object({
  name: z.string({ error: "validation.tokenName" }).trim().min(1, "validation.tokenName").max(80, "validation.tokenName"),
  scopes: ScopesSchema,
  expiresInDays: z.coerce
    .number({ error: "validation.tokenDays" })
    .int("validation.tokenDays")
    .min(1, "validation.tokenDays")
    .max(MAX_TOKEN_DAYS, "validation.tokenDays")
    .default(API_TOKEN_DAYS),
});

/**
 * A signed-in user makes a named token for themselves. Made with another
 * token (the API), the new one may not allow more than that token does, so
 * a narrow token cannot be traded up for a wide one.
 */
export async function createApiToken(
  db: Db,
  user: AuthUser,
  raw: unknown,
  from: { ip: string | null; callerScopes?: readonly string[] },
  now = new Date(),
): Promise<IssuedToken> {
  const input = parseInput(NewTokenSchema, raw);
  if (from.callerScopes && !covers(from.callerScopes, input.scopes)) throw new DomainError("forbidden", "errors.tokenScopeWider");
  return db.$transaction((tx) =>
    issueApiToken(tx, user.id, { name: input.name, scopes: input.scopes, days: input.expiresInDays, origin: "created", ip: from.ip, now }),
  );
}

/** Who is calling with a good token, and what the token allows. */
export interface ApiCaller {
  user: AuthUser;
  token: { id: string; scopes: Scope[] };
}

/**
 * The token's owner and scopes while the token is good: one query, on every
 * API request. A deactivated owner's token is refused at once, even while its
 * row still exists. Use is written (lastUsedAt and a "token.used" entry) at
 * most once a minute, so a busy client does not write on every request.
 */
export async function userForApiToken(
  db: Db,
  token: string,
  seen: { ip?: string | null; route?: string } = {},
  now = new Date(),
): Promise<ApiCaller | null> {
  if (!/^hd_[A-Za-z0-9_-]{20,}$/.test(token)) return null;
  const [row] = await sqlOf(db).query<AuthUserRow & { tokenId: string; tokenName: string; scopes: string[]; expiresAt: Date; lastUsedAt: Date | null }>(
    `SELECT t."id" AS "tokenId", t."name" AS "tokenName", t."scopes", t."expiresAt", t."lastUsedAt", ${AUTH_USER_COLUMNS}
       FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId"
      WHERE t."tokenHash" = $1 AND u."deactivatedAt" IS NULL`,
    [tokenDigest(token)],
  );
  if (!row || row.expiresAt <= now) return null;
  const { tokenId, tokenName, scopes, expiresAt: _expiresAt, lastUsedAt, ...user } = row;
  if (!lastUsedAt || now.getTime() - lastUsedAt.getTime() > USE_RECORDED_EVERY_MS) {
    await recordUse(db, { tokenId, tokenName, userId: user.id }, seen, now);
  }
  return { user, token: { id: tokenId, scopes: normalizeScopes(scopes) } };
}

async function recordUse(db: Db, token: { tokenId: string; tokenName: string; userId: string }, seen: { ip?: string | null; route?: string }, now: Date) {
  await transactionOf(db, async (sql) => {
    // Only the request that moves lastUsedAt writes the entry: of two at the same moment, the second finds it moved.
    const moved = await sql.query(
      `UPDATE "ApiToken" SET "lastUsedAt" = $2::timestamp(3)
        WHERE "id" = $1 AND ("lastUsedAt" IS NULL OR "lastUsedAt" < $3::timestamp(3)) RETURNING "id"`,
      [token.tokenId, now.toISOString(), new Date(now.getTime() - USE_RECORDED_EVERY_MS).toISOString()],
    );
    if (moved.length === 0) return;
    await recordAudit(sql, {
      action: "token.used",
      actorId: token.userId,
      target: { type: "token", id: token.tokenId },
      data: { name: token.tokenName, ...(seen.route ? { route: seen.route } : {}) },
      ip: seen.ip ?? null,
      at: now,
    });
  });
}

export const TokenListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1, "validation.limit").max(100, "validation.limit").default(50),
  /** The id of the last token of the previous page. */
  cursor: z.uuid("validation.cursor").optional(),
});

export const AdminTokenListQuerySchema = TokenListQuerySchema.extend({
  /** Only this person's tokens. */
  userId: z.uuid("validation.tokenOwner").optional(),
});

const tokenView = { id: true, name: true, scopes: true, createdAt: true, expiresAt: true, lastUsedAt: true } as const;
const ownerView = { user: { select: { id: true, name: true, email: true, role: true } } } as const;

type TokenRow = { id: string; name: string; scopes: string[]; createdAt: Date; expiresAt: Date; lastUsedAt: Date | null };
const shown = <T extends TokenRow>(row: T) => ({ ...row, scopes: normalizeScopes(row.scopes) });

async function pageOf<T extends TokenRow>(rows: T[], limit: number) {
  const items = rows.slice(0, limit).map(shown);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

/** The caller's own tokens, newest first: name, scopes, when each was made, last used and ends. Never the token itself. */
export async function listApiTokens(db: Tx, user: AuthUser, rawQuery: unknown) {
  const query = parseInput(TokenListQuerySchema, rawQuery);
  const rows = await db.apiToken.findMany({
    where: { userId: user.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: tokenView,
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  return pageOf(rows, query.limit);
}

/** Everyone's tokens with their owners, newest first (tokens.manage). */
export async function listAllApiTokens(db: Tx, user: AuthUser, rawQuery: unknown) {
  assertCan(user, "tokens.manage");
  const query = parseInput(AdminTokenListQuerySchema, rawQuery);
  const rows = await db.apiToken.findMany({
    where: query.userId ? { userId: query.userId } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { ...tokenView, ...ownerView },
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const page = await pageOf(rows, query.limit);
  return { ...page, items: page.items.map(({ user: owner, ...token }) => ({ ...token, owner })) };
}

/** Ends one of the caller's own tokens at once; someone else's token is "not found". */
export function revokeApiToken(db: Db, user: AuthUser, tokenId: string, from: { ip: string | null } = { ip: null }) {
  return revoke(db, user, tokenId, { mine: true, ip: from.ip });
}

/** Ends anyone's token at once (tokens.manage). */
export function revokeAnyApiToken(db: Db, user: AuthUser, tokenId: string, from: { ip: string | null } = { ip: null }) {
  assertCan(user, "tokens.manage");
  return revoke(db, user, tokenId, { mine: false, ip: from.ip });
}

async function revoke(db: Db, user: AuthUser, tokenId: string, options: { mine: boolean; ip: string | null }) {
  return db.$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({
      where: { id: tokenId, ...(options.mine ? { userId: user.id } : {}) },
      select: { ...tokenView, ...ownerView },
    });
    if (!token) throw notFound("errors.tokenNotFound");
    // Of two revocations at once, one finds nothing left to delete: that one is "not found".
    const { count } = await tx.apiToken.deleteMany({ where: { id: tokenId } });
    if (count === 0) throw notFound("errors.tokenNotFound");
    const { user: owner, ...rest } = token;
    await recordAudit(tx, {
      action: "token.revoked",
      actorId: user.id,
      target: { type: "token", id: token.id },
      data: { name: token.name, scopes: token.scopes, owner: owner.email },
      ip: options.ip,
    });
    return { ...shown(rest), owner };
  });
}
