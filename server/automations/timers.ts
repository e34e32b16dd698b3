// Each automation has one job (key automation:<id>), due at the earliest
// moment one of its tickets falls due: scheduled when a ticket enters its
// status (server/listeners/automation-timers.ts), when the automation is made
// or changed (service.ts), and by the job itself for the next ticket after a
// run (run.ts). Tickets entering a status later fall due later, so the job is
// moved only ever earlier by them ("earliest").
import type { Sql } from "../db/sql.ts";
import { scheduleJobs, unscheduleJobs, type ScheduleMode } from "../jobs/schedule.ts";
import { dueAt } from "./plan.ts";

export const automationJobKey = (automationId: string) => `automation:${automationId}`;

/**
 * Tickets that entered the status this long before an automation's watermark
 * (checkedThrough) are looked at again: a command takes its moment when it
 * starts and may commit after a run looked (the run records keep them from
 * running twice).
 */
export const LOOK_BACK_MS = 15 * 60_000;

/** Where a run's search starts: after the watermark, less the look-back (null: from the first ticket). */
export function searchFrom(checkedThrough: Date | null): Date | null {
  return checkedThrough ? new Date(checkedThrough.getTime() - LOOK_BACK_MS) : null;
}

/**
 * The moment the first ticket in the status that the automation has not looked at yet entered it,
 * searching from `from` (searchFrom) on: one scan of the (status, statusChangedAt) index.
 */
export async function firstWaiting(sql: Sql, automation: { id: string; status: string }, from: Date | null): Promise<Date | null> {
  const [row] = await sql.query<{ first: Date | null }>(
    `SELECT min(t."statusChangedAt") AS "first" FROM "Ticket" t
      WHERE t."status" = $1::"TicketStatus" AND t."statusChangedAt" > coalesce($2::timestamp(3), '-infinity'::timestamp)
        AND NOT EXISTS (SELECT 1 FROM "AutomationRun" r
                         WHERE r."ticketId" = t."id" AND r."automationId" = $3 AND r."statusChangedAt" = t."statusChangedAt")`,
    [automation.status, from?.toISOString() ?? null, automation.id],
  );
  return row?.first ?? null;
}

/** Schedules automations' jobs (at most one per automation: the earliest moment given for it). */
export async function scheduleAutomations(sql: Sql, runs: readonly { automationId: string; runAt: Date }[], mode: ScheduleMode = "earliest"): Promise<void> {
  const earliest = new Map<string, Date>();
  for (const { automationId, runAt } of runs) {
    const known = earliest.get(automationId);
    if (!known || runAt < known) earliest.set(automationId, runAt);
  }
  await scheduleJobs(
    sql,
    [...earliest].map(([automationId, runAt]) => ({ task: "automation", payload: { automationId }, runAt, key: automationJobKey(automationId) })),
    mode,
  );
}

/**
 * After an automation was made or changed: its job at the moment its first waiting ticket falls due
 * (at once if that has passed); a disabled one's job is taken off the queue.
 */
export async function rescheduleAutomation(
  sql: Sql,
  automation: { id: string; status: string; afterMinutes: number; enabled: boolean; checkedThrough: Date | null },
): Promise<Date | null> {
  if (!automation.enabled) {
    await unscheduleJobs(sql, [automationJobKey(automation.id)]);
    return null;
  }
  const first = await firstWaiting(sql, automation, searchFrom(automation.checkedThrough));
  // No ticket waits: a job still pending finds nothing and is not scheduled again.
  if (!first) return null;
  const runAt = dueAt(automation, first);
  await scheduleAutomations(sql, [{ automationId: automation.id, runAt }], "replace");
  return runAt;
}

/** Tickets entered statuses (the earliest moment per status): the enabled automations on them are scheduled. */
export async function statusesEntered(sql: Sql, entered: ReadonlyMap<string, Date>): Promise<void> {
  if (entered.size === 0) return;
  const statuses = [...entered.keys()];
  const automations = await sql.query<{ id: string; status: string; afterMinutes: number }>(
    `SELECT "id", "status"::text AS "status", "afterMinutes" FROM "Automation" WHERE "enabled" AND "status"::text = ANY($1::text[])`,
    [statuses],
  );
  await scheduleAutomations(
    sql,
    automations.map((a) => ({ automationId: a.id, runAt: dueAt(a, entered.get(a.status)!) })),
  );
}

/**
 * The safety net (hourly, and when the job runner starts): every enabled automation has its job at
 * its first waiting ticket's moment or earlier, whatever was missed (a dead-lettered event, a job
 * that failed for good, a change made outside the app).
 */
export async function checkAutomations(sql: Sql): Promise<void> {
  const automations = await sql.query<{ id: string; status: string; afterMinutes: number; checkedThrough: Date | null }>(
    `SELECT "id", "status"::text AS "status", "afterMinutes", "checkedThrough" FROM "Automation" WHERE "enabled"`,
  );
  const runs: { automationId: string; runAt: Date }[] = [];
  for (const automation of automations) {
    const first = await firstWaiting(sql, automation, searchFrom(automation.checkedThrough));
    if (first) runs.push({ automationId: automation.id, runAt: dueAt(automation, first) });
  }
  await scheduleAutomations(sql, runs);
}
