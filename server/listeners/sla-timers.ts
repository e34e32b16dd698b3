// After commit, durable: a new ticket's SLA targets get timer jobs at their
// due times. A whole batch of tickets is enqueued with one call, which keeps
// the queue's per-call cost off the filing transaction (docs/decisions/010).
// Scheduling again under the same job key moves the job, so a repeated event
// is harmless; the once-a-minute sweep is the safety net behind the timers.
import type { DurableListener } from "../events/durable.ts";
import { db, sqlOf } from "../db/client.ts";
import { scheduleJobs, type JobSpec } from "../jobs/queue.ts";

export const slaTimers: DurableListener = {
  name: "sla-timers",
  on: ["ticket.created"],
  async handle(events) {
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
    await scheduleJobs(sqlOf(db()), jobs);
  },
};
