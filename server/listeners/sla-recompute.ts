// After commit, durable: a changed SLA policy or business calendar (or a new
// order of the policies) has every worked ticket's SLA recomputed, by the
// sla-recompute job (server/sla/recompute.ts); the request and its job are
// written in one transaction, so neither is lost.
import type { DurableListener } from "../events/durable.ts";
import { db, transactionOf } from "../db/client.ts";
import { scheduleJobs } from "../jobs/schedule.ts";
import { requestRecompute } from "../sla/recompute.ts";

export const slaRecompute: DurableListener = {
  name: "sla-recompute",
  on: ["sla.policy_changed", "sla.calendar_changed"],
  async handle(events) {
    const last = events[events.length - 1];
    if (!last) return;
    const reason =
      last.type === "sla.calendar_changed" ? `calendar:${last.data.calendarId}` : last.type === "sla.policy_changed" ? `policy:${last.data.policyId ?? "order"}` : "sla";
    await transactionOf(db(), async (sql) => {
      await requestRecompute(sql, reason, new Date());
      await scheduleJobs(sql, [{ task: "sla-recompute", payload: {}, runAt: new Date(), key: "sla-recompute" }]);
    });
  },
};
