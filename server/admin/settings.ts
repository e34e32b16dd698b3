// The helpdesk's own settings (settings.manage): its name, the language for
// people who have not chosen one, whether customers may sign up, and portal
// options. One row; read on every page, so each process keeps it for a few
// seconds (a change shows everywhere within SETTINGS_TTL_MS).
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import { inTransaction } from "../events/transaction.ts";
import { parseInput } from "../validation.ts";
import { changedFields, recordAudit } from "../audit/log.ts";
import { assertCan, type AuthUser } from "../auth/policy.ts";
import { singleton } from "../runtime.ts";
import { LOCALES, type Locale } from "../../app/i18n/config.ts";

export const SETTINGS_TTL_MS = 5_000;

export interface HelpdeskSettings {
  name: string;
  defaultLocale: Locale;
  customerSignup: boolean;
  portalSuggestArticles: boolean;
  portalReopenByReply: boolean;
}

export const DEFAULT_SETTINGS: HelpdeskSettings = {
  name: "Helpdesk",
  defaultLocale: "en",
  customerSignup: true,
  portalSuggestArticles: true,
  portalReopenByReply: true,
};

export const SettingsChangeSchema = z
  .object({
    name: z.string({ error: "validation.helpdeskName" }).trim().min(1, "validation.helpdeskName").max(60, "validation.helpdeskName"),
    defaultLocale: z.enum(LOCALES, { error: "validation.locale" }),
    customerSignup: z.boolean({ error: "validation.boolean" }),
    portalSuggestArticles: z.boolean({ error: "validation.boolean" }),
    portalReopenByReply: z.boolean({ error: "validation.boolean" }),
  })
  .partial();

/** Kept per database client: tests run several databases in one process. */
const caches = () => singleton("helpdeskSettings", () => new WeakMap<object, { value: HelpdeskSettings; at: number }>());

async function readSettings(db: Tx): Promise<HelpdeskSettings> {
  const row = await db.helpdeskSettings.findUnique({ where: { id: 1 } });
  if (!row) return DEFAULT_SETTINGS;
  // The mail default category is the mail addresses' to show and change (server/mail/channels.ts).
  const { id: _id, updatedAt: _updatedAt, mailCategoryId: _mail, ...values } = row;
  return { ...values, defaultLocale: (LOCALES as readonly string[]).includes(values.defaultLocale) ? (values.defaultLocale as Locale) : "en" };
}

/** The settings as they stand (anyone: the header shows the name, the portal its options). */
export async function currentSettings(db: Tx, now = Date.now()): Promise<HelpdeskSettings> {
  const kept = caches().get(db);
  if (kept && now - kept.at < SETTINGS_TTL_MS) return kept.value;
  const value = await readSettings(db);
  caches().set(db, { value, at: now });
  return value;
}

export async function getSettings(db: Tx, actor: AuthUser): Promise<HelpdeskSettings> {
  assertCan(actor, "settings.manage");
  return readSettings(db);
}

export async function updateSettings(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()): Promise<HelpdeskSettings> {
  assertCan(actor, "settings.manage");
  const input = parseInput(SettingsChangeSchema, raw);
  const next = await inTransaction(db, async (tx) => {
    // The row lock keeps two admins' changes from interleaving (each is audited against what it replaced).
    await tx.$executeRaw`INSERT INTO "HelpdeskSettings" ("id", "updatedAt") VALUES (1, now()) ON CONFLICT ("id") DO NOTHING`;
    await tx.$queryRaw`SELECT 1 FROM "HelpdeskSettings" WHERE "id" = 1 FOR UPDATE`;
    const before = await readSettings(tx);
    await tx.helpdeskSettings.update({ where: { id: 1 }, data: input });
    const diff = changedFields(before as unknown as Record<string, unknown>, input);
    if (Object.keys(diff.after).length > 0) {
      await recordAudit(tx, { action: "settings.updated", actorId: actor.id, target: { type: "settings", id: "1" }, data: diff, ip: from.ip, at: now });
    }
    return readSettings(tx);
  });
  // This process sees its own change at once.
  caches().set(db, { value: next, at: Date.now() });
  return next;
}
