// Sessions live on the server: a cookie is only as good as its session row,
// which ends at sign-out, after a while without use, and after SESSION_DAYS
// whatever happens. The live socket asks the same question.
import { describe, expect, test } from "vitest";
import { useLiveServer } from "../support/live.ts";
import { io } from "socket.io-client";
import {
  IDLE_DAYS,
  pruneSessions,
  SESSION_DAYS,
  sessionUserId,
  startSession,
} from "../../server/auth/session.ts";

const { ctx, sessionCookie } = useLiveServer();
const DAY = 86_400_000;

describe("sessions", () => {
  test("each sign-in gets its own random id, and only a digest of it is stored", async () => {
    const [a, b] = [await startSession(ctx.db, ctx.fx.agent.id), await startSession(ctx.db, ctx.fx.agent.id)];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await ctx.db.session.findMany({ where: { userId: ctx.fx.agent.id } });
    expect(stored.map((s) => s.id)).not.toContain(a);
    expect(await sessionUserId(ctx.db, a)).toBe(ctx.fx.agent.id);
  });

  test("a session ends after a few idle days, and after its last day however busy", async () => {
    const start = new Date("2026-11-01T09:00:00Z");
    const idle = await startSession(ctx.db, ctx.fx.agent.id, start);
    expect(await sessionUserId(ctx.db, idle, new Date(start.getTime() + (IDLE_DAYS - 1) * DAY))).toBe(ctx.fx.agent.id);
    expect(await sessionUserId(ctx.db, idle, new Date(start.getTime() + (2 * IDLE_DAYS) * DAY))).toBeNull();

    const busy = await startSession(ctx.db, ctx.fx.agent.id, start);
    for (let day = 1; day < SESSION_DAYS; day++) {
      expect(await sessionUserId(ctx.db, busy, new Date(start.getTime() + day * DAY)), `day ${day}`).toBe(ctx.fx.agent.id);
    }
    expect(await sessionUserId(ctx.db, busy, new Date(start.getTime() + SESSION_DAYS * DAY + 1))).toBeNull();
  });

  test("ended and expired sessions are tidied away", async () => {
    const old = await startSession(ctx.db, ctx.fx.supervisor.id, new Date(Date.now() - 30 * DAY));
    const current = await startSession(ctx.db, ctx.fx.supervisor.id);
    expect(await pruneSessions(ctx.db)).toBeGreaterThanOrEqual(1);
    expect(await sessionUserId(ctx.db, old)).toBeNull();
    expect(await sessionUserId(ctx.db, current)).toBe(ctx.fx.supervisor.id);
  });
});

describe("the live channel", () => {
  test("refuses a cookie whose session has ended, however well signed", async () => {
    const cookie = await sessionCookie(ctx.fx.agent.id);
    const open = (headers: Record<string, string>) => {
      const socket = io(ctx.server.url, { transports: ["websocket"], extraHeaders: headers, forceNew: true, reconnection: false });
      return new Promise<string>((resolve) => {
        socket.once("connect", () => resolve("connected"));
        socket.once("connect_error", (error) => resolve(`refused: ${error.message}`));
      }).finally(() => socket.disconnect());
    };
    expect(await open({ Cookie: cookie })).toBe("connected");
    // Signed out elsewhere: the session row is gone, the cookie is not.
    await ctx.db.session.deleteMany({ where: { userId: ctx.fx.agent.id } });
    expect(await open({ Cookie: cookie })).toBe("refused: unauthorized");
  });
});
