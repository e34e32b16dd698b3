// The people a received mail names, as the helpdesk knows them. Someone it has not heard from
// becomes a customer with a "contact" account: a User with the customer role, no password
// (passwordHash "": it cannot sign in) and an unconfirmed address, linked to their Customer profile,
// so their messages have an author like anyone's. A password comes only through a mailed link
// (sign-up confirmation or reset). Staff are found as staff and never made customers.
import { randomUUID } from "node:crypto";
import type { AuthUser } from "../../auth/policy.ts";
import type { Sql } from "../../db/sql.ts";

export type Contact =
  | { kind: "customer"; address: string; userId: string; customerId: string; name: string; locale: string }
  | { kind: "staff"; address: string; userId: string; active: boolean };

interface Row {
  userId: string | null;
  role: string | null;
  name: string | null;
  locale: string | null;
  deactivatedAt: Date | null;
  customerId: string | null;
  customerUserId: string | null;
}

const LOOKUP_SQL = `
  SELECT u."id" AS "userId", u."role"::text AS "role", u."name", u."locale", u."deactivatedAt",
         c."id" AS "customerId", c."userId" AS "customerUserId"
    FROM (SELECT $1::text AS email) e
    LEFT JOIN "User" u ON u."email" = e.email
    LEFT JOIN "Customer" c ON c."email" = e.email OR (u."id" IS NOT NULL AND c."userId" = u."id")
   ORDER BY (c."userId" = u."id") DESC NULLS LAST
   LIMIT 1`;

/**
 * Finds or makes each person (address lower-cased; display name for new ones; locale for new
 * accounts), in the caller's transaction. Safe against another mail doing the same at once: people
 * are taken in address order, so two mails naming the same people in another order wait for each
 * other instead of deadlocking.
 */
export async function ensureContacts(
  sql: Sql,
  people: readonly { address: string; name: string }[],
  locale: string,
  now: Date,
): Promise<Map<string, Contact>> {
  const found = new Map<string, Contact>();
  const ordered = people.map((p) => ({ ...p, address: p.address.toLowerCase() })).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  for (const person of ordered) {
    const address = person.address;
    if (found.has(address)) continue;
    found.set(address, await ensureContact(sql, address, displayName(person.name, address), locale, now));
  }
  return found;
}

async function ensureContact(sql: Sql, address: string, name: string, locale: string, now: Date): Promise<Contact> {
  let [row] = await sql.query<Row>(LOOKUP_SQL, [address]);
  if (row.userId && row.role !== "customer") return { kind: "staff", address, userId: row.userId, active: row.deactivatedAt === null };
  if (!row.userId) {
    await sql.query(
      `INSERT INTO "User" ("id", "email", "name", "passwordHash", "role", "locale", "createdAt")
       VALUES ($1, $2, $3, '', 'customer', $4, $5::timestamp(3)) ON CONFLICT ("email") DO NOTHING`,
      [randomUUID(), address, row.name ?? name, locale, now.toISOString()],
    );
    [row] = await sql.query<Row>(LOOKUP_SQL, [address]);
    if (row.userId && row.role !== "customer") return { kind: "staff", address, userId: row.userId, active: row.deactivatedAt === null };
  }
  const userId = row.userId!;
  if (!row.customerId) {
    await sql.query(
      `INSERT INTO "Customer" ("id", "email", "name", "userId", "createdAt") VALUES ($1, $2, $3, $4, $5::timestamp(3))
       ON CONFLICT ("email") DO UPDATE SET "userId" = coalesce("Customer"."userId", EXCLUDED."userId")`,
      [randomUUID(), address, row.name ?? name, userId, now.toISOString()],
    );
  } else if (row.customerUserId === null) {
    // A requester staff filed for (a profile without an account): the contact account joins it.
    await sql.query(`UPDATE "Customer" SET "userId" = $2 WHERE "id" = $1 AND "userId" IS NULL`, [row.customerId, userId]);
  }
  [row] = await sql.query<Row>(LOOKUP_SQL, [address]);
  return { kind: "customer", address, userId, customerId: row.customerId!, name: row.name ?? name, locale: row.locale ?? locale };
}

/** The sender's name as the mail gives it, else the address's local part. */
function displayName(name: string, address: string): string {
  const clean = name.replace(/^["'\s]+|["'\s]+$/g, "").replace(/\s+/g, " ").slice(0, 80);
  return clean || address.split("@")[0];
}

/**
 * The policy's view of a customer who wrote by mail. Built here rather than loaded as a session is
 * (loadAuthUser): a contact whose address is not confirmed has no customerId there (their portal
 * account sees no requests), but their mail is authorised by the reply token and the ticket's
 * participants, and must be filed and written as theirs.
 */
export function mailActor(contact: Extract<Contact, { kind: "customer" }>, email: string): AuthUser {
  return {
    id: contact.userId,
    email,
    name: contact.name,
    role: "customer",
    locale: contact.locale,
    customerId: contact.customerId,
    teamIds: [],
    availability: "online",
    permissions: null,
  };
}
