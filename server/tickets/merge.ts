// Merging a duplicate into the ticket that carries on: the duplicate's
// messages move to the other ticket (in their place in time), the duplicate
// is closed with a link to it, and the customer is told in their language on
// the ticket that carries on. Both tickets' SLA clocks follow (sla-clocks
// listener); the timeline of each says what happened.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { inTransaction } from "../events/transaction.ts";
import { emit } from "../events/emit.ts";
import type { NewEvent } from "../events/types.ts";
import { can, type AuthUser } from "../auth/policy.ts";
import { DomainError, forbidden } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { translator } from "../../app/i18n/i18n.ts";
import { ticketLanguage } from "./language.ts";
import { TicketNumberSchema } from "./schemas.ts";
import { findVisibleTicket, getTicketSummaries, lockTicket, type TicketSummary } from "./service.ts";

export const MergeSchema = z.object({
  /** The ticket that carries on. */
  into: TicketNumberSchema.or(z.string().trim().regex(/^#?\d+$/, "validation.mergeTarget").transform((v) => Number(v.replace("#", "")))),
});

/** Why a merge cannot be done, as i18n keys (errors.*). */
function refuse(key: string): never {
  throw new DomainError("conflict", key);
}

/**
 * Merges ticket `number` into `input.into`. Both must be tickets the user may
 * change, of the same requester (a merge shows one person's messages to the
 * other's requester otherwise), and still open to merging.
 */
export async function mergeTicket(db: Db, user: AuthUser, number: number, rawInput: unknown, now = new Date()): Promise<TicketSummary> {
  const { into } = parseInput(MergeSchema, rawInput);
  if (!can(user, "tickets.update")) throw forbidden();
  if (into === number) throw new DomainError("validation_failed", "errors.validation", { into: ["validation.mergeSelf"] });
  const targetId = await inTransaction(db, async (tx) => {
    // Both locked in number order, as two merges of the same pair in opposite directions could deadlock.
    for (const n of [number, into].sort((a, b) => a - b)) await lockTicket(tx, n);
    const source = await findVisibleTicket(tx, user, number);
    const target = await findVisibleTicket(tx, user, into).catch(() => {
      throw new DomainError("validation_failed", "errors.validation", { into: ["validation.mergeTarget"] });
    });
    if (!can(user, "tickets.update", source) || !can(user, "tickets.update", target)) throw forbidden();
    const links = await tx.ticket.findMany({ where: { id: { in: [source.id, target.id] } }, select: { id: true, mergedIntoId: true } });
    if (links.some((l) => l.mergedIntoId)) refuse("errors.alreadyMerged");
    if (source.status === "closed" || target.status === "closed") refuse("errors.mergeClosed");
    if (source.requesterId !== target.requesterId) refuse("errors.mergeOtherRequester");

    const moved = await tx.message.updateMany({ where: { ticketId: source.id }, data: { ticketId: target.id } });
    const notice = translator(await ticketLanguage(tx, target))("merge.notice", { number: source.number, subject: source.subject });
    const noticeId = randomUUID();
    await tx.message.create({ data: { id: noticeId, ticketId: target.id, authorId: null, kind: "public", body: notice, createdAt: now } });
    const sourceVersion = source.version + 1;
    const targetVersion = target.version + 1;
    await tx.ticket.update({
      where: { id: source.id },
      data: { mergedIntoId: target.id, status: "closed", closedAt: now, updatedAt: now, version: sourceVersion },
      select: { id: true },
    });
    await tx.ticket.update({ where: { id: target.id }, data: { updatedAt: now, version: targetVersion }, select: { id: true } });

    const about = { customerId: source.requesterId, actorId: user.id, at: now };
    const events: NewEvent[] = [
      { ...about, ticketId: source.id, type: "ticket.merged_into", data: { targetId: target.id, targetNumber: target.number, version: sourceVersion } },
      { ...about, ticketId: source.id, type: "ticket.status_changed", data: { from: source.status, to: "closed", version: sourceVersion } },
      { ...about, ticketId: target.id, type: "ticket.merged", data: { sourceId: source.id, sourceNumber: source.number, messages: moved.count, version: targetVersion } },
      // The notice is the system's, not the agent's reply: it stops no SLA clock (server/sla/engine.ts FACTS_SQL).
      { ...about, ticketId: target.id, type: "ticket.message_added", data: { messageId: noticeId, kind: "public", version: targetVersion } },
    ];
    await emit(tx, events);
    return target.id;
  });
  const [target] = await getTicketSummaries(db, [targetId]);
  return target;
}
