// /api/v1/admin/mail/outbound: the mail the helpdesk sent, queued or could not send (settings.manage;
// the service checks it). Metadata only: what a mail says is read on /admin/mail.
import { z } from "zod";
import { db } from "../../db/client.ts";
import { listOutboundMail, OUTBOUND_KINDS, OUTBOUND_STATUSES, OutboundListQuerySchema } from "../../mail/outbound-admin.ts";
import { defineRoute, type ApiRoute } from "../contract.ts";
import { orNull } from "../schemas.ts";

const OutboundMail = z
  .strictObject({
    id: z.uuid(),
    kind: z.string().openapi({ description: `One of ${OUTBOUND_KINDS.map((k) => `\`${k}\``).join(", ")}` }),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    subject: z.string(),
    status: z.enum(OUTBOUND_STATUSES).openapi({ description: "`queued` (waiting or being retried), `sent`, or `failed` (every attempt used)" }),
    attempts: z.number().int(),
    lastError: orNull(z.string()).openapi({ description: "Why the last attempt failed" }),
    sensitive: z.boolean().openapi({ description: "Holds a one-time link (password reset, address confirmation, invitation)" }),
    messageId: z.string().openapi({ description: "Its Message-ID, without the angle brackets" }),
    ticketNumber: orNull(z.number().int()),
    delivery: orNull(z.enum(["sink", "smtp"])).openapi({ description: "Where it went once sent: the local sink (an .eml file) or the SMTP server" }),
    createdAt: z.date(),
    sentAt: orNull(z.date()),
  })
  .openapi("OutboundMail");

const OutboundMailPage = z.strictObject({ data: z.array(OutboundMail), nextCursor: orNull(z.string()) }).openapi("OutboundMailPage");

export const MAIL_OUTBOUND_ROUTES: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/admin/mail/outbound",
    auth: "bearer",
    resource: "admin",
    summary: "Mail the helpdesk sent, queued or could not send, newest first (admins)",
    description: "`status` and `kind` keep those only; `recipient` keeps mail with an address in To or Cc that contains it.",
    query: OutboundListQuerySchema,
    response: OutboundMailPage,
    errors: [403],
    handle: async ({ user, query }) => {
      const page = await listOutboundMail(db(), user, query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  }),
];
