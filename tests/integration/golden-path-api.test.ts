// The golden path through the JSON API and the live channel, on a real
// PostgreSQL and Meilisearch: file a complaint, see it arrive live, reply,
// note, solve, rate, and watch the health score move.
import { describe, expect, test } from "vitest";
import { record, until, useLiveServer, watch } from "../support/live.ts";
import { runtimeSettings, setRuntimeSettings } from "../../server/runtime.ts";
import type { LiveMessage, QueueTicket } from "../../server/realtime/protocol.ts";

const { ctx, api, tokenFor, connect } = useLiveServer();

describe("golden path over the API and the live channel", () => {
  test("complaint → live queue → reply and note → solved → CSAT → health", async () => {
    const agentSocket = await connect(ctx.fx.agent.id);
    const customerSocket = await connect(ctx.fx.keyCustomer.id);
    const strangerSocket = await connect(ctx.fx.otherCustomer.id);
    const agentSaw = record(agentSocket);
    const customerSaw = record(customerSocket);
    const strangerSaw = record(strangerSocket);

    const customerToken = await tokenFor("ada@key.example");
    const agentToken = await tokenFor("li@test.example");
    const strangerToken = await tokenFor("otto@std.example");

    // 1-2. A key-tier customer files a complaint; it gets the strict SLA.
    const created = await api("/tickets", {
      method: "POST",
      token: customerToken,
      body: { type: "complaint", category: "technical", subject: "Invoices page is blank", description: "Since this morning the invoices page shows nothing at all." },
    });
    expect(created.status).toBe(201);
    const number = created.body.number as number;
    const createdAt = new Date(created.body.createdAt).getTime();
    expect(new Date(created.body.firstResponseDueAt).getTime() - createdAt).toBe(60 * 60_000);
    expect(new Date(created.body.resolutionDueAt).getTime() - createdAt).toBe(480 * 60_000);
    expect(created.body.sla).toBeUndefined(); // staff-only fields stay hidden from customers

    // 3. The agent's open queue receives it live.
    const queued = await until(
      () => (agentSaw["queue:ticket"] as QueueTicket[] | undefined)?.find((q) => q.number === number),
      "the new ticket in the agent's queue",
    );
    expect(queued.subject).toBe("Invoices page is blank");
    expect(queued.requesterTier).toBe("key");

    // 4. Reply publicly and add an internal note.
    expect(await watch(customerSocket, number)).toEqual({ ok: true });
    expect(await watch(agentSocket, number)).toEqual({ ok: true });
    expect(await watch(strangerSocket, number)).toEqual({ ok: false, error: "not_found" });

    const note = await api(`/tickets/${number}/messages`, {
      method: "POST",
      token: agentToken,
      body: { kind: "internal", body: "Key account, escalate to billing engineering if needed" },
    });
    expect(note.status).toBe(201);
    const reply = await api(`/tickets/${number}/messages`, {
      method: "POST",
      token: agentToken,
      body: { kind: "public", body: "Sorry about that! We are looking into it now." },
    });
    expect(reply.status).toBe(201);

    const liveReply = await until(
      () => (customerSaw["ticket:message"] as LiveMessage[] | undefined)?.find((m) => m.id === reply.body.id),
      "the reply on the customer's page",
    );
    expect(liveReply.body).toContain("looking into it");
    await until(
      () => (agentSaw["ticket:message"] as LiveMessage[] | undefined)?.find((m) => m.id === note.body.id),
      "the note on the agent's page",
    );

    // The internal note never reaches the customer: not over the socket, not in the API.
    const customerView = await api(`/tickets/${number}`, { token: customerToken });
    expect(customerView.status).toBe(200);
    expect(customerView.body.messages.map((m: { body: string }) => m.body)).not.toContain(
      "Key account, escalate to billing engineering if needed",
    );
    expect(customerView.body.messages.every((m: { kind: string }) => m.kind !== "internal")).toBe(true);
    const customerMessages = await api(`/tickets/${number}/messages`, { token: customerToken });
    expect(customerMessages.body.data.some((m: { kind: string }) => m.kind === "internal")).toBe(false);
    const customerInternal = await api(`/tickets/${number}/messages`, {
      method: "POST",
      token: customerToken,
      body: { kind: "internal", body: "sneaky" },
    });
    expect(customerInternal.status).toBe(403);

    // Another customer cannot see the ticket at all.
    expect((await api(`/tickets/${number}`, { token: strangerToken })).status).toBe(404);
    expect((await api("/tickets", { token: strangerToken })).body.data).toEqual([]);

    // The first reply stopped the first-response clock.
    const agentView = await api(`/tickets/${number}`, { token: agentToken });
    expect(agentView.body.firstRespondedAt).not.toBeNull();
    expect(agentView.body.status).toBe("open");
    expect(agentView.body.messages.some((m: { kind: string }) => m.kind === "internal")).toBe(true);

    // 5. Solve: a one-time survey link appears for the customer only.
    const solved = await api(`/tickets/${number}`, { method: "PATCH", token: agentToken, body: { status: "solved" } });
    expect(solved.status).toBe(200);
    expect(solved.body.status).toBe("solved");
    const afterSolve = await api(`/tickets/${number}`, { token: customerToken });
    const surveyToken = afterSolve.body.survey.token as string;
    expect(surveyToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect((await api(`/tickets/${number}`, { token: agentToken })).body.survey.token).toBeNull();

    // Writing back reopens the ticket: no rating prompt while it is worked again.
    // Solved once more, it offers the same survey.
    const writesBack = await api(`/tickets/${number}/messages`, { method: "POST", token: customerToken, body: { body: "One more thing: the totals." } });
    expect(writesBack.status).toBe(201);
    const reopened = await api(`/tickets/${number}`, { token: customerToken });
    expect(reopened.body.status).toBe("open");
    expect(reopened.body.survey.token).toBeNull();
    expect((await api(`/tickets/${number}`, { method: "PATCH", token: agentToken, body: { status: "solved" } })).status).toBe(200);
    expect((await api(`/tickets/${number}`, { token: customerToken })).body.survey.token).toBe(surveyToken);

    const customerId = ctx.fx.keyCustomer.customerId!;
    const healthBefore = await api(`/customers/${customerId}/health`, { token: agentToken });
    expect(healthBefore.status).toBe(200);

    const survey = await api(`/surveys/${surveyToken}`);
    expect(survey.body).toMatchObject({ ticketNumber: number, answered: false, expired: false });
    const rated = await api(`/surveys/${surveyToken}`, { method: "POST", body: { rating: 1, comment: "Took too long" } });
    expect(rated.status).toBe(201);
    const again = await api(`/surveys/${surveyToken}`, { method: "POST", body: { rating: 5 } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");

    // 6. The rating moved the customer's health score, with named components.
    const healthAfter = await api(`/customers/${customerId}/health`, { token: agentToken });
    expect(healthAfter.body.score).toBeLessThan(healthBefore.body.score);
    const csat = healthAfter.body.components.find((c: { key: string }) => c.key === "csat");
    expect(csat.value).toBe(0);
    // In words for people: which rating on which ticket cost how much.
    expect(csat.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ ticketNumber: number, rating: 1 })]));
    expect(healthAfter.body.history[0].reason).toBe("csat_answered");
    expect((await api(`/customers/${customerId}/health`, { token: customerToken })).status).toBe(200);
    expect((await api(`/customers/${customerId}/health`, { token: strangerToken })).status).toBe(403);

    // The low rating opened a follow-up for the team.
    const followUp = await api(`/tickets/${number}`, { token: agentToken });
    expect(followUp.body.tags).toContain("csat-low");

    // Nothing about this ticket ever reached the other customer's socket.
    expect(Object.keys(strangerSaw)).toEqual([]);
    expect(customerSaw["queue:ticket"]).toBeUndefined();
    const leaked = (customerSaw["ticket:message"] as LiveMessage[]).filter((m) => m.kind === "internal");
    expect(leaked).toEqual([]);
  });
});

describe("API contract", () => {
  test("bad input is a 400 with field errors in the caller's language, and writes nothing", async () => {
    const token = await tokenFor("ada@key.example");
    const before = await ctx.db.ticket.count();
    const en = await api("/tickets", { method: "POST", token, body: { type: "rant", subject: "x" } });
    expect(en.status).toBe(400);
    expect(en.body.error.code).toBe("validation_failed");
    expect(Object.keys(en.body.error.details).sort()).toEqual(["category", "description", "subject", "type"]);
    expect(en.body.error.details.subject[0]).toMatch(/at least 3 characters/);
    const zh = await api("/tickets", { method: "POST", token, body: { type: "rant" }, lang: "zh-CN,zh;q=0.9" });
    expect(zh.body.error.details.type[0]).toMatch(/[\u4e00-\u9fff]/);
    expect(await ctx.db.ticket.count()).toBe(before);
  });

  test("requests without a valid token are refused with a JSON error", async () => {
    const res = await api("/tickets", { token: "hd_not-a-real-token-at-all-xxxxxxxx" });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "unauthorized" });
    const wrong = await api("/auth/token", { method: "POST", body: { email: "ada@key.example", password: "nope" } });
    expect(wrong.status).toBe(401);
  });

  test("an agent only sees tickets of their teams; a supervisor sees all", async () => {
    const customerToken = await tokenFor("otto@std.example");
    const billing = await api("/tickets", {
      method: "POST",
      token: customerToken,
      body: { type: "inquiry", category: "billing", subject: "VAT number on invoice", description: "How do I add my VAT number to invoices?" },
    });
    expect(billing.status).toBe(201);
    const agentToken = await tokenFor("li@test.example");
    expect((await api(`/tickets/${billing.body.number}`, { token: agentToken })).status).toBe(404);
    const billingToken = await tokenFor("bo@test.example");
    expect((await api(`/tickets/${billing.body.number}`, { token: billingToken })).status).toBe(200);
    const supervisorToken = await tokenFor("sup@test.example");
    expect((await api(`/tickets/${billing.body.number}`, { token: supervisorToken })).status).toBe(200);
    const patch = await api(`/tickets/${billing.body.number}`, {
      method: "PATCH",
      token: customerToken,
      body: { status: "closed" },
    });
    expect(patch.status).toBe(403);
  });

  test("/healthz reports the database and search, and the OpenAPI document lists the API", async () => {
    const health = await fetch(`${ctx.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", database: "up", search: "up" });
    const doc = (await (await fetch(`${ctx.server.url}/api/v1/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/auth/token", "/tickets", "/tickets/{number}", "/tickets/{number}/messages", "/surveys/{token}", "/customers/{id}/health", "/kb/search"]),
    );
    expect(doc.paths["/tickets"].post.requestBody.content["application/json"].schema.properties.type.enum).toEqual([
      "complaint",
      "inquiry",
    ]);
  });

  test("with search down, tickets still work, search says it is unavailable and /healthz shows it", async () => {
    const settings = runtimeSettings();
    setRuntimeSettings({ ...settings, meiliUrl: "http://127.0.0.1:9" }); // nothing listens there
    try {
      const token = await tokenFor("otto@std.example");
      const created = await api("/tickets", {
        method: "POST",
        token,
        body: { type: "inquiry", category: "technical", subject: "Works without search?", description: "Filing while the search server is down." },
      });
      expect(created.status).toBe(201);
      const search = await api("/kb/search?q=password&locale=en");
      expect(search.status).toBe(503);
      expect(search.body.error.code).toBe("unavailable");
      const health = (await (await fetch(`${ctx.server.url}/healthz`)).json()) as Record<string, string>;
      expect(health).toEqual({ status: "degraded", database: "up", search: "down" });
    } finally {
      setRuntimeSettings(settings);
    }
  });
  test("a refused filing uses up no ticket number: the next one follows on", async () => {
    const customerToken = await tokenFor("ada@key.example");
    const file = (category: string) =>
      api("/tickets", {
        method: "POST",
        token: customerToken,
        body: { type: "inquiry", category, subject: "Numbering check", description: "Which number does this one get?" },
      });
    const first = await file("technical");
    expect(first.status).toBe(201);
    expect((await file("no-such-category")).status).toBe(400);
    const next = await file("technical");
    expect(next.status).toBe(201);
    expect(next.body.number).toBe(first.body.number + 1);
  });
});
