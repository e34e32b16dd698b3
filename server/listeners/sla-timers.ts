// In-transaction: a new ticket's SLA targets get timer jobs at their due
// times, enqueued with the ticket (a rolled-back ticket leaves no timer).
import type { InTransactionListener } from "../events/emit.ts";
import { scheduleJobs, type JobSpec } from "../jobs/queue.ts";

export const slaTimers: InTransactionListener = {
  name: "sla-timers",
  on: ["ticket.created"],
  async handle(tx, events) {
    const jobs: JobSpec[] = [];
    for (const event of events) {
      if (event.type !== "ticket.created" || !event.ticketId) continue;
      const { firstResponseDueAt, resolutionDueAt } = event.data;
      for (const [target, due] of [["first_response", firstResponseDueAt], ["resolution", resolutionDueAt]] as const) {
        if (!due) continue;
        jobs.push({
          task: "sla-check",
          payload: { ticketId: event.ticketId },
          runAt: new Date(due),
          key: `sla:${event.ticketId}:${target}`,
        });
      }
    }
    await scheduleJobs(tx, jobs);
  },
};
