// /api/v1/admin/mail/inbound, /admin/mail/addresses and /admin/mail/defaults: mail the helpdesk
// received (with its original bytes and "try again"), the addresses it receives at, and the category
// of mail to other addresses (settings.manage; the services check it, and tickets.view_all for what
// a mail says). A mailbox password goes in and never comes back out: answers say `imapPasswordSet`.
import { z } from "zod";
import { db } from "../../db/client.ts";
import {
  getInboundMail,
  INBOUND_RAW_DAYS,
  inboundRaw,
  INBOUND_STATUSES,
  InboundListQuerySchema,
  listInboundMail,
  retryInboundMail,
} from "../../mail/inbound/admin.ts";
import {
  createMailChannel,
  deleteMailChannel,
  getMailDefaults,
  listMailChannels,
  MailChannelChangeSchema,
  MailDefaultsChangeSchema,
  NewMailChannelSchema,
  updateMailChannel,
  updateMailDefaults,
} from "../../mail/channels.ts";
import { defineRoute, type ApiRoute } from "../contract.ts";
import { orNull } from "../schemas.ts";

const IdParams = z.object({ id: z.uuid() });
const from = (req: { ip?: string }) => ({ ip: req.ip });

const OUTCOMES =
  "`ticket_created`, `message_added`, `note_added` (read); `auto_reply`, `bounce`, `loop`, `duplicate`, `no_sender`, `not_allowed` (left alone); " +
  "`throttled` (waiting: the sender sent too many)";

const InboundMailSummary = {
  id: z.uuid(),
  via: z.enum(["smtp", "imap"]),
  channelAddress: orNull(z.string()).openapi({ description: "The mailbox it was fetched from (IMAP)" }),
  envelopeFrom: orNull(z.string()).openapi({ description: 'SMTP MAIL FROM ("" for a bounce); null when fetched by IMAP' }),
  envelopeTo: z.array(z.string()),
  size: z.number().int(),
  receivedAt: z.date(),
  status: z.enum(INBOUND_STATUSES).openapi({ description: "`received` (waiting to be read), `processed`, `ignored` or `failed`" }),
  outcome: orNull(z.string()).openapi({ description: `What became of it: ${OUTCOMES}` }),
  error: orNull(z.string()).openapi({ description: "Why reading it failed" }),
  attempts: z.number().int(),
  fromAddress: orNull(z.string()),
  subject: orNull(z.string()),
  messageId: orNull(z.string()),
  ticketNumber: orNull(z.number().int()),
  processedAt: orNull(z.date()),
};

const InboundMail = z.strictObject(InboundMailSummary).openapi("InboundMail", { description: "A mail received, as read" });
const InboundMailPage = z.strictObject({ data: z.array(InboundMail), nextCursor: orNull(z.string()) }).openapi("InboundMailPage");

const InboundMailDetail = z
  .strictObject({
    ...InboundMailSummary,
    details: orNull(
      z.strictObject({
        threadedBy: orNull(z.enum(["reference", "token"])).optional(),
        sender: z.enum(["requester", "follower", "staff", "other"]).optional(),
        followUpOf: z.number().int().optional().openapi({ description: "The closed ticket a new one was filed after" }),
        refused: z.array(z.strictObject({ filename: z.string(), reason: z.string() })).optional(),
        followersAdded: z.array(z.string()).optional(),
        throttledUntil: z.string().optional(),
      }),
    ),
    mail: orNull(
      z.strictObject({
        from: orNull(z.string()),
        to: z.array(z.string()),
        cc: z.array(z.string()),
        date: orNull(z.date()),
        headerLines: z.array(z.string()),
        newText: z.string().openapi({ description: "What the ticket got: the text without the quoted history and signature" }),
        fullText: z.string().openapi({ description: "The whole text, quotes included" }),
        charset: z.enum(["labelled", "detected"]).openapi({ description: "`detected`: the mail named no charset for its text" }),
        attachments: z.array(z.strictObject({ filename: z.string(), contentType: z.string(), size: z.number().int() })),
      }),
    ).openapi({ description: "Read again from the stored bytes; null when they cannot be read, are removed (`rawPruned`) or hidden (`contentHidden`)" }),
    readError: orNull(z.string()),
    contentHidden: z.boolean().openapi({ description: "What the mail says is shown only to those who may view every ticket (tickets.view_all)" }),
    rawPruned: z.boolean().openapi({ description: `The original bytes were removed ${INBOUND_RAW_DAYS} days after the mail was handled; the row stays` }),
    retryable: z.boolean().openapi({ description: "POST …/retry would read it again: it failed, or has waited as `received` for minutes" }),
  })
  .openapi("InboundMailDetail");

const MailAddress = z
  .strictObject({
    id: z.uuid(),
    address: z.string(),
    categoryId: orNull(z.uuid()),
    category: orNull(z.strictObject({ key: z.string(), nameEn: z.string(), nameZh: z.string() })),
    teamId: orNull(z.uuid()),
    team: orNull(z.strictObject({ name: z.string() })),
    enabled: z.boolean(),
    imapHost: orNull(z.string()),
    imapPort: orNull(z.number().int()),
    imapSecure: z.boolean(),
    imapUser: orNull(z.string()),
    imapFolder: z.string(),
    imapPasswordSet: z.boolean().openapi({ description: "Whether a mailbox password is stored (it is never sent back)" }),
    lastPolledAt: orNull(z.date()),
    lastError: orNull(z.string()),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi("MailAddress", { description: "An address the helpdesk receives mail at" });

const MailDefaults = z
  .strictObject({
    categoryId: orNull(z.uuid()).openapi({ description: "The category of new tickets mailed to an address without its own; null: the first category by key" }),
    category: orNull(z.strictObject({ key: z.string(), nameEn: z.string(), nameZh: z.string() })),
  })
  .openapi("MailDefaults", { description: "Where mail to addresses not set up on their own goes" });

export const MAIL_INBOUND_ROUTES: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/admin/mail/inbound",
    auth: "bearer",
    resource: "admin",
    summary: "Mail the helpdesk received, newest first (admins)",
    description: "`status` keeps those only. Metadata only: GET /admin/mail/inbound/{id} reads one.",
    query: InboundListQuerySchema,
    response: InboundMailPage,
    errors: [403],
    handle: async ({ user, query }) => {
      const page = await listInboundMail(db(), user, query);
      return { data: page.items.map((m) => ({ ...m, via: m.via as "smtp" | "imap" })), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: "get",
    path: "/admin/mail/inbound/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "One received mail, read again from its stored bytes (admins)",
    description: "How it was handled needs settings.manage; what it says (`mail`) also tickets.view_all.",
    params: IdParams,
    notFoundKey: "inbound.errors.mailNotFound",
    response: InboundMailDetail,
    errors: [403],
    handle: async ({ user, params }) => {
      const mail = await getInboundMail(db(), user, params.id);
      return { ...mail, via: mail.via as "smtp" | "imap" };
    },
  }),
  defineRoute({
    method: "get",
    path: "/admin/mail/inbound/{id}/raw",
    auth: "bearer",
    resource: "admin",
    summary: "A received mail as it arrived, byte for byte (admins)",
    description: `Needs settings.manage and tickets.view_all. 410 once its bytes were removed (${INBOUND_RAW_DAYS} days after it was handled).`,
    params: IdParams,
    notFoundKey: "inbound.errors.mailNotFound",
    binary: true,
    binaryType: "message/rfc822",
    response: z.undefined(),
    errors: [403, 410],
    handle: async ({ user, params, res }) => {
      const { raw, filename } = await inboundRaw(db(), user, params.id);
      res.set({ "Content-Type": "message/rfc822", "Content-Disposition": `attachment; filename="${filename}"`, "X-Content-Type-Options": "nosniff" });
      res.send(raw);
      return undefined;
    },
  }),
  defineRoute({
    method: "post",
    path: "/admin/mail/inbound/{id}/retry",
    auth: "bearer",
    resource: "admin",
    summary: "Read a failed mail again, once its cause is fixed (admins)",
    description:
      "A `failed` mail, or one waiting as `received` for more than ten minutes (its job lost); 409 otherwise. It goes back to `received` " +
      "and is read within seconds.",
    params: IdParams,
    notFoundKey: "inbound.errors.mailNotFound",
    response: InboundMail,
    errors: [403, 409],
    handle: async ({ user, params }) => {
      const mail = await retryInboundMail(db(), user, params.id);
      return { ...mail, via: mail.via as "smtp" | "imap" };
    },
  }),
  defineRoute({
    method: "get",
    path: "/admin/mail/addresses",
    auth: "bearer",
    resource: "admin",
    summary: "The addresses the helpdesk receives mail at, by address (admins)",
    response: z.strictObject({ data: z.array(MailAddress) }).openapi("MailAddressList"),
    errors: [403],
    handle: async ({ user }) => ({ data: await listMailChannels(db(), user) }),
  }),
  defineRoute({
    method: "post",
    path: "/admin/mail/addresses",
    auth: "bearer",
    resource: "admin",
    summary: "Add an address the helpdesk receives mail at (admins)",
    description:
      "New tickets mailed to it go to `categoryId` (else the mail default) and `teamId` (else the category's team). With `imapHost` (and " +
      "`imapPassword`), its mailbox is polled every minute for unseen mail. An address already set up is a 409.",
    body: NewMailChannelSchema,
    status: 201,
    response: MailAddress,
    errors: [403, 409],
    handle: async ({ user, body, req }) => createMailChannel(db(), user, body, from(req)),
  }),
  defineRoute({
    method: "patch",
    path: "/admin/mail/addresses/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Change an address's routing or mailbox (admins)",
    description: "The fields given change. `imapPassword` sets a new password, null removes it, leaving it out keeps it.",
    params: IdParams,
    notFoundKey: "inbound.errors.addressNotFound",
    body: MailChannelChangeSchema,
    response: MailAddress,
    errors: [403, 409],
    handle: async ({ user, params, body, req }) => updateMailChannel(db(), user, params.id, body, from(req)),
  }),
  defineRoute({
    method: "delete",
    path: "/admin/mail/addresses/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Remove an address (mail received at it stays) (admins)",
    params: IdParams,
    notFoundKey: "inbound.errors.addressNotFound",
    response: MailAddress,
    errors: [403],
    handle: async ({ user, params, req }) => deleteMailChannel(db(), user, params.id, from(req)),
  }),
  defineRoute({
    method: "get",
    path: "/admin/mail/defaults",
    auth: "bearer",
    resource: "admin",
    summary: "The category of new tickets mailed to other addresses (admins)",
    response: MailDefaults,
    errors: [403],
    handle: async ({ user }) => getMailDefaults(db(), user),
  }),
  defineRoute({
    method: "patch",
    path: "/admin/mail/defaults",
    auth: "bearer",
    resource: "admin",
    summary: "Set the category of new tickets mailed to other addresses (admins)",
    description: "`categoryId` null: the first category by key. An unknown category is a 400.",
    body: MailDefaultsChangeSchema,
    response: MailDefaults,
    errors: [403],
    handle: async ({ user, body, req }) => updateMailDefaults(db(), user, body, from(req)),
  }),
];
