// Talking to a running helpdesk server as its clients do: the JSON API with
// bearer tokens, and Socket.IO with a session cookie.
import { expect } from "vitest";
import { io, type Socket } from "socket.io-client";
import { sessionStorage } from "../../server/auth/session.ts";
import { PASSWORD } from "./factories.ts";

export function liveClient(baseUrl: () => string) {
  const sockets: Socket[] = [];

  async function api(path: string, init: { method?: string; token?: string; body?: unknown; lang?: string } = {}) {
    const res = await fetch(`${baseUrl()}/api/v1${path}`, {
      method: init.method ?? "GET",
      headers: {
        "Content-Type": "application/json",
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
        ...(init.lang ? { "Accept-Language": init.lang } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  async function tokenFor(email: string) {
    const res = await api("/auth/token", { method: "POST", body: { email, password: PASSWORD } });
    expect(res.status).toBe(201);
    return res.body.token as string;
  }

  async function sessionCookie(userId: string) {
    const session = await sessionStorage().getSession();
    session.set("userId", userId);
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

export const watch = (socket: Socket, number: unknown) =>
  new Promise<{ ok: boolean; error?: string }>((resolve) => socket.emit("ticket:watch", { number }, resolve));
