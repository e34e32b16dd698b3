// Talking to a running helpdesk server as its clients do: the JSON API with
// bearer tokens, and Socket.IO with a session cookie.
import { afterAll, beforeAll, expect } from "vitest";
import { io, type Socket } from "socket.io-client";
import { sessionStorage, startSession } from "../../server/auth/session.ts";
import { db } from "../../server/db/client.ts";
import { startHelpdesk, type HelpdeskProcess } from "../../server/app.ts";
import { forgetSingleton, runtimeSettings } from "../../server/runtime.ts";
import { ensureSearchSettings } from "../../search/articles.ts";
import { createFixtures, PASSWORD } from "./factories.ts";
import { freshDatabase, useTestRuntime, type TestDatabase } from "./services.ts";

export function liveClient(baseUrl: () => string) {
  const sockets: Socket[] = [];

  async function api(
    path: string,
    init: { method?: string; token?: string; body?: unknown; lang?: string; headers?: Record<string, string> } = {},
  ) {
    const res = await fetch(`${baseUrl()}/api/v1${path}`, {
      method: init.method ?? "GET",
      headers: {
        "Content-Type": "application/json",
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
        ...(init.lang ? { "Accept-Language": init.lang } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json()) as any, headers: res.headers };
  }

  async function tokenFor(email: string) {
    const res = await api("/auth/token", { method: "POST", body: { email, password: PASSWORD } });
    expect(res.status).toBe(201);
    return res.body.token as string;
  }

  async function sessionCookie(userId: string) {
    const session = await sessionStorage().getSession();
    session.set("sid", await startSession(db(), userId));
    return (await sessionStorage().commitSession(session)).split(";")[0];
  }

  async function connect(userId: string): Promise<Socket> {
    const socket = io(baseUrl(), {
      transports: ["websocket"],
      extraHeaders: { Cookie: await sessionCookie(userId) },
      forceNew: true,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    return socket;
  }

  return {
    api,
    tokenFor,
    sessionCookie,
    connect,
    disconnectAll: () => sockets.forEach((s) => s.disconnect()),
  };
}

/** Everything a socket received, by event name. */
export function record(socket: Socket) {
  const seen: Record<string, unknown[]> = {};
  socket.onAny((event: string, payload: unknown) => {
    (seen[event] ??= []).push(payload);
  });
  return seen;
}

export async function until<T>(probe: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls an async probe (e.g. a database read) until it gives a value. */
export async function waitFor<T>(probe: () => Promise<T | null | undefined>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens a socket with these handshake headers and says how the server answered: "connected" or "refused: <reason>". */
export async function handshake(url: string, headers: Record<string, string>): Promise<string> {
  const socket = io(url, { transports: ["websocket"], extraHeaders: headers, forceNew: true, reconnection: false });
  try {
    return await new Promise<string>((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (error) => resolve(`refused: ${error.message}`));
    });
  } finally {
    socket.disconnect();
  }
}

export const watch = (socket: Socket, number: unknown) =>
  new Promise<{ ok: boolean; error?: string }>((resolve) => socket.emit("ticket:watch", { number }, resolve));

/**
 * A helpdesk server (API and sockets; no Remix build needed) on a fresh
 * database with the standard fixtures, started before and stopped after the
 * test file. Read `ctx.server`, `ctx.db`, `ctx.fx` inside tests.
 */
export function useLiveServer() {
  const ctx = {} as {
    server: HelpdeskProcess & { url: string };
    database: TestDatabase;
    db: TestDatabase["db"];
    fx: Awaited<ReturnType<typeof createFixtures>>;
  };
  const client = liveClient(() => ctx.server.url);
  beforeAll(async () => {
    ctx.database = await freshDatabase();
    ctx.db = ctx.database.db;
    useTestRuntime(ctx.database.url);
    forgetSingleton("db");
    ctx.fx = await createFixtures(ctx.db);
    await ensureSearchSettings();
    const started = await startHelpdesk({ settings: runtimeSettings(), port: 0, host: "127.0.0.1" });
    ctx.server = { ...started, url: started.url! };
  });
  afterAll(async () => {
    client.disconnectAll();
    await ctx.server?.close();
    await ctx.database?.drop();
  });
  return { ctx, ...client };
}
