// Custom ticket fields as stored (TicketField): reading the definitions for
// forms, the API and views, and keeping them (fields.manage). Every change is
// audited in its own transaction. The value rules are values.ts's.
//
// The definitions are read on every filing, form and API answer about
// tickets, so they are kept in memory, keyed by a fingerprint of the table
// (ids and the transactions that wrote the rows: FIELDS_VERSION_SQL). Each
// reader asks for the fingerprint and gets the rows only when it is not one it
// keeps: one small query, and a change committed by any process (or by hand in
// psql) is seen by the very next read in every process, without a message
// between them. Filing a ticket asks for the fingerprint in its own context
// query (server/tickets/service.ts), so it costs no extra round trip.
import { z } from "zod";
import type { Prisma } from "../db/generated/client.ts";
import { sqlOf, type Db, type Tx } from "../db/client.ts";
import { asSql, type Sql } from "../db/sql.ts";
import { assertCan, can, type AuthUser } from "../auth/policy.ts";
import { changedFields, recordAudit } from "../audit/log.ts";
import { DomainError, notFound } from "../errors.ts";
import { isUniqueViolation, parseInput } from "../validation.ts";
import {
  checkOptions,
  FieldChangeSchema,
  FieldOrderSchema,
  fieldsFor,
  FIELD_TYPES,
  MAX_FIELDS,
  NewFieldSchema,
  type Audience,
  type FieldDefinition,
  type FieldOption,
  type FieldType,
} from "./values.ts";

/** Changes with any committed change to the fields (a row's xmin is the transaction that wrote it): an expression for a SELECT list. */
export const FIELDS_VERSION_SQL = `(SELECT md5(coalesce(string_agg(tf."id" || ':' || tf.xmin::text, ',' ORDER BY tf."id"), '')) FROM "TicketField" tf)`;

const FIELDS_JSON_SQL = `(SELECT coalesce(json_agg(json_build_object(
    'id', tf."id", 'key', tf."key", 'labelEn', tf."labelEn", 'labelZh', tf."labelZh", 'type', tf."type", 'options', tf."options",
    'required', tf."required", 'customerVisible', tf."customerVisible", 'position', tf."position", 'active', tf."active",
    'createdAt', tf."createdAt", 'updatedAt', tf."updatedAt")
    ORDER BY tf."position", tf."key"), '[]') FROM "TicketField" tf)`;

/** A definition as admins and the API see it. */
export interface StoredField extends FieldDefinition {
  createdAt: Date;
  updatedAt: Date;
}

type FieldRow = Omit<StoredField, "createdAt" | "updatedAt" | "options" | "type"> & {
  type: string;
  options: unknown;
  createdAt: string | Date;
  updatedAt: string | Date;
};

const StoredOptionsSchema = z.array(z.object({ value: z.string(), en: z.string(), zh: z.string() }));

function fromRow(row: FieldRow): StoredField {
  const options = StoredOptionsSchema.safeParse(row.options);
  // timestamp(3) without zone, read through json: UTC.
  const date = (v: string | Date) => (v instanceof Date ? v : new Date(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`));
  return {
    id: row.id,
    key: row.key,
    labelEn: row.labelEn,
    labelZh: row.labelZh,
    type: (FIELD_TYPES as readonly string[]).includes(row.type) ? (row.type as FieldType) : "text",
    options: options.success ? options.data : [],
    required: row.required,
    customerVisible: row.customerVisible,
    position: row.position,
    active: row.active,
    createdAt: date(row.createdAt),
    updatedAt: date(row.updatedAt),
  };
}

/**
 * The last versions read and their definitions. A version is a digest of row
 * ids (random) and transaction ids, so two databases (tests run several) do
 * not share one, except "no fields at all", which means the same in each.
 */
const kept = new Map<string, StoredField[]>();
const VERSIONS_KEPT = 8;
/** The version this process read last. */
let latest: string | undefined;

function keep(version: string, fields: StoredField[]) {
  if (kept.size >= VERSIONS_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(version, fields);
}

type Handle = Db | Tx | Sql;
const sqlFor = (handle: Handle): Sql => ("$transaction" in handle ? sqlOf(handle as Db) : asSql(handle as Tx | Sql));

/** Every definition, archived ones included, in their order: one query, which brings the rows only when they changed. */
export async function fieldDefinitions(handle: Handle): Promise<StoredField[]> {
  const [row] = await sqlFor(handle).query<{ version: string; fields: FieldRow[] | null }>(
    `SELECT v."version", CASE WHEN v."version" = ANY($1::text[]) THEN NULL ELSE ${FIELDS_JSON_SQL} END AS "fields"
     FROM (SELECT ${FIELDS_VERSION_SQL} AS "version") v`,
    [[...kept.keys()]],
  );
  latest = row.version;
  const known = kept.get(row.version);
  if (known && row.fields === null) return known;
  const fields = (row.fields ?? []).map(fromRow);
  keep(row.version, fields);
  return fields;
}

/**
 * The definitions this process read last, without asking the database once it
 * has read them (the filing path checks them again in its own context query:
 * FIELDS_VERSION_SQL).
 */
export async function latestFieldDefinitions(handle: Handle): Promise<{ version: string; fields: StoredField[] }> {
  const fields = latest === undefined ? undefined : kept.get(latest);
  if (fields) return { version: latest!, fields };
  const read = await fieldDefinitions(handle);
  return { version: latest!, fields: read };
}

/** The definitions at `version` (FIELDS_VERSION_SQL, just read through `sql`): read again only when not kept. */
export async function fieldDefinitionsAt(sql: Sql, version: string): Promise<StoredField[]> {
  return kept.get(version) ?? fieldDefinitions(sql);
}

/** Whose side of a ticket the user is on, for fields: staff see and set them all, customers the customer-visible ones. */
export function audienceOf(user: AuthUser): Audience {
  return can(user, "tickets.internal") ? "staff" : "customer";
}

/** The fields a form asks this user (active ones; customer-visible only for customers). */
export async function formFields(db: Handle, user: AuthUser): Promise<FieldDefinition[]> {
  return fieldsFor(await fieldDefinitions(db), audienceOf(user));
}

// ---------------------------------------------------------------------------
// Keeping the definitions (fields.manage).

/** Every field, archived ones too, in their order (admins). */
export async function listFields(db: Db, user: AuthUser): Promise<StoredField[]> {
  assertCan(user, "fields.manage");
  return fieldDefinitions(db);
}

export async function getField(db: Db, user: AuthUser, id: string): Promise<StoredField> {
  assertCan(user, "fields.manage");
  const field = (await fieldDefinitions(db)).find((f) => f.id === id);
  if (!field) throw notFound("errors.fieldNotFound");
  return field;
}

/** What the audit log calls a field (server/audit/present.ts reads `name`). */
const auditName = (f: Pick<StoredField, "key" | "labelEn">) => `${f.labelEn} (${f.key})`;

const auditView = (f: Pick<StoredField, "key" | "labelEn" | "labelZh" | "type" | "options" | "required" | "customerVisible" | "position" | "active">) => ({
  key: f.key,
  labelEn: f.labelEn,
  labelZh: f.labelZh,
  type: f.type,
  options: f.options,
  required: f.required,
  customerVisible: f.customerVisible,
  position: f.position,
  active: f.active,
});

/** Where a change came from, for the audit log. */
export interface ChangeSource {
  ip?: string | null;
}

/** Adds a field, last in the order. Its key and type are fixed from now on. */
export async function createField(db: Db, user: AuthUser, rawInput: unknown, from: ChangeSource = {}, now = new Date()): Promise<StoredField> {
  assertCan(user, "fields.manage");
  const input = parseInput(NewFieldSchema, rawInput);
  try {
    const id = await db.$transaction(async (tx) => {
      // One field at a time takes the next position, and the limit holds.
      await tx.$executeRaw`LOCK TABLE "TicketField" IN SHARE ROW EXCLUSIVE MODE`;
      const existing = await tx.ticketField.aggregate({ _count: true, _max: { position: true } });
      if (existing._count >= MAX_FIELDS) throw new DomainError("conflict", "errors.tooManyFields");
      const row = await tx.ticketField.create({
        data: {
          key: input.key,
          labelEn: input.labelEn,
          labelZh: input.labelZh,
          type: input.type,
          options: input.type === "dropdown" ? input.options : [],
          required: input.required,
          customerVisible: input.customerVisible,
          position: (existing._max.position ?? 0) + 1,
          createdAt: now,
          updatedAt: now,
        },
      });
      await recordAudit(tx, {
        action: "field.created",
        actorId: user.id,
        target: { type: "field", id: row.id },
        data: { name: auditName(row), after: auditView({ ...row, options: row.options as unknown as FieldOption[], type: row.type }) },
        ip: from.ip,
        at: now,
      });
      return row.id;
    });
    return getField(db, user, id);
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("validation_failed", "errors.validation", { key: ["validation.fieldKeyTaken"] });
    throw error;
  }
}

/** Changes a field's labels, options, whether it is required, who sees it, or archives / restores it. */
export async function updateField(db: Db, user: AuthUser, id: string, rawInput: unknown, from: ChangeSource = {}, now = new Date()): Promise<StoredField> {
  assertCan(user, "fields.manage");
  const input = parseInput(FieldChangeSchema, rawInput);
  await db.$transaction(async (tx) => {
    const before = await lockedField(tx, id);
    if (input.options !== undefined) {
      const problems: string[] = [];
      checkOptions(before.type, input.options, { addIssue: (issue) => problems.push(issue.message) });
      if (problems.length > 0) throw new DomainError("validation_failed", "errors.validation", { options: problems });
    }
    const after = { ...before, ...definedOnly(input) };
    const diff = changedFields(auditView(before), auditView(after));
    if (Object.keys(diff.after).length === 0) return;
    await tx.ticketField.update({
      where: { id },
      data: {
        labelEn: after.labelEn,
        labelZh: after.labelZh,
        options: after.options as unknown as Prisma.InputJsonValue,
        required: after.required,
        customerVisible: after.customerVisible,
        active: after.active,
        updatedAt: now,
      },
    });
    await recordAudit(tx, { action: "field.updated", actorId: user.id, target: { type: "field", id }, data: { name: auditName(after), ...diff }, ip: from.ip, at: now });
  });
  return getField(db, user, id);
}

/** Puts the fields in this order (every field's id once, archived ones too). */
export async function reorderFields(db: Db, user: AuthUser, rawInput: unknown, from: ChangeSource = {}, now = new Date()): Promise<StoredField[]> {
  assertCan(user, "fields.manage");
  const { ids } = parseInput(FieldOrderSchema, rawInput);
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`LOCK TABLE "TicketField" IN SHARE ROW EXCLUSIVE MODE`;
    const rows = await tx.ticketField.findMany({ select: { id: true, key: true, labelEn: true, position: true } });
    const all = new Set(rows.map((r) => r.id));
    if (ids.length !== all.size || new Set(ids).size !== ids.length || ids.some((id) => !all.has(id))) {
      throw new DomainError("validation_failed", "errors.validation", { ids: ["validation.fieldOrder"] });
    }
    const audits = [];
    for (const [index, id] of ids.entries()) {
      const row = rows.find((r) => r.id === id)!;
      const position = index + 1;
      if (row.position === position) continue;
      await tx.ticketField.update({ where: { id }, data: { position, updatedAt: now } });
      audits.push({
        action: "field.updated" as const,
        actorId: user.id,
        target: { type: "field" as const, id },
        data: { name: auditName(row), before: { position: row.position }, after: { position } },
        ip: from.ip,
        at: now,
      });
    }
    await recordAudit(tx, audits);
  });
  return listFields(db, user);
}

/** Moves one field up or down by one place (the admin page's arrows). */
export async function moveField(db: Db, user: AuthUser, id: string, direction: "up" | "down", from: ChangeSource = {}, now = new Date()): Promise<StoredField[]> {
  const fields = await listFields(db, user);
  const ids = fields.map((f) => f.id);
  const at = ids.indexOf(id);
  if (at < 0) throw notFound("errors.fieldNotFound");
  const to = direction === "up" ? at - 1 : at + 1;
  if (to < 0 || to >= ids.length) return fields;
  [ids[at], ids[to]] = [ids[to], ids[at]];
  return reorderFields(db, user, { ids }, from, now);
}

/**
 * Removes a field no ticket holds a value of (a mistake just made). A field
 * in use is archived instead (409): its values stay on the tickets.
 */
export async function deleteField(db: Db, user: AuthUser, id: string, from: ChangeSource = {}, now = new Date()): Promise<StoredField> {
  assertCan(user, "fields.manage");
  const field = await getField(db, user, id);
  await db.$transaction(async (tx) => {
    await lockedField(tx, id);
    const [used] = await tx.$queryRaw<{ used: boolean }[]>`SELECT EXISTS (SELECT 1 FROM "Ticket" WHERE "fields" ? ${field.key}) AS "used"`;
    if (used.used) throw new DomainError("conflict", "errors.fieldInUse");
    await tx.ticketField.delete({ where: { id } });
    await recordAudit(tx, { action: "field.deleted", actorId: user.id, target: { type: "field", id }, data: { name: auditName(field), before: auditView(field) }, ip: from.ip, at: now });
  });
  return field;
}

async function lockedField(tx: Tx, id: string): Promise<StoredField> {
  if (!z.uuid().safeParse(id).success) throw notFound("errors.fieldNotFound");
  const rows = await tx.$queryRaw<FieldRow[]>`
    SELECT "id", "key", "labelEn", "labelZh", "type"::text AS "type", "options", "required", "customerVisible", "position", "active", "createdAt", "updatedAt"
    FROM "TicketField" WHERE "id" = ${id} FOR UPDATE`;
  if (rows.length === 0) throw notFound("errors.fieldNotFound");
  return fromRow(rows[0]);
}

function definedOnly<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}
