// The API keeps its published contract: every documented route is called for
// real (success and its error statuses), and every response body is checked
// against the schema that GET /api/v1/openapi.json declares for that route and
// status. A route the router serves but the document lacks, a status a route
// answers but does not document, or a documented route/status never exercised
// here fails the build.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { useLiveServer, waitFor as until } from "../support/live.ts";
import { apiRouter } from "../../server/api/router.ts";
import { runtimeSettings, setRuntimeSettings } from "../../server/runtime.ts";
import { reindexAllArticles } from "../../search/articles.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { meili, waitForTask } from "../../search/client.ts";
import { emailPreference, NOTIFICATION_KINDS } from "../../server/notifications/service.ts";
import { transactionOf } from "../../server/db/client.ts";
import { queueMails } from "../../server/mail/outbox.ts";
import { storeReceivedMail } from "../../server/mail/inbound/store.ts";
import { INBOUND_RAW_DAYS, pruneInboundMail } from "../../server/mail/inbound/admin.ts";

const live = useLiveServer();
const { ctx } = live;

type Method = "get" | "post" | "patch" | "delete";
interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Partial<Record<Method, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>>;
  components: object;
}

let doc: OpenApiDoc;
const ajv = new Ajv2020({
  strict: false, // the document carries OpenAPI keywords (components) next to JSON Schema
  allErrors: true,
  formats: {
    "date-time": (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)),
    uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    email: /^[^\s@]+@[^\s@]+$/,
  },
});
const validators = new Map<string, ValidateFunction>();
/** "get /tickets/{number} 404" for each documented route and status a test produced. */
const exercised = new Set<string>();

/** The documented path template a concrete path belongs to. */
function templateOf(path: string): string | undefined {
  const bare = path.split("?")[0];
  // A literal path (/tickets/bulk) wins over a template it also fits (/tickets/{number}).
  const params = (template: string) => template.split("{").length;
  return Object.keys(doc.paths)
    .filter((template) => new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`).test(bare))
    .sort((a, b) => params(a) - params(b))[0];
}

/** Calls the API and checks the answer against the served document. */
async function call(
  path: string,
  init: { method?: Method; token?: string; body?: unknown; lang?: string; headers?: Record<string, string> } = {},
) {
  const method = init.method ?? "get";
  const res = await live.api(path, { ...init, method: method.toUpperCase() });
  const template = templateOf(path);
  expect(template, `${path} is in the document`).toBeDefined();
  const operation = doc.paths[template!][method];
  expect(operation, `${method.toUpperCase()} ${template} is in the document`).toBeDefined();
  const key = `${method} ${template} ${res.status}`;
  const schema = operation!.responses[String(res.status)]?.content?.["application/json"]?.schema;
  expect(schema, `${key} is documented (body: ${JSON.stringify(res.body)})`).toBeDefined();
  let validate = validators.get(key);
  if (!validate) {
    // Refs point at #/components/schemas/…: give each response schema the components as its root.
    validate = ajv.compile({ ...schema, components: doc.components });
    validators.set(key, validate);
  }
  if (!validate(res.body)) {
    throw new Error(`${key}: body does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body)}`);
  }
  exercised.add(key);
  return res;
}

const tokens = {} as Record<"customer" | "other" | "agent" | "billing" | "supervisor" | "admin", string>;

async function fileTicket(token: string, subject: string, extra: Record<string, unknown> = {}) {
  const res = await call("/tickets", {
    method: "post",
    token,
    body: { type: "inquiry", category: "technical", subject, description: "Filed by the contract test, long enough.", ...extra },
  });
  expect(res.status).toBe(201);
  return res.body as { number: number; id: string };
}

beforeAll(async () => {
  doc = (await (await fetch(`${ctx.server.url}/api/v1/openapi.json`)).json()) as OpenApiDoc;
  tokens.customer = await live.tokenFor("ada@key.example");
  tokens.other = await live.tokenFor("otto@std.example");
  tokens.agent = await live.tokenFor("li@test.example");
  tokens.billing = await live.tokenFor("bo@test.example");
  tokens.supervisor = await live.tokenFor("sup@test.example");
  tokens.admin = await live.tokenFor("admin@test.example");
});

afterAll(async () => {
  const prefix = runtimeSettings().searchIndexPrefix;
  if (!prefix) return;
  const { results } = await meili().getRawIndexes({ limit: 1000 });
  for (const index of results.filter((i) => i.uid.startsWith(prefix))) await waitForTask(meili().deleteIndex(index.uid));
});

describe("the document", () => {
  test("is served as OpenAPI 3.1 and names its schemas", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.components.schemas)).toEqual(
      expect.arrayContaining(["Ticket", "StaffTicket", "CustomerTicket", "TicketDetail", "Message", "TicketPage", "Survey", "CustomerHealth", "ArticleSearchPage", "Me", "Token", "Error"]),
    );
  });

  test("lists exactly the routes the router serves", () => {
    const served = apiRouter()
      .stack.filter((layer) => layer.route)
      .flatMap((layer) => {
        const route = layer.route as unknown as { path: string; methods: Record<string, boolean> };
        const path = route.path.replace(/:(\w+)/g, "{$1}");
        return Object.keys(route.methods).map((method) => `${method} ${path}`);
      });
    const documented = Object.entries(doc.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(served.filter((route) => !documented.includes(route)), "served but not documented").toEqual([]);
    expect(documented.filter((route) => !served.includes(route)), "documented but not served").toEqual([]);
  });
});

describe("accounts", () => {
  test("tokens: issued for a good password, refused for a bad one, paused after repeated failures", async () => {
    const issued = await call("/auth/token", { method: "post", body: { email: "ADA@key.example", password: "correct-horse-battery" } });
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(/^hd_/);
    expect((await call("/auth/token", { method: "post", body: { email: "not-an-email", password: "" } })).body.error.details).toHaveProperty("email");
    expect((await call("/auth/token", { method: "post", body: { email: "ada@key.example", password: "wrong" } })).status).toBe(401);

    let status = 0;
    for (let attempt = 0; attempt < 12 && status !== 429; attempt++) {
      status = (await call("/auth/token", { method: "post", body: { email: "locked@test.example", password: "guess" } })).status;
    }
    expect(status).toBe(429);
  });

  test("/me is the token's user", async () => {
    const me = await call("/me", { token: tokens.customer });
    expect(me.body).toMatchObject({ email: "ada@key.example", role: "customer", customerId: ctx.fx.keyCustomer.customerId });
    expect((await call("/me", { token: tokens.agent })).body.customerId).toBeNull();
    expect((await call("/me")).status).toBe(401);
  });
});

describe("tickets", () => {
  test("customers get the customer shape, staff the staff shape; bad input is a 400 in the caller's language", async () => {
    const mine = await fileTicket(tokens.customer, "Customer-filed ticket");
    expect(mine).not.toHaveProperty("sla");
    const forCustomer = await call("/tickets", {
      method: "post",
      token: tokens.agent,
      body: { type: "complaint", category: "technical", subject: "Filed by staff", description: "Phoned in, noted by the agent.", requesterEmail: "ada@key.example", priority: "high" },
    });
    expect(forCustomer.body).toMatchObject({ priority: "high", requester: { email: "ada@key.example" }, team: { name: "Support" } });

    const bad = await call("/tickets", { method: "post", token: tokens.customer, body: { type: "rant" }, lang: "zh-CN" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.type[0]).toMatch(/[\u4e00-\u9fff]/);
    expect((await call("/tickets", { method: "post", body: {} })).status).toBe(401);
  });

  test("an Idempotency-Key makes a retried creation answer with the first result; the key reused otherwise is a 422", async () => {
    const body = { type: "inquiry", category: "technical", subject: "Sent twice", description: "The connection dropped while sending." };
    const headers = { "Idempotency-Key": "contract-ticket" };
    const first = await call("/tickets", { method: "post", token: tokens.customer, body, headers });
    const again = await call("/tickets", { method: "post", token: tokens.customer, body, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const misuse = await call("/tickets", { method: "post", token: tokens.customer, body: { ...body, subject: "Else" }, headers });
    expect(misuse.status).toBe(422);

    const reply = { body: "Sent once, received once." };
    const replyHeaders = { "Idempotency-Key": "contract-reply" };
    const path = `/tickets/${first.body.number}/messages`;
    const sent = await call(path, { method: "post", token: tokens.customer, body: reply, headers: replyHeaders });
    expect((await call(path, { method: "post", token: tokens.customer, body: reply, headers: replyHeaders })).body).toEqual(sent.body);
    const other = await call(path, { method: "post", token: tokens.customer, body: { body: "Something else" }, headers: replyHeaders });
    expect(other.status).toBe(422);
  });

  test("the list pages with limit, cursor and nextCursor, newest first, without gaps or repeats", async () => {
    const filed: number[] = [];
    for (let i = 0; i < 5; i++) filed.push((await fileTicket(tokens.other, `Paging ticket ${i}`)).number);

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: any } = await call(`/tickets?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: tokens.other });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(5);
      seen.push(...res.body.data.map((t: { number: number }) => t.number));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...filed].reverse());

    // Staff see the staff shape in lists too; filters combine with paging.
    const staffPage = await call("/tickets?status=active&view=all&limit=1", { token: tokens.supervisor });
    expect(staffPage.body.data[0]).toHaveProperty("sla");
    expect(staffPage.body.nextCursor).toEqual(expect.any(String));
  });

  test("a malformed cursor or limit is a 400 naming the field", async () => {
    const garbage = await call("/tickets?cursor=bm90LWEtY3Vyc29y", { token: tokens.other }); // "not-a-cursor"
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe("validation_failed");
    expect(garbage.body.error.details.cursor).toEqual(["This page link is not valid. Start again from the first page."]);
    expect((await call("/tickets?cursor=%%%", { token: tokens.other })).body.error.details).toHaveProperty("cursor");
    const limit = await call("/tickets?limit=0", { token: tokens.other, lang: "zh-CN" });
    expect(limit.status).toBe(400);
    expect(limit.body.error.details.limit[0]).toMatch(/[\u4e00-\u9fff]/);
    expect((await call("/tickets?status=lost", { token: tokens.other })).body.error.details).toHaveProperty("status");
    expect((await call("/tickets")).status).toBe(401);
  });

  test("a ticket's detail: thread and survey; others' tickets and bad numbers are not found", async () => {
    const { number } = await fileTicket(tokens.customer, "Detail ticket");
    const mine = await call(`/tickets/${number}`, { token: tokens.customer });
    expect(mine.body).toMatchObject({ number, survey: null });
    expect(mine.body.messages).toHaveLength(1);
    expect((await call(`/tickets/${number}`, { token: tokens.agent })).body.requester.email).toBe("ada@key.example");
    expect((await call(`/tickets/${number}`, { token: tokens.other })).status).toBe(404);
    const notANumber = await call("/tickets/abc", { token: tokens.customer });
    expect(notANumber.status).toBe(404);
    expect(notANumber.body.error.message).toBe("That request does not exist or is not yours to see.");
    expect((await call(`/tickets/${number}`)).status).toBe(401);
  });

  test("changes: staff only, valid transitions only", async () => {
    const { number } = await fileTicket(tokens.customer, "Ticket to change");
    const changed = await call(`/tickets/${number}`, { method: "patch", token: tokens.agent, body: { priority: "urgent" } });
    expect(changed.status).toBe(200);
    expect(changed.body.priority).toBe("urgent");
    const nothing = await call(`/tickets/${number}`, { method: "patch", token: tokens.agent, body: {} });
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.details._form).toEqual(["Nothing to change."]);
    expect((await call(`/tickets/${number}`, { method: "patch", token: tokens.customer, body: { status: "closed" } })).status).toBe(403);
    expect((await call(`/tickets/${number}`, { method: "patch", token: tokens.billing, body: { status: "open" } })).status).toBe(404);
    expect((await call(`/tickets/${number}`, { method: "patch", body: { status: "open" } })).status).toBe(401);
    expect((await call(`/tickets/${number}`, { method: "patch", token: tokens.agent, body: { status: "closed" } })).status).toBe(200);
    const reopen = await call(`/tickets/${number}`, { method: "patch", token: tokens.agent, body: { status: "open" } });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.code).toBe("conflict");
  });

  test("merge: a duplicate joins the ticket that carries on; staff only, same requester only", async () => {
    const target = await fileTicket(tokens.customer, "Merge target");
    const source = await fileTicket(tokens.customer, "Merge duplicate");
    const merged = await call(`/tickets/${source.number}/merge`, { method: "post", token: tokens.agent, body: { into: target.number } });
    expect(merged.status).toBe(200);
    expect(merged.body.number).toBe(target.number);
    const thread = await call(`/tickets/${target.number}/messages`, { token: tokens.customer });
    expect(thread.body.data.map((m: { body: string }) => m.body)).toContain("Filed by the contract test, long enough.");
    expect(thread.body.data).toHaveLength(3);
    // Merged already; someone else's ticket; a customer; nobody; a bad number.
    expect((await call(`/tickets/${source.number}/merge`, { method: "post", token: tokens.agent, body: { into: target.number } })).status).toBe(409);
    const others = await fileTicket(tokens.other, "Someone else's");
    const refused = await call(`/tickets/${others.number}/merge`, { method: "post", token: tokens.agent, body: { into: target.number } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("same requester");
    expect((await call(`/tickets/${target.number}/merge`, { method: "post", token: tokens.customer, body: { into: others.number } })).status).toBe(403);
    expect((await call(`/tickets/${target.number}/merge`, { method: "post", token: tokens.billing, body: { into: others.number } })).status).toBe(404);
    expect((await call(`/tickets/${target.number}/merge`, { method: "post", body: { into: others.number } })).status).toBe(401);
    expect((await call(`/tickets/${target.number}/merge`, { method: "post", token: tokens.agent, body: { into: "twelve" } })).body.error.details).toHaveProperty("into");
  });

  test("bulk: each ticket changed on its own, refusals reported per ticket in the caller's language", async () => {
    const a = await fileTicket(tokens.customer, "Bulk one");
    const b = await fileTicket(tokens.customer, "Bulk two");
    const billing = await fileTicket(tokens.customer, "Bulk billing", { category: "billing" });
    const res = await call("/tickets/bulk", {
      method: "post",
      token: tokens.agent,
      body: { numbers: [a.number, b.number, billing.number], change: { priority: "high", addTags: ["bulk"] } },
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { number: a.number, ok: true },
      { number: b.number, ok: true },
      { number: billing.number, ok: false, error: "That request does not exist or is not yours to see." },
    ]);
    const bad = await call("/tickets/bulk", { method: "post", token: tokens.agent, body: { numbers: [], change: {} } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details).sort()).toEqual(["change", "numbers"]);
    expect((await call("/tickets/bulk", { method: "post", token: tokens.customer, body: { numbers: [a.number], change: { priority: "low" } } })).status).toBe(403);
    expect((await call("/tickets/bulk", { method: "post", body: { numbers: [a.number], change: { priority: "low" } } })).status).toBe(401);
  });

  test("macros: kept by staff (shared ones by supervisors), applied in one step in the ticket's language", async () => {
    const body = {
      name: "Contract refund",
      shared: true,
      reply: { en: "Hi {{customer.name}}, refund sent for #{{ticket.number}}.", "zh-CN": "{{customer.name}}您好，#{{ticket.number}} 的退款已发出。" },
      actions: { status: "pending", addTags: ["refund"], assigneeId: "me" },
    };
    const created = await call("/macros", { method: "post", token: tokens.supervisor, body });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call("/macros", { method: "post", token: tokens.agent, body })).status).toBe(403);
    const typo = await call("/macros", { method: "post", token: tokens.agent, body: { name: "Typo", reply: { en: "Hi {{custmer.name}}" } }, lang: "zh-CN" });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details["reply.en"][0]).toContain("未知的占位符");
    expect((await call("/macros", { method: "post", body })).status).toBe(401);
    // The shared ones and one's own are limited in number.
    await ctx.db.macro.createMany({ data: Array.from({ length: 200 }, (_, i) => ({ name: `Filler ${i}`, ownerId: ctx.fx.admin.id, note: { en: "x" } })) });
    expect((await call("/macros", { method: "post", token: tokens.admin, body: { name: "One too many", note: { en: "x" } } })).status).toBe(409);

    const list = await call("/macros", { token: tokens.agent });
    expect(list.body.data.map((m: { name: string }) => m.name)).toContain("Contract refund");
    expect(list.body.data.some((m: { name: string }) => m.name.startsWith("Filler"))).toBe(false);
    expect((await call("/macros", { token: tokens.customer })).status).toBe(403);
    expect((await call("/macros")).status).toBe(401);
    expect((await call(`/macros/${id}`, { token: tokens.agent })).body.editable).toBe(false);
    expect((await call(`/macros/${id}`, { token: tokens.customer })).status).toBe(403);
    expect((await call("/macros/00000000-0000-4000-8000-00000000beef", { token: tokens.agent })).status).toBe(404);
    expect((await call(`/macros/${id}`)).status).toBe(401);

    const ticket = await fileTicket(tokens.customer, "Macro target");
    const applied = await call(`/tickets/${ticket.number}/macros/${id}`, { method: "post", token: tokens.agent, body: {} });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ status: "pending", tags: ["refund"], assignee: { name: "Li Wei" } });
    const thread = await call(`/tickets/${ticket.number}/messages`, { token: tokens.customer });
    expect(thread.body.data.at(-1).body).toBe(`Hi Ada Key, refund sent for #${ticket.number}.`);
    expect((await call(`/tickets/${ticket.number}/macros/${id}`, { method: "post", token: tokens.customer, body: {} })).status).toBe(403);
    expect((await call(`/tickets/${ticket.number}/macros/${id}`, { method: "post", token: tokens.billing, body: {} })).status).toBe(404);
    expect((await call(`/tickets/${ticket.number}/macros/${id}`, { method: "post", body: {} })).status).toBe(401);
    expect((await call(`/tickets/${ticket.number}/macros/${id}`, { method: "post", token: tokens.agent, body: { version: "x" } })).status).toBe(400);
    // A supervisor reopened it since the version the agent saw: the macro's reply is held back as any message is, with what changed; nothing is written.
    const seen = applied.body.version as number;
    await call(`/tickets/${ticket.number}`, { method: "patch", token: tokens.supervisor, body: { status: "open" } });
    const raced = await call(`/tickets/${ticket.number}/macros/${id}`, { method: "post", token: tokens.agent, body: { version: seen } });
    expect(raced.status).toBe(409);
    expect(raced.body.error.changes).toEqual([expect.objectContaining({ field: "status", from: "pending", to: "open" })]);
    expect((await call(`/tickets/${ticket.number}/messages`, { token: tokens.customer })).body.data).toHaveLength(thread.body.data.length);
    // Its reply emptied, only a colleague's change to a field it sets holds it back, answered as a stale update is: with the ticket as it is now.
    const before = (await call(`/tickets/${ticket.number}`, { token: tokens.agent })).body.version as number;
    await call(`/tickets/${ticket.number}`, { method: "patch", token: tokens.supervisor, body: { status: "on_hold" } });
    const fieldsOnly = await call(`/tickets/${ticket.number}/macros/${id}`, { method: "post", token: tokens.agent, body: { version: before, reply: "" } });
    expect(fieldsOnly.status).toBe(409);
    expect(fieldsOnly.body.error).toMatchObject({ current: { status: "on_hold" }, changes: [expect.objectContaining({ field: "status", from: "open", to: "on_hold" })] });

    const changed = await call(`/macros/${id}`, { method: "patch", token: tokens.supervisor, body: { ...body, name: "Refund sent" } });
    expect(changed.body.name).toBe("Refund sent");
    expect((await call(`/macros/${id}`, { method: "patch", token: tokens.agent, body })).status).toBe(403);
    expect((await call(`/macros/${id}`, { method: "patch", token: tokens.supervisor, body: { name: "" } })).status).toBe(400);
    expect((await call("/macros/00000000-0000-4000-8000-00000000beef", { method: "patch", token: tokens.supervisor, body })).status).toBe(404);
    expect((await call(`/macros/${id}`, { method: "patch", body })).status).toBe(401);
    expect((await call(`/macros/${id}`, { method: "delete", token: tokens.agent })).status).toBe(403);
    expect((await call(`/macros/${id}`, { method: "delete" })).status).toBe(401);
    expect((await call(`/macros/${id}`, { method: "delete", token: tokens.supervisor })).body.id).toBe(id);
    expect((await call(`/macros/${id}`, { method: "delete", token: tokens.supervisor })).status).toBe(404);
  });

  test("updates that name the version they saw: a colleague's change to the same field is a 409; other changes are not", async () => {
    const { number } = await fileTicket(tokens.customer, "Two people, one ticket");
    const seen = await call(`/tickets/${number}`, { token: tokens.agent });
    const etag = seen.headers.get("etag")!;
    expect(etag).toBe(`"${seen.body.version}"`);

    // The supervisor raises the priority from the same version…
    const theirs = await call(`/tickets/${number}`, { method: "patch", token: tokens.supervisor, headers: { "If-Match": etag }, body: { priority: "high" } });
    expect(theirs.status).toBe(200);
    expect(theirs.headers.get("etag")).toBe(`"${seen.body.version + 1}"`);
    // …so the agent lowering it from the old page is told, and nothing is saved.
    const stale = await call(`/tickets/${number}`, { method: "patch", token: tokens.agent, headers: { "If-Match": etag }, body: { priority: "low" } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.current).toMatchObject({ number, priority: "high", version: seen.body.version + 1 });
    expect(stale.body.error.changes).toEqual([
      { field: "priority", from: "normal", to: "high", actorId: ctx.fx.supervisor.id, at: expect.any(String) },
    ]);
    // A change to another field from the same old version goes through, as does one after a reply.
    const other = await call(`/tickets/${number}`, { method: "patch", token: tokens.agent, body: { status: "pending", version: seen.body.version } });
    expect(other.body).toMatchObject({ status: "pending", priority: "high" });
    await call(`/tickets/${number}/messages`, { method: "post", token: tokens.customer, body: { body: "Any news?" } });
    const afterReply = await call(`/tickets/${number}`, { method: "patch", token: tokens.agent, headers: { "If-Match": `"${other.body.version}"` }, body: { assigneeId: ctx.fx.agent.id } });
    expect(afterReply.status).toBe(200);
    const badTag = await call(`/tickets/${number}`, { method: "patch", token: tokens.agent, headers: { "If-Match": "yesterday" }, body: { priority: "low" } });
    expect(badTag.status).toBe(400);
    expect(badTag.body.error.details).toHaveProperty("if-match");
  });

  test("messages: posted, paged oldest first, internal notes hidden from customers", async () => {
    const { number } = await fileTicket(tokens.customer, "Ticket with a thread");
    const note = await call(`/tickets/${number}/messages`, { method: "post", token: tokens.agent, body: { kind: "internal", body: "Only for the team" } });
    expect(note.status).toBe(201);
    expect(note.body.kind).toBe("internal");
    const reply = await call(`/tickets/${number}/messages`, { method: "post", token: tokens.agent, body: { body: "We are on it." } });
    expect(reply.body.author).toMatchObject({ name: "Li Wei", role: "agent" });
    await call(`/tickets/${number}/messages`, { method: "post", token: tokens.customer, body: { body: "Thanks!" } });

    const staffThread: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: any } = await call(`/tickets/${number}/messages?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: tokens.agent });
      staffThread.push(...res.body.data.map((m: { body: string }) => m.body));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(staffThread).toEqual(["Filed by the contract test, long enough.", "Only for the team", "We are on it.", "Thanks!"]);

    const customerThread = await call(`/tickets/${number}/messages`, { token: tokens.customer });
    expect(customerThread.body.data.map((m: { body: string }) => m.body)).not.toContain("Only for the team");
    expect(customerThread.body.nextCursor).toBeNull();

    expect((await call(`/tickets/${number}/messages?cursor=WyJ4Il0`, { token: tokens.agent })).status).toBe(400);
    expect((await call(`/tickets/${number}/messages`, { token: tokens.other })).status).toBe(404);
    expect((await call(`/tickets/${number}/messages`)).status).toBe(401);

    expect((await call(`/tickets/${number}/messages`, { method: "post", token: tokens.customer, body: { body: "  " } })).status).toBe(400);
    expect((await call(`/tickets/${number}/messages`, { method: "post", token: tokens.customer, body: { kind: "internal", body: "sneaky" } })).status).toBe(403);
    expect((await call(`/tickets/${number}/messages`, { method: "post", token: tokens.other, body: { body: "hello?" } })).status).toBe(404);
    expect((await call(`/tickets/${number}/messages`, { method: "post", body: { body: "hello?" } })).status).toBe(401);
    await call(`/tickets/${number}`, { method: "patch", token: tokens.agent, body: { status: "closed" } });
    const closed = await call(`/tickets/${number}/messages`, { method: "post", token: tokens.customer, body: { body: "One more thing" } });
    expect(closed.status).toBe(409);
  });
});

describe("API tokens", () => {
  test("their owner lists them (never the token itself) and revokes one, which stops working at once", async () => {
    const spare = await live.tokenFor("otto@std.example");
    const page = await call("/tokens?limit=1", { token: tokens.other });
    expect(page.body.data).toHaveLength(1);
    expect(JSON.stringify(page.body)).not.toContain(spare);
    const all: { id: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { id: string }[]; nextCursor: string | null } } = await call(`/tokens?limit=1${cursor ? `&cursor=${cursor}` : ""}`, { token: tokens.other });
      all.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all.length).toBeGreaterThanOrEqual(2);

    // Revoke the newest (the spare), with the other token.
    const newest = all[0].id;
    expect((await call(`/tokens/${newest}`, { method: "delete", token: tokens.other })).status).toBe(200);
    expect((await call("/me", { token: spare })).status).toBe(401);
    expect((await call("/me", { token: tokens.other })).status).toBe(200);
    // Someone else's token, or one already gone, is not found; and nobody revokes without a token.
    const someoneElses = (await call("/tokens", { token: tokens.agent })).body.data[0].id;
    expect((await call(`/tokens/${someoneElses}`, { method: "delete", token: tokens.other })).status).toBe(404);
    expect((await call(`/tokens/${newest}`, { method: "delete", token: tokens.other })).status).toBe(404);
    expect((await call(`/tokens/${newest}`, { method: "delete" })).status).toBe(401);
    expect((await call("/tokens?limit=0", { token: tokens.other })).status).toBe(400);
    expect((await call("/tokens")).status).toBe(401);
  });
});

describe("scoped tokens and the audit log", () => {
  const makeToken = (token: string | undefined, body: unknown, lang?: string) => call("/tokens", { method: "post", token, body, lang });

  test("a named, scoped token is shown once and listed without its secret; a token cannot make a wider one", async () => {
    const made = await makeToken(tokens.agent, { name: "Contract reader", scopes: ["tickets:read"], expiresInDays: 7 });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: "Contract reader", scopes: ["tickets:read"] });
    expect(Date.parse(made.body.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const listed = await call("/tokens", { token: tokens.agent });
    expect(JSON.stringify(listed.body)).not.toContain(made.body.token);
    expect(listed.body.data[0]).toMatchObject({ id: made.body.id, name: "Contract reader", scopes: ["tickets:read"], lastUsedAt: null });

    const bad = await makeToken(tokens.agent, { name: " ", scopes: [], expiresInDays: 400 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details).sort()).toEqual(["expiresInDays", "name", "scopes"]);
    expect((await makeToken(undefined, { name: "x", scopes: ["*"] })).status).toBe(401);

    // A token that may only manage tokens makes narrower ones, never a wider one.
    const maker = (await makeToken(tokens.agent, { name: "Token maker", scopes: ["account:write"] })).body.token as string;
    const wider = await makeToken(maker, { name: "Wider", scopes: ["*"] });
    expect(wider.status).toBe(403);
    expect(wider.body.error.message).toContain("no more than itself");
    expect((await makeToken(maker, { name: "Narrower", scopes: ["account:read"] })).status).toBe(201);
    // The reader may read tickets, but neither list tokens nor make one.
    expect((await call("/tickets", { token: made.body.token })).status).toBe(200);
    expect((await call("/tokens", { token: made.body.token })).status).toBe(403);
    expect((await makeToken(made.body.token, { name: "x", scopes: ["tickets:read"] })).status).toBe(403);
  });

  test("every bearer route refuses a token whose scopes leave it out, and says which scope it needs", async () => {
    const onlySla = (await makeToken(tokens.admin, { name: "Only SLA", scopes: ["sla:read"] })).body.token as string;
    const onlyMacros = (await makeToken(tokens.admin, { name: "Only macros", scopes: ["macros:read"] })).body.token as string;
    let refused = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations) as [Method, { security?: Record<string, string[]>[] }][]) {
        const needed = operation.security?.[0]?.bearer?.[0];
        if (!operation.security?.length) continue;
        expect(needed, `${method} ${template} names its scope`).toMatch(/^[a-z]+:(read|write)$/);
        const token = needed!.startsWith("sla:") ? onlyMacros : onlySla;
        if (needed === "sla:read") continue; // allowed to onlySla, refused to onlyMacros below
        const res = await call(template.replace(/\{\w+\}/g, "1"), { method, token, body: method === "get" ? undefined : {} });
        expect(res.status, `${method} ${template}`).toBe(403);
        expect(res.body.error.message).toContain(`“${needed}”`);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(40);
    for (const path of ["/sla/policies", "/sla/calendars", "/sla/recompute"]) expect((await call(path, { token: onlyMacros })).status).toBe(403);
    const zh = await call("/tickets", { token: onlySla, lang: "zh-CN" });
    expect(zh.body.error.message).toContain("tickets:read");
    expect(zh.body.error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  test("admins list and revoke anyone's tokens (never seeing them); nobody else may", async () => {
    const made = await makeToken(tokens.billing, { name: "Billing export", scopes: ["tickets:read"] });
    const all = await call(`/admin/tokens?userId=${ctx.fx.billingAgent.id}`, { token: tokens.admin });
    expect(all.status).toBe(200);
    expect(all.body.data[0]).toMatchObject({ id: made.body.id, name: "Billing export", owner: { email: "bo@test.example", role: "agent" } });
    expect(JSON.stringify(all.body)).not.toContain(made.body.token);
    expect((await call("/admin/tokens?limit=1", { token: tokens.admin })).body.nextCursor).toEqual(expect.any(String));
    expect((await call("/admin/tokens?userId=li", { token: tokens.admin })).status).toBe(400);
    expect((await call("/admin/tokens", { token: tokens.supervisor })).status).toBe(403);
    expect((await call("/admin/tokens")).status).toBe(401);

    expect((await call(`/admin/tokens/${made.body.id}`, { method: "delete", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/tokens/${made.body.id}`, { method: "delete" })).status).toBe(401);
    const revoked = await call(`/admin/tokens/${made.body.id}`, { method: "delete", token: tokens.admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.owner.email).toBe("bo@test.example");
    expect((await call("/tickets", { token: made.body.token })).status).toBe(401);
    expect((await call(`/admin/tokens/${made.body.id}`, { method: "delete", token: tokens.admin })).status).toBe(404);
  });

  test("the audit log: filtered and paged as JSON, and as CSV for those who may export", async () => {
    expect((await call("/auth/token", { method: "post", body: { email: "sup@test.example", password: "not-it" } })).status).toBe(401);
    const failed = await call(`/admin/audit?action=signin.failed&actorId=${ctx.fx.supervisor.id}`, { token: tokens.admin });
    expect(failed.status).toBe(200);
    expect(failed.body.data[0]).toMatchObject({ action: "signin.failed", actorEmail: "sup@test.example", actor: { name: "Sam Supervisor" }, data: { reason: "wrong_password" } });
    const first = await call("/admin/audit?limit=1", { token: tokens.admin });
    const second = await call(`/admin/audit?limit=1&cursor=${first.body.nextCursor}`, { token: tokens.admin });
    expect(Number(second.body.data[0].id)).toBeLessThan(Number(first.body.data[0].id));
    expect((await call("/admin/audit?from=2026-12-10&to=2026-12-01", { token: tokens.admin })).body.error.details).toHaveProperty("to");
    expect((await call("/admin/audit", { token: tokens.supervisor })).status).toBe(403);
    expect((await call("/admin/audit")).status).toBe(401);

    const csv = await fetch(`${ctx.server.url}/api/v1/admin/audit.csv?action=signin.failed`, { headers: { Authorization: `Bearer ${tokens.admin}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(doc.paths["/admin/audit.csv"].get!.responses["200"].content?.["text/csv"]).toBeDefined();
    exercised.add("get /admin/audit.csv 200");
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toBe("time,actor_name,actor_email,action,target_type,target_id,target,changes,ip");
    expect(lines.slice(1).every((line) => line.includes(",signin.failed,"))).toBe(true);
    expect(lines.some((line) => line.includes("sup@test.example") && line.includes("reason: wrong_password"))).toBe(true);
    const exported = await call("/admin/audit?action=export.csv&limit=1", { token: tokens.admin });
    expect(exported.body.data[0]).toMatchObject({ actor: { id: ctx.fx.admin.id }, data: { report: "audit-log", filter: { action: "signin.failed" }, rows: lines.length - 1 } });

    expect((await call("/admin/audit.csv?action=nope", { token: tokens.admin })).status).toBe(400);
    expect((await call("/admin/audit.csv", { token: tokens.supervisor })).status).toBe(403);
    expect((await call("/admin/audit.csv")).status).toBe(401);
  });
});

describe("account security", () => {
  async function account(email: string) {
    await ctx.db.user.create({
      data: { email, name: email.split("@")[0], role: "agent", passwordHash: await hashPassword("correct-horse-battery") },
    });
    return live.tokenFor(email);
  }

  test("changing one's password answers with a fresh token; wrong guesses are refused, then paused", async () => {
    const token = await account("changer@test.example");
    const changed = await call("/me/password", {
      method: "post",
      token,
      body: { currentPassword: "correct-horse-battery", newPassword: "horse-battery-staple" },
    });
    expect(changed.status).toBe(200);
    expect((await call("/me", { token })).status).toBe(401);
    const fresh = changed.body.token as string;
    expect((await call("/me/password", { method: "post", token: fresh, body: { currentPassword: "x", newPassword: "short" } })).body.error.details).toHaveProperty("newPassword");
    expect((await call("/me/password", { method: "post", body: { currentPassword: "x", newPassword: "long-enough" } })).status).toBe(401);
    let status = 0;
    for (let attempt = 0; attempt < 12 && status !== 429; attempt++) {
      status = (await call("/me/password", { method: "post", token: fresh, body: { currentPassword: `guess-${attempt}`, newPassword: "long-enough" } })).status;
    }
    expect(status).toBe(429);
  });

  test("admins look accounts up, deactivate and reactivate them; others may not", async () => {
    await account("leaver@test.example");
    const found = await call("/admin/users?email=leaver@test.example&kind=all", { token: tokens.admin });
    expect(found.body.data).toHaveLength(1);
    const id = found.body.data[0].id as string;
    expect((await call("/admin/users?limit=1", { token: tokens.admin })).body.nextCursor).toEqual(expect.any(String));
    expect((await call("/admin/users?status=gone", { token: tokens.admin })).status).toBe(400);
    expect((await call("/admin/users", { token: tokens.supervisor })).status).toBe(403);
    expect((await call("/admin/users")).status).toBe(401);

    const off = await call(`/admin/users/${id}/deactivate`, { method: "post", token: tokens.admin });
    expect(off.body.deactivatedAt).toEqual(expect.any(String));
    expect((await call(`/admin/users/${ctx.fx.admin.id}/deactivate`, { method: "post", token: tokens.admin })).status).toBe(409);
    expect((await call(`/admin/users/${randomUUID()}/deactivate`, { method: "post", token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/users/${id}/deactivate`, { method: "post", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/users/${id}/deactivate`, { method: "post" })).status).toBe(401);

    const on = await call(`/admin/users/${id}/reactivate`, { method: "post", token: tokens.admin });
    expect(on.body.deactivatedAt).toBeNull();
    expect((await call(`/admin/users/${randomUUID()}/reactivate`, { method: "post", token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/users/${id}/reactivate`, { method: "post", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/users/${id}/reactivate`, { method: "post" })).status).toBe(401);
  });
});

describe("admin center", () => {
  test("admins invite people, who join by the link; accounts change role, teams, skills and capacity", async () => {
    const team = ctx.fx.teams.support.id;
    const invited = await call("/admin/users", {
      method: "post",
      token: tokens.admin,
      body: { email: "New.Agent@test.example", name: "New Agent", role: "agent", teamIds: [team], capacity: 5, skillLanguages: ["zh-CN"] },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.account).toMatchObject({ email: "new.agent@test.example", status: "invited", teamIds: [team], capacity: 5 });
    expect(invited.body.token).toEqual(expect.any(String));
    const id = invited.body.account.id as string;
    const again = { email: "new.agent@test.example", name: "Twice", role: "agent" };
    expect((await call("/admin/users", { method: "post", token: tokens.admin, body: again })).status).toBe(409);
    expect((await call("/admin/users", { method: "post", token: tokens.admin, body: { ...again, role: "customer" } })).status).toBe(400);
    expect((await call("/admin/users", { method: "post", token: tokens.supervisor, body: again })).status).toBe(403);
    expect((await call("/admin/users", { method: "post", body: again })).status).toBe(401);
    expect((await call("/admin/users?status=invited", { token: tokens.admin })).body.data.map((u: { id: string }) => u.id)).toEqual([id]);

    const renewed = await call(`/admin/users/${id}/invitation`, { method: "post", token: tokens.admin });
    expect(renewed.status).toBe(201);
    expect(renewed.body.token).not.toBe(invited.body.token);
    expect((await call(`/admin/users/${ctx.fx.agent.id}/invitation`, { method: "post", token: tokens.admin })).status).toBe(409);
    expect((await call(`/admin/users/${randomUUID()}/invitation`, { method: "post", token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/users/${id}/invitation`, { method: "post", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/users/${id}/invitation`, { method: "post" })).status).toBe(401);

    expect((await call(`/admin/users/${id}`, { token: tokens.admin })).body.name).toBe("New Agent");
    expect((await call(`/admin/users/${randomUUID()}`, { token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/users/${id}`, { token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/users/${id}`)).status).toBe(401);

    const changed = await call(`/admin/users/${id}`, { method: "patch", token: tokens.admin, body: { role: "supervisor", capacity: null, teamIds: [] } });
    expect(changed.body).toMatchObject({ role: "supervisor", capacity: null, teamIds: [] });
    expect((await call(`/admin/users/${id}`, { method: "patch", token: tokens.admin, body: { capacity: -1 } })).body.error.details).toHaveProperty("capacity");
    expect((await call(`/admin/users/${ctx.fx.admin.id}`, { method: "patch", token: tokens.admin, body: { role: "agent" } })).status).toBe(409);
    expect((await call(`/admin/users/${randomUUID()}`, { method: "patch", token: tokens.admin, body: {} })).status).toBe(404);
    expect((await call(`/admin/users/${id}`, { method: "patch", token: tokens.agent, body: {} })).status).toBe(403);
    expect((await call(`/admin/users/${id}`, { method: "patch", body: {} })).status).toBe(401);
  });

  test("custom roles are built from named permissions and given to people", async () => {
    const catalog = await call("/admin/permissions", { token: tokens.admin });
    expect(catalog.body.permissions).toContain("tickets.view_team");
    expect(catalog.body.permissions).not.toContain("tickets.view_own");
    expect((await call("/admin/permissions", { token: tokens.agent })).status).toBe(403);
    expect((await call("/admin/permissions")).status).toBe(401);

    const body = { name: "Triage", permissions: ["workspace.use", "tickets.view_untriaged", "tickets.internal", "tickets.update"] };
    const created = await call("/admin/roles", { method: "post", token: tokens.admin, body });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call("/admin/roles", { method: "post", token: tokens.admin, body })).status).toBe(409);
    const unsafe = await call("/admin/roles", { method: "post", token: tokens.admin, body: { name: "Peeker", permissions: ["tickets.view_all"] } });
    expect(unsafe.body.error.details.permissions).toEqual(["Seeing tickets as staff needs “Internal notes and staff fields” too."]);
    expect((await call("/admin/roles", { method: "post", token: tokens.supervisor, body })).status).toBe(403);
    expect((await call("/admin/roles", { method: "post", body })).status).toBe(401);
    expect((await call("/admin/roles", { token: tokens.admin })).body.data.map((r: { name: string }) => r.name)).toEqual(["Triage"]);
    expect((await call("/admin/roles", { token: tokens.agent })).status).toBe(403);
    expect((await call("/admin/roles")).status).toBe(401);

    const person = (await call("/admin/users", { method: "post", token: tokens.admin, body: { email: "triage@test.example", name: "T", role: "agent", customRoleId: id } })).body.account;
    expect(person.customRoleName).toBe("Triage");
    expect((await call(`/admin/roles/${id}`, { token: tokens.admin })).body.users).toBe(1);
    expect((await call(`/admin/roles/${randomUUID()}`, { token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/roles/${id}`, { token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/roles/${id}`)).status).toBe(401);

    const renamed = await call(`/admin/roles/${id}`, { method: "patch", token: tokens.admin, body: { name: "Triage desk" } });
    expect(renamed.body.name).toBe("Triage desk");
    expect((await call(`/admin/roles/${id}`, { method: "patch", token: tokens.admin, body: { permissions: ["no.such"] } })).status).toBe(400);
    await call("/admin/roles", { method: "post", token: tokens.admin, body: { name: "Other", permissions: [] } });
    expect((await call(`/admin/roles/${id}`, { method: "patch", token: tokens.admin, body: { name: "Other" } })).status).toBe(409);
    expect((await call(`/admin/roles/${randomUUID()}`, { method: "patch", token: tokens.admin, body: {} })).status).toBe(404);
    expect((await call(`/admin/roles/${id}`, { method: "patch", token: tokens.agent, body: {} })).status).toBe(403);
    expect((await call(`/admin/roles/${id}`, { method: "patch", body: {} })).status).toBe(401);

    expect((await call(`/admin/roles/${id}`, { method: "delete", token: tokens.admin })).status).toBe(409);
    await call(`/admin/users/${person.id}`, { method: "patch", token: tokens.admin, body: { customRoleId: null } });
    expect((await call(`/admin/roles/${id}`, { method: "delete", token: tokens.admin })).body.name).toBe("Triage desk");
    expect((await call(`/admin/roles/${id}`, { method: "delete", token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/roles/${id}`, { method: "delete", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/roles/${id}`, { method: "delete" })).status).toBe(401);
  });

  test("teams and categories are set up, changed and removed while nothing refers to them", async () => {
    const created = await call("/admin/teams", { method: "post", token: tokens.admin, body: { key: "vip", name: "VIP desk", assignmentMode: "round_robin", memberIds: [ctx.fx.agent.id] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: "vip", assignmentMode: "round_robin", members: [{ id: ctx.fx.agent.id }] });
    const id = created.body.id as string;
    expect((await call("/admin/teams", { method: "post", token: tokens.admin, body: { key: "VIP", name: "Again" } })).status).toBe(409);
    expect((await call("/admin/teams", { method: "post", token: tokens.admin, body: { key: "no spaces", name: "x" } })).status).toBe(400);
    expect((await call("/admin/teams", { method: "post", token: tokens.supervisor, body: { key: "x", name: "x" } })).status).toBe(403);
    expect((await call("/admin/teams", { method: "post", body: { key: "x", name: "x" } })).status).toBe(401);
    expect((await call("/admin/teams", { token: tokens.admin })).body.data.map((t: { key: string }) => t.key)).toEqual(["billing", "support", "vip"]);
    expect((await call("/admin/teams", { token: tokens.agent })).status).toBe(403);
    expect((await call("/admin/teams")).status).toBe(401);
    expect((await call(`/admin/teams/${id}`, { method: "patch", token: tokens.admin, body: { assignmentMode: "least_loaded", memberIds: [] } })).body).toMatchObject({ assignmentMode: "least_loaded", members: [] });
    expect((await call(`/admin/teams/${id}`, { method: "patch", token: tokens.admin, body: { key: "support" } })).status).toBe(409);
    expect((await call(`/admin/teams/${id}`, { method: "patch", token: tokens.admin, body: { assignmentMode: "lottery" } })).status).toBe(400);
    expect((await call(`/admin/teams/${randomUUID()}`, { method: "patch", token: tokens.admin, body: {} })).status).toBe(404);
    expect((await call(`/admin/teams/${id}`, { method: "patch", token: tokens.agent, body: {} })).status).toBe(403);
    expect((await call(`/admin/teams/${id}`, { method: "patch", body: {} })).status).toBe(401);

    const category = await call("/admin/categories", { method: "post", token: tokens.admin, body: { key: "vip-care", nameEn: "VIP care", nameZh: "贵宾服务", teamId: id } });
    expect(category.status).toBe(201);
    const categoryId = category.body.id as string;
    expect((await call("/admin/categories", { method: "post", token: tokens.admin, body: { key: "vip-care", nameEn: "x", nameZh: "x" } })).status).toBe(409);
    expect((await call("/admin/categories", { method: "post", token: tokens.admin, body: { key: "x", nameEn: "x", nameZh: "x", teamId: randomUUID() } })).status).toBe(400);
    const valid = { key: "x", nameEn: "x", nameZh: "x" };
    expect((await call("/admin/categories", { method: "post", token: tokens.agent, body: valid })).status).toBe(403);
    expect((await call("/admin/categories", { method: "post", body: valid })).status).toBe(401);
    expect((await call("/admin/categories", { token: tokens.admin })).body.data.map((c: { key: string }) => c.key)).toContain("vip-care");
    expect((await call("/admin/categories", { token: tokens.agent })).status).toBe(403);
    expect((await call("/admin/categories")).status).toBe(401);
    // A team still routed to is not removed.
    expect((await call(`/admin/teams/${id}`, { method: "delete", token: tokens.admin })).status).toBe(409);
    expect((await call(`/admin/categories/${categoryId}`, { method: "patch", token: tokens.admin, body: { teamId: null, nameEn: "VIP" } })).body).toMatchObject({ teamId: null, nameEn: "VIP" });
    expect((await call(`/admin/categories/${categoryId}`, { method: "patch", token: tokens.admin, body: { key: "technical" } })).status).toBe(409);
    expect((await call(`/admin/categories/${categoryId}`, { method: "patch", token: tokens.admin, body: { nameEn: "" } })).status).toBe(400);
    expect((await call(`/admin/categories/${randomUUID()}`, { method: "patch", token: tokens.admin, body: {} })).status).toBe(404);
    expect((await call(`/admin/categories/${categoryId}`, { method: "patch", token: tokens.agent, body: {} })).status).toBe(403);
    expect((await call(`/admin/categories/${categoryId}`, { method: "patch", body: {} })).status).toBe(401);

    expect((await call(`/admin/teams/${id}`, { method: "delete", token: tokens.admin })).body.key).toBe("vip");
    expect((await call(`/admin/teams/${id}`, { method: "delete", token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/teams/${id}`, { method: "delete", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/teams/${id}`, { method: "delete" })).status).toBe(401);
    const technical = (await call("/admin/categories", { token: tokens.admin })).body.data.find((c: { key: string }) => c.key === "technical");
    await fileTicket(tokens.customer, "Keeps its category");
    expect((await call(`/admin/categories/${technical.id}`, { method: "delete", token: tokens.admin })).status).toBe(409);
    expect((await call(`/admin/categories/${categoryId}`, { method: "delete", token: tokens.admin })).body.key).toBe("vip-care");
    expect((await call(`/admin/categories/${categoryId}`, { method: "delete", token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/categories/${categoryId}`, { method: "delete", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/categories/${categoryId}`, { method: "delete" })).status).toBe(401);
  });

  test("settings are read and changed by admins", async () => {
    const before = await call("/admin/settings", { token: tokens.admin });
    expect(before.body).toMatchObject({ name: "Helpdesk", defaultLocale: "en", customerSignup: true });
    expect((await call("/admin/settings", { token: tokens.supervisor })).status).toBe(403);
    expect((await call("/admin/settings")).status).toBe(401);
    const changed = await call("/admin/settings", { method: "patch", token: tokens.admin, body: { name: "Acme Support", defaultLocale: "zh-CN" } });
    expect(changed.body).toMatchObject({ name: "Acme Support", defaultLocale: "zh-CN", customerSignup: true });
    expect((await call("/admin/settings", { method: "patch", token: tokens.admin, body: { name: "" } })).status).toBe(400);
    expect((await call("/admin/settings", { method: "patch", token: tokens.agent, body: {} })).status).toBe(403);
    expect((await call("/admin/settings", { method: "patch", body: {} })).status).toBe(401);
    await call("/admin/settings", { method: "patch", token: tokens.admin, body: { name: "Helpdesk", defaultLocale: "en" } });
  });
});

describe("routing rules", () => {
  test("supervisors and admins keep ordered rules; what a rule names must exist; filing follows them", async () => {
    const billing = ctx.fx.teams.billing.id;
    const rule = {
      name: "Refunds to billing",
      conditions: [{ field: "text", op: "contains_any", values: ["refund*", "退款"] }],
      actions: [{ type: "set_team", teamId: billing }, { type: "add_tags", tags: ["refund"] }],
    };
    const made = await call("/admin/rules", { method: "post", token: tokens.supervisor, body: rule });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: "Refunds to billing", enabled: true, onCreate: true, onUpdate: false, match: "all", position: 0 });
    const id = made.body.id as string;
    expect((await call("/admin/rules", { method: "post", token: tokens.admin, body: rule })).status).toBe(409);
    const unknownTeam = await call("/admin/rules", {
      method: "post",
      token: tokens.admin,
      body: { ...rule, name: "Other", actions: [{ type: "set_team", teamId: randomUUID() }] },
    });
    expect(unknownTeam.status).toBe(400);
    expect(unknownTeam.body.error.details).toEqual({ "actions.0.teamId": ["A team chosen here no longer exists."] });
    expect((await call("/admin/rules", { method: "post", token: tokens.agent, body: rule })).status).toBe(403);
    expect((await call("/admin/rules", { method: "post", body: rule })).status).toBe(401);
    const second = await call("/admin/rules", {
      method: "post",
      token: tokens.admin,
      body: { name: "Urgent wording", conditions: [{ field: "text", op: "contains_any", values: ["urgent"] }], actions: [{ type: "set_priority", priority: "high" }] },
    });
    expect(second.body.position).toBe(1);

    const filed = await call("/tickets", {
      method: "post",
      token: tokens.customer,
      body: { type: "inquiry", category: "technical", subject: "Refunds please", description: "I want my money back for the broken thing." },
    });
    expect(await ctx.db.ticket.findUnique({ where: { number: filed.body.number }, select: { teamId: true, tags: true } })).toEqual({ teamId: billing, tags: ["refund"] });

    expect((await call("/admin/rules", { token: tokens.supervisor })).body.data.map((r: { name: string }) => r.name)).toEqual(["Refunds to billing", "Urgent wording"]);
    expect((await call("/admin/rules", { token: tokens.agent })).status).toBe(403);
    expect((await call("/admin/rules")).status).toBe(401);

    const order = await call("/admin/rules/order", { method: "post", token: tokens.admin, body: { ids: [second.body.id, id] } });
    expect(order.body.data.map((r: { name: string }) => r.name)).toEqual(["Urgent wording", "Refunds to billing"]);
    expect((await call("/admin/rules/order", { method: "post", token: tokens.admin, body: { ids: [id] } })).status).toBe(400);
    expect((await call("/admin/rules/order", { method: "post", token: tokens.agent, body: { ids: [id] } })).status).toBe(403);
    expect((await call("/admin/rules/order", { method: "post", body: { ids: [id] } })).status).toBe(401);

    expect((await call(`/admin/rules/${id}`, { token: tokens.admin })).body.actions).toEqual(rule.actions);
    expect((await call(`/admin/rules/${randomUUID()}`, { token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/rules/${id}`, { token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/rules/${id}`)).status).toBe(401);

    const disabled = await call(`/admin/rules/${id}`, { method: "patch", token: tokens.admin, body: { enabled: false } });
    expect(disabled.body).toMatchObject({ enabled: false, name: "Refunds to billing", position: 1 });
    expect((await call(`/admin/rules/${id}`, { method: "patch", token: tokens.admin, body: { onUpdate: true, conditions: [] } })).body.error.details).toEqual({
      conditions: ["A rule that runs on changes needs conditions: it runs when they become true."],
    });
    expect((await call(`/admin/rules/${id}`, { method: "patch", token: tokens.admin, body: { name: "Urgent wording" } })).status).toBe(409);
    expect((await call(`/admin/rules/${randomUUID()}`, { method: "patch", token: tokens.admin, body: { enabled: true } })).status).toBe(404);
    expect((await call(`/admin/rules/${id}`, { method: "patch", token: tokens.agent, body: { enabled: true } })).status).toBe(403);
    expect((await call(`/admin/rules/${id}`, { method: "patch", body: { enabled: true } })).status).toBe(401);

    expect((await call(`/admin/rules/${id}`, { method: "delete", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/rules/${id}`, { method: "delete" })).status).toBe(401);
    expect((await call(`/admin/rules/${id}`, { method: "delete", token: tokens.admin })).body.name).toBe("Refunds to billing");
    expect((await call(`/admin/rules/${id}`, { method: "delete", token: tokens.admin })).status).toBe(404);
    await call(`/admin/rules/${second.body.id}`, { method: "delete", token: tokens.admin });
  });
});

describe("time-based automations", () => {
  test("supervisors and admins keep ordered automations; what they name must exist", async () => {
    const billing = ctx.fx.teams.billing.id;
    const automation = {
      name: "Close solved tickets",
      status: "solved",
      afterMinutes: 4 * 24 * 60,
      actions: [
        { type: "reply", body: { en: "We are closing #{{ticket.number}}.", "zh-CN": "工单 #{{ticket.number}} 即将关闭。" } },
        { type: "set_status", status: "closed" },
      ],
    };
    const made = await call("/admin/automations", { method: "post", token: tokens.supervisor, body: automation });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: "Close solved tickets", enabled: true, status: "solved", afterMinutes: 5760, match: "all", conditions: [], position: 0 });
    const id = made.body.id as string;
    expect((await call("/admin/automations", { method: "post", token: tokens.admin, body: automation })).status).toBe(409);
    const unknownTeam = await call("/admin/automations", {
      method: "post",
      token: tokens.admin,
      body: { ...automation, name: "Other", actions: [{ type: "add_tags", tags: ["late"] }, { type: "set_team", teamId: randomUUID() }] },
    });
    expect(unknownTeam.status).toBe(400);
    // Named on its own path in the list (the rules' checks see only the rules' actions).
    expect(Object.keys(unknownTeam.body.error.details)).toEqual(["actions.1.teamId"]);
    expect((await call("/admin/automations", { method: "post", token: tokens.agent, body: automation })).status).toBe(403);
    expect((await call("/admin/automations", { method: "post", body: automation })).status).toBe(401);
    const second = await call("/admin/automations", {
      method: "post",
      token: tokens.admin,
      body: { name: "Chase waiting billing tickets", status: "pending", afterMinutes: 3 * 24 * 60, conditions: [{ field: "team", op: "in", values: [billing] }], actions: [{ type: "notify", to: ["assignee"] }] },
    });
    expect(second.body.position).toBe(1);

    expect((await call("/admin/automations", { token: tokens.supervisor })).body.data.map((a: { name: string }) => a.name)).toEqual([
      "Close solved tickets",
      "Chase waiting billing tickets",
    ]);
    expect((await call("/admin/automations", { token: tokens.agent })).status).toBe(403);
    expect((await call("/admin/automations")).status).toBe(401);

    const order = await call("/admin/automations/order", { method: "post", token: tokens.admin, body: { ids: [second.body.id, id] } });
    expect(order.body.data.map((a: { name: string }) => a.name)).toEqual(["Chase waiting billing tickets", "Close solved tickets"]);
    expect((await call("/admin/automations/order", { method: "post", token: tokens.admin, body: { ids: [id] } })).status).toBe(400);
    expect((await call("/admin/automations/order", { method: "post", token: tokens.agent, body: { ids: [id] } })).status).toBe(403);
    expect((await call("/admin/automations/order", { method: "post", body: { ids: [id] } })).status).toBe(401);

    expect((await call(`/admin/automations/${id}`, { token: tokens.admin })).body.actions).toEqual(automation.actions);
    expect((await call(`/admin/automations/${randomUUID()}`, { token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/automations/${id}`, { token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/automations/${id}`)).status).toBe(401);

    const disabled = await call(`/admin/automations/${id}`, { method: "patch", token: tokens.admin, body: { enabled: false } });
    expect(disabled.body).toMatchObject({ enabled: false, name: "Close solved tickets", position: 1 });
    const closed = await call(`/admin/automations/${id}`, { method: "patch", token: tokens.admin, body: { status: "closed" }, lang: "zh-CN" });
    expect(closed.body.error.details).toEqual({ status: ["请选择工单停留的状态（“已关闭”除外）。"] });
    expect((await call(`/admin/automations/${id}`, { method: "patch", token: tokens.admin, body: { name: "Chase waiting billing tickets" } })).status).toBe(409);
    expect((await call(`/admin/automations/${randomUUID()}`, { method: "patch", token: tokens.admin, body: { enabled: true } })).status).toBe(404);
    expect((await call(`/admin/automations/${id}`, { method: "patch", token: tokens.agent, body: { enabled: true } })).status).toBe(403);
    expect((await call(`/admin/automations/${id}`, { method: "patch", body: { enabled: true } })).status).toBe(401);

    expect((await call(`/admin/automations/${id}`, { method: "delete", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/automations/${id}`, { method: "delete" })).status).toBe(401);
    expect((await call(`/admin/automations/${id}`, { method: "delete", token: tokens.admin })).body.name).toBe("Close solved tickets");
    expect((await call(`/admin/automations/${id}`, { method: "delete", token: tokens.admin })).status).toBe(404);
    await call(`/admin/automations/${second.body.id}`, { method: "delete", token: tokens.admin });
  });
});

describe("background work", () => {
  test("admins see each listener's progress and the dead letters; others may not", async () => {
    const listeners = await call("/admin/listeners", { token: tokens.admin });
    expect(listeners.body.data.map((l: { name: string }) => l.name)).toContain("search-index");
    expect(listeners.body.nextCursor).toBeNull();
    expect((await call("/admin/listeners?limit=500", { token: tokens.admin })).status).toBe(400);
    const dead = await call("/admin/dead-letters?limit=10", { token: tokens.admin });
    expect(dead.body).toEqual({ data: [], nextCursor: null });
    expect((await call("/admin/dead-letters?limit=0", { token: tokens.admin })).status).toBe(400);
    for (const path of ["/admin/listeners", "/admin/dead-letters"]) {
      expect((await call(path, { token: tokens.supervisor })).status).toBe(403);
      expect((await call(path)).status).toBe(401);
    }

    // A dead letter (set aside while search was down, say) is listed, then replayed on request.
    const article = await ctx.db.article.create({ data: { slug: "dead-letter", locale: "en", title: "Replayed", body: "Indexed at last.", status: "published" } });
    const [event] = await ctx.db.$queryRaw<{ id: bigint }[]>`INSERT INTO "DomainEvent" (type, data) VALUES ('article.changed', ${JSON.stringify({ articleId: article.id })}::jsonb) RETURNING id`;
    const letter = await ctx.db.deadLetter.create({ data: { listener: "search-index", eventId: event.id, error: "connect ECONNREFUSED", attempts: 12 } });
    const listed = await call("/admin/dead-letters", { token: tokens.admin });
    expect(listed.body.data).toEqual([expect.objectContaining({ id: letter.id.toString(), event: expect.objectContaining({ type: "article.changed" }) })]);
    const replay = await call(`/admin/dead-letters/${letter.id}/replay`, { method: "post", token: tokens.admin });
    expect(replay.status).toBe(202);
    expect(replay.body.replayRequestedAt).not.toBeNull();
    await until(async () => (await ctx.db.deadLetter.findUniqueOrThrow({ where: { id: letter.id } })).replayedAt, "the replay", 10_000);
    expect((await call("/admin/dead-letters", { token: tokens.admin })).body.data).toEqual([]);
    expect((await call("/admin/dead-letters/999999/replay", { method: "post", token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/dead-letters/${letter.id}/replay`, { method: "post", token: tokens.supervisor })).status).toBe(403);
    expect((await call(`/admin/dead-letters/${letter.id}/replay`, { method: "post" })).status).toBe(401);
  });
});

describe("surveys and health", () => {
  async function solvedTicketSurveyToken(subject: string) {
    const { number } = await fileTicket(tokens.customer, subject);
    await call(`/tickets/${number}`, { method: "patch", token: tokens.agent, body: { status: "solved" } });
    const detail = await call(`/tickets/${number}`, { token: tokens.customer });
    expect(detail.body.survey.token).toEqual(expect.any(String));
    return detail.body.survey.token as string;
  }

  test("a survey is read and answered once through its token; bad, used and expired tokens are refused", async () => {
    const token = await solvedTicketSurveyToken("Ticket to rate");
    const survey = await call(`/surveys/${token}`);
    expect(survey.body).toMatchObject({ subject: "Ticket to rate", answered: false, expired: false, rating: null });
    expect((await call("/surveys/short")).status).toBe(404);
    expect((await call(`/surveys/${randomBytes(24).toString("base64url")}`)).status).toBe(404);

    const invalid = await call(`/surveys/${token}`, { method: "post", body: { rating: 9 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.rating).toEqual(["Choose a rating from 1 to 5."]);
    expect((await call(`/surveys/${token}`, { method: "post", body: { rating: 4, comment: "Quick, thanks" } })).body).toEqual({ rating: 4 });
    expect((await call(`/surveys/${token}`, { method: "post", body: { rating: 5 } })).status).toBe(409);
    expect((await call(`/surveys/${randomBytes(24).toString("base64url")}`, { method: "post", body: { rating: 5 } })).status).toBe(404);

    const stale = await solvedTicketSurveyToken("Ticket rated too late");
    await ctx.db.survey.update({ where: { token: stale }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await call(`/surveys/${stale}`, { method: "post", body: { rating: 3 } });
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe("gone");
  });

  test("customer health: staff and the customer see it, others do not", async () => {
    const customerId = ctx.fx.keyCustomer.customerId!;
    await fileTicket(tokens.customer, "A complaint moves the health score", { type: "complaint" });
    const health = await call(`/customers/${customerId}/health`, { token: tokens.agent });
    expect(health.status).toBe(200);
    expect(health.body.components.map((c: { key: string }) => c.key)).toContain("csat");
    expect(health.body.history.length).toBeGreaterThan(0);
    expect((await call(`/customers/${customerId}/health`, { token: tokens.customer })).status).toBe(200);
    expect((await call(`/customers/${customerId}/health`, { token: tokens.other })).status).toBe(403);
    expect((await call(`/customers/${randomUUID()}/health`, { token: tokens.agent })).status).toBe(404);
    expect((await call("/customers/not-a-uuid/health", { token: tokens.agent })).status).toBe(404);
    expect((await call(`/customers/${customerId}/health`)).status).toBe(401);
  });
});

describe("knowledge base search", () => {
  test("pages through hits with an opaque cursor; rejects bad input; says when search is down", async () => {
    for (let i = 1; i <= 5; i++) {
      await ctx.db.article.create({
        data: { slug: `invoice-${i}`, locale: "en", status: "published", title: `Invoice question ${i}`, body: `Everything about invoices, part ${i}.` },
      });
    }
    await reindexAllArticles(ctx.db);

    const slugs: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: any } = await call(`/kb/search?q=invoice&locale=en&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      slugs.push(...res.body.data.map((h: { slug: string }) => h.slug));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(slugs.sort()).toEqual(["invoice-1", "invoice-2", "invoice-3", "invoice-4", "invoice-5"]);

    const tooLong = await call(`/kb/search?q=${"x".repeat(201)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details.q).toEqual(["The search text is too long."]);
    expect((await call("/kb/search?q=invoice&cursor=eyJvIjotMX0")).body.error.details).toHaveProperty("cursor"); // {"o":-1}
    expect((await call("/kb/search?q=invoice&locale=fr")).body.error.details).toHaveProperty("locale");

    const settings = runtimeSettings();
    setRuntimeSettings({ ...settings, meiliUrl: "http://127.0.0.1:9" }); // nothing listens there
    try {
      const down = await call("/kb/search?q=invoice");
      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe("unavailable");
    } finally {
      setRuntimeSettings(settings);
    }
  });
});

describe("ticket search", () => {
  test("staff find the tickets they may see, with operators and highlights; customers may not search; says when search is down", async () => {
    const mine = await fileTicket(tokens.customer, "Searchable printer jam");
    await fileTicket(tokens.other, "Searchable invoice", { category: "billing" });
    await ctx.server.drain();

    const res = await call(`/search/tickets?q=${encodeURIComponent("searchable printr")}`, { token: tokens.agent });
    expect(res.status).toBe(200);
    expect(res.body.data.map((h: { number: number }) => h.number)).toEqual([mine.number]);
    expect(res.body.data[0].subjectHighlight).toContain("<mark>Searchable</mark>");
    // The billing ticket is the billing team's: only its agent finds it.
    const billing = await call("/search/tickets?q=searchable", { token: tokens.billing });
    expect(billing.body.data.map((h: { subject: string }) => h.subject)).toEqual(["Searchable invoice"]);
    const paged = await call("/search/tickets?q=searchable&limit=1", { token: tokens.supervisor });
    expect(paged.body.nextCursor).toEqual(expect.any(String));
    const next = await call(`/search/tickets?q=searchable&limit=1&cursor=${paged.body.nextCursor}`, { token: tokens.supervisor });
    expect([...paged.body.data, ...next.body.data].map((h: { subject: string }) => h.subject).sort()).toEqual([
      "Searchable invoice",
      "Searchable printer jam",
    ]);
    const ignored = await call("/search/tickets?q=searchable%20priority:hot", { token: tokens.supervisor });
    expect(ignored.body.ignored).toEqual(["priority:hot"]);

    expect((await call("/search/tickets?q=searchable", { token: tokens.customer })).status).toBe(403);
    expect((await call("/search/tickets?q=searchable")).status).toBe(401);
    expect((await call("/search/tickets?q=x&cursor=eyJvIjotMX0", { token: tokens.agent })).body.error.details).toHaveProperty("cursor");

    const settings = runtimeSettings();
    setRuntimeSettings({ ...settings, meiliUrl: "http://127.0.0.1:9" }); // nothing listens there
    try {
      const down = await call("/search/tickets?q=searchable", { token: tokens.agent });
      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe("unavailable");
    } finally {
      setRuntimeSettings(settings);
    }
  });
});

describe("SLA", () => {
  test("business calendars: set up, listed, read, changed and removed by supervisors and admins", async () => {
    const hours = { mon: [["09:00", "17:00"]], fri: [["09:00", "15:00"]] };
    const created = await call("/sla/calendars", { method: "post", token: tokens.supervisor, body: { name: "Contract office", timezone: "Europe/Berlin", hours } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Contract office", hours, holidays: [], builtIn: false });
    const id = created.body.id as string;
    const taken = await call("/sla/calendars", { method: "post", token: tokens.admin, body: { name: "Contract office", timezone: "UTC", hours } });
    expect(taken.body.error.details.name).toEqual(["Another calendar already has this name."]);
    expect((await call("/sla/calendars", { method: "post", token: tokens.agent, body: { name: "x", timezone: "UTC", hours } })).status).toBe(403);
    expect((await call("/sla/calendars", { method: "post", body: {} })).status).toBe(401);

    const list = await call("/sla/calendars?limit=1", { token: tokens.admin });
    expect(list.body.data).toHaveLength(1);
    const next = await call(`/sla/calendars?limit=100&cursor=${list.body.nextCursor}`, { token: tokens.admin });
    expect([...list.body.data, ...next.body.data].map((c: { name: string }) => c.name)).toEqual(["Always open (24x7)", "Contract office"]);
    expect((await call("/sla/calendars?limit=0", { token: tokens.admin })).status).toBe(400);
    expect((await call("/sla/calendars", { token: tokens.agent })).status).toBe(403);
    expect((await call("/sla/calendars")).status).toBe(401);

    expect((await call(`/sla/calendars/${id}`, { token: tokens.supervisor })).body.name).toBe("Contract office");
    expect((await call("/sla/calendars/00000000-0000-4000-8000-00000000beef", { token: tokens.supervisor })).status).toBe(404);
    expect((await call(`/sla/calendars/${id}`, { token: tokens.customer })).status).toBe(403);
    expect((await call(`/sla/calendars/${id}`)).status).toBe(401);

    const changed = await call(`/sla/calendars/${id}`, { method: "patch", token: tokens.supervisor, body: { holidays: ["--12-24"], timezone: "Asia/Shanghai" } });
    expect(changed.body).toMatchObject({ timezone: "Asia/Shanghai", holidays: ["--12-24"], hours, name: "Contract office" });
    const overlapping = await call(`/sla/calendars/${id}`, { method: "patch", token: tokens.supervisor, body: { hours: { mon: [["09:00", "12:00"], ["11:00", "17:00"]] } } });
    expect(Object.keys(overlapping.body.error.details)).toEqual(["hours.mon"]);
    const builtIn = "00000000-0000-4000-8000-000000002407";
    expect((await call(`/sla/calendars/${builtIn}`, { method: "patch", token: tokens.admin, body: { name: "Mine now" } })).status).toBe(409);
    expect((await call("/sla/calendars/00000000-0000-4000-8000-00000000beef", { method: "patch", token: tokens.admin, body: { name: "Gone" } })).status).toBe(404);
    expect((await call(`/sla/calendars/${id}`, { method: "patch", token: tokens.agent, body: { name: "Mine" } })).status).toBe(403);
    expect((await call(`/sla/calendars/${id}`, { method: "patch", body: {} })).status).toBe(401);

    expect((await call(`/sla/calendars/${builtIn}`, { method: "delete", token: tokens.admin })).status).toBe(409);
    expect((await call(`/sla/calendars/${id}`, { method: "delete", token: tokens.agent })).status).toBe(403);
    expect((await call(`/sla/calendars/${id}`, { method: "delete" })).status).toBe(401);
    expect((await call(`/sla/calendars/${id}`, { method: "delete", token: tokens.admin })).body.id).toBe(id);
    expect((await call(`/sla/calendars/${id}`, { method: "delete", token: tokens.admin })).status).toBe(404);
  });

  test("SLA policies: listed in order, set up, reordered, read, changed and removed by supervisors and admins", async () => {
    const always = "00000000-0000-4000-8000-000000002407";
    const body = { name: "Contract policy", priorities: ["urgent"], calendarId: always, targets: { urgent: { first_response: { minutes: 15, business: false } } } };
    const created = await call("/sla/policies", { method: "post", token: tokens.supervisor, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Contract policy", enabled: true, types: [], priorities: ["urgent"], atRiskShare: 0.75, atRiskMinutesBefore: null });
    const id = created.body.id as string;
    const bad = await call("/sla/policies", { method: "post", token: tokens.admin, body: { ...body, name: "Other", tiers: ["gold"], calendarId: "00000000-0000-4000-8000-00000000beef" } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details)).toEqual(["tiers.0"]);
    const noCalendar = await call("/sla/policies", { method: "post", token: tokens.admin, body: { ...body, name: "Other", calendarId: "00000000-0000-4000-8000-00000000beef" } });
    expect(noCalendar.body.error.details).toEqual({ calendarId: ["Choose the policy's calendar by the id of a stored calendar."] });
    expect((await call("/sla/policies", { method: "post", token: tokens.agent, body })).status).toBe(403);
    expect((await call("/sla/policies", { method: "post", body })).status).toBe(401);

    const list = await call("/sla/policies", { token: tokens.admin });
    const ids = (list.body.data as { id: string }[]).map((p) => p.id);
    expect(ids.at(-1)).toBe(id);
    expect((await call("/sla/policies", { token: tokens.agent })).status).toBe(403);
    expect((await call("/sla/policies")).status).toBe(401);

    const reordered = await call("/sla/policies/order", { method: "post", token: tokens.supervisor, body: { ids: [id, ...ids.slice(0, -1)] } });
    expect(reordered.body.data[0].id).toBe(id);
    expect((await call("/sla/policies/order", { method: "post", token: tokens.supervisor, body: { ids: [id] } })).body.error.details).toHaveProperty("ids");
    expect((await call("/sla/policies/order", { method: "post", token: tokens.agent, body: { ids } })).status).toBe(403);
    expect((await call("/sla/policies/order", { method: "post", body: { ids } })).status).toBe(401);

    expect((await call(`/sla/policies/${id}`, { token: tokens.supervisor })).body.position).toBe(10);
    expect((await call("/sla/policies/00000000-0000-4000-8000-00000000beef", { token: tokens.supervisor })).status).toBe(404);
    expect((await call(`/sla/policies/${id}`, { token: tokens.customer })).status).toBe(403);
    expect((await call(`/sla/policies/${id}`)).status).toBe(401);

    const changed = await call(`/sla/policies/${id}`, { method: "patch", token: tokens.supervisor, body: { enabled: false, atRiskMinutesBefore: 5 } });
    expect(changed.body).toMatchObject({ enabled: false, atRiskMinutesBefore: 5, priorities: ["urgent"], name: "Contract policy" });
    expect((await call(`/sla/policies/${id}`, { method: "patch", token: tokens.supervisor, body: {} })).status).toBe(400);
    expect((await call("/sla/policies/00000000-0000-4000-8000-00000000beef", { method: "patch", token: tokens.admin, body: { enabled: true } })).status).toBe(404);
    expect((await call(`/sla/policies/${id}`, { method: "patch", token: tokens.agent, body: { enabled: true } })).status).toBe(403);
    expect((await call(`/sla/policies/${id}`, { method: "patch", body: {} })).status).toBe(401);

    const used = (list.body.data as { id: string; name: string }[]).find((p) => p.name === "Default")!.id;
    expect((await call(`/sla/policies/${used}`, { method: "delete", token: tokens.admin })).status).toBe(409);
    expect((await call(`/sla/policies/${id}`, { method: "delete", token: tokens.agent })).status).toBe(403);
    expect((await call(`/sla/policies/${id}`, { method: "delete" })).status).toBe(401);
    expect((await call(`/sla/policies/${id}`, { method: "delete", token: tokens.admin })).body.id).toBe(id);
    expect((await call(`/sla/policies/${id}`, { method: "delete", token: tokens.admin })).status).toBe(404);

    // Each change asked for the worked tickets to be recomputed; its progress is there to follow.
    await until(async () => (await call("/sla/recompute", { token: tokens.supervisor })).body.recompute?.finishedAt, "the recompute to finish");
    const progress = await call("/sla/recompute", { token: tokens.admin });
    expect(progress.body.recompute).toMatchObject({ reason: `policy:${id}`, changed: expect.any(Number) });
    expect(progress.body.recompute.done).toBe(progress.body.recompute.total);
    expect((await call("/sla/recompute", { token: tokens.agent })).status).toBe(403);
    expect((await call("/sla/recompute")).status).toBe(401);
  });

  test("notifications: a person's own, marked read, and the kinds they choose", async () => {
    // One of each for the agent, as SLA escalations write them.
    const agentId = (await live.ctx.db.user.findUniqueOrThrow({ where: { email: "li@test.example" } })).id;
    await live.ctx.db.notification.createMany({
      data: [
        { userId: agentId, kind: "sla_warning", data: { target: "first_response" }, createdAt: new Date(Date.now() - 60_000) },
        { userId: agentId, kind: "sla_breach", data: { target: "first_response" }, createdAt: new Date() },
      ],
    });
    const list = await call("/notifications?limit=1", { token: tokens.agent });
    expect(list.body).toMatchObject({ unread: 2, data: [{ kind: "sla_breach", readAt: null }] });
    const next = await call(`/notifications?limit=1&cursor=${list.body.nextCursor}`, { token: tokens.agent });
    expect(next.body.data.map((n: { kind: string }) => n.kind)).toEqual(["sla_warning"]);
    expect((await call("/notifications?unread=maybe", { token: tokens.agent })).status).toBe(400);
    expect((await call("/notifications", { token: tokens.customer })).status).toBe(403);
    expect((await call("/notifications")).status).toBe(401);
    // Nobody else's: the supervisor has none of these.
    expect((await call("/notifications", { token: tokens.supervisor })).body.data).toEqual([]);

    const read = await call("/notifications/read", { method: "post", token: tokens.agent, body: { ids: [list.body.data[0].id] } });
    expect(read.body).toEqual({ unread: 1 });
    expect((await call("/notifications/read", { method: "post", token: tokens.agent, body: { all: true } })).body).toEqual({ unread: 0 });
    expect((await call("/notifications/read", { method: "post", token: tokens.agent, body: { ids: ["nope"] } })).status).toBe(400);
    expect((await call("/notifications/read", { method: "post", token: tokens.customer, body: { all: true } })).status).toBe(403);
    expect((await call("/notifications/read", { method: "post", body: { all: true } })).status).toBe(401);

    const prefs = await call("/notifications/preferences", { token: tokens.agent });
    expect(prefs.body).toEqual(Object.fromEntries(Object.keys(NOTIFICATION_KINDS).map((kind) => [kind, { inApp: true, email: emailPreference(kind, null) }])));
    const off = await call("/notifications/preferences", { method: "patch", token: tokens.agent, body: { sla_warning: { inApp: false } } });
    expect(off.body.sla_warning).toEqual({ inApp: false, email: true });
    const byMail = await call("/notifications/preferences", { method: "patch", token: tokens.agent, body: { sla_breach: { email: true }, sla_warning: { email: false } } });
    expect(byMail.body.sla_breach).toEqual({ inApp: true, email: true });
    expect(byMail.body.sla_warning).toEqual({ inApp: false, email: false });
    expect((await call("/notifications/preferences", { method: "patch", token: tokens.agent, body: { sla_breach: {} } })).status).toBe(400);
    expect((await call("/notifications/preferences", { method: "patch", token: tokens.agent, body: { birthday: { inApp: true } } })).status).toBe(400);
    expect((await call("/notifications/preferences", { token: tokens.customer })).status).toBe(403);
    expect((await call("/notifications/preferences")).status).toBe(401);
    expect((await call("/notifications/preferences", { method: "patch", token: tokens.customer, body: {} })).status).toBe(403);
    expect((await call("/notifications/preferences", { method: "patch", body: {} })).status).toBe(401);
  });

  test("the due-time preview answers supervisors and admins, names bad fields, and knows stored calendars", async () => {
    const calendar = { timezone: "Asia/Shanghai", hours: { mon: [["09:00", "18:00"]], tue: [["09:00", "18:00"]] } };
    const ok = await call("/sla/preview", { method: "post", token: tokens.supervisor, body: { calendar, start: "2026-11-23T17:30:00+08:00", minutes: 60 } });
    expect(ok.body).toEqual({ dueAt: "2026-11-24T09:30:00+08:00" });
    const bad = await call("/sla/preview", { method: "post", token: tokens.admin, body: { calendar, start: "tomorrow", minutes: 60 } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details)).toEqual(["start"]);
    const unknown = await call("/sla/preview", { method: "post", token: tokens.admin, body: { calendar: "00000000-0000-4000-8000-00000000beef", start: "2026-11-23T09:00:00Z", minutes: 1 } });
    expect(unknown.status).toBe(404);
    expect((await call("/sla/preview", { method: "post", token: tokens.agent, body: { calendar, start: "2026-11-23T09:00:00Z", minutes: 1 } })).status).toBe(403);
    expect((await call("/sla/preview", { method: "post", body: {} })).status).toBe(401);
  });
});

describe("attachments", () => {
  /** Uploads bytes (the body is the file, not JSON) and checks the answer against the document. */
  async function upload(filename: string | null, bytes: Uint8Array, token?: string) {
    const path = filename === null ? "/uploads" : `/uploads?filename=${encodeURIComponent(filename)}`;
    const res = await fetch(`${ctx.server.url}/api/v1${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: new Uint8Array(bytes),
    });
    return checked("post", "/uploads", res.status, await res.json());
  }

  function checked(method: Method, template: string, status: number, body: unknown) {
    const key = `${method} ${template} ${status}`;
    const schema = doc.paths[template][method]!.responses[String(status)]?.content?.["application/json"]?.schema;
    expect(schema, `${key} is documented (body: ${JSON.stringify(body)})`).toBeDefined();
    const validate = ajv.compile({ ...schema, components: doc.components });
    if (!validate(body)) throw new Error(`${key}: body does not match the document: ${ajv.errorsText(validate.errors)}`);
    exercised.add(key);
    return { status, body: body as any };
  }

  async function download(id: string, token?: string) {
    const res = await fetch(`${ctx.server.url}/api/v1/attachments/${id}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (res.status !== 200) return { ...checked("get", "/attachments/{id}", res.status, await res.json()), type: null };
    expect(doc.paths["/attachments/{id}"].get!.responses["200"].content?.["application/octet-stream"]).toBeDefined();
    exercised.add("get /attachments/{id} 200");
    return { status: 200, body: Buffer.from(await res.arrayBuffer()), type: res.headers.get("content-type") };
  }

  test("a file is uploaded as bytes, sent with a message, and downloaded by those who may read it", async () => {
    // A .json file is a file like any other: its body is not read as a request.
    const json = Buffer.from(JSON.stringify({ order: 1001, error: "timeout" }));
    const up = await upload("order.json", json, tokens.customer);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ filename: "order.json", contentType: "text/plain; charset=utf-8", size: json.length });
    const ticket = await fileTicket(tokens.customer, "With a file", { attachments: [up.body.id] });
    const detail = await call(`/tickets/${ticket.number}`, { token: tokens.agent });
    expect(detail.body.messages[0].attachments).toEqual([up.body]);
    const got = await download(up.body.id, tokens.agent);
    expect(got.body).toEqual(json);
    expect(got.type).toBe("text/plain; charset=utf-8");
    expect((await download(up.body.id, tokens.other)).status).toBe(404);
    expect((await download(up.body.id)).status).toBe(401);

    expect((await upload(null, json, tokens.customer)).status).toBe(400);
    const fake = await upload("fake.pdf", json, tokens.customer);
    expect(fake.status).toBe(400);
    expect(fake.body.error.filename).toBe("fake.pdf");
    expect((await upload("order.json", json)).status).toBe(401);
  });

  test("a person holds at most 50 files not yet sent", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    for (let i = 0; i < 50; i++) expect((await upload(`shot-${i}.png`, png, tokens.billing)).status).toBe(201);
    const refused = await upload("one-too-many.png", png, tokens.billing);
    expect(refused.status).toBe(429);
  });
});

describe("custom ticket fields", () => {
  /** The document as served now: what it says of tickets' `fields` follows the definitions. */
  async function reloadDocument() {
    doc = (await (await fetch(`${ctx.server.url}/api/v1/openapi.json`)).json()) as OpenApiDoc;
    validators.clear();
  }

  test("admins define, list, order, change and remove fields; tickets carry their values as the served document describes", async () => {
    const order = { key: "order_ref", labelEn: "Order reference", labelZh: "订单编号", type: "text", customerVisible: true };
    const created = await call("/admin/fields", { method: "post", token: tokens.admin, body: order });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: "order_ref", type: "text", required: false, customerVisible: true, active: true, options: [] });
    const area = await call("/admin/fields", {
      method: "post",
      token: tokens.admin,
      body: { key: "area", labelEn: "Area", labelZh: "领域", type: "dropdown", options: [{ value: "web", en: "Web", zh: "网页" }] },
    });
    expect((await call("/admin/fields", { method: "post", token: tokens.admin, body: order })).body.error.details).toEqual({ key: ["Another field already has this key."] });
    expect((await call("/admin/fields", { method: "post", body: order })).status).toBe(401);
    // At most 100 fields.
    await ctx.db.ticketField.createMany({ data: Array.from({ length: 98 }, (_, i) => ({ key: `filler_${i}`, labelEn: "F", labelZh: "F", type: "text", position: 10 + i })) });
    expect((await call("/admin/fields", { method: "post", token: tokens.admin, body: { ...order, key: "one_too_many" } })).status).toBe(409);
    await ctx.db.ticketField.deleteMany({ where: { key: { startsWith: "filler_" } } });

    const first = await call("/admin/fields?limit=1", { token: tokens.admin });
    expect(first.body.data.map((f: { key: string }) => f.key)).toEqual(["order_ref"]);
    const rest = await call(`/admin/fields?limit=1&cursor=${first.body.nextCursor}`, { token: tokens.admin });
    expect(rest.body).toMatchObject({ data: [{ key: "area" }], nextCursor: null });
    expect((await call("/admin/fields?limit=0", { token: tokens.admin })).status).toBe(400);
    expect((await call("/admin/fields")).status).toBe(401);
    const unknown = "00000000-0000-4000-8000-00000000f1e1";
    expect((await call(`/admin/fields/${area.body.id}`, { token: tokens.admin })).body.options).toEqual([{ value: "web", en: "Web", zh: "网页" }]);
    expect((await call(`/admin/fields/${unknown}`, { token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/fields/${area.body.id}`)).status).toBe(401);

    const relabelled = await call(`/admin/fields/${area.body.id}`, { method: "patch", token: tokens.admin, body: { labelEn: "Product area" } });
    expect(relabelled.body.labelEn).toBe("Product area");
    expect((await call(`/admin/fields/${area.body.id}`, { method: "patch", token: tokens.admin, body: { options: [] } })).body.error.details).toEqual({
      options: ["A dropdown needs at least one option."],
    });
    expect((await call(`/admin/fields/${unknown}`, { method: "patch", token: tokens.admin, body: { labelEn: "X" } })).status).toBe(404);
    expect((await call(`/admin/fields/${area.body.id}`, { method: "patch", body: { labelEn: "X" } })).status).toBe(401);

    const reordered = await call("/admin/fields/order", { method: "post", token: tokens.admin, body: { ids: [area.body.id, created.body.id] } });
    expect(reordered.body.data.map((f: { key: string }) => f.key)).toEqual(["area", "order_ref"]);
    expect((await call("/admin/fields/order", { method: "post", token: tokens.admin, body: { ids: [area.body.id] } })).status).toBe(400);
    expect((await call("/admin/fields/order", { method: "post", body: { ids: [area.body.id] } })).status).toBe(401);

    // Tickets now carry the fields: the document served now describes them.
    await reloadDocument();
    const ticket = await fileTicket(tokens.customer, "With custom fields", { fields: { order_ref: "R-1" } });
    expect((ticket as { fields?: unknown }).fields).toEqual({ order_ref: "R-1" });
    const changed = await call(`/tickets/${ticket.number}`, { method: "patch", token: tokens.agent, body: { fields: { area: "web" } } });
    expect(changed.body.fields).toEqual({ order_ref: "R-1", area: "web" });
    expect((await call(`/tickets/${ticket.number}`, { token: tokens.customer })).body.fields).toEqual({ order_ref: "R-1" });
    expect((await call(`/tickets/${ticket.number}`, { token: tokens.agent })).body.fields).toEqual({ order_ref: "R-1", area: "web" });

    // A field tickets have values of stays (archive it); an unused one goes.
    expect((await call(`/admin/fields/${created.body.id}`, { method: "delete", token: tokens.admin })).status).toBe(409);
    const spare = await call("/admin/fields", { method: "post", token: tokens.admin, body: { key: "spare", labelEn: "Spare", labelZh: "备用", type: "checkbox" } });
    expect((await call(`/admin/fields/${spare.body.id}`, { method: "delete", token: tokens.admin })).body.key).toBe("spare");
    expect((await call(`/admin/fields/${spare.body.id}`, { method: "delete", token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/fields/${spare.body.id}`, { method: "delete" })).status).toBe(401);

    // Archived, they leave tickets and the document alike.
    for (const id of [created.body.id, area.body.id]) await call(`/admin/fields/${id}`, { method: "patch", token: tokens.admin, body: { active: false } });
    await reloadDocument();
    expect((await call(`/tickets/${ticket.number}`, { token: tokens.agent })).body.fields).toEqual({});
  });
});

describe("mail sent", () => {
  test("admins list outbound mail newest first, by kind and recipient, a page at a time", async () => {
    const content = { subject: "Contract mail", text: "Hello", html: "<p>Hello</p>" };
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    await transactionOf(ctx.db, (sql) => queueMails(sql, [{ kind: "password_reset", to: ["contract-reset@mail.example"], content, sensitive: true }], at(2)));
    await transactionOf(ctx.db, (sql) => queueMails(sql, [{ kind: "reply", to: ["contract-to@mail.example"], cc: ["contract-cc@mail.example"], content }], at(1)));

    const mine = await call("/admin/mail/outbound?recipient=contract-", { token: tokens.admin });
    expect(mine.body.data.map((m: { kind: string }) => m.kind)).toEqual(["reply", "password_reset"]);
    expect(mine.body.data[0]).toMatchObject({ to: ["contract-to@mail.example"], cc: ["contract-cc@mail.example"], subject: "Contract mail", sensitive: false });
    expect(mine.body.data[1]).toMatchObject({ sensitive: true });
    expect((await call("/admin/mail/outbound?recipient=CONTRACT-CC", { token: tokens.admin })).body.data.map((m: { kind: string }) => m.kind)).toEqual(["reply"]);
    expect((await call("/admin/mail/outbound?kind=password_reset&recipient=contract-", { token: tokens.admin })).body.data).toHaveLength(1);
    const first = await call("/admin/mail/outbound?recipient=contract-&limit=1", { token: tokens.admin });
    const rest = await call(`/admin/mail/outbound?recipient=contract-&limit=1&cursor=${first.body.nextCursor}`, { token: tokens.admin });
    expect(rest.body).toMatchObject({ data: [{ kind: "password_reset" }], nextCursor: null });

    const bad = await call("/admin/mail/outbound?kind=birthday&status=lost", { token: tokens.admin });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details).sort()).toEqual(["kind", "status"]);
    expect((await call("/admin/mail/outbound", { token: tokens.agent })).status).toBe(403);
    expect((await call("/admin/mail/outbound")).status).toBe(401);
  });
});

describe("mail received", () => {
  test("admins list received mail, read one, download it as it arrived and try a failed one again", async () => {
    const raw = Buffer.from(
      "From: Contract Sender <contract-sender@mail.example>\r\nTo: support@helpdesk.test\r\nSubject: Contract inbound\r\n" +
        "Message-ID: <contract-inbound@mail.example>\r\n\r\nHello from the contract test.\r\n",
    );
    const id = await transactionOf(ctx.db, (sql) => storeReceivedMail(sql, { via: "smtp", envelopeFrom: "contract-sender@mail.example", envelopeTo: ["support@helpdesk.test"], raw }));
    const read = await until(async () => {
      const res = await call(`/admin/mail/inbound/${id}`, { token: tokens.admin });
      return res.body.status !== "received" ? res : null;
    }, "the mail to be read");
    expect(read.body).toMatchObject({ id, via: "smtp", status: "processed", outcome: "ticket_created", fromAddress: "contract-sender@mail.example", subject: "Contract inbound" });
    expect(read.body.mail).toMatchObject({ from: "Contract Sender <contract-sender@mail.example>", newText: "Hello from the contract test.", charset: "labelled" });
    const page = await call("/admin/mail/inbound?status=processed&limit=1", { token: tokens.admin });
    expect(page.body.data[0]).toMatchObject({ id, ticketNumber: expect.any(Number) });
    expect((await call("/admin/mail/inbound?status=lost", { token: tokens.admin })).status).toBe(400);
    expect((await call("/admin/mail/inbound", { token: tokens.agent })).status).toBe(403);
    expect((await call("/admin/mail/inbound")).status).toBe(401);
    expect((await call(`/admin/mail/inbound/${randomUUID()}`, { token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/mail/inbound/${id}`, { token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/mail/inbound/${id}`)).status).toBe(401);

    const eml = await fetch(`${ctx.server.url}/api/v1/admin/mail/inbound/${id}/raw`, { headers: { Authorization: `Bearer ${tokens.admin}` } });
    expect(eml.status).toBe(200);
    expect(eml.headers.get("content-type")).toContain("message/rfc822");
    expect(Buffer.from(await eml.arrayBuffer()).equals(raw)).toBe(true);
    expect(doc.paths["/admin/mail/inbound/{id}/raw"].get!.responses["200"].content?.["message/rfc822"]).toBeDefined();
    exercised.add("get /admin/mail/inbound/{id}/raw 200");
    expect((await call(`/admin/mail/inbound/${randomUUID()}/raw`, { token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/mail/inbound/${id}/raw`, { token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/mail/inbound/${id}/raw`)).status).toBe(401);

    // A mail that failed goes back to be read; one that did not cannot be "tried again".
    await ctx.db.inboundMail.update({ where: { id }, data: { status: "failed", error: "contract failure" } });
    const retried = await call(`/admin/mail/inbound/${id}/retry`, { method: "post", token: tokens.admin });
    expect(retried.body).toMatchObject({ id, status: "received", error: null });
    expect((await call(`/admin/mail/inbound/${id}/retry`, { method: "post", token: tokens.admin })).status).toBe(409);
    expect((await call(`/admin/mail/inbound/${randomUUID()}/retry`, { method: "post", token: tokens.admin })).status).toBe(404);
    expect((await call(`/admin/mail/inbound/${id}/retry`, { method: "post", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/mail/inbound/${id}/retry`, { method: "post" })).status).toBe(401);

    // Its bytes removed after the retention time: the row stays, the .eml is gone.
    const oldRaw = Buffer.from("From: contract-old@mail.example\r\nSubject: Old\r\n\r\nOld.\r\n");
    const oldId = await transactionOf(ctx.db, (sql) =>
      storeReceivedMail(sql, { via: "smtp", envelopeFrom: "contract-old@mail.example", envelopeTo: ["support@helpdesk.test"], raw: oldRaw }),
    );
    await until(async () => ((await ctx.db.inboundMail.findUniqueOrThrow({ where: { id: oldId } })).status !== "received" ? true : null), "the old mail to be read");
    await ctx.db.inboundMail.update({ where: { id: oldId }, data: { receivedAt: new Date(Date.now() - (INBOUND_RAW_DAYS + 1) * 86_400_000) } });
    expect(await pruneInboundMail(ctx.db)).toBe(1);
    expect((await call(`/admin/mail/inbound/${oldId}`, { token: tokens.admin })).body).toMatchObject({ rawPruned: true, mail: null, subject: "Old" });
    expect((await call(`/admin/mail/inbound/${oldId}/raw`, { token: tokens.admin })).status).toBe(410);
  });

  test("admins choose the category of mail to addresses without one of their own", async () => {
    const category = await ctx.db.category.findFirstOrThrow({ orderBy: { key: "desc" } });
    const set = await call("/admin/mail/defaults", { method: "patch", token: tokens.admin, body: { categoryId: category.id } });
    expect(set.body).toEqual({ categoryId: category.id, category: { key: category.key, nameEn: category.nameEn, nameZh: category.nameZh } });
    expect((await call("/admin/mail/defaults", { token: tokens.admin })).body).toMatchObject({ categoryId: category.id });
    const bad = await call("/admin/mail/defaults", { method: "patch", token: tokens.admin, body: { categoryId: randomUUID() } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details)).toEqual(["categoryId"]);
    expect((await call("/admin/mail/defaults", { method: "patch", token: tokens.agent, body: { categoryId: null } })).status).toBe(403);
    expect((await call("/admin/mail/defaults", { method: "patch", body: {} })).status).toBe(401);
    expect((await call("/admin/mail/defaults", { token: tokens.agent })).status).toBe(403);
    expect((await call("/admin/mail/defaults")).status).toBe(401);
    expect((await call("/admin/mail/defaults", { method: "patch", token: tokens.admin, body: { categoryId: null } })).body).toEqual({ categoryId: null, category: null });
  });

  test("admins keep the addresses mail arrives at; a mailbox password goes in and never comes out", async () => {
    const categories = await ctx.db.category.findMany({ orderBy: { key: "asc" } });
    const created = await call("/admin/mail/addresses", {
      method: "post",
      token: tokens.admin,
      body: { address: "Contract-Billing@Helpdesk.test", categoryId: categories[0].id, imapHost: "imap.mail.example", imapPassword: "s3cret" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ address: "contract-billing@helpdesk.test", enabled: true, imapFolder: "INBOX", imapSecure: true, imapPasswordSet: true });
    expect(JSON.stringify(created.body)).not.toContain("s3cret");
    const list = await call("/admin/mail/addresses", { token: tokens.admin });
    expect(list.body.data.map((a: { address: string }) => a.address)).toContain("contract-billing@helpdesk.test");
    expect((await call("/admin/mail/addresses", { method: "post", token: tokens.admin, body: { address: "contract-billing@helpdesk.test" } })).status).toBe(409);
    const bad = await call("/admin/mail/addresses", { method: "post", token: tokens.admin, body: { address: "not an address", imapPort: 70000 } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details).sort()).toEqual(["address", "imapPort"]);
    expect((await call("/admin/mail/addresses", { method: "post", token: tokens.agent, body: { address: "x@helpdesk.test" } })).status).toBe(403);
    expect((await call("/admin/mail/addresses", { method: "post", body: {} })).status).toBe(401);

    const other = await call("/admin/mail/addresses", { method: "post", token: tokens.admin, body: { address: "contract-other@helpdesk.test" } });
    const changed = await call(`/admin/mail/addresses/${created.body.id}`, { method: "patch", token: tokens.admin, body: { teamId: ctx.fx.teams.billing.id, imapPassword: null, imapHost: null } });
    expect(changed.body).toMatchObject({ teamId: ctx.fx.teams.billing.id, team: { name: "Billing" }, imapHost: null, imapPasswordSet: false });
    expect((await call(`/admin/mail/addresses/${created.body.id}`, { method: "patch", token: tokens.admin, body: { address: "contract-other@helpdesk.test" } })).status).toBe(409);
    expect((await call(`/admin/mail/addresses/${created.body.id}`, { method: "patch", token: tokens.admin, body: { imapHost: "bad host!" } })).status).toBe(400);
    expect((await call(`/admin/mail/addresses/${randomUUID()}`, { method: "patch", token: tokens.admin, body: { enabled: false } })).status).toBe(404);
    expect((await call(`/admin/mail/addresses/${created.body.id}`, { method: "patch", token: tokens.agent, body: { enabled: false } })).status).toBe(403);
    expect((await call(`/admin/mail/addresses/${created.body.id}`, { method: "patch", body: {} })).status).toBe(401);

    expect((await call(`/admin/mail/addresses/${other.body.id}`, { method: "delete", token: tokens.agent })).status).toBe(403);
    expect((await call(`/admin/mail/addresses/${other.body.id}`, { method: "delete" })).status).toBe(401);
    const removed = await call(`/admin/mail/addresses/${other.body.id}`, { method: "delete", token: tokens.admin });
    expect(removed.body).toMatchObject({ address: "contract-other@helpdesk.test" });
    expect((await call(`/admin/mail/addresses/${other.body.id}`, { method: "delete", token: tokens.admin })).status).toBe(404);
    expect((await call("/admin/mail/addresses", { token: tokens.agent })).status).toBe(403);
    expect((await call("/admin/mail/addresses")).status).toBe(401);
  });
});

// Last on purpose: the tests above record what they exercised.
test("every documented route and status was exercised", () => {
  const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) =>
      Object.keys(operation!.responses).map((status) => `${method} ${path} ${status}`),
    ),
  );
  expect(documented.filter((key) => !exercised.has(key))).toEqual([]);
});
