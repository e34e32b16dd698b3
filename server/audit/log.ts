// The audit log's one writer: configuration changes, sign-ins (and failed
// ones), token creation and use, exports. A change is recorded in the
// transaction that makes it, so the log never tells of a change that did not
// happen, nor misses one that did. Reading, filtering and the CSV export live
// in server/audit/service.ts.
import type { Tx } from "../db/client.ts";
import { asSql, type Sql } from "../db/sql.ts";

/** What the log knows about an action; `data` holds what changed ({ before, after }) or its details. */
export interface AuditRecord {
  action: AuditAction;
  actorId: string | null;
  /** For sign-ins: the email given (a failed one may name no account). */
  actorEmail?: string | null;
  target?: { type: AuditTargetType; id: string } | null;
  data?: Record<string, unknown>;
  ip?: string | null;
  at?: Date;
}

/** Every action the log records: the filter offers these, and the UI names each one. */
export const AUDIT_ACTIONS = [
  "signin.succeeded",
  "signin.failed",
  "token.created",
  "token.used",
  "token.revoked",
  "user.invited",
  "user.invitation_accepted",
  "user.password_reset",
  "user.email_verified",
  "user.updated",
  "user.deactivated",
  "user.reactivated",
  "role.created",
  "role.updated",
  "role.deleted",
  "team.created",
  "team.updated",
  "team.deleted",
  "category.created",
  "category.updated",
  "category.deleted",
  "field.created",
  "field.updated",
  "field.deleted",
  "rule.created",
  "rule.updated",
  "rule.deleted",
  "rules.reordered",
  "automation.created",
  "automation.updated",
  "automation.deleted",
  "automations.reordered",
  "settings.updated",
  "mail_address.created",
  "mail_address.updated",
  "mail_address.deleted",
  "sla.updated",
  "export.csv",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditTargetType = "user" | "role" | "team" | "category" | "field" | "rule" | "automation" | "settings" | "token" | "sla" | "export" | "mail_address";

/** Appends entries, in the caller's transaction when it has one. */
export async function recordAudit(handle: Tx | Sql, records: AuditRecord | readonly AuditRecord[]): Promise<void> {
  const list = Array.isArray(records) ? records : [records as AuditRecord];
  if (list.length === 0) return;
  const values: unknown[] = [];
  const rows = list.map((r) => {
    const base = values.length;
    values.push(
      (r.at ?? new Date()).toISOString(),
      r.actorId,
      r.actorEmail ?? null,
      r.action,
      r.target?.type ?? null,
      r.target?.id ?? null,
      JSON.stringify(r.data ?? {}),
      r.ip ?? null,
    );
    return `($${base + 1}::timestamp(3), $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7}::jsonb, $${base + 8})`;
  });
  await asSql(handle).query(
    `INSERT INTO "AuditEntry" ("at", "actorId", "actorEmail", "action", "targetType", "targetId", "data", "ip") VALUES ${rows.join(", ")}`,
    values,
  );
}

/**
 * What changed between two versions of a record, for the log: only the keys
 * whose values differ, as { before, after }. Equal values are compared as JSON.
 */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): { before: Partial<T>; after: Partial<T> } {
  const out = { before: {} as Partial<T>, after: {} as Partial<T> };
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    out.before[key] = before[key];
    out.after[key] = after[key];
  }
  return out;
}
