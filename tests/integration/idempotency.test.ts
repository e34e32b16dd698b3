// Idempotency-Key on creating requests, through the real API: a client whose
// request was cut off sends it again and gets the first result, never a
// second ticket or reply; a key reused for something else is refused.
import { describe, expect, test } from "vitest";
import { useLiveServer } from "../support/live.ts";

const { ctx, api, tokenFor } = useLiveServer();

const complaint = (subject: string) => ({
  type: "complaint",
  category: "technical",
  subject,
  description: "Since this morning the invoices page shows nothing at all.",
});

async function ticketsNamed(subject: string) {
  return ctx.db.ticket.count({ where: { subject } });
}

describe("Idempotency-Key", () => {
  test("filing again with the same key returns the first ticket, once; another key files another", async () => {
    const token = await tokenFor("ada@key.example");
    const send = (key: string) =>
      api("/tickets", { method: "POST", token, body: complaint("Invoices page is blank"), headers: { "Idempotency-Key": key } });

    const first = await send("file-1");
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();

    const retry = await send("file-1");
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(await ticketsNamed("Invoices page is blank")).toBe(1);

    const other = await send("file-2");
    expect(other.status).toBe(201);
    expect(other.body.number).not.toBe(first.body.number);
    expect(await ticketsNamed("Invoices page is blank")).toBe(2);
  });

  test("ten identical requests at the same moment create one ticket, and all ten get it", async () => {
    const token = await tokenFor("ada@key.example");
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        api("/tickets", { method: "POST", token, body: complaint("Raced ten times"), headers: { "Idempotency-Key": "race-1" } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.number)).size).toBe(1);
    expect(await ticketsNamed("Raced ten times")).toBe(1);
    // Its events were written once, so the agents' queue and timeline show it once.
    const ticket = await ctx.db.ticket.findFirstOrThrow({ where: { subject: "Raced ten times" } });
    expect(await ctx.db.domainEvent.count({ where: { ticketId: ticket.id, type: "ticket.created" } })).toBe(1);
  });

  test("a reply sent twice with one key is added once", async () => {
    const customer = await tokenFor("ada@key.example");
    const agent = await tokenFor("li@test.example");
    const filed = await api("/tickets", { method: "POST", token: customer, body: complaint("Reply twice") });
    const reply = () =>
      api(`/tickets/${filed.body.number}/messages`, {
        method: "POST",
        token: agent,
        body: { kind: "public", body: "We are on it." },
        headers: { "Idempotency-Key": "reply-1" },
      });
    const first = await reply();
    const second = await reply();
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    const messages = await api(`/tickets/${filed.body.number}/messages`, { token: agent });
    expect(messages.body.data.filter((m: { body: string }) => m.body === "We are on it.")).toHaveLength(1);
  });

  test("the same key for a different request is refused with 422 in the caller's language, and nothing is written", async () => {
    const token = await tokenFor("ada@key.example");
    const first = await api("/tickets", { method: "POST", token, body: complaint("First use"), headers: { "Idempotency-Key": "k-1" } });
    expect(first.status).toBe(201);
    const misuse = await api("/tickets", {
      method: "POST",
      token,
      lang: "zh-CN",
      body: complaint("Second use"),
      headers: { "Idempotency-Key": "k-1" },
    });
    expect(misuse.status).toBe(422);
    expect(misuse.body.error.message).toContain("Idempotency-Key");
    expect(misuse.body.error.message).toMatch(/已用于/);
    expect(await ticketsNamed("Second use")).toBe(0);
  });

  test("keys belong to their user: the same key from someone else is a new request", async () => {
    const ada = await tokenFor("ada@key.example");
    const otto = await tokenFor("otto@std.example");
    const a = await api("/tickets", { method: "POST", token: ada, body: complaint("Shared key"), headers: { "Idempotency-Key": "shared" } });
    const b = await api("/tickets", { method: "POST", token: otto, body: complaint("Shared key"), headers: { "Idempotency-Key": "shared" } });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.number).not.toBe(a.body.number);
    expect(b.headers.get("Idempotent-Replayed")).toBeNull();
  });

  test("a key that is not printable ASCII is a 400 naming the header", async () => {
    const token = await tokenFor("ada@key.example");
    const res = await api("/tickets", { method: "POST", token, body: complaint("Bad key"), headers: { "Idempotency-Key": "x".repeat(256) } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toHaveProperty("idempotency-key");
    expect(await ticketsNamed("Bad key")).toBe(0);
  });
});
