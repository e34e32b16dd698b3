// Notifications: one model for everything a person should know (assignments,
// customers' replies, @mentions, SLA warnings and breaches), kept per person
// with a read mark, sent live to their sockets, and filtered by each person's
// choices per kind. Written in the caller's transaction; the live delivery
// follows the notification.created events after commit.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { sqlOf, type Db } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import type { NewEvent } from "../events/types.ts";
import { assertCan, type AuthUser } from "../auth/policy.ts";
import { parseInput } from "../validation.ts";
import { CursorParamSchema, LimitParamSchema } from "../pagination.ts";
import type { LiveNotification } from "../realtime/protocol.ts";

/** The kinds there are, and whether a person gets each in the app until they choose otherwise. */
export const NOTIFICATION_KINDS = {
  assigned: true,
  customer_replied: true,
  mention: true,
  sla_warning: true,
  sla_breach: true,
  sla_escalation: true,
  /** A routing rule's "notify" action (server/rules/). */
  rule: true,
} as const;
export type NotificationKind = keyof typeof NOTIFICATION_KINDS;

/** Whether a person also gets each kind by mail until they choose otherwise (server/listeners/ticket-mail.ts). */
export const NOTIFICATION_EMAIL_DEFAULTS: Record<NotificationKind, boolean> = {
  assigned: true,
  customer_replied: true,
  mention: true,
  sla_warning: true,
  sla_breach: false,
  sla_escalation: false,
  rule: false,
};

/** A person's choice of mail for a kind (NotificationPreference.email; null: the kind's default). */
export function emailPreference(kind: string, choice: boolean | null | undefined): boolean {
  return choice ?? (NOTIFICATION_EMAIL_DEFAULTS as Record<string, boolean>)[kind] ?? false;
}

/** Notifies each person (once, whatever the list repeats) who has not turned the kind off; returns the events announcing them. */
export async function notify(
  sql: Sql,
  userIds: readonly string[],
  kind: NotificationKind,
  about: { ticketId: string | null; data: Record<string, unknown> },
  now: Date,
): Promise<NewEvent[]> {
  return notifyEach(sql, kind, [...new Set(userIds)].map((userId) => ({ userId, ...about })), now);
}

/**
 * Notifications of one kind, each to its person about its own ticket, in one
 * statement (a batch of automatic assignments is one per ticket); people who
 * turned the kind off are left out. Returns the events announcing them.
 */
export async function notifyEach(
  sql: Sql,
  kind: NotificationKind,
  items: readonly { userId: string; ticketId: string | null; data: Record<string, unknown> }[],
  now: Date,
): Promise<NewEvent[]> {
  if (items.length === 0) return [];
  const rows = await sql.query<{ id: string; userId: string; ticketId: string | null }>(
    `INSERT INTO "Notification" ("id", "userId", "kind", "ticketId", "data", "createdAt")
     SELECT x.id, x."userId", $2, x."ticketId", x.data, $3::timestamp(3)
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, "userId" text, "ticketId" text, data jsonb)
     JOIN "User" u ON u."id" = x."userId" AND u."deactivatedAt" IS NULL
     WHERE coalesce((SELECT p."inApp" FROM "NotificationPreference" p WHERE p."userId" = x."userId" AND p."kind" = $2), $4)
     RETURNING "id", "userId", "ticketId"`,
    [JSON.stringify(items.map((item) => ({ id: randomUUID(), ...item }))), kind, now.toISOString(), NOTIFICATION_KINDS[kind]],
  );
  return rows.map((row) => ({
    type: "notification.created",
    ticketId: row.ticketId,
    actorId: null,
    at: now,
    data: { notificationId: row.id, userId: row.userId, kind },
  }));
}

export const NotificationListQuerySchema = z.object({
  limit: LimitParamSchema(100, 30),
  cursor: CursorParamSchema.optional(),
  unread: z.enum(["true", "false"], { error: "validation.unread" }).optional(),
});

const view = { id: true, kind: true, ticketId: true, data: true, createdAt: true, readAt: true, ticket: { select: { number: true, subject: true } } } as const;

/** Notifications by id, for live delivery (the caller sends each only to its own person). */
export async function getNotifications(db: Db, ids: string[]) {
  return db.notification.findMany({ where: { id: { in: ids } }, select: { ...view, userId: true }, orderBy: { createdAt: "asc" } });
}

type NotificationRow = Awaited<ReturnType<typeof getNotifications>>[number] | Awaited<ReturnType<typeof listNotifications>>["items"][number];

/** A notification as JSON (the live channel, the page, the API). */
export function liveNotification(n: NotificationRow): LiveNotification {
  return {
    id: n.id,
    kind: n.kind as NotificationKind,
    ticketId: n.ticketId,
    ticket: n.ticket,
    data: n.data as Record<string, unknown>,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
  };
}

/** A person's own notifications, newest first, with how many are unread. */
export async function listNotifications(db: Db, user: AuthUser, rawQuery: unknown = {}) {
  assertCan(user, "notifications.read");
  const query = parseInput(NotificationListQuerySchema, rawQuery);
  const where = { userId: user.id, ...(query.unread === "true" ? { readAt: null } : {}) };
  const [rows, unread] = await Promise.all([
    db.notification.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: Buffer.from(query.cursor, "base64url").toString() }, skip: 1 } : {}),
      select: view,
    }),
    unreadCount(db, user),
  ]);
  const items = rows.slice(0, query.limit);
  return { items, unread, nextCursor: rows.length > query.limit ? Buffer.from(items[items.length - 1].id).toString("base64url") : null };
}

export async function unreadCount(db: Db, user: AuthUser): Promise<number> {
  // Plain SQL: every staff page asks (server/db/sql.ts).
  const [row] = await sqlOf(db).query<{ unread: number }>(
    `SELECT count(*)::int AS "unread" FROM "Notification" WHERE "userId" = $1 AND "readAt" IS NULL`,
    [user.id],
  );
  return row.unread;
}

export const MarkReadSchema = z.union([
  z.object({ ids: z.array(z.uuid({ error: "validation.notification" }), { error: "validation.notification" }).min(1, "validation.notification").max(200, "validation.notification") }),
  z.object({ all: z.literal(true, { error: "validation.notification" }) }),
]);

/** Marks the person's own notifications read (others' ids are ignored); returns how many are still unread. */
export async function markRead(db: Db, user: AuthUser, raw: unknown, now = new Date()): Promise<{ unread: number }> {
  assertCan(user, "notifications.read");
  const input = parseInput(MarkReadSchema, raw);
  await db.notification.updateMany({
    where: { userId: user.id, readAt: null, ...("ids" in input ? { id: { in: input.ids } } : {}) },
    data: { readAt: now },
  });
  return { unread: await unreadCount(db, user) };
}

const PreferenceChoice = z
  .object({ inApp: z.boolean({ error: "validation.notificationKind" }).optional(), email: z.boolean({ error: "validation.notificationKind" }).optional() })
  .refine((choice) => choice.inApp !== undefined || choice.email !== undefined, { error: "validation.notificationKind" });
export const PreferencesSchema = z.partialRecord(
  z.enum(Object.keys(NOTIFICATION_KINDS) as [NotificationKind, ...NotificationKind[]], { error: "validation.notificationKind" }),
  PreferenceChoice,
);

/** Each kind with the person's choice (or its default): in the app, and by mail (for notifications they get in the app). */
export async function getPreferences(db: Db, user: AuthUser) {
  assertCan(user, "notifications.read");
  const rows = await db.notificationPreference.findMany({ where: { userId: user.id } });
  const chosen = new Map(rows.map((r) => [r.kind, r]));
  return Object.fromEntries(
    Object.entries(NOTIFICATION_KINDS).map(([kind, inApp]) => [kind, { inApp: chosen.get(kind)?.inApp ?? inApp, email: emailPreference(kind, chosen.get(kind)?.email) }]),
  ) as Record<NotificationKind, { inApp: boolean; email: boolean }>;
}

export async function setPreferences(db: Db, user: AuthUser, raw: unknown) {
  assertCan(user, "notifications.read");
  const input = parseInput(PreferencesSchema, raw);
  await db.$transaction(
    Object.entries(input).map(([kind, choice]) =>
      db.notificationPreference.upsert({
        where: { userId_kind: { userId: user.id, kind } },
        create: { userId: user.id, kind, inApp: choice!.inApp ?? NOTIFICATION_KINDS[kind as NotificationKind], email: choice!.email ?? null },
        update: { ...(choice!.inApp !== undefined ? { inApp: choice!.inApp } : {}), ...(choice!.email !== undefined ? { email: choice!.email } : {}) },
      }),
    ),
  );
  return getPreferences(db, user);
}
