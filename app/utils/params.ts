import { TicketNumberSchema } from "../../server/tickets/schemas.ts";

/** The ticket number in a URL, or a 404 the error page explains. */
export function ticketNumberParam(raw: string | undefined): number {
  const parsed = TicketNumberSchema.safeParse(raw);
  if (!parsed.success) throw new Response("errors.ticketNotFound", { status: 404 });
  return parsed.data;
}
