// Mail addresses the helpdesk receives at (settings.manage): where a new ticket mailed to each goes
// (its category and team), and optionally an IMAP mailbox to poll for it (server/mail/inbound/imap.ts);
// and the category of new tickets mailed to any other address (HelpdeskSettings.mailCategoryId).
// The mailbox password is stored to sign in with and never shown again: answers say only whether one
// is set. Changes are audited (without the password).
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import { DomainError, notFound } from "../errors.ts";
import { inTransaction } from "../events/transaction.ts";
import { isUniqueViolation, parseInput } from "../validation.ts";
import { changedFields, recordAudit } from "../audit/log.ts";
import { assertCan, type AuthUser } from "../auth/policy.ts";

const Id = z.uuid("validation.id");
const Address = z.email("validation.email").trim().toLowerCase().max(254, "validation.email");
const Host = z
  .string({ error: "inbound.validation.imapHost" })
  .trim()
  .regex(/^[A-Za-z0-9.-]{1,253}$|^\[[0-9a-fA-F:.]+\]$/, "inbound.validation.imapHost");

const [PORT, USER, PASSWORD, FOLDER] = ["imapPort", "imapUser", "imapPassword", "imapFolder"].map((field) => `inbound.validation.${field}`);

const ChannelFields = {
  address: Address,
  categoryId: Id.nullable(),
  teamId: Id.nullable(),
  enabled: z.boolean({ error: "validation.boolean" }),
  imapHost: Host.nullable(),
  imapPort: z.coerce.number({ error: PORT }).int(PORT).min(1, PORT).max(65535, PORT).nullable(),
  imapSecure: z.boolean({ error: "validation.boolean" }),
  imapUser: z.string({ error: USER }).trim().min(1, USER).max(254, USER).nullable(),
  /** Write-only: a new password sets it, null removes it, leaving it out keeps it. */
  imapPassword: z.string({ error: PASSWORD }).min(1, PASSWORD).max(500, PASSWORD).nullable(),
  imapFolder: z.string({ error: FOLDER }).trim().min(1, FOLDER).max(200, FOLDER),
};

export const NewMailChannelSchema = z.object({
  ...ChannelFields,
  categoryId: ChannelFields.categoryId.default(null),
  teamId: ChannelFields.teamId.default(null),
  enabled: ChannelFields.enabled.default(true),
  imapHost: ChannelFields.imapHost.default(null),
  imapPort: ChannelFields.imapPort.default(null),
  imapSecure: ChannelFields.imapSecure.default(true),
  imapUser: ChannelFields.imapUser.default(null),
  imapPassword: ChannelFields.imapPassword.default(null),
  imapFolder: ChannelFields.imapFolder.default("INBOX"),
});
export const MailChannelChangeSchema = z.object(ChannelFields).partial();

const channelSelect = {
  id: true,
  address: true,
  categoryId: true,
  teamId: true,
  enabled: true,
  imapHost: true,
  imapPort: true,
  imapSecure: true,
  imapUser: true,
  imapPassword: true,
  imapFolder: true,
  lastPolledAt: true,
  lastError: true,
  createdAt: true,
  updatedAt: true,
  category: { select: { key: true, nameEn: true, nameZh: true } },
  team: { select: { name: true } },
} as const;

type ChannelRow = Awaited<ReturnType<typeof readChannels>>[number];

const readChannels = (db: Tx, where: { id?: string } = {}) => db.mailChannel.findMany({ where, orderBy: { address: "asc" }, select: channelSelect });

/** A channel as answers show it: the password only as "set" or not. */
function shown({ imapPassword, ...channel }: ChannelRow) {
  return { ...channel, imapPasswordSet: imapPassword !== null && imapPassword !== "" };
}

export type MailChannelView = ReturnType<typeof shown>;

export async function listMailChannels(db: Tx, actor: AuthUser): Promise<MailChannelView[]> {
  assertCan(actor, "settings.manage");
  return (await readChannels(db)).map(shown);
}

export async function getMailChannel(db: Tx, actor: AuthUser, id: string): Promise<MailChannelView> {
  assertCan(actor, "settings.manage");
  const [row] = await readChannels(db, { id });
  if (!row) throw notFound("inbound.errors.addressNotFound");
  return shown(row);
}

async function checkRefs(tx: Tx, input: { categoryId?: string | null; teamId?: string | null }) {
  if (input.categoryId && !(await tx.category.findUnique({ where: { id: input.categoryId }, select: { id: true } }))) {
    throw new DomainError("validation_failed", "errors.validation", { categoryId: ["validation.category"] });
  }
  if (input.teamId && !(await tx.team.findUnique({ where: { id: input.teamId }, select: { id: true } }))) {
    throw new DomainError("validation_failed", "errors.validation", { teamId: ["validation.teamUnknown"] });
  }
}

/** A mailbox to poll needs somewhere to sign in: its host is enough (the user defaults to the address). */
function checkImap(channel: { imapHost: string | null; imapPassword: string | null }) {
  if (channel.imapHost && !channel.imapPassword) {
    throw new DomainError("validation_failed", "errors.validation", { imapPassword: ["inbound.validation.imapPassword"] });
  }
}

const taken = (error: unknown): never => {
  if (isUniqueViolation(error)) throw new DomainError("conflict", "inbound.errors.addressTaken", { address: ["inbound.errors.addressTaken"] });
  throw error;
};

/** What the log keeps of a change: the password only as "changed". */
const audited = (data: Record<string, unknown>) => ("imapPassword" in data ? { ...data, imapPassword: data.imapPassword === null ? null : "(changed)" } : data);

export async function createMailChannel(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()): Promise<MailChannelView> {
  assertCan(actor, "settings.manage");
  const input = parseInput(NewMailChannelSchema, raw);
  checkImap(input);
  return inTransaction(db, async (tx) => {
    await checkRefs(tx, input);
    const channel = await tx.mailChannel.create({ data: input, select: { id: true } });
    await recordAudit(tx, {
      action: "mail_address.created",
      actorId: actor.id,
      target: { type: "mail_address", id: channel.id },
      data: audited(input),
      ip: from.ip,
      at: now,
    });
    return getMailChannel(tx, actor, channel.id);
  }).catch(taken);
}

export async function updateMailChannel(db: Db, actor: AuthUser, id: string, raw: unknown, from: { ip?: string } = {}, now = new Date()): Promise<MailChannelView> {
  assertCan(actor, "settings.manage");
  const input = parseInput(MailChannelChangeSchema, raw);
  return inTransaction(db, async (tx) => {
    const [before] = await readChannels(tx, { id });
    if (!before) throw notFound("inbound.errors.addressNotFound");
    await checkRefs(tx, input);
    checkImap({
      imapHost: input.imapHost !== undefined ? input.imapHost : before.imapHost,
      imapPassword: input.imapPassword !== undefined ? input.imapPassword : before.imapPassword,
    });
    // A mailbox's new settings get a fresh start: the last error was about the old ones.
    const imapChanged = ["imapHost", "imapPort", "imapSecure", "imapUser", "imapPassword", "imapFolder"].some((k) => k in input);
    await tx.mailChannel.update({ where: { id }, data: { ...input, ...(imapChanged ? { lastError: null } : {}) }, select: { id: true } });
    const { category: _c, team: _t, ...plain } = before;
    const diff = changedFields(plain as Record<string, unknown>, input);
    if (Object.keys(diff.after).length > 0) {
      await recordAudit(tx, {
        action: "mail_address.updated",
        actorId: actor.id,
        target: { type: "mail_address", id },
        data: { before: audited(diff.before), after: audited(diff.after) },
        ip: from.ip,
        at: now,
      });
    }
    return getMailChannel(tx, actor, id);
  }).catch(taken);
}

/** Removes an address (the mail received at it stays, without it). */
export async function deleteMailChannel(db: Db, actor: AuthUser, id: string, from: { ip?: string } = {}, now = new Date()): Promise<MailChannelView> {
  assertCan(actor, "settings.manage");
  return inTransaction(db, async (tx) => {
    const [row] = await readChannels(tx, { id });
    if (!row) throw notFound("inbound.errors.addressNotFound");
    await tx.mailChannel.delete({ where: { id } });
    await recordAudit(tx, {
      action: "mail_address.deleted",
      actorId: actor.id,
      target: { type: "mail_address", id },
      data: { address: row.address },
      ip: from.ip,
      at: now,
    });
    return shown(row);
  });
}

/** What an address can route to: every category and team, by name. */
export async function mailChannelChoices(db: Tx, actor: AuthUser) {
  assertCan(actor, "settings.manage");
  const [categories, teams] = await Promise.all([
    db.category.findMany({ orderBy: { key: "asc" }, select: { id: true, key: true, nameEn: true, nameZh: true } }),
    db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  return { categories, teams };
}

export const MailDefaultsChangeSchema = z.object({ categoryId: Id.nullable() });

export interface MailDefaults {
  /** The category of new tickets mailed to an address without one of its own; null: the first category by key. */
  categoryId: string | null;
  category: { key: string; nameEn: string; nameZh: string } | null;
}

async function readMailDefaults(db: Tx): Promise<MailDefaults> {
  const row = await db.helpdeskSettings.findUnique({ where: { id: 1 }, select: { mailCategoryId: true } });
  const categoryId = row?.mailCategoryId ?? null;
  const category = categoryId ? await db.category.findUnique({ where: { id: categoryId }, select: { key: true, nameEn: true, nameZh: true } }) : null;
  return { categoryId: category ? categoryId : null, category };
}

export async function getMailDefaults(db: Tx, actor: AuthUser): Promise<MailDefaults> {
  assertCan(actor, "settings.manage");
  return readMailDefaults(db);
}

/** Sets the category for mail to other addresses (audited as a settings change). */
export async function updateMailDefaults(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()): Promise<MailDefaults> {
  assertCan(actor, "settings.manage");
  const input = parseInput(MailDefaultsChangeSchema, raw);
  return inTransaction(db, async (tx) => {
    await checkRefs(tx, input);
    await tx.$executeRaw`INSERT INTO "HelpdeskSettings" ("id", "updatedAt") VALUES (1, now()) ON CONFLICT ("id") DO NOTHING`;
    const [before] = await tx.$queryRaw<{ mailCategoryId: string | null }[]>`SELECT "mailCategoryId" FROM "HelpdeskSettings" WHERE "id" = 1 FOR UPDATE`;
    if (before.mailCategoryId !== input.categoryId) {
      await tx.helpdeskSettings.update({ where: { id: 1 }, data: { mailCategoryId: input.categoryId, updatedAt: now } });
      await recordAudit(tx, {
        action: "settings.updated",
        actorId: actor.id,
        target: { type: "settings", id: "1" },
        data: { before: { mailCategoryId: before.mailCategoryId }, after: { mailCategoryId: input.categoryId } },
        ip: from.ip,
        at: now,
      });
    }
    return readMailDefaults(tx);
  });
}
