// Idempotency-Key for requests that create something (filing a ticket,
// adding a message). A client whose request was cut off cannot know whether
// it was carried out; with a key, it simply sends it again. The key is
// recorded in the creating transaction itself, so "created" and "key
// recorded" commit together: a retry finds the key and gets the first
// result back, never a duplicate. Two requests with one key at the same
// moment: the second waits on the key's row until the first commits, then
// finds it (IdempotencyKeyTaken) and answers with the first's result.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "./db/client.ts";
import { sqlOf } from "./db/client.ts";
import type { Sql } from "./db/sql.ts";
import { DomainError } from "./errors.ts";

/** How long a key is remembered; a retry comes within minutes, not days. */
export const IDEMPOTENCY_HOURS = 24;

/** Printable ASCII, as the header draft and Stripe's API expect; a UUID is typical. */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, "validation.idempotencyKey")
  .describe("Makes a retry safe: a request sent again with the same key (within 24 hours) returns the first result.");

const expiredBefore = (now: Date) => new Date(now.getTime() - IDEMPOTENCY_HOURS * 3_600_000).toISOString();

/** Who made which request under which key. */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  route: string;
  fingerprint: string;
}

export function idempotencyClaim(userId: string, key: string, route: string, request: unknown): IdempotencyClaim {
  const fingerprint = createHash("sha256").update(JSON.stringify(request)).digest("hex");
  return { userId, key, route, fingerprint };
}

/** The key was recorded by a request that committed first: answer with its result. */
export class IdempotencyKeyTaken extends Error {
  constructor() {
    super("idempotency key already used");
  }
}

/**
 * Records the key in the creating transaction, before the work: a request
 * with the same key that is still running makes this wait until it commits
 * or rolls back.
 */
export async function recordIdempotencyKey(sql: Sql, claim: IdempotencyClaim, resourceId: string, now: Date): Promise<void> {
  // A key older than IDEMPOTENCY_HOURS that the daily job has not pruned yet is free again.
  const inserted = await sql.query(
    `INSERT INTO "IdempotencyKey" ("userId", "key", "route", "fingerprint", "resourceId", "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6::timestamp(3))
     ON CONFLICT ("userId", "key") DO UPDATE
       SET "route" = excluded."route", "fingerprint" = excluded."fingerprint",
           "resourceId" = excluded."resourceId", "createdAt" = excluded."createdAt"
       WHERE "IdempotencyKey"."createdAt" <= $7::timestamp(3)
     RETURNING 1`,
    [claim.userId, claim.key, claim.route, claim.fingerprint, resourceId, now.toISOString(), expiredBefore(now)],
  );
  if (inserted.length === 0) throw new IdempotencyKeyTaken();
}

/**
 * What an earlier request with this key created, if one did (within
 * IDEMPOTENCY_HOURS). The same key with another route or content is a client
 * bug, refused with 422 rather than guessed at.
 */
export async function earlierResult(db: Db, claim: IdempotencyClaim, now = new Date()): Promise<string | null> {
  const [row] = await sqlOf(db).query<{ route: string; fingerprint: string; resourceId: string }>(
    `SELECT "route", "fingerprint", "resourceId" FROM "IdempotencyKey"
      WHERE "userId" = $1 AND "key" = $2 AND "createdAt" > $3::timestamp(3)`,
    [claim.userId, claim.key, expiredBefore(now)],
  );
  if (!row) return null;
  if (row.route !== claim.route || row.fingerprint !== claim.fingerprint) {
    throw new DomainError("unprocessable", "errors.idempotencyKeyReused");
  }
  return row.resourceId;
}

/** Keys past their time (the daily job). */
export async function pruneIdempotencyKeys(db: Db, now = new Date()): Promise<number> {
  const rows = await sqlOf(db).query(`DELETE FROM "IdempotencyKey" WHERE "createdAt" <= $1::timestamp(3) RETURNING 1`, [
    expiredBefore(now),
  ]);
  return rows.length;
}
