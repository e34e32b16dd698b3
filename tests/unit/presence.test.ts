import { describe, expect, test } from "vitest";
import { PresenceBoard, TYPING_TTL_MS, VIEWING_TTL_MS, type Announcement } from "../../server/realtime/presence.ts";

const li = (state: Announcement["state"], socketId = "tab-1"): Announcement => ({ ticketId: "t1", userId: "li", name: "Li Wei", socketId, state });
const maria = (state: Announcement["state"]): Announcement => ({ ticketId: "t1", userId: "maria", name: "Maria Santos", socketId: "m-1", state });

describe("who is on a ticket", () => {
  test("people viewing and typing, by name, each once", () => {
    const board = new PresenceBoard();
    expect(board.apply(maria("viewing"), 0)).toBe(true);
    expect(board.apply(li("typing"), 0)).toBe(true);
    // A second tab of Li's changes nobody's picture.
    expect(board.apply(li("viewing", "tab-2"), 10)).toBe(false);
    expect(board.viewers("t1", 20)).toEqual([
      { userId: "li", name: "Li Wei", typing: true },
      { userId: "maria", name: "Maria Santos", typing: false },
    ]);
  });

  test("typing stops when nothing renews it, or at once when the reply goes", () => {
    const board = new PresenceBoard();
    board.apply(li("typing"), 0);
    expect(board.viewers("t1", TYPING_TTL_MS - 1)[0].typing).toBe(true);
    expect(board.viewers("t1", TYPING_TTL_MS)[0].typing).toBe(false);
    board.apply(li("typing"), 100_000);
    expect(board.apply(li("viewing"), 100_001)).toBe(true);
    expect(board.viewers("t1", 100_002)[0].typing).toBe(false);
  });

  test("someone who left, or whose browser stopped renewing, is gone", () => {
    const board = new PresenceBoard();
    board.apply(li("viewing"), 0);
    board.apply(maria("viewing"), 0);
    expect(board.apply(maria("left"), 1)).toBe(true);
    expect(board.viewers("t1", 2).map((v) => v.name)).toEqual(["Li Wei"]);
    // Nothing more from Li: the sweep finds the change and forgets the entry.
    expect(board.expire(VIEWING_TTL_MS - 1, VIEWING_TTL_MS)).toEqual(["t1"]);
    expect(board.viewers("t1", VIEWING_TTL_MS)).toEqual([]);
    expect(board.expire(VIEWING_TTL_MS, VIEWING_TTL_MS + 1)).toEqual([]);
  });

  test("a renewed presence does not expire", () => {
    const board = new PresenceBoard();
    board.apply(li("viewing"), 0);
    board.apply(li("viewing"), VIEWING_TTL_MS - 1);
    expect(board.expire(VIEWING_TTL_MS - 1, VIEWING_TTL_MS + 1)).toEqual([]);
    expect(board.viewers("t1", VIEWING_TTL_MS + 1)).toHaveLength(1);
  });
});
