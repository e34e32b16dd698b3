// Routing rules as a support team meets them: a ticket filed is routed by
// the rules in their order before anyone sees it (its SLA follows what they
// set); a change that makes a rule's conditions true runs it in the same
// commit; rules that undo each other cannot loop; the timeline names the
// rule behind every change; what a rule names that is gone is skipped.
import { describe, expect, test } from "vitest";
import { useLiveServer } from "../support/live.ts";
import { createRule, deleteRule, listRules, moveRule, updateRule } from "../../server/rules/service.ts";
import { addMessage, createTicket, getTicket, updateTicket } from "../../server/tickets/service.ts";
import { deactivateUser } from "../../server/admin/users.ts";
import { listNotifications } from "../../server/notifications/service.ts";

const { ctx } = useLiveServer();

const file = (subject: string, description: string, type: "inquiry" | "complaint" = "inquiry") =>
  createTicket(ctx.db, ctx.fx.keyCustomer, { type, category: "technical", subject, description }, "portal");
const clearRules = async () => {
  for (const rule of await listRules(ctx.db, ctx.fx.admin)) await deleteRule(ctx.db, ctx.fx.admin, rule.id);
};

describe("on filing", () => {
  test("matching rules route the ticket in order, its SLA follows, and the timeline names each rule", async () => {
    await clearRules();
    const billing = ctx.fx.teams.billing.id;
    await createRule(ctx.db, ctx.fx.supervisor, {
      name: "Refunds to billing",
      conditions: [
        { field: "text", op: "contains_any", values: ["refund*", "退款"] },
        { field: "tier", op: "in", values: ["key"] },
      ],
      actions: [
        { type: "set_team", teamId: billing },
        { type: "set_type", ticketType: "complaint" },
        { type: "add_tags", tags: ["refund"] },
        { type: "add_note", body: "Check the last invoice before answering." },
        { type: "notify", to: [ctx.fx.supervisor.id] },
      ],
    });
    await createRule(ctx.db, ctx.fx.supervisor, {
      name: "Billing is high",
      conditions: [{ field: "team", op: "in", values: [billing] }],
      actions: [{ type: "set_priority", priority: "high" }],
    });

    const routed = await file("Refunds for March", "Please send the refunds you promised for March.");
    const plain = await file("Printer jam", "The printer eats every page I send to it.");
    expect(routed).toMatchObject({ team: { id: billing }, type: "complaint", priority: "high", tags: ["refund"] });
    expect(plain).toMatchObject({ team: { id: ctx.fx.teams.support.id }, type: "inquiry", priority: "normal", tags: [] });
    // A key customer's complaint: the SLA policy for key-account complaints (60 minutes), not the default (480).
    expect(routed.slaTargets.find((t) => t.target === "first_response")!.dueAt!.getTime() - routed.createdAt.getTime()).toBe(60 * 60_000);

    const seen = await getTicket(ctx.db, ctx.fx.supervisor, routed.number);
    expect(seen.messages.map((m) => [m.kind, m.body])).toEqual([
      ["public", "Please send the refunds you promised for March."],
      ["internal", "Check the last invoice before answering."],
    ]);
    expect(seen.timeline.filter((e) => e.rule).map((e) => [e.rule, e.changes.map((c) => c.kind)])).toEqual([
      ["Refunds to billing", ["rule_extras", "type", "team", "tags"]],
      ["Billing is high", ["priority"]],
    ]);
    expect(seen.timeline.find((e) => e.rule === "Refunds to billing")!.changes[0]).toEqual({ kind: "rule_extras", notes: 1, notified: 1 });
    const told = await listNotifications(ctx.db, ctx.fx.supervisor);
    expect(told.items.map((n) => [n.kind, n.ticket?.number, n.data])).toContainEqual(["rule", routed.number, { rule: "Refunds to billing" }]);
    // The customer sees none of it: no note, no history.
    const theirs = await getTicket(ctx.db, ctx.fx.keyCustomer, routed.number);
    expect(theirs.messages).toHaveLength(1);
    expect(theirs.timeline).toEqual([]);
  });

  test("Chinese words are found without spaces; the order of rules decides who wins", async () => {
    await clearRules();
    const first = await createRule(ctx.db, ctx.fx.admin, {
      name: "Chinese refunds",
      conditions: [{ field: "text", op: "contains_any", values: ["退款"] }],
      actions: [{ type: "set_priority", priority: "urgent" }],
    });
    await createRule(ctx.db, ctx.fx.admin, { name: "Everything low", actions: [{ type: "set_priority", priority: "low" }] });
    expect((await file("订单问题", "我上周申请了退款，还没有到账。")).priority).toBe("low");
    await moveRule(ctx.db, ctx.fx.admin, first.id, "down");
    expect((await file("订单问题", "我上周申请了退款，还没有到账。")).priority).toBe("urgent");
    expect((await file("订单问题", "我想退货，请问怎么操作？")).priority).toBe("low");
  });

  test("a rule assigning someone deactivated since skips that action and does the rest", async () => {
    await clearRules();
    const temp = await ctx.db.user.create({ data: { email: "temp@test.example", name: "Temp Agent", role: "agent", passwordHash: "x" } });
    await createRule(ctx.db, ctx.fx.admin, {
      name: "To Temp",
      actions: [
        { type: "assign", userId: temp.id },
        { type: "add_tags", tags: ["routed"] },
      ],
    });
    expect((await file("Hello there", "Just a question about my account.")).assignee).toEqual({ id: temp.id, name: "Temp Agent" });
    await deactivateUser(ctx.db, ctx.fx.admin, temp.id);
    expect(await file("Hello again", "Another question about my account.")).toMatchObject({ assignee: null, tags: ["routed"] });
    // It can still be switched off (or renamed) without first mending what it names.
    const [rule] = await listRules(ctx.db, ctx.fx.admin);
    expect(await updateRule(ctx.db, ctx.fx.admin, rule.id, { enabled: false })).toMatchObject({ enabled: false });
    await expect(updateRule(ctx.db, ctx.fx.admin, rule.id, { actions: rule.actions })).rejects.toMatchObject({
      details: { "actions.0.userId": ["validation.assignee"] },
    });
  });

  test("a rule notifies only people who may see the ticket", async () => {
    await clearRules();
    await createRule(ctx.db, ctx.fx.admin, {
      name: "Tell everyone",
      actions: [{ type: "notify", to: [ctx.fx.agent.id, ctx.fx.billingAgent.id, ctx.fx.supervisor.id] }],
    });
    const ticket = await file("Screen flickers", "The screen flickers every few seconds.");
    const told = await ctx.db.notification.findMany({ where: { ticketId: ticket.id, kind: "rule" }, select: { userId: true } });
    // Filed in "technical" (the support team): the billing agent may not see it.
    expect(told.map((n) => n.userId).sort()).toEqual([ctx.fx.agent.id, ctx.fx.supervisor.id].sort());
  });
});

describe("on changes", () => {
  test("a rule runs when a change makes its conditions true, in the same commit, and not again while they stay true", async () => {
    await clearRules();
    await createRule(ctx.db, ctx.fx.supervisor, {
      name: "Urgent goes to the supervisor",
      onCreate: false,
      onUpdate: true,
      conditions: [{ field: "priority", op: "in", values: ["urgent"] }],
      actions: [
        { type: "add_tags", tags: ["escalated"] },
        { type: "notify", to: [ctx.fx.supervisor.id] },
      ],
    });
    const ticket = await file("Server down", "Nothing loads since this morning.");
    const urgent = await updateTicket(ctx.db, ctx.fx.agent, ticket.number, { priority: "urgent" });
    expect(urgent.tags).toEqual(["escalated"]);
    expect(urgent.version).toBe(ticket.version + 2);
    // Still urgent: another change does not run it again (the tag removed stays removed).
    expect((await updateTicket(ctx.db, ctx.fx.agent, ticket.number, { removeTags: ["escalated"] })).tags).toEqual([]);
    expect((await updateTicket(ctx.db, ctx.fx.agent, ticket.number, { status: "open" })).tags).toEqual([]);
    // Down and up again: it becomes true again.
    await updateTicket(ctx.db, ctx.fx.agent, ticket.number, { priority: "high" });
    expect((await updateTicket(ctx.db, ctx.fx.agent, ticket.number, { priority: "urgent" })).tags).toEqual(["escalated"]);
    const entries = (await getTicket(ctx.db, ctx.fx.agent, ticket.number)).timeline.filter((e) => e.rule);
    expect(entries.map((e) => e.rule)).toEqual(["Urgent goes to the supervisor", "Urgent goes to the supervisor"]);
  });

  test("words in a customer's reply can run a rule", async () => {
    await clearRules();
    await createRule(ctx.db, ctx.fx.admin, {
      name: "Cancellation",
      onCreate: false,
      onUpdate: true,
      conditions: [{ field: "text", op: "contains_any", values: ["cancel*", "取消"] }],
      actions: [
        { type: "set_priority", priority: "high" },
        { type: "add_tags", tags: ["churn-risk"] },
      ],
    });
    const ticket = await file("Invoice question", "Where can I download my invoice?");
    await addMessage(ctx.db, ctx.fx.keyCustomer, ticket.number, { body: "Thanks, found it." });
    expect((await getTicket(ctx.db, ctx.fx.agent, ticket.number)).ticket.priority).toBe("normal");
    await addMessage(ctx.db, ctx.fx.keyCustomer, ticket.number, { body: "Actually I want to cancel my subscription." });
    expect((await getTicket(ctx.db, ctx.fx.agent, ticket.number)).ticket).toMatchObject({ priority: "high", tags: ["churn-risk"] });
  });

  test("rules that undo each other run once each per change: no loop, and the change is saved", async () => {
    await clearRules();
    const onTags = (tag: string, other: string) => ({
      name: `${tag} to ${other}`,
      onCreate: false,
      onUpdate: true,
      conditions: [{ field: "tags", op: "has_any", values: [tag] }],
      actions: [
        { type: "remove_tags", tags: [tag] },
        { type: "add_tags", tags: [other] },
      ],
    });
    await createRule(ctx.db, ctx.fx.admin, onTags("ping", "pong"));
    const pong = await createRule(ctx.db, ctx.fx.admin, onTags("pong", "ping"));
    const ticket = await file("Loop test", "Adding a tag should not loop forever.");
    const after = await updateTicket(ctx.db, ctx.fx.agent, ticket.number, { addTags: ["ping"] });
    expect(after.tags).toEqual(["ping"]);
    const applied = await ctx.db.domainEvent.findMany({ where: { ticketId: ticket.id, type: "ticket.rule_applied" } });
    expect(applied.map((e) => (e.data as { name: string }).name)).toEqual(["ping to pong", "pong to ping"]);

    // Switched off, a rule does not run.
    await updateRule(ctx.db, ctx.fx.admin, pong.id, { enabled: false });
    expect((await updateTicket(ctx.db, ctx.fx.agent, ticket.number, { addTags: ["other"] })).tags.sort()).toEqual(["other", "ping"]);
    expect((await updateTicket(ctx.db, ctx.fx.agent, ticket.number, { tags: ["ping"] })).tags).toEqual(["ping"]);
  });
});

describe("keeping rules", () => {
  test("agents cannot see or change rules; supervisors can; every change is audited", async () => {
    await expect(listRules(ctx.db, ctx.fx.agent)).rejects.toMatchObject({ code: "forbidden" });
    await expect(createRule(ctx.db, ctx.fx.agent, { name: "Sneaky", actions: [{ type: "set_priority", priority: "low" }] })).rejects.toMatchObject({
      code: "forbidden",
    });
    const made = await createRule(ctx.db, ctx.fx.supervisor, { name: "Audited", actions: [{ type: "set_priority", priority: "low" }] });
    await updateRule(ctx.db, ctx.fx.supervisor, made.id, { name: "Audited again" });
    await deleteRule(ctx.db, ctx.fx.supervisor, made.id);
    const audit = await ctx.db.auditEntry.findMany({ where: { targetId: made.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["rule.created", ctx.fx.supervisor.id],
      ["rule.updated", ctx.fx.supervisor.id],
      ["rule.deleted", ctx.fx.supervisor.id],
    ]);
  });

  test("a custom field's value must fit the field; a number given as text is stored as a number", async () => {
    await ctx.db.ticketField.create({ data: { key: "amount", labelEn: "Amount", labelZh: "金额", type: "number", position: 1 } });
    await expect(
      createRule(ctx.db, ctx.fx.admin, {
        name: "Big",
        conditions: [{ field: "custom", key: "amount", op: "gt", value: "lots" }],
        actions: [{ type: "set_priority", priority: "high" }],
      }),
    ).rejects.toMatchObject({ details: { "conditions.0.value": ["validation.fieldNumber"] } });
    await expect(
      createRule(ctx.db, ctx.fx.admin, {
        name: "Big",
        conditions: [{ field: "custom", key: "amount", op: "contains", value: "1" }],
        actions: [{ type: "set_priority", priority: "high" }],
      }),
    ).rejects.toMatchObject({ details: { "conditions.0.value": ["validation.ruleOperator"] } });
    const big = await createRule(ctx.db, ctx.fx.admin, {
      name: "Big",
      conditions: [{ field: "custom", key: "amount", op: "gt", value: "1000" }],
      actions: [{ type: "set_priority", priority: "high" }],
    });
    expect(big.conditions).toEqual([{ field: "custom", key: "amount", op: "gt", value: 1000 }]);
    await deleteRule(ctx.db, ctx.fx.admin, big.id);
  });
});
