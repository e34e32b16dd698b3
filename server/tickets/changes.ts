// Which requested property changes to apply, and which collide with someone
// else's change made since the version the requester saw (optimistic
// concurrency). Plain rules over the ticket's change events, no I/O.
import type { Status } from "./status.ts";
import type { PRIORITIES, TICKET_TYPES } from "./schemas.ts";

export interface TicketFields {
  status: Status;
  priority: (typeof PRIORITIES)[number];
  type: (typeof TICKET_TYPES)[number];
  assigneeId: string | null;
  teamId: string | null;
  tags: string[];
}

export type FieldName = keyof TicketFields;
export const FIELD_NAMES: readonly FieldName[] = ["status", "priority", "type", "assigneeId", "teamId", "tags"];

/** A custom field's value (server/fields/), named in changes as "fields.<key>". */
export type CustomFieldName = `fields.${string}`;

/** One property change as recorded in the log. */
export interface FieldChange {
  field: FieldName | CustomFieldName;
  from: unknown;
  to: unknown;
  actorId: string | null;
  at: Date;
  /** The ticket's version after the change (absent on changes from before versions). */
  version?: number;
}

const sameValue = (field: FieldName, a: unknown, b: unknown) =>
  field === "tags" ? [...(a as string[])].sort().join("\n") === [...(b as string[])].sort().join("\n") : a === b;

/** The value a field had at `version`, undoing the changes made since (newest first). */
function valueAt(field: FieldName, current: TicketFields, since: FieldChange[]): unknown {
  let value: unknown = current[field];
  for (const change of [...since].reverse()) {
    if (change.field !== field) continue;
    if (field === "tags") {
      const { added, removed } = change.to as { added: string[]; removed: string[] };
      value = [...(value as string[]).filter((t) => !added.includes(t)), ...removed];
    } else {
      value = change.from;
    }
  }
  return value;
}

export interface UpdatePlan {
  /** Fields to set, with their new values. */
  apply: Partial<TicketFields>;
  /** Someone else's changes since the requester's version to fields the requester changes differently. */
  conflicts: FieldChange[];
}

/**
 * Plans an update. Without a version the request is taken as it is (every
 * field that differs is set). With the version the requester saw:
 * - from a whole form (it sends all its fields), a field sent back as it was
 *   at that version is one they did not change, so it is left alone; from
 *   the API every field sent is one to change;
 * - a field they change, that someone else changed meanwhile to another
 *   value, is a conflict: nothing is saved and they see what changed;
 * - anything else (replies, changes to other fields) does not block the save.
 */
export function planUpdate(
  current: TicketFields,
  requested: Partial<TicketFields>,
  seen: { version: number; changesSince: FieldChange[]; actorId: string; wholeForm: boolean } | null,
): UpdatePlan {
  const apply: Partial<TicketFields> = {};
  const conflicts: FieldChange[] = [];
  for (const field of FIELD_NAMES) {
    if (!(field in requested)) continue;
    const wanted = requested[field];
    if (sameValue(field, wanted, current[field])) continue;
    if (seen) {
      if (seen.wholeForm && sameValue(field, wanted, valueAt(field, current, seen.changesSince))) continue;
      const theirs = seen.changesSince.filter((c) => c.field === field && c.actorId !== seen.actorId);
      if (theirs.length > 0) {
        conflicts.push(...theirs);
        continue;
      }
    }
    (apply as Record<string, unknown>)[field] = wanted;
  }
  return { apply, conflicts };
}

/** Tags as the change event records them. */
export function tagDiff(before: string[], after: string[]) {
  return { added: after.filter((t) => !before.includes(t)), removed: before.filter((t) => !after.includes(t)) };
}
