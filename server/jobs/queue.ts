// The job queue: graphile-worker on the helpdesk's own PostgreSQL (see
// docs/decisions/007-events-and-jobs.md). Timers are jobs scheduled at their
// exact second (SLA warnings and breaches: enqueued after commit by the
// sla-timers listener, decisions 010 and 013); periodic work is a crontab
// entry, run once across all processes.
import { Logger, run, runMigrations, type Runner, type TaskList } from "graphile-worker";
import { createBoundedPool } from "../db/pool.ts";
import { db, sqlOf } from "../db/client.ts";
import { fireDue } from "../sla/engine.ts";
import { runRecompute } from "../sla/recompute.ts";
import { inSqlTransaction } from "../events/transaction.ts";
import { emit } from "../events/emit.ts";
import { pruneSessions } from "../auth/session.ts";
import { pruneIdempotencyKeys } from "../idempotency.ts";
import { pruneUnsentUploads } from "../attachments/service.ts";
import { fireAt, scheduleJobs } from "./schedule.ts";
import { assignWaiting } from "../assignment/assigner.ts";
import { runAutomation } from "../automations/run.ts";
import { checkAutomations } from "../automations/timers.ts";
import { z } from "zod";
import { sendQueuedMail } from "../mail/send.ts";
import { pruneOutboundMail } from "../mail/outbound-admin.ts";
import { processInboundMail } from "../mail/inbound/process.ts";
import { pollMailboxes } from "../mail/inbound/imap.ts";
import { pruneInboundMail } from "../mail/inbound/admin.ts";
import { pruneAccountTokens } from "../auth/account-tokens.ts";


export const TASKS: TaskList = {
  /** At a second when SLA warnings or breaches fall due (and once when the worker starts): record them. */
  "sla-fire": async () => {
    const now = new Date();
    const { skipped } = await fireDue((work) => inSqlTransaction(db(), work), emit, now);
    // The next moment anything falls due always has a job, whoever set it (a timer may be missing for
    // targets written by a migration or the demo data); tickets held by commands just now are looked
    // at again in a second.
    const sql = sqlOf(db());
    const [{ next }] = await sql.query<{ next: Date | null }>(`SELECT min("alarmAt") AS "next" FROM "SlaTarget" WHERE "alarmAt" > $1::timestamp(3)`, [
      now.toISOString(),
    ]);
    await fireAt(sql, [...(next ? [next] : []), ...(skipped ? [new Date(Date.now() + 1_000)] : [])]);
  },
  /** Recomputes worked tickets' SLA after a policy or calendar change, a slice at a time. */
  "sla-recompute": async () => {
    const step = await runRecompute((work) => inSqlTransaction(db(), work), emit);
    if (step === "more") await scheduleJobs(sqlOf(db()), [{ task: "sla-recompute", payload: {}, runAt: new Date(), key: "sla-recompute" }]);
  },
  /**
   * Automatic assignment of waiting tickets (server/assignment/): a team again a second after a
   * command held some of its tickets while the assigner looked (the assigner schedules it), and every
   * team once a minute, the safety net for anything missed (a dead-lettered event, a change made
   * outside the app). Tickets are found by the assignment listener, not by this.
   */
  assign: async (payload) => {
    const { teamIds } = z.object({ teamIds: z.array(z.string()).optional() }).parse(payload ?? {});
    await assignWaiting(db(), teamIds ?? "all");
  },
  /**
   * A time-based automation at the moment its first waiting ticket falls due (server/automations/):
   * one job per automation (key automation:<id>), which runs it on every ticket due and schedules
   * itself for the next.
   */
  automation: async (payload) => {
    const { automationId } = z.object({ automationId: z.string() }).parse(payload ?? {});
    await runAutomation(db(), automationId);
  },
  /** Every enabled automation has its job (the safety net: jobs are scheduled as tickets change status). */
  "automations-check": async () => {
    await checkAutomations(sqlOf(db()));
  },
  /** One queued mail (server/mail/): composed and sent over SMTP or into the local sink; retried with backoff. */
  "send-mail": async (payload, helpers) => {
    const { mailId } = z.object({ mailId: z.string() }).parse(payload ?? {});
    await sendQueuedMail(db(), mailId, { number: helpers.job.attempts, last: helpers.job.attempts >= helpers.job.max_attempts });
  },
  /**
   * One received mail (server/mail/inbound/): read, then filed, threaded or left alone. A mail that
   * cannot be read is marked failed for an admin; only the database being away fails the job (retried).
   */
  "inbound-mail": async (payload) => {
    const { mailId } = z.object({ mailId: z.string() }).parse(payload ?? {});
    await processInboundMail(db(), mailId);
  },
  /** Fetches new mail from the IMAP mailboxes of the mail channels that have one (once a minute; a poll still running makes the next do nothing). */
  "poll-mailboxes": async () => {
    await pollMailboxes(db());
  },
  /** Tidies away ended sessions (they are refused the moment they end). */
  "prune-sessions": async () => {
    await pruneSessions(db());
  },
  /** Forgets Idempotency-Keys past their 24 hours (an expired key is already free for reuse). */
  "prune-idempotency-keys": async () => {
    await pruneIdempotencyKeys(db());
  },
  /** Removes uploads never sent with a message (a form left with files picked). */
  "prune-uploads": async () => {
    await pruneUnsentUploads(db());
  },
  /** Sent mail older than 90 days leaves the admin's list (rows only: the sink's .eml files stay). */
  "prune-outbound-mail": async () => {
    await pruneOutboundMail(db());
  },
  /** Received mail handled more than 90 days ago keeps its row, not its original bytes (up to 25 MB each). */
  "prune-inbound-mail": async () => {
    await pruneInboundMail(db());
  },
  /** Mailed one-time links past their expiry (they are refused from that moment). */
  "prune-account-tokens": async () => {
    await pruneAccountTokens(db());
  },
};

/** Minute fields as in cron; each line runs once per minute across all worker processes. */
export const CRONTAB = [
  "17 3 * * * prune-sessions ?max=1",
  "23 3 * * * prune-idempotency-keys ?max=1",
  "41 * * * * prune-uploads ?max=1",
  "53 3 * * * prune-outbound-mail ?max=1",
  "7 4 * * * prune-inbound-mail ?max=1",
  "13 4 * * * prune-account-tokens ?max=1",
  "* * * * * assign ?max=1",
  "29 * * * * automations-check ?max=1",
  "* * * * * poll-mailboxes ?max=1",
].join("\n");

/** Quiet unless something is wrong: graphile-worker logs every job at info level. */
function logger(onError: (message: string) => void) {
  return new Logger(() => (level, message) => {
    if (level === "error" || level === "warning") onError(message);
  });
}

/** Installs or upgrades the queue's own schema (graphile_worker). */
export async function migrateJobQueue(databaseUrl: string): Promise<void> {
  await runMigrations({ connectionString: databaseUrl, logger: logger((m) => console.warn("[jobs]", m)) });
}

/**
 * Runs the queue's workers on a pool of our own: its connections carry error
 * handlers (one dropped by a database restart must not crash the process),
 * and stopping ends it, so nothing lingers after shutdown.
 */
export async function startJobRunner(databaseUrl: string, onError: (message: string) => void): Promise<{ stop(): Promise<void> }> {
  const pool = createBoundedPool(databaseUrl, (e) => onError(e.message), 5);
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency: 4,
      noHandleSignals: true,
      // Jobs due in the future are found by polling: SLA timers fire within this of their second. A job
      // due now wakes a worker at once by notification, but one that arrives while every worker is
      // looking for work can wait for the next poll (a received mail's ticket came up to a second
      // late): a query four times a second bounds that.
      pollInterval: 250,
      taskList: TASKS,
      crontab: CRONTAB,
      logger: logger(onError),
    });
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  // Catch-up: what fell due while no worker ran (a job that was due then also runs now).
  await fireAt(sqlOf(db()), [new Date()]);
  await scheduleJobs(sqlOf(db()), [{ task: "automations-check", payload: {}, runAt: new Date(), key: "automations-check" }]);
  return {
    async stop() {
      await runner.stop();
      await pool.end();
    },
  };
}
