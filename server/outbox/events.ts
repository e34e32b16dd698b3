// Domain events: written to the outbox in the transaction that made the
// change, delivered to realtime and search after commit.
import { z } from "zod";

export const DomainEventSchema = z.discriminatedUnion("topic", [
  z.object({ topic: z.literal("ticket.created"), payload: z.object({ ticketId: z.string() }) }),
  z.object({
    topic: z.literal("ticket.updated"),
    payload: z.object({ ticketId: z.string(), fields: z.array(z.string()) }),
  }),
  z.object({
    topic: z.literal("message.created"),
    payload: z.object({ ticketId: z.string(), messageId: z.string() }),
  }),
  z.object({
    topic: z.literal("survey.answered"),
    payload: z.object({ surveyId: z.string(), ticketId: z.string(), rating: z.number() }),
  }),
  z.object({
    topic: z.literal("health.changed"),
    payload: z.object({
      customerId: z.string(),
      score: z.number(),
      band: z.string(),
      previousBand: z.string().nullable(),
    }),
  }),
  z.object({ topic: z.literal("article.changed"), payload: z.object({ articleId: z.string() }) }),
]);

export type DomainEvent = z.infer<typeof DomainEventSchema>;
