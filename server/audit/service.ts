// Reading the audit log: newest first, in cursor pages, filtered by person,
// action and a range of days; the same filter as a CSV download. Reading
// needs "audit.view"; the download needs "data.export" too and is itself
// recorded ("export.csv"), as every CSV download is (recordExport).
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { assertCan, type AuthUser } from "../auth/policy.ts";
import { CursorParamSchema, decodeCursor, encodeCursor, LimitParamSchema } from "../pagination.ts";
import { DomainError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { csvLines, type CsvColumn } from "../csv.ts";
import { isTimeZone } from "../../app/utils/format.ts";
import { AUDIT_ACTIONS, recordAudit } from "./log.ts";
import { changeText, describeData, targetLabel } from "./present.ts";

const FilterFields = {
  /** Who did it. */
  actorId: z.uuid("validation.auditPerson").optional(),
  action: z.enum(AUDIT_ACTIONS, { error: "validation.auditAction" }).optional(),
  /** First and last day, both included, in `timeZone` (UTC unless said). */
  from: z.iso.date({ error: "validation.date" }).optional(),
  to: z.iso.date({ error: "validation.date" }).optional(),
  timeZone: z.string().refine(isTimeZone, "validation.timezone").optional(),
};
const inOrder = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;

export const AuditFilterSchema = z.object(FilterFields).refine(inOrder, { message: "validation.dateRange", path: ["to"] });
export const AuditQuerySchema = z
  .object({ ...FilterFields, limit: LimitParamSchema(200, 50), cursor: CursorParamSchema.optional() })
  .refine(inOrder, { message: "validation.dateRange", path: ["to"] });

export type AuditFilter = z.output<typeof AuditFilterSchema>;

export interface AuditEntryView {
  id: string;
  at: Date;
  action: string;
  /** The account that acted; null when none did (a failed sign-in for an unknown email) or it is gone. */
  actor: { id: string; name: string; email: string } | null;
  /** The email given, for sign-ins. */
  actorEmail: string | null;
  target: { type: string; id: string; label: string | null } | null;
  data: Record<string, unknown>;
  ip: string | null;
}

const startOfDay = (date: string, timeZone: string) =>
  new Date(Temporal.PlainDate.from(date).toZonedDateTime(timeZone).toInstant().epochMilliseconds);

function whereOf(filter: AuditFilter): Prisma.AuditEntryWhereInput {
  const zone = filter.timeZone ?? "UTC";
  const at: Prisma.DateTimeFilter = {};
  if (filter.from) at.gte = startOfDay(filter.from, zone);
  if (filter.to) at.lt = startOfDay(Temporal.PlainDate.from(filter.to).add({ days: 1 }).toString(), zone);
  return {
    ...(filter.actorId ? { actorId: filter.actorId } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.from || filter.to ? { at } : {}),
  };
}

const KeySchema = z.tuple([z.iso.datetime(), z.string().regex(/^\d{1,19}$/)]);
function afterCursor(cursor: string): Prisma.AuditEntryWhereInput {
  const key = KeySchema.safeParse(decodeCursor(cursor));
  if (!key.success) throw new DomainError("validation_failed", "errors.validation", { cursor: ["validation.cursor"] });
  const at = new Date(key.data[0]);
  const id = BigInt(key.data[1]);
  return { OR: [{ at: { lt: at } }, { at, id: { lt: id } }] };
}

/** One page of entries, newest first, with the people they name. */
async function page(db: Tx, filter: AuditFilter, limit: number, cursor?: string) {
  const rows = await db.auditEntry.findMany({
    where: { AND: [whereOf(filter), cursor ? afterCursor(cursor) : {}] },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const shown = rows.slice(0, limit);
  const ids = new Set<string>();
  for (const r of shown) {
    if (r.actorId) ids.add(r.actorId);
    if (r.targetType === "user" && r.targetId) ids.add(r.targetId);
  }
  const people = new Map(
    (await db.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true, email: true } })).map((u) => [u.id, u]),
  );
  const items: AuditEntryView[] = shown.map((r) => {
    const data = (typeof r.data === "object" && r.data !== null && !Array.isArray(r.data) ? r.data : {}) as Record<string, unknown>;
    return {
      id: String(r.id),
      at: r.at,
      action: r.action,
      actor: r.actorId ? (people.get(r.actorId) ?? null) : null,
      actorEmail: r.actorEmail,
      target:
        r.targetType && r.targetId
          ? { type: r.targetType, id: r.targetId, label: targetLabel(data, r.targetType === "user" ? people.get(r.targetId) : null) }
          : null,
      data,
      ip: r.ip,
    };
  });
  const last = shown[shown.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.at.toISOString(), String(last.id)]) : null };
}

/** Entries matching the filter, newest first, `limit` at a time. */
export async function listAuditEntries(db: Tx, user: AuthUser, raw: unknown) {
  assertCan(user, "audit.view");
  const query = parseInput(AuditQuerySchema, raw);
  return page(db, query, query.limit, query.cursor);
}

/** The people the log can be filtered by: staff, deactivated ones included (their past stays in the log). */
export async function auditPeople(db: Tx, user: AuthUser) {
  assertCan(user, "audit.view");
  return db.user.findMany({
    where: { role: { not: "customer" } },
    orderBy: [{ name: "asc" }, { email: "asc" }],
    select: { id: true, name: true, email: true },
  });
}

/** The filter as the log records it with an export (only what was set). */
const filterRecord = (filter: AuditFilter) => Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));

/**
 * Records a CSV download (the caller must hold "data.export"): which report,
 * with which filter, how many rows. Every CSV download goes through here.
 */
export async function recordExport(
  db: Tx,
  user: AuthUser,
  report: { name: string; filter: Record<string, unknown>; rows: number },
  from: { ip: string | null },
) {
  assertCan(user, "data.export");
  await recordAudit(db, {
    action: "export.csv",
    actorId: user.id,
    target: { type: "export", id: report.name },
    data: { report: report.name, filter: report.filter, rows: report.rows },
    ip: from.ip,
  });
}

const CSV_PAGE = 1000;

type CsvRow = {
  time: string;
  actor_name: string;
  actor_email: string;
  action: string;
  target_type: string;
  target_id: string;
  target: string;
  changes: string;
  ip: string;
};
const CSV_COLUMNS: CsvColumn<CsvRow>[] = [
  { key: "time", header: "time" },
  { key: "actor_name", header: "actor_name" },
  { key: "actor_email", header: "actor_email" },
  { key: "action", header: "action" },
  { key: "target_type", header: "target_type" },
  { key: "target_id", header: "target_id" },
  { key: "target", header: "target" },
  { key: "changes", header: "changes" },
  { key: "ip", header: "ip" },
];

const csvRow = (e: AuditEntryView): CsvRow => ({
  time: e.at.toISOString(),
  actor_name: e.actor?.name ?? "",
  actor_email: e.actor?.email ?? e.actorEmail ?? "",
  action: e.action,
  target_type: e.target?.type ?? "",
  target_id: e.target?.id ?? "",
  target: e.target?.label ?? "",
  changes: changeText(describeData(e.data)),
  ip: e.ip ?? "",
});

/**
 * The entries matching the filter as CSV, newest first, streamed page by
 * page (a long log is never held whole). Needs "audit.view" and
 * "data.export"; the download is recorded before the first line.
 */
export async function exportAuditCsv(db: Db, user: AuthUser, raw: unknown, from: { ip: string | null }, now = new Date()) {
  assertCan(user, "audit.view");
  assertCan(user, "data.export");
  const filter = parseInput(AuditFilterSchema, raw);
  const rows = await db.auditEntry.count({ where: whereOf(filter) });
  await recordExport(db, user, { name: "audit-log", filter: filterRecord(filter), rows }, from);
  async function* lines(): AsyncGenerator<string> {
    let cursor: string | undefined;
    let first = true;
    do {
      const next = await page(db, filter, CSV_PAGE, cursor);
      if (first || next.items.length > 0) yield csvLines(next.items.map(csvRow), CSV_COLUMNS, first);
      first = false;
      cursor = next.nextCursor ?? undefined;
    } while (cursor);
  }
  return { filename: `audit-log-${now.toISOString().slice(0, 10)}.csv`, rows, lines: lines() };
}
