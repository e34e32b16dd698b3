// Two processes assigning the same 200 waiting tickets at the same moment,
// each running several assigners at once, over two teams that share agents
// (capacity counts every team): no agent ends over capacity, no ticket is
// assigned twice, every agent with room is filled, and each hand-over is one
// event (decision 018).
import { spawn } from "node:child_process";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { forgetSingleton } from "../../server/runtime.ts";
import { createTicket } from "../../server/tickets/service.ts";

const root = path.resolve(import.meta.dirname, "../..");
let t: TestDatabase;
let fx: Awaited<ReturnType<typeof createFixtures>>;

beforeAll(async () => {
  t = await freshDatabase();
  useTestRuntime(t.url);
  forgetSingleton("db");
  fx = await createFixtures(t.db);
});

afterAll(async () => {
  await t?.drop();
});

interface Done {
  started: number;
  finished: number;
  assigned: number;
}

/** Starts an assigning process; `go` lets it run, `done` is what it printed. */
function assigner(teamIds: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/assign-process.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: t.url, ASSIGN_TEAMS: JSON.stringify(teamIds) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return {
    ready: async () => {
      while (!out.includes("ready\n")) {
        if (child.exitCode !== null) throw new Error(`assigner exited early:\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    go: () => child.stdin.end("go\n"),
    done: async (): Promise<Done> => {
      const code = await exited;
      if (code !== 0) throw new Error(`assigner failed (${code}):\n${err}`);
      return JSON.parse(out.split("\n").filter(Boolean).at(-1)!) as Done;
    },
  };
}

test("two processes assigning 200 tickets at once never exceed a capacity nor assign a ticket twice", { timeout: 120_000 }, async () => {
  const db = t.db;
  const key = randomUUID().slice(0, 6);
  const teamA = await db.team.create({ data: { key: `a${key}`, name: "Round robin" } });
  const teamB = await db.team.create({ data: { key: `b${key}`, name: "Least loaded" } });
  const catA = await db.category.create({ data: { key: `a${key}`, nameEn: "A", nameZh: "甲", teamId: teamA.id } });
  const catB = await db.category.create({ data: { key: `b${key}`, nameEn: "B", nameZh: "乙", teamId: teamB.id } });
  // Four agents in both teams, one in each alone; one with no limit would take everything, so all have one.
  const specs = [
    { capacity: 10, teams: [teamA, teamB], busy: 3 },
    { capacity: 20, teams: [teamA, teamB], busy: 0 },
    { capacity: 30, teams: [teamA, teamB], busy: 5 },
    { capacity: 5, teams: [teamA, teamB], busy: 0 },
    { capacity: 40, teams: [teamA], busy: 0 },
    { capacity: 25, teams: [teamB], busy: 0 },
  ];
  const agents = [];
  for (const [i, spec] of specs.entries()) {
    agents.push({
      ...spec,
      user: await db.user.create({
        data: {
          email: `agent${i}.${key}@test.example`,
          name: `Agent ${i}`,
          role: "agent",
          passwordHash: "-",
          capacity: spec.capacity,
          memberships: { create: spec.teams.map((team) => ({ teamId: team.id })) },
        },
      }),
    });
  }
  const file = (category: string, i: number) =>
    createTicket(db, fx.keyCustomer, { type: "inquiry", category, subject: `Question ${i}`, description: "Please help with this." }, "portal");
  // Tickets the agents already work on (another team's): they count against capacity.
  for (const agent of agents) {
    for (let i = 0; i < agent.busy; i++) {
      const ticket = await file("billing", i);
      await db.ticket.update({ where: { id: ticket.id }, data: { assigneeId: agent.user.id } });
    }
  }
  const waiting = [];
  for (let i = 0; i < 200; i++) waiting.push(await file(i % 2 ? catA.key : catB.key, i));
  await db.team.update({ where: { id: teamA.id }, data: { assignmentMode: "round_robin" } });
  await db.team.update({ where: { id: teamB.id }, data: { assignmentMode: "least_loaded" } });

  const processes = [assigner([teamA.id, teamB.id]), assigner([teamB.id, teamA.id])];
  await Promise.all(processes.map((p) => p.ready()));
  processes.forEach((p) => p.go());
  const results = await Promise.all(processes.map((p) => p.done()));
  // Genuinely at once: each started before the other finished.
  expect(Math.max(...results.map((r) => r.started))).toBeLessThan(Math.min(...results.map((r) => r.finished)));

  const room = specs.reduce((sum, s) => sum + s.capacity - s.busy, 0);
  expect(room).toBeLessThan(200);
  // Every agent is full, none over.
  for (const agent of agents) {
    const load = await db.ticket.count({ where: { assigneeId: agent.user.id, status: { in: ["new", "open", "pending", "on_hold"] } } });
    expect(load, agent.user.name).toBe(agent.capacity);
  }
  const tickets = await db.ticket.findMany({
    where: { id: { in: waiting.map((w) => w.id) } },
    select: { id: true, teamId: true, assigneeId: true, version: true },
  });
  const taken = tickets.filter((ticket) => ticket.assigneeId);
  expect(taken).toHaveLength(room);
  expect(results.reduce((sum, r) => sum + r.assigned, 0)).toBe(room);
  // Each to a member of its own team, in one change.
  const teamsOf = new Map(agents.map((a) => [a.user.id, a.teams.map((team) => team.id)]));
  for (const ticket of taken) {
    expect(teamsOf.get(ticket.assigneeId!)).toContain(ticket.teamId);
    expect(ticket.version).toBe(2);
  }
  // One event per hand-over, naming the assignee the ticket has.
  const events = await db.domainEvent.findMany({ where: { type: "ticket.assignee_changed", ticketId: { in: waiting.map((w) => w.id) } } });
  expect(events).toHaveLength(room);
  expect(new Set(events.map((e) => e.ticketId)).size).toBe(room);
  const assigneeOf = new Map(taken.map((ticket) => [ticket.id, ticket.assigneeId]));
  for (const event of events) expect((event.data as { to: string }).to).toBe(assigneeOf.get(event.ticketId!));
  expect(await db.notification.count({ where: { kind: "assigned", ticketId: { in: waiting.map((w) => w.id) } } })).toBe(room);
});
