// Time-based automations count from the moment a ticket entered its status
// (server/automations/):
// - in-transaction, `automationClock`: a status change stores that moment on
//   the ticket (statusChangedAt, the event's time) in the same commit, and
//   forgets what automations did in its previous stay in a status (their run
//   records). Filing sets it in its own INSERT.
// - after commit, durable, `automationTimers`: a ticket filed (status new) or
//   moved to another status gets the jobs of the enabled automations on that
//   status scheduled at its due moment, unless they are due earlier already
//   (a job is due at its first ticket's moment). Like the SLA timers
//   (decision 010), a batch of events is one call, outside the command's
//   transaction: the queue's add_jobs sends a NOTIFY, which would make
//   commits wait for each other.
import type { InTransactionListener } from "../events/emit.ts";
import type { DurableListener } from "../events/durable.ts";
import { db, sqlOf } from "../db/client.ts";
import { statusesEntered } from "../automations/timers.ts";

export const automationClock: InTransactionListener = {
  name: "automation-clock",
  on: ["ticket.status_changed"],
  async handle(sql, events) {
    // A command changing a ticket's status twice: its last change counts.
    const latest = new Map<string, string>();
    for (const e of events) if (e.type === "ticket.status_changed" && e.ticketId) latest.set(e.ticketId, e.at.toISOString());
    if (latest.size === 0) return;
    await sql.query(
      `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "at" timestamp(3))),
            forgotten AS (DELETE FROM "AutomationRun" r USING x WHERE r."ticketId" = x."id" AND r."statusChangedAt" <> x."at")
       UPDATE "Ticket" t SET "statusChangedAt" = x."at" FROM x WHERE t."id" = x."id"`,
      [JSON.stringify([...latest].map(([id, at]) => ({ id, at })))],
    );
  },
};

export const automationTimers: DurableListener = {
  name: "automation-timers",
  on: ["ticket.created", "ticket.status_changed"],
  async handle(events) {
    const entered = new Map<string, Date>();
    const enter = (status: string, at: Date) => {
      const known = entered.get(status);
      if (!known || at < known) entered.set(status, at);
    };
    for (const e of events) {
      if (e.type === "ticket.created") enter("new", e.at);
      if (e.type === "ticket.status_changed") enter(e.data.to, e.at);
    }
    entered.delete("closed");
    await statusesEntered(sqlOf(db()), entered);
  },
};
