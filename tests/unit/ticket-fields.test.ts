// The value rules of custom ticket fields (server/fields/values.ts): what a
// form or API call may send, what is stored, what each audience sees, and
// how values compare (views today, routing rules later).
import { describe, expect, test } from "vitest";
import {
  applyValues,
  displayValue,
  fieldLabel,
  fieldMatches,
  fieldsFor,
  fieldValuesSchema,
  filedValues,
  FieldChangeSchema,
  NewFieldSchema,
  planFieldUpdate,
  sameFieldValue,
  visibleValues,
  type FieldDefinition,
} from "../../server/fields/values.ts";
import { matchesView, resolveView, ViewFiltersSchema } from "../../server/views/filters.ts";

const field = (over: Partial<FieldDefinition> & Pick<FieldDefinition, "key" | "type">): FieldDefinition => ({
  id: over.key,
  labelEn: over.key,
  labelZh: over.key,
  options: [],
  required: false,
  customerVisible: true,
  position: 1,
  active: true,
  ...over,
});

const order = field({ key: "order_number", type: "text", labelEn: "Order number", labelZh: "订单号", required: true, position: 1 });
const amount = field({ key: "amount", type: "number", position: 2 });
const area = field({
  key: "product_area",
  type: "dropdown",
  labelEn: "Product area",
  labelZh: "产品领域",
  customerVisible: false,
  position: 3,
  options: [
    { value: "billing", en: "Billing", zh: "账单" },
    { value: "app", en: "Mobile app", zh: "手机应用" },
  ],
});
const bought = field({ key: "bought_on", type: "date", position: 4 });
const gift = field({ key: "gift", type: "checkbox", position: 5 });
const old = field({ key: "old_field", type: "text", active: false, position: 0 });
const ALL = [gift, bought, area, amount, order, old];

const parse = (audience: "customer" | "staff", mode: "file" | "update", input: unknown) =>
  fieldValuesSchema(ALL, audience, mode).safeParse(input);
const errorsOf = (result: ReturnType<typeof parse>) =>
  result.success ? {} : Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));

describe("filing", () => {
  test("values are normalised: numbers as numbers, dates as days, checkboxes as booleans, trimmed text", () => {
    const result = parse("staff", "file", { order_number: "  A-1 ", amount: "12.50", product_area: "app", bought_on: "2026-02-28", gift: "on" });
    expect(result.success && filedValues(result.data)).toEqual({ order_number: "A-1", amount: 12.5, product_area: "app", bought_on: "2026-02-28", gift: true });
    const typed = parse("staff", "file", { order_number: "A-2", amount: -3, gift: false });
    expect(typed.success && filedValues(typed.data)).toEqual({ order_number: "A-2", amount: -3, gift: false });
  });

  test("required fields must be filled; blank ones are left out", () => {
    expect(errorsOf(parse("customer", "file", {}))).toEqual({ order_number: "validation.fieldRequired" });
    expect(errorsOf(parse("customer", "file", { order_number: "   " }))).toEqual({ order_number: "validation.fieldRequired" });
    const ok = parse("customer", "file", { order_number: "A-1", amount: "", bought_on: "" });
    expect(ok.success && filedValues(ok.data)).toEqual({ order_number: "A-1" });
  });

  test("a required checkbox must be ticked", () => {
    const consent = field({ key: "consent", type: "checkbox", required: true });
    expect(fieldValuesSchema([consent], "customer", "file").safeParse({ consent: "false" }).success).toBe(false);
    expect(fieldValuesSchema([consent], "customer", "file").safeParse({ consent: true }).success).toBe(true);
  });

  test("each type refuses what it cannot hold, on the field's key", () => {
    const result = parse("staff", "file", {
      order_number: "x".repeat(501),
      amount: "12 apples",
      product_area: "kitchen",
      bought_on: "2026-02-30",
      gift: "maybe",
    });
    expect(errorsOf(result)).toEqual({
      order_number: "validation.fieldTextTooLong",
      amount: "validation.fieldNumber",
      product_area: "validation.fieldOption",
      bought_on: "validation.fieldDate",
      gift: "validation.fieldCheckbox",
    });
    expect(errorsOf(parse("staff", "file", { order_number: "A", amount: "1e400" }))).toEqual({ amount: "validation.fieldNumber" });
    expect(errorsOf(parse("staff", "file", { order_number: "A", bought_on: "28/02/2026" }))).toEqual({ bought_on: "validation.fieldDate" });
  });

  test("customers may not set staff-only, archived or unknown fields", () => {
    expect(errorsOf(parse("customer", "file", { order_number: "A", product_area: "app", old_field: "x", nope: 1 }))).toEqual({
      product_area: "validation.fieldUnknown",
      old_field: "validation.fieldUnknown",
      nope: "validation.fieldUnknown",
    });
    expect(parse("staff", "file", { order_number: "A", product_area: "app" }).success).toBe(true);
  });

  test("fields that are not an object are refused", () => {
    expect(errorsOf(parse("staff", "file", "A-1"))).toEqual({ "": "validation.fields" });
  });
});

describe("updates", () => {
  test("only the fields sent change; blank clears one; a required one cannot be cleared", () => {
    const result = parse("staff", "update", { amount: "", gift: "true" });
    expect(result.success && result.data).toEqual({ amount: null, gift: true });
    expect(errorsOf(parse("staff", "update", { order_number: "" }))).toEqual({ order_number: "validation.fieldRequired" });
    expect(applyValues({ order_number: "A", amount: 3 }, { amount: null, gift: true })).toEqual({ order_number: "A", gift: true });
  });

  test("the stale-form rule: a colleague's change to the same field conflicts, a value sent back unchanged does not", () => {
    const theirs = { key: "amount", from: 1, to: 2, actorId: "colleague", at: new Date(), version: 3 };
    const seen = (wholeForm: boolean) => ({ changesSince: [theirs], actorId: "me", wholeForm });
    // The form sends every field: amount as it was when the page was shown (1) is not a change.
    expect(planFieldUpdate({ amount: 2, order_number: "A" }, { amount: 1, order_number: "B" }, seen(true))).toEqual({
      apply: { order_number: "B" },
      conflicts: [],
    });
    // Changing it to something else after a colleague did: a conflict.
    expect(planFieldUpdate({ amount: 2 }, { amount: 5 }, seen(false)).conflicts).toEqual([theirs]);
    // Without a version, as sent.
    expect(planFieldUpdate({ amount: 2 }, { amount: 5 }, null)).toEqual({ apply: { amount: 5 }, conflicts: [] });
    // An unticked box equals one never ticked: nothing to save.
    expect(planFieldUpdate({}, { gift: false }, null).apply).toEqual({});
  });
});

describe("reading and comparing", () => {
  test("customers see customer-visible active fields only; values no longer valid are left out", () => {
    const stored = { order_number: "A-1", product_area: "app", old_field: "kept", amount: "5", gift: true, nope: 1 };
    expect(visibleValues(ALL, stored, "customer")).toEqual({ order_number: "A-1", gift: true });
    expect(visibleValues(ALL, stored, "staff")).toEqual({ order_number: "A-1", product_area: "app", gift: true });
    const withoutApp = { ...area, options: area.options.filter((o) => o.value !== "app") };
    expect(visibleValues([withoutApp], stored, "staff")).toEqual({});
    expect(visibleValues(ALL, null, "staff")).toEqual({});
  });

  test("forms ask the active fields in their order", () => {
    expect(fieldsFor(ALL, "staff").map((f) => f.key)).toEqual(["order_number", "amount", "product_area", "bought_on", "gift"]);
    expect(fieldsFor(ALL, "customer").map((f) => f.key)).toEqual(["order_number", "amount", "bought_on", "gift"]);
  });

  test("labels and values in the reader's language", () => {
    expect(fieldLabel(order, "zh-CN")).toBe("订单号");
    expect(fieldLabel(order, "en")).toBe("Order number");
    const words = { yes: "Yes", no: "No" };
    expect(displayValue(area, "app", "zh-CN", words)).toBe("手机应用");
    expect(displayValue(area, "app", "en", words)).toBe("Mobile app");
    expect(displayValue(gift, false, "en", words)).toBe("No");
  });

  test("comparison: an unset checkbox is an unticked one; numbers compare as numbers", () => {
    expect(sameFieldValue(false, undefined)).toBe(true);
    expect(sameFieldValue(5, 5)).toBe(true);
    expect(sameFieldValue("5", 5)).toBe(false);
    expect(fieldMatches(undefined, false)).toBe(true);
    expect(fieldMatches(true, false)).toBe(false);
    expect(fieldMatches(12.5, 12.5)).toBe(true);
    expect(fieldMatches("A-1", "a-1")).toBe(false);
  });

  test("a view filtered by fields keeps the tickets with every value", () => {
    const view = resolveView(ViewFiltersSchema.parse({ fields: { product_area: "app", gift: false } }), { id: "me", teamIds: [] }, "UTC", () => 0);
    const ticket = (fields: Record<string, unknown>) => ({
      status: "open", priority: "normal", type: "inquiry", categoryId: "c", teamId: null, assigneeId: null, tags: [],
      slaState: "none", requesterTier: "standard", requesterEmail: "a@b.c", createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z", fields,
    });
    expect(matchesView(view, ticket({ product_area: "app" }))).toBe(true);
    expect(matchesView(view, ticket({ product_area: "app", gift: false }))).toBe(true);
    expect(matchesView(view, ticket({ product_area: "app", gift: true }))).toBe(false);
    expect(matchesView(view, ticket({ product_area: "billing" }))).toBe(false);
  });
});

describe("definitions", () => {
  test("keys are lower-case names; a dropdown needs options with distinct values, other types take none", () => {
    expect(NewFieldSchema.safeParse({ key: "Order Number", labelEn: "a", labelZh: "b", type: "text" }).success).toBe(false);
    expect(NewFieldSchema.safeParse({ key: "area", labelEn: "Area", labelZh: "领域", type: "dropdown" }).error?.issues[0].message).toBe(
      "validation.fieldOptionsNeeded",
    );
    const twice = [
      { value: "a", en: "A", zh: "甲" },
      { value: "a", en: "B", zh: "乙" },
    ];
    expect(NewFieldSchema.safeParse({ key: "area", labelEn: "Area", labelZh: "领域", type: "dropdown", options: twice }).error?.issues[0].message).toBe(
      "validation.fieldOptionDuplicate",
    );
    expect(NewFieldSchema.safeParse({ key: "n", labelEn: "N", labelZh: "数", type: "number", options: twice.slice(0, 1) }).error?.issues[0].message).toBe(
      "validation.fieldOptionsNotAllowed",
    );
    expect(NewFieldSchema.parse({ key: "order_number", labelEn: " Order number ", labelZh: "订单号", type: "text" })).toMatchObject({
      labelEn: "Order number",
      required: false,
      customerVisible: false,
      options: [],
    });
  });

  test("a change must change something", () => {
    expect(FieldChangeSchema.safeParse({}).success).toBe(false);
    expect(FieldChangeSchema.safeParse({ active: false }).success).toBe(true);
  });
});
