// Automatic assignment on a running helpdesk (decision 018): tickets filed to
// a round-robin or least-loaded team find an agent by themselves, through the
// real path (filing commits, the assignment listener hands them out); agents
// offline, away or at capacity are passed over; a ticket nobody can take
// waits until someone comes online or frees a slot; the timeline, the live
// queue and the assignee's notification say what happened.
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { Db } from "../../server/db/client.ts";
import { createTicket, getTicket, updateTicket } from "../../server/tickets/service.ts";
import { setAvailability } from "../../server/auth/accounts.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import type { AuthUser } from "../../server/auth/policy.ts";
import type { AssignmentMode } from "../../server/assignment/rules.ts";
import type { LiveNotification, QueueTicket } from "../../server/realtime/protocol.ts";
import pg from "pg";
import { inTransaction } from "../../server/events/transaction.ts";
import { assignWaiting } from "../../server/assignment/assigner.ts";
import { emit } from "../../server/events/emit.ts";
import { record, until, useLiveServer, waitFor } from "../support/live.ts";

const { ctx, connect } = useLiveServer();

interface AgentSpec {
  name: string;
  availability?: "online" | "away" | "offline";
  capacity?: number | null;
  skillLanguages?: string[];
  /** Skill categories by key of the team's categories. */
  skillCategories?: string[];
  role?: "agent" | "supervisor" | "admin";
  invited?: boolean;
  deactivated?: boolean;
}

/** A team of its own with a category routed to it (and a second one), and its agents. */
async function teamWith(db: Db, mode: AssignmentMode, agents: AgentSpec[], options: { bySkills?: boolean; name?: string } = {}) {
  const key = `t${randomUUID().slice(0, 8)}`;
  const team = await db.team.create({ data: { key, name: options.name ?? `Team ${key}`, assignmentMode: mode, assignBySkills: options.bySkills ?? false } });
  const categories = {
    main: await db.category.create({ data: { key: `${key}-main`, nameEn: "Technical problem", nameZh: "技术问题", teamId: team.id } }),
    other: await db.category.create({ data: { key: `${key}-other`, nameEn: "Returns", nameZh: "退货", teamId: team.id } }),
  };
  const users: AuthUser[] = [];
  for (const spec of agents) {
    const user = await db.user.create({
      data: {
        email: `${spec.name.toLowerCase().replace(/\W+/g, ".")}.${key}@test.example`,
        name: spec.name,
        role: spec.role ?? "agent",
        passwordHash: "-",
        availability: spec.availability ?? "online",
        capacity: spec.capacity ?? null,
        skillLanguages: spec.skillLanguages ?? [],
        skillCategoryIds: (spec.skillCategories ?? []).map((c) => categories[c as keyof typeof categories].id),
        invitedAt: spec.invited ? new Date() : null,
        deactivatedAt: spec.deactivated ? new Date() : null,
        memberships: { create: [{ teamId: team.id }] },
      },
    });
    users.push((await loadAuthUser(db, user.id)) ?? ({ id: user.id } as AuthUser));
  }
  return { team, categories, agents: users };
}

const file = (db: Db, category: string, subject = "The export fails", description = "It stops at 80 % every time.") =>
  createTicket(db, ctx.fx.keyCustomer, { type: "inquiry", category, subject, description }, "portal");

const assigneeOf = async (db: Db, id: string) => (await db.ticket.findUniqueOrThrow({ where: { id }, select: { assigneeId: true } })).assigneeId;

/** Waits until every ticket has an assignee; returns them by ticket id. */
async function assigned(db: Db, ids: string[]): Promise<Map<string, string>> {
  const rows = await waitFor(
    async () => {
      const rows = await db.ticket.findMany({ where: { id: { in: ids } }, select: { id: true, assigneeId: true } });
      return rows.every((r) => r.assigneeId) ? rows : null;
    },
    `${ids.length} tickets assigned`,
  );
  return new Map(rows.map((r) => [r.id, r.assigneeId!]));
}

/** Everything committed so far has been handed to the listeners (so a ticket still unassigned now is waiting). */
const settled = () => ctx.server.drain();

const tally = (assignees: Iterable<string>) => {
  const counts = new Map<string, number>();
  for (const id of assignees) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

describe("round-robin", () => {
  test("thirty tickets over three online agents give each ten, and the timeline says why", async () => {
    const { db } = ctx;
    const { team, categories, agents } = await teamWith(db, "round_robin", [{ name: "Li Wei" }, { name: "Ann Lee", capacity: 50 }, { name: "Bo Chen" }], {
      name: "Technical",
    });
    const tickets = [];
    for (let i = 0; i < 30; i++) tickets.push(await file(db, categories.main.key, `Export ${i} fails`));
    const byTicket = await assigned(db, tickets.map((t) => t.id));
    expect([...tally(byTicket.values()).entries()].sort()).toEqual(agents.map((a) => [a.id, 10]).sort());

    // Each hand-over is one event, by the system, saying how and with what load.
    const events = await db.domainEvent.findMany({ where: { ticketId: { in: tickets.map((t) => t.id) }, type: "ticket.assignee_changed" } });
    expect(events).toHaveLength(30);
    expect(events.every((e) => e.actorId === null)).toBe(true);
    const ann = agents[1];
    const lastOfAnn = events.filter((e) => (e.data as { to: string }).to === ann.id).sort((a, b) => Number(a.id - b.id)).at(-1)!;
    expect(lastOfAnn.data).toMatchObject({ from: null, to: ann.id, cause: { mode: "round_robin", teamId: team.id, load: 10, capacity: 50, skills: null } });

    // Ann's first ticket: "Assigned to Ann Lee by round-robin in Technical (1 of 50 open)".
    const annsFirst = tickets.find((t) => byTicket.get(t.id) === ann.id)!;
    const first = await getTicket(db, ctx.fx.supervisor, annsFirst.number);
    const change = first.timeline.flatMap((e) => e.changes).find((c) => c.kind === "auto_assigned");
    expect(change).toEqual({ kind: "auto_assigned", to: "Ann Lee", mode: "round_robin", team: "Technical", load: 1, capacity: 50, category: null, language: null });
    expect(first.timeline.find((e) => e.changes.includes(change!))?.actor).toBeNull();
  });

  test("agents offline, away, at capacity, invited, deactivated or not assignable are passed over", async () => {
    const { db } = ctx;
    const { categories, agents } = await teamWith(db, "round_robin", [
      { name: "Full Agent", capacity: 1 },
      { name: "Offline Agent", availability: "offline" },
      { name: "Away Agent", availability: "away" },
      { name: "Invited Agent", invited: true },
      { name: "Gone Agent", deactivated: true },
      { name: "Team Admin", role: "admin" },
      { name: "Open Agent", capacity: 3 },
    ]);
    const [full, , , , , , open] = agents;
    // The full agent's one slot is taken by a ticket of another team (capacity counts every team).
    const elsewhere = await createTicket(db, ctx.fx.keyCustomer, { type: "inquiry", category: "billing", subject: "Invoice", description: "It was charged twice." }, "portal");
    await updateTicket(db, ctx.fx.supervisor, elsewhere.number, { assigneeId: full.id });

    const tickets = [];
    for (let i = 0; i < 4; i++) tickets.push(await file(db, categories.main.key, `Login ${i}`));
    await waitFor(async () => ((await db.ticket.count({ where: { assigneeId: open.id } })) === 3 ? true : null), "the open agent's three tickets");
    await settled();
    const after = await db.ticket.findMany({ where: { id: { in: tickets.map((t) => t.id) } }, orderBy: { number: "asc" }, select: { assigneeId: true } });
    // Oldest first; the fourth waits: nobody has room.
    expect(after.map((t) => t.assigneeId)).toEqual([open.id, open.id, open.id, null]);
    expect(await db.ticket.count({ where: { assigneeId: full.id } })).toBe(1);
  });
});

describe("skills", () => {
  test("a team that assigns by skills gives each ticket to someone with its category and language", async () => {
    const { db } = ctx;
    const { categories, agents } = await teamWith(
      db,
      "round_robin",
      [
        { name: "Chinese Speaker", skillLanguages: ["zh-CN"], skillCategories: ["main"] },
        { name: "English Speaker", skillLanguages: ["en"], skillCategories: ["main"] },
        { name: "Returns Agent", skillCategories: ["other"], skillLanguages: ["en"] },
      ],
      { bySkills: true },
    );
    const [zh, en, returns] = agents;
    const chinese = await file(db, categories.main.key, "无法登录", "输入密码以后页面一直在加载。");
    const english = await file(db, categories.main.key, "Cannot sign in", "The page keeps loading after the password.");
    const returned = await file(db, categories.other.key, "Return label", "Where do I print the label?");
    const nobody = await file(db, categories.other.key, "退货标签", "在哪里打印退货标签？");
    // The filing read the ticket's language from its words.
    expect((await db.ticket.findUniqueOrThrow({ where: { id: chinese.id } })).language).toBe("zh-CN");
    expect((await db.ticket.findUniqueOrThrow({ where: { id: english.id } })).language).toBe("en");

    const byTicket = await assigned(db, [chinese.id, english.id, returned.id]);
    expect(byTicket.get(chinese.id)).toBe(zh.id);
    expect(byTicket.get(english.id)).toBe(en.id);
    expect(byTicket.get(returned.id)).toBe(returns.id);
    // A Chinese returns question: nobody has both skills, so it waits (everyone is online with room).
    await settled();
    expect(await assigneeOf(db, nobody.id)).toBeNull();

    const view = await getTicket(db, ctx.fx.supervisor, english.number);
    expect(view.timeline.flatMap((e) => e.changes).find((c) => c.kind === "auto_assigned")).toMatchObject({
      to: "English Speaker",
      category: { nameEn: "Technical problem", nameZh: "技术问题" },
      language: "en",
    });
  });
});

describe("waiting tickets", () => {
  test("a ticket nobody can take waits, and is assigned when an agent comes online", async () => {
    const { db } = ctx;
    const { categories, agents } = await teamWith(db, "least_loaded", [{ name: "Night Agent", availability: "offline" }]);
    const ticket = await file(db, categories.main.key);
    await settled();
    expect(await assigneeOf(db, ticket.id)).toBeNull();

    // As the header's picker does it: the service records user.availability_changed, the listener follows.
    await setAvailability(db, agents[0], { availability: "online" });
    await waitFor(async () => ((await assigneeOf(db, ticket.id)) === agents[0].id ? true : null), "the waiting ticket assigned");
  });

  test("a ticket waiting for capacity is assigned when the agent solves one of theirs", async () => {
    const { db } = ctx;
    const { categories, agents } = await teamWith(db, "round_robin", [{ name: "Busy Agent", capacity: 1 }]);
    const [busy] = agents;
    const first = await file(db, categories.main.key, "First");
    await waitFor(async () => ((await assigneeOf(db, first.id)) === busy.id ? true : null), "the first ticket assigned");
    const second = await file(db, categories.main.key, "Second");
    await settled();
    expect(await assigneeOf(db, second.id)).toBeNull();

    await updateTicket(db, busy, first.number, { status: "solved" });
    await waitFor(async () => ((await assigneeOf(db, second.id)) === busy.id ? true : null), "the second ticket assigned");

    // Reopened, the first ticket is the agent's again (over capacity: a person's doing, not assignment's).
    // Unassigned by a supervisor, it waits again, and goes to the next one with room when a slot frees up.
    await updateTicket(db, ctx.fx.supervisor, first.number, { status: "open", assigneeId: null });
    await settled();
    expect(await assigneeOf(db, first.id)).toBeNull();
    await updateTicket(db, busy, second.number, { status: "solved" });
    await waitFor(async () => ((await assigneeOf(db, first.id)) === busy.id ? true : null), "the reopened ticket assigned again");
  });

  test("a ticket a command holds is skipped, not waited for, and assigned a moment after it is let go", async () => {
    const { db } = ctx;
    const { team, categories, agents } = await teamWith(db, "round_robin", [{ name: "Quick Agent", availability: "offline" }]);
    const held = await file(db, categories.main.key, "Held");
    const free = await file(db, categories.main.key, "Free");
    await settled();
    // A command holds the older ticket (as updateTicket's row lock does) while the assigner runs.
    const command = new pg.Client({ connectionString: ctx.database.url });
    await command.connect();
    try {
      await command.query("BEGIN");
      await command.query(`SELECT 1 FROM "Ticket" WHERE "id" = $1 FOR UPDATE`, [held.id]);
      await db.user.update({ where: { id: agents[0].id }, data: { availability: "online" } });
      const result = await assignWaiting(db, [team.id]);
      expect(result).toEqual({ assigned: 1, retry: [team.id] });
      expect(await assigneeOf(db, free.id)).toBe(agents[0].id);
      expect(await assigneeOf(db, held.id)).toBeNull();
      await command.query("COMMIT");
    } finally {
      await command.end();
    }
    // The "assign" job the assigner left for the team (the minute's safety net would be far later).
    await waitFor(async () => ((await assigneeOf(db, held.id)) === agents[0].id ? true : null), "the held ticket assigned", 5_000);
  });

  test("switching a team to round-robin hands out the tickets already waiting in it", async () => {
    const { db } = ctx;
    const { team, categories, agents } = await teamWith(db, "manual", [{ name: "Manual Agent" }]);
    const ticket = await file(db, categories.main.key);
    await settled();
    expect(await assigneeOf(db, ticket.id)).toBeNull();
    // What the admin screen does: change the team and record team.changed.
    await inTransaction(db, async (tx) => {
      await tx.team.update({ where: { id: team.id }, data: { assignmentMode: "round_robin" } });
      await emit(tx, [{ type: "team.changed", actorId: ctx.fx.admin.id, at: new Date(), data: { teamId: team.id, change: "updated" } }]);
    });
    await waitFor(async () => ((await assigneeOf(db, ticket.id)) === agents[0].id ? true : null), "the ticket assigned");
  });
});

describe("what people see", () => {
  test("the assignee's queue updates live and they are told, as when a person assigns", async () => {
    const { db } = ctx;
    const { categories, agents } = await teamWith(db, "round_robin", [{ name: "Live Agent" }]);
    const seen = record(await connect(agents[0].id));
    const ticket = await file(db, categories.main.key, "Live one");
    const row = await until(
      () => ((seen["queue:ticket"] ?? []) as QueueTicket[]).find((t) => t.number === ticket.number && t.assigneeId === agents[0].id),
      "the queue row with its assignee",
    );
    expect(row.assigneeName).toBe("Live Agent");
    const told = await until(
      () => ((seen["notification:new"] ?? []) as LiveNotification[]).find((n) => n.kind === "assigned" && n.ticketId === ticket.id),
      "the assignment notification",
    );
    expect(told.data).toEqual({ by: null, auto: "round_robin" });
  });
});
