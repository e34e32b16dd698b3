// After commit, durable: every moment at which an SLA warning or breach will
// fall due gets the firing job at that second (server/sla/engine.ts fireDue).
// One job per second, not per target: its job key is the second, so the
// targets of every ticket due in that second share it, and scheduling it
// again changes nothing. A whole batch of events is enqueued with one call,
// which keeps the queue's per-call cost off the filing transaction
// (docs/decisions/010).
import type { DurableListener } from "../events/durable.ts";
import { db, sqlOf } from "../db/client.ts";
import { fireAt } from "../jobs/schedule.ts";

export const slaTimers: DurableListener = {
  name: "sla-timers",
  on: ["ticket.sla_changed", "ticket.sla_warned"],
  async handle(events) {
    const moments: Date[] = [];
    for (const event of events) {
      if (event.type !== "ticket.sla_changed" && event.type !== "ticket.sla_warned") continue;
      if (event.data.alarmAt) moments.push(new Date(event.data.alarmAt));
    }
    await fireAt(sqlOf(db()), moments);
  },
};
