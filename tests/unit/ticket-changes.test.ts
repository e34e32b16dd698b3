// The stale-form rule (who changed what since the version a page showed) and
// the timeline grouping, as plain functions.
import { describe, expect, test } from "vitest";
import { planUpdate, type FieldChange, type TicketFields } from "../../server/tickets/changes.ts";
import { buildTimeline } from "../../server/tickets/timeline.ts";
import type { StoredEvent } from "../../server/events/types.ts";

const LI = "li";
const MARIA = "maria";
const at = new Date("2026-11-24T09:00:00Z");
const current: TicketFields = { status: "open", priority: "urgent", type: "inquiry", assigneeId: MARIA, teamId: "t1", tags: ["vip"] };
/** Since version 3, Maria raised the priority to urgent and took the ticket. */
const since: FieldChange[] = [
  { field: "priority", from: "normal", to: "urgent", actorId: MARIA, at, version: 4 },
  { field: "assigneeId", from: null, to: MARIA, actorId: MARIA, at, version: 4 },
];
const seen = { version: 3, changesSince: since, actorId: LI, wholeForm: true };
const api = { ...seen, wholeForm: false };

describe("planUpdate", () => {
  test("without a version, whatever differs is applied (last write wins)", () => {
    expect(planUpdate(current, { priority: "low", status: "open" }, null)).toEqual({ apply: { priority: "low" }, conflicts: [] });
  });

  test("changing a field someone else changed since your version is a conflict, and nothing is applied", () => {
    const plan = planUpdate(current, { priority: "low", status: "pending" }, seen);
    expect(plan.conflicts).toEqual([since[0]]);
    expect(plan.apply).toEqual({ status: "pending" });
  });

  test("a whole form sent back: fields left as they were at your version are not changes of yours", () => {
    // The page showed normal / unassigned; Li only changed the status.
    const form = { status: "pending" as const, priority: "normal" as const, assigneeId: null, teamId: "t1", tags: ["vip"] };
    expect(planUpdate(current, form, seen)).toEqual({ apply: { status: "pending" }, conflicts: [] });
  });

  test("from the API, a field named is a field to change, even to its old value", () => {
    // Li's integration asks for normal, not knowing Maria made it urgent: that is her change undone.
    expect(planUpdate(current, { priority: "normal" }, api).conflicts).toEqual([since[0]]);
    expect(planUpdate(current, { status: "pending" }, api)).toEqual({ apply: { status: "pending" }, conflicts: [] });
  });

  test("asking for what is already there is no conflict and no change", () => {
    expect(planUpdate(current, { priority: "urgent" }, seen)).toEqual({ apply: {}, conflicts: [] });
  });

  test("your own changes since that version never conflict with you", () => {
    const mine = { version: 3, changesSince: since, actorId: MARIA, wholeForm: false };
    expect(planUpdate(current, { priority: "high" }, mine)).toEqual({ apply: { priority: "high" }, conflicts: [] });
  });

  test("tags compare as sets and undo added tags to find what the page showed", () => {
    const tagged: FieldChange[] = [{ field: "tags", from: null, to: { added: ["vip"], removed: [] }, actorId: MARIA, at, version: 4 }];
    const page = { version: 3, changesSince: tagged, actorId: LI, wholeForm: true };
    // The page had no tags; sending that back is no change of Li's.
    expect(planUpdate(current, { tags: [] }, page)).toEqual({ apply: {}, conflicts: [] });
    expect(planUpdate(current, { tags: ["refund"] }, page).conflicts).toEqual(tagged);
    expect(planUpdate(current, { tags: ["vip"] }, page)).toEqual({ apply: {}, conflicts: [] });
  });
});

describe("buildTimeline", () => {
  const event = (id: number, e: Omit<StoredEvent, "id" | "txid">) => ({ ...e, id: BigInt(id), txid: 1n }) as StoredEvent;
  const names = { users: new Map([[LI, "Li Wei"], [MARIA, "Maria Santos"]]), policies: new Map(), teams: new Map([["t1", "Technical"]]) };

  test("changes one person made at one moment form one entry; messages are not entries", () => {
    const later = new Date(at.getTime() + 60_000);
    const entries = buildTimeline(
      [
        event(1, { type: "ticket.message_added", actorId: LI, at, data: { messageId: "m1", kind: "public" } }),
        event(2, { type: "ticket.priority_changed", actorId: LI, at, data: { from: "normal", to: "urgent" } }),
        event(3, { type: "ticket.assignee_changed", actorId: LI, at, data: { from: null, to: LI } }),
        event(4, { type: "ticket.assignee_changed", actorId: MARIA, at: later, data: { from: LI, to: MARIA } }),
        event(5, { type: "ticket.sla_breached", actorId: null, at: later, data: { target: "resolution", dueAt: later.toISOString() } }),
      ],
      names,
    );
    expect(entries.map((e) => [e.actor?.name ?? null, e.changes.map((c) => c.kind)])).toEqual([
      ["Li Wei", ["priority", "assignee"]],
      ["Maria Santos", ["assignee"]],
      [null, ["sla_breached"]],
    ]);
    expect(entries[0].changes[1]).toEqual({ kind: "assignee", from: null, to: "Li Wei", toSelf: true });
    expect(entries[1].changes[0]).toEqual({ kind: "assignee", from: "Li Wei", to: "Maria Santos", toSelf: true });
  });

  test("a field one command changed twice reads as one change, and one changed back reads as none", () => {
    const entries = buildTimeline(
      [
        event(1, { type: "ticket.status_changed", actorId: LI, at, data: { from: "new", to: "open" } }),
        event(2, { type: "ticket.priority_changed", actorId: LI, at, data: { from: "normal", to: "high" } }),
        event(3, { type: "ticket.status_changed", actorId: LI, at, data: { from: "open", to: "pending" } }),
        event(4, { type: "ticket.macro_applied", actorId: LI, at, data: { macroId: "m", name: "Waiting" } }),
        event(5, { type: "ticket.priority_changed", actorId: MARIA, at: new Date(at.getTime() + 1), data: { from: "high", to: "low" } }),
        event(6, { type: "ticket.priority_changed", actorId: MARIA, at: new Date(at.getTime() + 1), data: { from: "low", to: "high" } }),
      ],
      names,
    );
    expect(entries.map((e) => e.changes)).toEqual([
      [
        { kind: "status", from: "new", to: "pending" },
        { kind: "priority", from: "normal", to: "high" },
        { kind: "macro", name: "Waiting" },
      ],
    ]);
  });

  test("old system text that named nobody we know is kept as it was", () => {
    const entries = buildTimeline([event(1, { type: "ticket.legacy_note", actorId: LI, at, data: { text: "assignee:Former Colleague" } })], names);
    expect(entries[0].changes).toEqual([{ kind: "legacy", text: "assignee:Former Colleague" }]);
  });
});
