// A time-based automation's run reads as an entry of its own in the ticket's
// timeline, named after the automation: "Automation “Close solved tickets”
// changed the status from Solved to Closed".
import { describe, expect, test } from "vitest";
import { createI18n } from "../../app/i18n/i18n.ts";
import { buildTimeline } from "../../server/tickets/timeline.ts";
import type { NewEvent, StoredEvent } from "../../server/events/types.ts";

const at = new Date("2026-12-04T09:00:00Z");
let id = 0n;
const event = (e: Pick<NewEvent, "type" | "data"> & { actorId?: string | null }): StoredEvent =>
  ({ id: ++id, txid: 1n, ticketId: "ticket", customerId: "customer", actorId: e.actorId ?? null, at, type: e.type, data: e.data }) as StoredEvent;
const names = { users: new Map([["li", "Li Wei"]]), teams: new Map(), policies: new Map() };

const applied = (automationId: string, name: string, extras: { replies?: string[]; notes?: string[]; notified?: string[] } = {}) =>
  event({ type: "ticket.automation_applied", data: { automationId, name, replies: [], notes: [], notified: [], version: 5, ...extras } });
const cause = (automationId: string, automationName: string) => ({ automationId, automationName });

describe("an automation in the timeline", () => {
  test("its changes form its own entry, by nobody, named after it", () => {
    const timeline = buildTimeline(
      [
        applied("close", "Close solved tickets"),
        event({ type: "ticket.status_changed", data: { from: "solved", to: "closed", version: 5, cause: cause("close", "Close solved tickets") } }),
        // Another automation at the same moment: an entry of its own.
        applied("tag", "Tag old tickets"),
        event({ type: "ticket.tags_changed", data: { added: ["old"], removed: [], version: 5, cause: cause("tag", "Tag old tickets") } }),
      ],
      names,
    );
    expect(timeline.map((e) => [e.automation, e.actor, e.changes])).toEqual([
      ["Close solved tickets", null, [{ kind: "status", from: "solved", to: "closed" }]],
      ["Tag old tickets", null, [{ kind: "tags", added: ["old"], removed: [] }]],
    ]);

    for (const [locale, sentence] of [
      ["en", "Automation “Close solved tickets” changed the status from Solved to Closed"],
      ["zh-CN", "自动化“Close solved tickets”"],
    ] as const) {
      const { t } = createI18n(locale);
      const text = t("timeline.entry", {
        actor: t("timeline.automation.actor", { name: "Close solved tickets" }),
        changes: t("timeline.status", { from: t("ticket.statusStaff.solved"), to: t("ticket.statusStaff.closed") }),
      });
      expect(text).toContain(sentence);
    }
  });

  test("its replies, notes and notifications are counted; one that changed nothing says it ran", () => {
    const [reminded, idle] = buildTimeline(
      [applied("remind", "Remind", { replies: ["m1"], notes: ["n1", "n2"] }), { ...applied("idle", "Idle"), at: new Date(at.getTime() + 1000) }],
      names,
    );
    expect(reminded).toMatchObject({ automation: "Remind", changes: [{ kind: "automation_extras", replies: 1, notes: 2, notified: 0 }] });
    expect(idle).toMatchObject({ automation: "Idle", changes: [{ kind: "automation_extras", replies: 0, notes: 0, notified: 0 }] });
    const { t } = createI18n("en");
    expect(t("timeline.automation.replies", { count: 1 })).toBe("replied to the customer");
    expect(t("timeline.automation.nothing")).toBe("ran (nothing to change)");
  });

  test("a person's change at the same moment stays the person's", () => {
    const timeline = buildTimeline(
      [
        applied("close", "Close solved tickets"),
        event({ type: "ticket.status_changed", data: { from: "solved", to: "closed", version: 5, cause: cause("close", "Close solved tickets") } }),
        event({ type: "ticket.priority_changed", actorId: "li", data: { from: "normal", to: "high", version: 6 } }),
      ],
      names,
    );
    expect(timeline.map((e) => [e.automation ?? null, e.actor?.name ?? null])).toEqual([
      ["Close solved tickets", null],
      [null, "Li Wei"],
    ]);
  });
});
