// Which events make automatic assignment look at a team again (server/listeners/assignment.ts).
import { expect, test } from "vitest";
import { assignmentTriggers } from "../../server/listeners/assignment.ts";
import type { StoredEvent } from "../../server/events/types.ts";

let id = 0n;
const event = (type: string, data: object, ticketId: string | null = "t1"): StoredEvent =>
  ({ id: ++id, txid: 1n, type, ticketId, customerId: null, actorId: "someone", at: new Date(), data }) as StoredEvent;

test("filings and moves name the team; waiting again, freed slots and available agents name the ticket or agent", () => {
  const triggers = assignmentTriggers([
    event("ticket.created", { number: 1, type: "inquiry", channel: "portal", priority: "normal", teamId: "filed-to" }),
    event("ticket.team_changed", { from: "a", to: "moved-to" }),
    event("ticket.assignee_changed", { from: "li", to: null }, "unassigned"),
    event("ticket.status_changed", { from: "open", to: "solved" }, "solved"),
    event("ticket.status_changed", { from: "closed", to: "open" }, "reopened"),
    event("user.availability_changed", { userId: "back", from: "away", to: "online" }, null),
    event("user.access_changed", { userId: "changed", changed: ["capacity"] }, null),
    event("user.joined", { userId: "joined" }, null),
    event("team.changed", { teamId: "switched", change: "updated" }, null),
  ]);
  expect(triggers).toEqual({
    teams: ["filed-to", "moved-to", "switched"],
    waiting: ["unassigned", "reopened"],
    freed: ["solved"],
    agents: ["li", "back", "changed", "joined"],
  });
});

test("changes that free nobody and make nobody available ask for nothing", () => {
  const triggers = assignmentTriggers([
    event("ticket.status_changed", { from: "new", to: "open" }),
    event("ticket.status_changed", { from: "solved", to: "closed" }),
    event("user.availability_changed", { userId: "li", from: "online", to: "away" }, null),
    event("team.changed", { teamId: "gone", change: "deleted" }, null),
    event("ticket.created", { number: 2, type: "inquiry", channel: "portal", priority: "normal", teamId: null }),
    // The assigner's own hand-overs.
    event("ticket.assignee_changed", { from: null, to: "li", cause: { mode: "round_robin", teamId: "x", load: 1, capacity: null, skills: null } }),
  ]);
  expect(triggers).toEqual({ teams: [], waiting: [], freed: [], agents: [] });
});
