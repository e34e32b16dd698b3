// Time-based automations on a real database (server/automations/), driven by
// the ticket commands as agents and customers use them and by the job at
// explicit moments: "pending for 3 days, remind the customer; 7 days, solve;
// solved for 4 days, close" happen at their exact moment (the job is
// scheduled for it), once, in the customer's language, and not to a ticket
// whose status changed in between.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { addMessage, createTicket, getTicket, updateTicket } from "../../server/tickets/service.ts";
import { createAutomation, deleteAutomation, listAutomations, updateAutomation } from "../../server/automations/service.ts";
import { runAutomation } from "../../server/automations/run.ts";
import { automationTimers } from "../../server/listeners/automation-timers.ts";
import { parseEventRows, type EventRow } from "../../server/events/types.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import type { AuthUser } from "../../server/auth/policy.ts";
import { DomainError } from "../../server/errors.ts";

let t: TestDatabase;
let fx: Awaited<ReturnType<typeof createFixtures>>;
let zhCustomer: AuthUser;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Each test has its own stretch of time, in the past (nothing runs by the clock here: the tests run the job). */
let base = Math.floor((Date.now() - 400 * DAY) / MINUTE) * MINUTE;
const nextStretch = () => (base += 30 * DAY);
const at = (start: number, ms: number) => new Date(start + ms);

const REMINDER = {
  en: "Hello {{customer.name}}, we are still waiting for your answer on #{{ticket.number}} ({{ticket.subject}}).",
  "zh-CN": "{{customer.name}}，您好：工单 #{{ticket.number}} 仍在等待您的答复。",
};

beforeAll(async () => {
  t = await freshDatabase();
  useTestRuntime(t.url);
  fx = await createFixtures(t.db);
  const user = await t.db.user.create({
    data: { email: "mei@cn.example", name: "王美", role: "customer", passwordHash: "-", locale: "zh-CN", emailVerifiedAt: new Date() },
  });
  await t.db.customer.create({ data: { email: "mei@cn.example", name: "王美", tier: "standard", userId: user.id } });
  zhCustomer = (await loadAuthUser(t.db, user.id))!;
});

afterEach(async () => {
  // Each test keeps its automations and tickets to itself: the next one starts with none waiting.
  for (const automation of await listAutomations(t.db, fx.admin)) await deleteAutomation(t.db, fx.admin, automation.id);
  await t.db.ticket.updateMany({ where: { status: { not: "closed" } }, data: { status: "closed" } });
  const [last] = await t.db.$queryRawUnsafe<{ id: bigint | null }[]>(`SELECT max(id) AS id FROM "DomainEvent"`);
  seenEvent = last.id ?? 0n;
});

afterAll(async () => {
  await t?.drop();
});

let seenEvent = 0n;
/** What happens after commit: the durable listener schedules the jobs for the events committed since last time. */
async function afterCommit() {
  const rows = await t.db.$queryRawUnsafe<EventRow[]>(
    `SELECT id, txid::text AS txid, type, "ticketId", "customerId", "actorId", at, data FROM "DomainEvent" WHERE id > $1 ORDER BY id`,
    seenEvent,
  );
  if (rows.length > 0) seenEvent = BigInt(rows[rows.length - 1].id);
  const { events } = parseEventRows(rows);
  await automationTimers.handle(events.filter((e) => automationTimers.on.includes(e.type)));
}

/** When the automation's job is due (null: none pending). */
async function jobAt(automationId: string): Promise<Date | null> {
  const [row] = await t.db.$queryRawUnsafe<{ run_at: Date }[]>(
    `SELECT run_at FROM graphile_worker.jobs WHERE key = $1 AND locked_at IS NULL AND attempts < max_attempts`,
    `automation:${automationId}`,
  );
  return row?.run_at ?? null;
}

const file = (customer: AuthUser, subject: string, description: string, now: Date) =>
  createTicket(t.db, customer, { type: "inquiry", category: "technical", subject, description }, "portal", now);

/** An agent answers and waits on the customer. */
async function waitOnCustomer(number: number, now: Date) {
  await addMessage(t.db, fx.agent, number, { kind: "public", body: "Could you send us the order number?" }, now);
  await updateTicket(t.db, fx.agent, number, { status: "pending" }, now);
}

/** The public messages the system wrote on the ticket, as the customer sees them. */
async function systemReplies(customer: AuthUser, number: number) {
  const { messages } = await getTicket(t.db, customer, number);
  return messages.filter((m) => m.kind === "public" && m.author === null).map((m) => m.body);
}

const ticketNow = (id: string) => t.db.ticket.findUniqueOrThrow({ where: { id } });

describe("pending for 3 days, remind; 7 days, solve; solved for 4 days, close", () => {
  test("each happens at its exact moment, once, in the customer's language, and the timeline names the automation", async () => {
    const T0 = nextStretch();
    const remind = await createAutomation(t.db, fx.admin, {
      name: "Remind waiting customers",
      status: "pending",
      afterMinutes: 3 * 24 * 60,
      actions: [{ type: "reply", body: REMINDER }],
    });
    const solve = await createAutomation(t.db, fx.supervisor, {
      name: "Solve after a week without answer",
      status: "pending",
      afterMinutes: 7 * 24 * 60,
      actions: [{ type: "set_status", status: "solved" }],
    });
    const close = await createAutomation(t.db, fx.admin, {
      name: "Close solved tickets",
      status: "solved",
      afterMinutes: 4 * 24 * 60,
      actions: [{ type: "set_status", status: "closed" }],
    });

    const english = await file(fx.keyCustomer, "Invoice missing", "I did not get the invoice for my last order.", at(T0, 0));
    const chinese = await file(zhCustomer, "发票没有收到", "我上个月的订单没有收到发票。", at(T0, 0));
    // A requester without an account: the ticket's own language decides.
    const byPhone = await createTicket(
      t.db,
      fx.agent,
      { type: "inquiry", category: "technical", subject: "打印机无法连接", description: "客户来电：打印机无法连接网络。", requesterEmail: "wang@cn.example" },
      "agent",
      at(T0, 0),
    );
    const waitingSince = at(T0, HOUR);
    for (const ticket of [english, chinese, byPhone]) await waitOnCustomer(ticket.number, waitingSince);
    expect((await ticketNow(english.id)).statusChangedAt).toEqual(waitingSince);

    // Each automation's job is due at the first waiting ticket's moment.
    await afterCommit();
    expect(await jobAt(remind.id)).toEqual(at(waitingSince.getTime(), 3 * DAY));
    expect(await jobAt(solve.id)).toEqual(at(waitingSince.getTime(), 7 * DAY));
    expect(await jobAt(close.id)).toBeNull();

    // A minute early: nothing.
    expect(await runAutomation(t.db, remind.id, at(waitingSince.getTime(), 3 * DAY - MINUTE))).toMatchObject({ applied: 0 });
    expect(await systemReplies(fx.keyCustomer, english.number)).toEqual([]);

    // On the dot: each customer is reminded in their own language, and the tickets still wait on them.
    const reminded = at(waitingSince.getTime(), 3 * DAY);
    expect(await runAutomation(t.db, remind.id, reminded)).toMatchObject({ applied: 3, passed: 0, next: null });
    expect(await systemReplies(fx.keyCustomer, english.number)).toEqual([
      `Hello Ada Key, we are still waiting for your answer on #${english.number} (Invoice missing).`,
    ]);
    expect(await systemReplies(zhCustomer, chinese.number)).toEqual([`王美，您好：工单 #${chinese.number} 仍在等待您的答复。`]);
    expect(await systemReplies(fx.agent, byPhone.number)).toEqual([`wang，您好：工单 #${byPhone.number} 仍在等待您的答复。`]);
    const afterReminder = await ticketNow(english.id);
    expect(afterReminder).toMatchObject({ status: "pending", statusChangedAt: waitingSince, firstRespondedAt: at(T0, HOUR) });
    // By the system, as one change with its own entry.
    const applied = await t.db.domainEvent.findMany({ where: { ticketId: english.id, type: "ticket.automation_applied" } });
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ actorId: null, at: reminded, data: { automationId: remind.id, name: "Remind waiting customers", version: afterReminder.version } });
    const added = await t.db.domainEvent.findMany({ where: { ticketId: english.id, type: "ticket.message_added", at: reminded } });
    expect(added.map((e) => [e.actorId, (e.data as { kind: string }).kind])).toEqual([[null, "public"]]);

    // Running again (a retried job) reminds nobody twice.
    expect(await runAutomation(t.db, remind.id, reminded)).toMatchObject({ applied: 0, passed: 0 });
    expect(await runAutomation(t.db, remind.id, at(reminded.getTime(), DAY))).toMatchObject({ applied: 0, passed: 0 });
    expect(await systemReplies(fx.keyCustomer, english.number)).toHaveLength(1);

    // A week: solved by the system, which offers the customer the survey as when an agent solves.
    const solvedAt = at(waitingSince.getTime(), 7 * DAY);
    expect(await runAutomation(t.db, solve.id, at(solvedAt.getTime(), -MINUTE))).toMatchObject({ applied: 0 });
    expect(await runAutomation(t.db, solve.id, solvedAt)).toMatchObject({ applied: 3 });
    expect(await ticketNow(english.id)).toMatchObject({ status: "solved", solvedAt, statusChangedAt: solvedAt });
    expect(await t.db.survey.count({ where: { ticketId: english.id } })).toBe(1);
    const solvedEvent = await t.db.domainEvent.findFirstOrThrow({ where: { ticketId: english.id, type: "ticket.status_changed", at: solvedAt } });
    expect(solvedEvent).toMatchObject({
      actorId: null,
      data: { from: "pending", to: "solved", cause: { automationId: solve.id, automationName: "Solve after a week without answer" } },
    });

    // Solved tickets now wait four days to close: the closing job is due then.
    await afterCommit();
    const closesAt = at(solvedAt.getTime(), 4 * DAY);
    expect(await jobAt(close.id)).toEqual(closesAt);
    expect(await runAutomation(t.db, close.id, at(closesAt.getTime(), -MINUTE))).toMatchObject({ applied: 0, next: closesAt });
    expect(await runAutomation(t.db, close.id, closesAt)).toMatchObject({ applied: 3, next: null });
    expect(await ticketNow(english.id)).toMatchObject({ status: "closed", closedAt: closesAt, solvedAt });
    // Closed means closed: the customer files a new request instead.
    await expect(addMessage(t.db, fx.keyCustomer, english.number, { kind: "public", body: "Still no invoice!" }, at(closesAt.getTime(), HOUR))).rejects.toMatchObject({
      messageKey: "errors.ticketClosed",
    });

    // The agents' timeline: "Automation “Close solved tickets” changed the status from Solved to Closed".
    const { timeline } = await getTicket(t.db, fx.agent, english.number);
    const byAutomation = timeline.filter((e) => e.automation);
    expect(byAutomation.map((e) => [e.automation, e.actor, e.changes])).toEqual([
      ["Remind waiting customers", null, [{ kind: "automation_extras", replies: 1, notes: 0, notified: 0 }]],
      ["Solve after a week without answer", null, [{ kind: "status", from: "pending", to: "solved" }]],
      ["Close solved tickets", null, [{ kind: "status", from: "solved", to: "closed" }]],
    ]);
  });
});

describe("the clock counts from the last status change", () => {
  test("a ticket that changed status in between is not touched, and the customer's reply starts it again", async () => {
    const T0 = nextStretch();
    const remind = await createAutomation(t.db, fx.admin, {
      name: "Remind after three days",
      status: "pending",
      afterMinutes: 3 * 24 * 60,
      actions: [{ type: "reply", body: REMINDER }],
    });
    const held = await file(fx.keyCustomer, "Broken hinge", "The hinge of the lid broke after a week.", at(T0, 0));
    const answered = await file(fx.otherCustomer, "Wrong colour", "I ordered blue and got green.", at(T0, 0));
    const waitingSince = at(T0, HOUR);
    await waitOnCustomer(held.number, waitingSince);
    await waitOnCustomer(answered.number, waitingSince);

    // A day later the agent puts one on hold; two days later the other customer answers, and the agent asks again.
    await updateTicket(t.db, fx.agent, held.number, { status: "on_hold" }, at(waitingSince.getTime(), DAY));
    await addMessage(t.db, fx.otherCustomer, answered.number, { kind: "public", body: "It is order 4711." }, at(waitingSince.getTime(), 2 * DAY));
    expect(await ticketNow(answered.id)).toMatchObject({ status: "open", statusChangedAt: at(waitingSince.getTime(), 2 * DAY) });
    const askedAgain = at(waitingSince.getTime(), 2.5 * DAY);
    await waitOnCustomer(answered.number, askedAgain);

    // Three days after the first wait: neither is reminded; the job moves to the second wait's moment.
    const first = await runAutomation(t.db, remind.id, at(waitingSince.getTime(), 3 * DAY));
    expect(first).toMatchObject({ applied: 0, passed: 0, next: at(askedAgain.getTime(), 3 * DAY) });
    expect(await jobAt(remind.id)).toEqual(at(askedAgain.getTime(), 3 * DAY));
    expect(await systemReplies(fx.keyCustomer, held.number)).toEqual([]);
    expect(await systemReplies(fx.otherCustomer, answered.number)).toEqual([]);

    expect(await runAutomation(t.db, remind.id, at(askedAgain.getTime(), 3 * DAY - MINUTE))).toMatchObject({ applied: 0 });
    expect(await runAutomation(t.db, remind.id, at(askedAgain.getTime(), 3 * DAY))).toMatchObject({ applied: 1 });
    expect(await systemReplies(fx.otherCustomer, answered.number)).toEqual([
      `Hello Otto Other, we are still waiting for your answer on #${answered.number} (Wrong colour).`,
    ]);
    // Back to pending later: a new wait, a new reminder three days on.
    await updateTicket(t.db, fx.agent, held.number, { status: "pending" }, at(waitingSince.getTime(), 10 * DAY));
    expect(await runAutomation(t.db, remind.id, at(waitingSince.getTime(), 13 * DAY))).toMatchObject({ applied: 1 });
    expect(await systemReplies(fx.keyCustomer, held.number)).toHaveLength(1);
  });
});

describe("the job", () => {
  test("is due at the first waiting ticket's moment: later tickets never delay it, even while it waits to retry", async () => {
    const T0 = nextStretch();
    const remind = await createAutomation(t.db, fx.admin, { name: "Remind", status: "pending", afterMinutes: 3 * 24 * 60, actions: [{ type: "reply", body: REMINDER }] });
    const first = await file(fx.keyCustomer, "First", "The first one waits longest.", at(T0, 0));
    await waitOnCustomer(first.number, at(T0, HOUR));
    await afterCommit();
    const due = at(T0, HOUR + 3 * DAY);
    expect(await jobAt(remind.id)).toEqual(due);

    const second = await file(fx.keyCustomer, "Second", "The second one waits a day less.", at(T0, 0));
    await waitOnCustomer(second.number, at(T0, DAY));
    await afterCommit();
    expect(await jobAt(remind.id)).toEqual(due);

    // The job failed once and waits to retry (sooner than a new ticket's moment): it keeps its time.
    const retry = at(T0, HOUR + 3 * DAY + 5_000);
    await t.db.$executeRawUnsafe(`UPDATE graphile_worker._private_jobs SET attempts = 1, run_at = $2 WHERE key = $1`, `automation:${remind.id}`, retry);
    const third = await file(fx.keyCustomer, "Third", "The third one waits two days less.", at(T0, 0));
    await waitOnCustomer(third.number, at(T0, 2 * DAY));
    await afterCommit();
    expect(await jobAt(remind.id)).toEqual(retry);

    // Run (held by its worker meanwhile, as graphile-worker does), it is due next at the next ticket's moment.
    await t.db.$executeRawUnsafe(`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'test' WHERE key = $1`, `automation:${remind.id}`);
    expect(await runAutomation(t.db, remind.id, retry)).toMatchObject({ applied: 1, next: at(T0, 4 * DAY) });
    expect(await jobAt(remind.id)).toEqual(at(T0, 4 * DAY));
  });
});

describe("conditions and actions", () => {
  test("only tickets meeting the conditions are changed, once even when two runs race; passed-over tickets are looked at again after a change", async () => {
    const T0 = nextStretch();
    const vip = await createAutomation(t.db, fx.supervisor, {
      name: "Chase urgent waits",
      status: "pending",
      afterMinutes: 24 * 60,
      conditions: [{ field: "priority", op: "in", values: ["high", "urgent"] }],
      actions: [
        { type: "add_tags", tags: ["chased"] },
        { type: "set_priority", priority: "urgent" },
        { type: "add_note", body: "Waited a day: chase by phone." },
        { type: "reply", body: { en: "We have not heard from you, {{customer.name}}. {{agent.name}} will call you." } },
      ],
    });
    const high = await file(fx.keyCustomer, "Server down", "Our server is down since this morning.", at(T0, 0));
    const normal = await file(fx.otherCustomer, "Question about fonts", "Which fonts are included?", at(T0, 0));
    await updateTicket(t.db, fx.agent, high.number, { priority: "high", assigneeId: fx.agent.id }, at(T0, MINUTE));
    const waitingSince = at(T0, HOUR);
    await waitOnCustomer(high.number, waitingSince);
    await waitOnCustomer(normal.number, waitingSince);
    const before = await ticketNow(high.id);

    // Two runs at once (a job retried while the first still ran): one change.
    const due = at(waitingSince.getTime(), DAY);
    const [a, b] = await Promise.all([runAutomation(t.db, vip.id, due), runAutomation(t.db, vip.id, due)]);
    expect(a.applied + b.applied).toBe(1);
    expect(a.passed + b.passed).toBe(1);
    const after = await ticketNow(high.id);
    expect(after).toMatchObject({ priority: "urgent", tags: ["chased"], status: "pending", version: before.version + 1 });
    expect(await systemReplies(fx.keyCustomer, high.number)).toEqual(["We have not heard from you, Ada Key. Li Wei will call you."]);
    const notes = await t.db.message.findMany({ where: { ticketId: high.id, kind: "internal" } });
    expect(notes.map((n) => [n.authorId, n.body])).toEqual([[null, "Waited a day: chase by phone."]]);
    expect(await ticketNow(normal.id)).toMatchObject({ priority: "normal", tags: [] });
    expect(await systemReplies(fx.otherCustomer, normal.number)).toEqual([]);
    // The changes read as the automation's in the timeline, with the reply and note counted.
    const { timeline } = await getTicket(t.db, fx.agent, high.number);
    expect(timeline.filter((e) => e.automation).map((e) => e.changes)).toEqual([
      [
        { kind: "automation_extras", replies: 1, notes: 1, notified: 0 },
        { kind: "priority", from: "high", to: "urgent" },
        { kind: "tags", added: ["chased"], removed: [] },
      ],
    ]);

    // The normal ticket was passed over: raised later, it is not chased in this wait...
    await updateTicket(t.db, fx.agent, normal.number, { priority: "high" }, at(due.getTime(), HOUR));
    expect(await runAutomation(t.db, vip.id, at(due.getTime(), 2 * HOUR))).toMatchObject({ applied: 0, passed: 0 });
    // ...until the automation's conditions change: then it is looked at again (and the other is not chased twice).
    await updateAutomation(t.db, fx.admin, vip.id, { conditions: [{ field: "priority", op: "in", values: ["high"] }] });
    expect(await runAutomation(t.db, vip.id, at(due.getTime(), 3 * HOUR))).toMatchObject({ applied: 1, passed: 0 });
    expect(await ticketNow(normal.id)).toMatchObject({ priority: "urgent", tags: ["chased"] });
    expect(await systemReplies(fx.keyCustomer, high.number)).toHaveLength(1);
  });

  test("an automation on new tickets is scheduled as they are filed; a disabled one does nothing and has no job", async () => {
    const T0 = nextStretch();
    const escalate = await createAutomation(t.db, fx.admin, {
      name: "Untouched for two hours",
      status: "new",
      afterMinutes: 120,
      actions: [{ type: "set_priority", priority: "high" }, { type: "set_team", teamId: fx.teams.billing.id }],
    });
    const filed = await file(fx.keyCustomer, "Cannot log in", "The login page says my password is wrong.", at(T0, 0));
    await afterCommit();
    expect(await jobAt(escalate.id)).toEqual(at(T0, 2 * HOUR));
    expect(await runAutomation(t.db, escalate.id, at(T0, 2 * HOUR))).toMatchObject({ applied: 1 });
    expect(await ticketNow(filed.id)).toMatchObject({ priority: "high", teamId: fx.teams.billing.id, status: "new" });

    await updateAutomation(t.db, fx.admin, escalate.id, { enabled: false });
    expect(await jobAt(escalate.id)).toBeNull();
    const later = await file(fx.keyCustomer, "Cannot log in again", "Same as before, the password is refused.", at(T0, DAY));
    await afterCommit();
    expect(await jobAt(escalate.id)).toBeNull();
    expect(await runAutomation(t.db, escalate.id, at(T0, 2 * DAY))).toMatchObject({ applied: 0, next: null });
    expect(await ticketNow(later.id)).toMatchObject({ priority: "normal" });

    // Enabled again, it is due at once for the ticket waiting since.
    await updateAutomation(t.db, fx.admin, escalate.id, { enabled: true });
    expect(await jobAt(escalate.id)).toEqual(at(T0, DAY + 2 * HOUR));
  });
});

describe("keeping automations", () => {
  test("what they name must exist, closed is no status to wait in, and only those who keep rules may", async () => {
    const errorOf = async (work: Promise<unknown>) => {
      const error = await work.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DomainError);
      return error as DomainError;
    };
    const valid = { name: "Valid", status: "pending", afterMinutes: 60, actions: [{ type: "reply", body: { en: "Hi" } }] };
    expect((await errorOf(createAutomation(t.db, fx.agent, valid))).code).toBe("forbidden");
    expect((await errorOf(createAutomation(t.db, fx.admin, { ...valid, status: "closed" }))).details).toEqual({ status: ["validation.automationStatus"] });
    expect((await errorOf(createAutomation(t.db, fx.admin, { ...valid, afterMinutes: 0 }))).details).toEqual({ afterMinutes: ["validation.automationAfter"] });
    expect(
      (
        await errorOf(
          createAutomation(t.db, fx.admin, {
            ...valid,
            actions: [{ type: "reply", body: { en: "Hi {{customer.nmae}}" } }, { type: "set_team", teamId: "8d6f1c1e-8f0e-4a4b-9c55-7a1a4c1e2f00" }],
          }),
        )
      ).details,
    ).toEqual({ "actions.0.body.en": ["validation.macroPlaceholder"] });
    expect(
      (
        await errorOf(
          createAutomation(t.db, fx.admin, {
            ...valid,
            actions: [{ type: "reply", body: { en: "Hi" } }, { type: "set_team", teamId: "8d6f1c1e-8f0e-4a4b-9c55-7a1a4c1e2f00" }],
          }),
        )
      ).details,
    ).toEqual({ "actions.1.teamId": ["validation.ruleUnknownTeam"] });
    expect(
      (await errorOf(createAutomation(t.db, fx.admin, { ...valid, actions: [{ type: "set_status", status: "new" }] }))).details,
    ).toEqual({ "actions.0.status": ["validation.status"] });
    expect(
      (
        await errorOf(
          createAutomation(t.db, fx.admin, {
            ...valid,
            actions: [
              { type: "set_status", status: "solved" },
              { type: "set_status", status: "closed" },
            ],
          }),
        )
      ).details,
    ).toEqual({ "actions.1": ["validation.automationOneEach"] });

    const made = await createAutomation(t.db, fx.admin, valid);
    expect((await errorOf(createAutomation(t.db, fx.admin, valid))).code).toBe("conflict");
    const audit = await t.db.auditEntry.findMany({ where: { targetId: made.id } });
    expect(audit.map((a) => a.action)).toEqual(["automation.created"]);
  });
});
