// CSAT surveys: one per solved ticket, answered once through a token link.
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import { asSql, type Sql } from "../db/sql.ts";
import { DomainError, notFound } from "../errors.ts";
import { emit } from "../events/emit.ts";
import { inTransaction } from "../events/transaction.ts";
import type { NewEvent } from "../events/types.ts";
import { parseInput } from "../validation.ts";

export const SURVEY_VALID_DAYS = 14;
/** Ratings at or below this open a follow-up for the team. */
export const LOW_RATING = 2;
export const LOW_RATING_TAG = "csat-low";

export const SurveyAnswerSchema = z.object({
  rating: z.coerce
    .number({ error: "validation.rating" })
    .int("validation.rating")
    .min(1, "validation.rating")
    .max(5, "validation.rating"),
  comment: z.string().trim().max(5000, "validation.commentTooLong").optional().default(""),
});

export const SurveyTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

export async function createSurveyForTicket(
  tx: Tx | Sql,
  ticket: { id: string; requesterId: string },
  now = new Date(),
): Promise<void> {
  // A ticket solved again keeps its first survey.
  await asSql(tx).query(
    `INSERT INTO "Survey" ("id", "ticketId", "customerId", "token", "createdAt", "expiresAt")
     VALUES ($1, $2, $3, $4, $5::timestamp(3), $6::timestamp(3))
     ON CONFLICT ("ticketId") DO NOTHING`,
    [
      randomUUID(),
      ticket.id,
      ticket.requesterId,
      randomBytes(24).toString("base64url"),
      now.toISOString(),
      new Date(now.getTime() + SURVEY_VALID_DAYS * 86_400_000).toISOString(),
    ],
  );
}

export async function getSurveyByToken(db: Tx, rawToken: string, now = new Date()) {
  const token = SurveyTokenSchema.safeParse(rawToken);
  if (!token.success) throw notFound("errors.surveyNotFound");
  const survey = await db.survey.findUnique({
    where: { token: token.data },
    select: {
      rating: true,
      comment: true,
      respondedAt: true,
      expiresAt: true,
      ticket: { select: { number: true, subject: true } },
    },
  });
  if (!survey) throw notFound("errors.surveyNotFound");
  return {
    ticketNumber: survey.ticket.number,
    subject: survey.ticket.subject,
    answered: survey.respondedAt !== null,
    expired: survey.expiresAt <= now,
    rating: survey.rating,
  };
}

export async function answerSurvey(db: Db, rawToken: string, rawInput: unknown, now = new Date()) {
  const input = parseInput(SurveyAnswerSchema, rawInput);
  const token = SurveyTokenSchema.safeParse(rawToken);
  if (!token.success) throw notFound("errors.surveyNotFound");
  return inTransaction(db, async (tx) => {
    // The conditional update is what makes the token single-use under concurrency.
    const claimed = await tx.survey.updateMany({
      where: { token: token.data, respondedAt: null, expiresAt: { gt: now } },
      data: { rating: input.rating, comment: input.comment || null, respondedAt: now },
    });
    if (claimed.count === 0) {
      const survey = await tx.survey.findUnique({ where: { token: token.data } });
      if (!survey) throw notFound("errors.surveyNotFound");
      if (survey.respondedAt) throw new DomainError("conflict", "errors.surveyUsed");
      throw new DomainError("gone", "errors.surveyExpired");
    }
    const survey = await tx.survey.findUniqueOrThrow({
      where: { token: token.data },
      include: { customer: { select: { userId: true } }, ticket: { select: { tags: true } } },
    });
    const about = { ticketId: survey.ticketId, customerId: survey.customerId, at: now };
    const events: NewEvent[] = [
      // The rating shows in the ticket's timeline for staff; the health-score listener takes it in.
      {
        ...about,
        type: "survey.answered",
        actorId: survey.customer.userId,
        data: { surveyId: survey.id, rating: input.rating, comment: input.comment || null },
      },
    ];
    // A low rating is tagged for the team to follow up.
    if (input.rating <= LOW_RATING && !survey.ticket.tags.includes(LOW_RATING_TAG)) {
      const { version } = await tx.ticket.update({
        where: { id: survey.ticketId },
        data: { tags: { push: LOW_RATING_TAG }, version: { increment: 1 } },
        select: { version: true },
      });
      events.push({ ...about, type: "ticket.tags_changed", actorId: null, data: { added: [LOW_RATING_TAG], removed: [], version } });
    }
    await emit(tx, events);
    return { rating: input.rating };
  });
}
