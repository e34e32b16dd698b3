// Macros kept by staff (personal, or shared by those with macros.manage) and
// applied to tickets. Applying is one command in one transaction: the reply,
// the note and the changes are written together or not at all, each through
// the same code as when an agent does it by hand (writeMessage,
// changeTicket), so the same permissions, status rules and events apply.
import { z } from "zod";
import { sqlOf, type Db, type Tx } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { asSql } from "../db/sql.ts";
import { inTransaction } from "../events/transaction.ts";
import { emit } from "../events/emit.ts";
import { assertCan, can, type AuthUser } from "../auth/policy.ts";
import { DomainError, notFound } from "../errors.ts";
import { AttachmentIdsSchema, MAX_MESSAGE } from "../tickets/schemas.ts";
import { parseInput } from "../validation.ts";
import type { Locale } from "../../app/i18n/config.ts";
import { ticketLanguage } from "../tickets/language.ts";
import {
  changeTicket,
  findVisibleTicket,
  getTicketSummaries,
  lockTicket,
  refuseStaleReply,
  writeMessage,
  type TicketSummary,
  type VisibleTicket,
} from "../tickets/service.ts";
import {
  actionsAsUpdate,
  fillPlaceholders,
  MacroActionsSchema,
  MacroInputSchema,
  MacroTextsSchema,
  MAX_MACRO_TEXT,
  textIn,
  type MacroActions,
  type MacroTexts,
  type PlaceholderValues,
} from "./macros.ts";

/** Shared macros, and each person's own, are each limited to this many. */
export const MAX_MACROS = 200;

export interface Macro {
  id: string;
  name: string;
  shared: boolean;
  reply: MacroTexts | null;
  note: MacroTexts | null;
  actions: MacroActions;
  usageCount: number;
  lastUsedAt: Date | null;
  updatedAt: Date;
  /** May this person change or remove it? */
  editable: boolean;
}

interface Row {
  id: string;
  name: string;
  ownerId: string | null;
  reply: unknown;
  note: unknown;
  actions: unknown;
  usageCount: number;
  lastUsedAt: Date | null;
  updatedAt: Date;
}

const COLUMNS = `"id", "name", "ownerId", "reply", "note", "actions", "usageCount", "lastUsedAt", "updatedAt"`;

function toMacro(user: AuthUser, row: Row): Macro {
  // Stored values were valid when saved; what a later, stricter schema no longer reads is dropped.
  const texts = (value: unknown) => (value === null ? null : (MacroTextsSchema.safeParse(value).data ?? null));
  const shared = row.ownerId === null;
  return {
    id: row.id,
    name: row.name,
    shared,
    reply: texts(row.reply),
    note: texts(row.note),
    actions: MacroActionsSchema.safeParse(row.actions).data ?? {},
    usageCount: row.usageCount,
    lastUsedAt: row.lastUsedAt,
    updatedAt: row.updatedAt,
    editable: shared ? can(user, "macros.manage") : row.ownerId === user.id,
  };
}

/** The macros this person may apply, the most used first. */
export async function listMacros(db: Db, user: AuthUser): Promise<Macro[]> {
  assertCan(user, "workspace.use");
  // Plain SQL: every ticket page asks (server/db/sql.ts).
  const rows = await sqlOf(db).query<Row>(
    `SELECT ${COLUMNS} FROM "Macro" WHERE "ownerId" IS NULL OR "ownerId" = $1 ORDER BY "usageCount" DESC, "name", "id"`,
    [user.id],
  );
  return rows.map((row) => toMacro(user, row));
}

const MacroIdSchema = z.uuid();

async function visibleRow(db: Db | Tx, user: AuthUser, id: string): Promise<Row> {
  assertCan(user, "workspace.use");
  if (!MacroIdSchema.safeParse(id).success) throw notFound("errors.macroNotFound");
  const [row] = await asSql(db).query<Row>(`SELECT ${COLUMNS} FROM "Macro" WHERE "id" = $1 AND ("ownerId" IS NULL OR "ownerId" = $2)`, [
    id,
    user.id,
  ]);
  if (!row) throw notFound("errors.macroNotFound");
  return row;
}

export async function getMacro(db: Db, user: AuthUser, id: string): Promise<Macro> {
  return toMacro(user, await visibleRow(db, user, id));
}

export async function createMacro(db: Db, user: AuthUser, rawInput: unknown): Promise<Macro> {
  assertCan(user, "workspace.use");
  const input = parseInput(MacroInputSchema, rawInput);
  if (input.shared) assertCan(user, "macros.manage");
  const ownerId = input.shared ? null : user.id;
  const row = await db.$transaction(async (tx) => {
    await assertRoomFor(tx, ownerId);
    return tx.macro.create({
      data: { name: input.name, ownerId, reply: input.reply ?? Prisma.DbNull, note: input.note ?? Prisma.DbNull, actions: input.actions },
    });
  });
  return toMacro(user, row);
}

/**
 * Refuses a macro over the limit of its owner (or of the shared ones). Counted
 * under a lock on that owner, so two quick creations cannot both pass.
 */
async function assertRoomFor(tx: Tx, ownerId: string | null) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`macros:${ownerId ?? "shared"}`}))`;
  if ((await tx.macro.count({ where: { ownerId } })) >= MAX_MACROS) throw new DomainError("conflict", "errors.tooManyMacros");
}

async function editableMacro(db: Db, user: AuthUser, id: string): Promise<Macro> {
  const macro = await getMacro(db, user, id);
  if (!macro.editable) throw new DomainError("forbidden", "errors.forbidden");
  return macro;
}

export async function updateMacro(db: Db, user: AuthUser, id: string, rawInput: unknown): Promise<Macro> {
  const input = parseInput(MacroInputSchema, rawInput);
  const macro = await editableMacro(db, user, id);
  // Left out, sharing stays as it is; changing it needs the right to keep shared macros.
  const shared = input.shared ?? macro.shared;
  if (shared !== macro.shared) assertCan(user, "macros.manage");
  const ownerId = shared ? null : user.id;
  const row = await db.$transaction(async (tx) => {
    if (shared !== macro.shared) await assertRoomFor(tx, ownerId);
    return tx.macro.update({
    where: { id },
    data: {
      name: input.name,
      ownerId,
      reply: input.reply ?? Prisma.DbNull,
      note: input.note ?? Prisma.DbNull,
      actions: input.actions,
    },
    });
  });
  return toMacro(user, row);
}

export async function deleteMacro(db: Db, user: AuthUser, id: string): Promise<void> {
  await editableMacro(db, user, id);
  await db.macro.delete({ where: { id } });
}

function placeholderValues(ticket: VisibleTicket, user: AuthUser): PlaceholderValues {
  return {
    "customer.name": ticket.requester.name,
    "customer.email": ticket.requester.email,
    "ticket.number": String(ticket.number),
    "ticket.subject": ticket.subject,
    "agent.name": user.name,
  };
}

/** A macro as it would be applied to a ticket: its texts in the ticket's language, filled in. */
export interface MacroPreview {
  id: string;
  name: string;
  /** When the macro was last changed (ISO): sent back with the application. */
  updatedAt: string;
  locale: Locale;
  reply: string | null;
  note: string | null;
  actions: MacroActions;
}

function render(macro: Macro, ticket: VisibleTicket, user: AuthUser, locale: Locale): MacroPreview {
  const fill = (texts: MacroTexts | null) => {
    const text = textIn(texts, locale);
    return text === null ? null : fillPlaceholders(text, placeholderValues(ticket, user));
  };
  return {
    id: macro.id,
    name: macro.name,
    updatedAt: macro.updatedAt.toISOString(),
    locale,
    reply: fill(macro.reply),
    note: fill(macro.note),
    actions: macro.actions,
  };
}

/** What applying the macro to ticket `number` would write, for the composer to show and edit first. */
export async function previewMacro(db: Db, user: AuthUser, number: number, id: string): Promise<MacroPreview> {
  const macro = await getMacro(db, user, id);
  const ticket = await findVisibleTicket(db, user, number);
  return render(macro, ticket, user, await ticketLanguage(db, ticket));
}

const EditedTextSchema = z.string({ error: "validation.body" }).trim().max(MAX_MACRO_TEXT, "validation.bodyTooLong");

export const ApplyMacroSchema = z.object({
  /** The reply as the agent edited it in the composer (empty: none); absent, the macro's own, filled in. */
  reply: EditedTextSchema.optional(),
  /** The note likewise. */
  note: EditedTextSchema.optional(),
  /**
   * The ticket version the agent started from: a reply or note is then refused, as any message is, if someone
   * else wrote or changed the ticket since (StaleReplyError); changes alone follow the stale-change rule of any update.
   */
  version: z.coerce.number({ error: "validation.version" }).int("validation.version").positive("validation.version").optional(),
  /** The macro's `updatedAt` as the agent saw it: a macro changed since is refused, not applied unseen. */
  macroUpdatedAt: z.iso.datetime({ error: "validation.macro" }).optional(),
  /** Uploads sent with the reply, or with the note when no reply goes. */
  attachments: AttachmentIdsSchema.default([]),
});

/**
 * Applies a macro to ticket `number`: its reply, its note, then its changes,
 * in one transaction, recorded as one command in the timeline. Counts a use.
 * The agent's files go with the first message written (the reply, else the note).
 */
export async function applyMacro(db: Db, user: AuthUser, number: number, id: string, rawInput: unknown = {}, now = new Date()): Promise<TicketSummary> {
  const input = parseInput(ApplyMacroSchema, rawInput);
  const ticketId = await inTransaction(db, async (tx) => {
    const row = await visibleRow(tx, user, id);
    if (input.macroUpdatedAt && new Date(input.macroUpdatedAt).getTime() !== row.updatedAt.getTime()) {
      throw new DomainError("conflict", "errors.macroChanged");
    }
    const macro = toMacro(user, row);
    await lockTicket(tx, number);
    let ticket = await findVisibleTicket(tx, user, number);
    const shown = render(macro, ticket, user, await ticketLanguage(tx, ticket));
    const reply = input.reply ?? shown.reply;
    const note = input.note ?? shown.note;
    // A macro that writes is a message like any other: not sent over what others wrote or changed unseen.
    if (reply || note) await refuseStaleReply(tx, user, ticket, input.version);
    else if (input.attachments.length > 0) {
      throw new DomainError("validation_failed", "errors.validation", { attachments: ["validation.attachmentsNeedMessage"] });
    }
    let wrote = false;
    let attachments = input.attachments;
    // The reply first: a macro that solves or closes the ticket answers it before.
    for (const [kind, body, field] of [["public", reply, "reply"], ["internal", note, "note"]] as const) {
      if (!body) continue;
      // Placeholders can make a text longer than it was saved.
      if (body.length > MAX_MESSAGE) throw new DomainError("validation_failed", "errors.validation", { [field]: ["validation.bodyTooLong"] });
      await writeMessage(tx, user, ticket, { kind, body, attachments }, now);
      attachments = [];
      ticket = await findVisibleTicket(tx, user, number);
      wrote = true;
    }
    const update = actionsAsUpdate(macro.actions, user.id);
    if (Object.values(update).some((v) => v !== undefined)) {
      // The changes may hand the ticket to a team or person out of this agent's sight: it is read by id after.
      if (await changeTicket(tx, user, ticket, { ...update, version: input.version }, now)) wrote = true;
    }
    if (!wrote) throw new DomainError("validation_failed", "validation.macroNothing");
    const { version } = await tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { version: true } });
    await emit(tx, [
      {
        type: "ticket.macro_applied",
        ticketId: ticket.id,
        customerId: ticket.requesterId,
        actorId: user.id,
        at: now,
        data: { macroId: macro.id, name: macro.name, version },
      },
    ]);
    await asSql(tx).query(`UPDATE "Macro" SET "usageCount" = "usageCount" + 1, "lastUsedAt" = $2::timestamp(3) WHERE "id" = $1`, [
      macro.id,
      now.toISOString(),
    ]);
    return ticket.id;
  });
  const [ticket] = await getTicketSummaries(db, [ticketId]);
  return ticket;
}
