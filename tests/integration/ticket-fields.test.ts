// Custom ticket fields end to end, on a real PostgreSQL: admins define them,
// customers and staff fill them in (portal form and API), they come back in
// the API and in the OpenAPI document as the definitions are now, customers
// never see staff-only ones (API, portal page data, live channel), views
// filter by them, the timeline tells of changes, and every definition change
// is audited.
import { describe, expect, test } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import { record, until, useLiveServer, watch } from "../support/live.ts";
import { loader as portalTicketLoader } from "../../app/routes/portal.tickets.$number.tsx";
import { action as portalNewAction, loader as portalNewLoader } from "../../app/routes/portal.new.tsx";
import { createTicket, getTicket, getTicketSummaries, listTickets, updateTicket } from "../../server/tickets/service.ts";
import { toQueueTicket } from "../../server/tickets/present.ts";
import { createView, resolveFor } from "../../server/views/service.ts";
import { matchesView } from "../../server/views/filters.ts";
import { createField, listFields, reorderFields, updateField } from "../../server/fields/service.ts";
import { translator } from "../../app/i18n/i18n.ts";
import type { QueueTicket, TicketChange } from "../../server/realtime/protocol.ts";

const live = useLiveServer();
const { ctx, api, tokenFor, connect, sessionCookie } = live;

const ORDER = { key: "order_number", labelEn: "Order number", labelZh: "订单号", type: "text", required: true, customerVisible: true };
const AREA = {
  key: "product_area",
  labelEn: "Product area",
  labelZh: "产品领域",
  type: "dropdown",
  customerVisible: false,
  options: [
    { value: "billing", en: "Billing", zh: "账单" },
    { value: "app", en: "Mobile app", zh: "手机应用" },
  ],
};

const openapi = async () => (await (await fetch(`${ctx.server.url}/api/v1/openapi.json`)).json()) as { components: { schemas: Record<string, any> }; paths: any };
const file = (token: string, fields: Record<string, unknown>, extra: Record<string, unknown> = {}, lang?: string) =>
  api("/tickets", {
    method: "POST",
    token,
    lang,
    body: { type: "inquiry", category: "technical", subject: "Where is my order?", description: "It has not arrived yet, please help.", fields, ...extra },
  });

/** A body checked against the served document's schema of a route's answer, as the contract test does. */
function validAgainst(doc: Awaited<ReturnType<typeof openapi>>, path: string, method: string, status: number, body: unknown) {
  const schema = doc.paths[path][method].responses[String(status)].content["application/json"].schema;
  const ajv = new Ajv2020({ strict: false, formats: { "date-time": true, uuid: true, email: true, date: /^\d{4}-\d\d-\d\d$/ } });
  const validate = ajv.compile({ ...schema, components: doc.components });
  const ok = validate(body);
  return ok ? "valid" : ajv.errorsText(validate.errors);
}

describe("custom ticket fields", () => {
  test("a custom field appears in the API response and its OpenAPI schema, and leaves the schema when archived", async () => {
    const admin = await tokenFor("admin@test.example");
    const created = await api("/admin/fields", { method: "POST", token: admin, body: ORDER });
    expect(created.status).toBe(201);
    const area = await api("/admin/fields", { method: "POST", token: admin, body: AREA });
    expect(area.body).toMatchObject({ key: "product_area", position: 2, active: true });

    const doc = await openapi();
    const staff = doc.components.schemas.StaffTicketFields;
    expect(staff.additionalProperties).toBe(false);
    expect(staff.properties.order_number).toMatchObject({ type: "string", description: expect.stringContaining("Order number (订单号)") });
    expect(staff.properties.product_area).toMatchObject({ type: "string", enum: ["billing", "app"], description: expect.stringContaining("Product area") });
    // Customers' tickets describe only what customers see; the filing body says who may set what.
    expect(Object.keys(doc.components.schemas.CustomerTicketFields.properties)).toEqual(["order_number"]);
    expect(doc.components.schemas.TicketFieldsInput.properties.product_area.description).toContain("Staff only");
    expect(doc.components.schemas.StaffTicket.properties.fields).toEqual({ $ref: "#/components/schemas/StaffTicketFields" });

    // Filed by the customer, set by staff: each answer carries the values and matches the document.
    const customer = await tokenFor("ada@key.example");
    const agent = await tokenFor("li@test.example");
    const filed = await file(customer, { order_number: " A-1 " });
    expect(filed.status).toBe(201);
    expect(filed.body.fields).toEqual({ order_number: "A-1" });
    expect(validAgainst(doc, "/tickets", "post", 201, filed.body)).toBe("valid");
    const set = await api(`/tickets/${filed.body.number}`, { method: "PATCH", token: agent, body: { fields: { product_area: "app" } } });
    expect(set.status).toBe(200);
    expect(set.body.fields).toEqual({ order_number: "A-1", product_area: "app" });
    expect(validAgainst(doc, "/tickets/{number}", "patch", 200, set.body)).toBe("valid");
    const listed = await api("/tickets?limit=5", { token: agent });
    expect(listed.body.data.find((t: { number: number }) => t.number === filed.body.number).fields).toEqual({ order_number: "A-1", product_area: "app" });

    // Archived: out of the document and the answers; the value stays on the ticket.
    expect((await api(`/admin/fields/${area.body.id}`, { method: "PATCH", token: admin, body: { active: false } })).body.active).toBe(false);
    const after = await openapi();
    expect(Object.keys(after.components.schemas.StaffTicketFields.properties)).toEqual(["order_number"]);
    const detail = await api(`/tickets/${filed.body.number}`, { token: agent });
    expect(detail.body.fields).toEqual({ order_number: "A-1" });
    expect(validAgainst(after, "/tickets/{number}", "get", 200, detail.body)).toBe("valid");
    const stored = await ctx.db.ticket.findUniqueOrThrow({ where: { number: filed.body.number }, select: { fields: true } });
    expect(stored.fields).toEqual({ order_number: "A-1", product_area: "app" });
    // Restored, it is back, value included.
    await api(`/admin/fields/${area.body.id}`, { method: "PATCH", token: admin, body: { active: true } });
    expect((await api(`/tickets/${filed.body.number}`, { token: agent })).body.fields).toEqual({ order_number: "A-1", product_area: "app" });
    expect(Object.keys((await openapi()).components.schemas.StaffTicketFields.properties)).toEqual(["order_number", "product_area"]);
  });

  test("a required field is enforced when filing, with the error in the caller's language, on the field", async () => {
    const customer = await tokenFor("ada@key.example");
    const missing = await file(customer, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual({ "fields.order_number": ["This field is required."] });
    const chinese = await file(customer, { order_number: "   " }, {}, "zh-CN");
    expect(chinese.body.error.details).toEqual({ "fields.order_number": ["此字段为必填项。"] });
    // Staff cannot empty it either.
    const agent = await tokenFor("li@test.example");
    const { body } = await file(customer, { order_number: "A-2" });
    const emptied = await api(`/tickets/${body.number}`, { method: "PATCH", token: agent, body: { fields: { order_number: null } } });
    expect(emptied.status).toBe(400);
    expect(emptied.body.error.details).toEqual({ "fields.order_number": ["This field is required."] });

    // The portal form asks it, marked required, and shows the error on it.
    const cookie = await sessionCookie(ctx.fx.keyCustomer.id);
    const page = await portalNewLoader({ request: new Request(`${ctx.server.url}/portal/new`, { headers: { Cookie: cookie } }), params: {}, context: {} as never });
    expect(page.fields.map((f) => [f.key, f.required])).toEqual([["order_number", true]]);
    const form = new FormData();
    for (const [k, v] of Object.entries({ type: "inquiry", category: "technical", subject: "P", description: "Nothing arrived this week." })) form.set(k, v);
    form.set("fields.order_number", "");
    const refused = (await portalNewAction({
      request: new Request(`${ctx.server.url}/portal/new`, { method: "POST", headers: { Cookie: cookie, "Accept-Language": "zh-CN" }, body: form }),
      params: {},
      context: {} as never,
    })) as unknown as { data: { fieldErrors: Record<string, string[]> }; init: { status: number } };
    expect(refused.init.status).toBe(400);
    // Every problem at once, each on its own field: the subject and the custom field.
    expect(refused.data.fieldErrors).toEqual({ subject: ["validation.subject"], "fields.order_number": ["validation.fieldRequired"] });
    expect(translator("zh-CN")(refused.data.fieldErrors["fields.order_number"][0])).toBe("此字段为必填项。");
    form.set("subject", "Parcel missing");
    form.set("fields.order_number", "A-3");
    const accepted = (await portalNewAction({
      request: new Request(`${ctx.server.url}/portal/new`, { method: "POST", headers: { Cookie: cookie }, body: form }),
      params: {},
      context: {} as never,
    })) as Response;
    expect(accepted.status).toBe(302);
    const number = Number(/tickets\/(\d+)/.exec(accepted.headers.get("Location")!)![1]);
    expect((await ctx.db.ticket.findUniqueOrThrow({ where: { number } })).fields).toEqual({ order_number: "A-3" });
  });

  test("a customer can neither set nor see a staff-only field: API, portal page data, live channel", async () => {
    const customer = await tokenFor("ada@key.example");
    const agent = await tokenFor("li@test.example");
    const sneaky = await file(customer, { order_number: "A-4", product_area: "billing" });
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.error.details).toEqual({ "fields.product_area": ["There is no such field to fill in here."] });

    const customerSocket = await connect(ctx.fx.keyCustomer.id);
    const agentSocket = await connect(ctx.fx.agent.id);
    const customerSaw = record(customerSocket);
    const agentSaw = record(agentSocket);
    const { body } = await file(customer, { order_number: "A-5" });
    expect(await watch(customerSocket, body.number)).toEqual({ ok: true });
    await api(`/tickets/${body.number}`, { method: "PATCH", token: agent, body: { fields: { product_area: "billing" } } });

    // Staff get the value live; the customer hears that the ticket changed, not what.
    const queued = await until(
      () => ((agentSaw["queue:ticket"] ?? []) as QueueTicket[]).find((t) => t.number === body.number && t.fields.product_area === "billing"),
      "the field's value in the agent's queue",
    );
    expect(queued.fields).toEqual({ order_number: "A-5", product_area: "billing" });
    await until(() => ((customerSaw["ticket:changed"] ?? []) as TicketChange[]).find((c) => c.number === body.number && c.updatedAt !== body.createdAt), "the change");
    expect(JSON.stringify(customerSaw)).not.toContain("product_area");
    expect(JSON.stringify(customerSaw)).not.toContain("billing");

    // The API: the customer's ticket, list and detail, without it.
    expect((await api(`/tickets/${body.number}`, { token: customer })).body.fields).toEqual({ order_number: "A-5" });
    const mine = await api("/tickets?limit=50", { token: customer });
    for (const t of mine.body.data) expect(Object.keys(t.fields)).not.toContain("product_area");

    // The portal page's data: only customer-visible fields and values.
    const cookie = await sessionCookie(ctx.fx.keyCustomer.id);
    const page = await portalTicketLoader({
      request: new Request(`${ctx.server.url}/portal/tickets/${body.number}`, { headers: { Cookie: cookie } }),
      params: { number: String(body.number) },
      context: {} as never,
    });
    expect(page.ticket.fields).toEqual({ order_number: "A-5" });
    expect(page.fields.map((f) => f.key)).toEqual(["order_number"]);
    expect(JSON.stringify(page)).not.toContain("product_area");
  });

  test("staff changes go through the ticket's change path: versions, conflicts and the timeline in both languages", async () => {
    const customer = await tokenFor("ada@key.example");
    const agent = await tokenFor("li@test.example");
    const supervisor = await tokenFor("sup@test.example");
    const { body } = await file(customer, { order_number: "A-6" });
    const seen = await api(`/tickets/${body.number}`, { token: agent });
    const etag = seen.headers.get("etag")!;
    const theirs = await api(`/tickets/${body.number}`, { method: "PATCH", token: supervisor, headers: { "If-Match": etag }, body: { fields: { order_number: "A-7" } } });
    expect(theirs.body.version).toBe(seen.body.version + 1);
    // The agent, from the old version, changes the same field: refused, with the supervisor's change.
    const stale = await api(`/tickets/${body.number}`, { method: "PATCH", token: agent, headers: { "If-Match": etag }, body: { fields: { order_number: "A-8" } } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.changes).toEqual([{ field: "fields.order_number", from: "A-6", to: "A-7", actorId: ctx.fx.supervisor.id, at: expect.any(String) }]);
    // Another field from the same old version goes through.
    const other = await api(`/tickets/${body.number}`, { method: "PATCH", token: agent, headers: { "If-Match": etag }, body: { fields: { product_area: "app" } } });
    expect(other.status).toBe(200);
    // A bad value: a 400 on the field, nothing saved.
    const bad = await api(`/tickets/${body.number}`, { method: "PATCH", token: agent, body: { fields: { product_area: "kitchen" } } });
    expect(bad.body.error.details).toEqual({ "fields.product_area": ["Choose one of the options."] });

    const { timeline } = await getTicket(ctx.db, ctx.fx.agent, body.number);
    const changes = timeline.flatMap((e) => e.changes).filter((c) => c.kind === "field");
    expect(changes).toEqual([
      expect.objectContaining({ key: "order_number", from: "A-6", to: "A-7", field: expect.objectContaining({ labelEn: "Order number" }) }),
      expect.objectContaining({ key: "product_area", from: null, to: "app" }),
    ]);
    expect(translator("en")("timeline.fieldSet", { field: "Order number", to: "A-1" })).toBe("set Order number to A-1");
    expect(translator("zh-CN")("timeline.fieldSet", { field: "订单号", to: "A-1" })).toBe("将“订单号”设为“A-1”");
  });

  test("a view filtered by custom fields lists exactly the matching tickets, and the live list agrees", async () => {
    const admin = ctx.fx.admin;
    await createField(ctx.db, admin, { key: "amount", labelEn: "Amount", labelZh: "金额", type: "number" });
    await createField(ctx.db, admin, { key: "gift_wrap", labelEn: "Gift wrap", labelZh: "礼品包装", type: "checkbox", customerVisible: true });
    await createField(ctx.db, admin, { key: "bought_on", labelEn: "Bought on", labelZh: "购买日期", type: "date" });
    const numbers: Record<string, number> = {};
    const make = async (name: string, fields: Record<string, unknown>) => {
      const ticket = await createTicket(ctx.db, ctx.fx.agent, {
        type: "inquiry",
        category: "technical",
        subject: `View ${name}`,
        description: "For the view filter test.",
        requesterEmail: "view-filter@example.com",
        fields: { order_number: `V-${name}`, ...fields },
      }, "agent");
      numbers[name] = ticket.number;
    };
    await make("a", { product_area: "app", amount: "12.50", gift_wrap: true, bought_on: "2026-03-01" });
    await make("b", { product_area: "app", amount: 12.5 });
    await make("c", { product_area: "billing", amount: "99", gift_wrap: "false" });
    await make("d", {});
    // A staff change afterwards counts as well.
    await updateTicket(ctx.db, ctx.fx.agent, numbers.d, { fields: { product_area: "app", gift_wrap: true } });

    const listed = async (filters: Record<string, unknown>) => {
      const view = await createView(ctx.db, ctx.fx.agent, { name: `Fields ${JSON.stringify(filters)}`.slice(0, 80), filters: { fields: filters } });
      const resolved = resolveFor(view, ctx.fx.agent, "UTC");
      const page = await listTickets(ctx.db, ctx.fx.agent, { limit: 200 }, { view: resolved });
      const ours = new Set(Object.values(numbers));
      const sql = page.items.map((t) => t.number).filter((n) => ours.has(n)).sort((a, b) => a - b);
      // The browser's decision for the same tickets (matchesView on the live queue's shape).
      const summaries = await getTicketSummaries(ctx.db, page.items.map((t) => t.id));
      const all = await getTicketSummaries(ctx.db, (await ctx.db.ticket.findMany({ where: { number: { in: [...ours] } }, select: { id: true } })).map((t) => t.id));
      expect(all.filter((t) => matchesView(resolved, toQueueTicket(t))).map((t) => t.number).sort((a, b) => a - b)).toEqual(sql);
      expect(summaries.length).toBe(page.items.length);
      return sql;
    };
    const n = (...names: string[]) => names.map((name) => numbers[name]).sort((a, b) => a - b);
    expect(await listed({ product_area: "app" })).toEqual(n("a", "b", "d"));
    expect(await listed({ product_area: "app", amount: "12.5" })).toEqual(n("a", "b"));
    expect(await listed({ gift_wrap: "true" })).toEqual(n("a", "d"));
    expect(await listed({ gift_wrap: "false", product_area: "app" })).toEqual(n("b"));
    expect(await listed({ bought_on: "2026-03-01" })).toEqual(n("a"));
    expect(await listed({ order_number: "V-c" })).toEqual(n("c"));
    // A filter value the field cannot hold, or an unknown field, is refused on that field.
    await expect(createView(ctx.db, ctx.fx.agent, { name: "Bad", filters: { fields: { amount: "lots" } } })).rejects.toMatchObject({
      details: { "filters.fields.amount": ["validation.fieldNumber"] },
    });
    await expect(createView(ctx.db, ctx.fx.agent, { name: "Bad", filters: { fields: { nope: "x" } } })).rejects.toMatchObject({
      details: { "filters.fields.nope": ["validation.fieldUnknown"] },
    });
    // The filter uses the GIN index of Ticket.fields when the planner must choose an index.
    const plan = await ctx.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN SELECT id FROM "Ticket" t WHERE t."fields" @> '{"product_area":"app"}'::jsonb`);
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("Ticket_fields_idx");
  });

  test("definition changes are audited, in the transaction that makes them; only admins may make them", async () => {
    const admin = await tokenFor("admin@test.example");
    const supervisor = await tokenFor("sup@test.example");
    const made = await api("/admin/fields", { method: "POST", token: admin, body: { key: "audited", labelEn: "Audited", labelZh: "审计", type: "text" } });
    await api(`/admin/fields/${made.body.id}`, { method: "PATCH", token: admin, body: { labelEn: "Audited field", required: true } });
    // Nothing changed: nothing recorded.
    await api(`/admin/fields/${made.body.id}`, { method: "PATCH", token: admin, body: { labelEn: "Audited field" } });
    const ids = (await listFields(ctx.db, ctx.fx.admin)).map((f) => f.id);
    await reorderFields(ctx.db, ctx.fx.admin, { ids: [made.body.id, ...ids.filter((id) => id !== made.body.id)] });
    expect((await api(`/admin/fields/${made.body.id}`, { method: "DELETE", token: admin })).status).toBe(200);
    // A field tickets hold values of stays: archive it instead.
    const order = (await listFields(ctx.db, ctx.fx.admin)).find((f) => f.key === "order_number")!;
    const inUse = await api(`/admin/fields/${order.id}`, { method: "DELETE", token: admin });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toContain("Archive it instead");
    // Refused changes record nothing.
    expect((await api("/admin/fields", { method: "POST", token: supervisor, body: { key: "x", labelEn: "X", labelZh: "X", type: "text" } })).status).toBe(403);
    const taken = await api("/admin/fields", { method: "POST", token: admin, body: { key: "order_number", labelEn: "Again", labelZh: "再次", type: "text" } });
    expect(taken.body.error.details).toEqual({ key: ["Another field already has this key."] });
    await expect(updateField(ctx.db, ctx.fx.admin, order.id, { options: [{ value: "a", en: "A", zh: "甲" }] })).rejects.toMatchObject({
      details: { options: ["validation.fieldOptionsNotAllowed"] },
    });

    const entries = await ctx.db.auditEntry.findMany({ where: { targetId: made.body.id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => e.action)).toEqual(["field.created", "field.updated", "field.updated", "field.deleted"]);
    expect(entries.every((e) => e.actorId === ctx.fx.admin.id && e.targetType === "field")).toBe(true);
    expect(entries[0].data).toMatchObject({ name: "Audited (audited)", after: { key: "audited", labelEn: "Audited", type: "text", required: false } });
    expect(entries[1].data).toEqual({ name: "Audited field (audited)", before: { labelEn: "Audited", required: false }, after: { labelEn: "Audited field", required: true } });
    expect(entries[2].data).toMatchObject({ before: { position: expect.any(Number) }, after: { position: 1 } });
    expect(entries[3].data).toMatchObject({ before: { key: "audited", labelEn: "Audited field" } });
    expect(await ctx.db.auditEntry.count({ where: { action: { startsWith: "field." }, actorId: ctx.fx.supervisor.id } })).toBe(0);
  });
});
