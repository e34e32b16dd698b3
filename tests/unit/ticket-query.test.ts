import { describe, expect, test } from "vitest";
import { parseTicketQuery } from "../../search/ticket-query.ts";

describe("reading what an agent typed into ticket search", () => {
  test("operators come out of the text, the rest stays to be matched", () => {
    expect(parseTicketQuery("status:open refund assignee:me 退款")).toEqual({
      text: "refund 退款",
      terms: [
        { operator: "status", value: "open", negate: false },
        { operator: "assignee", value: "me", negate: false },
      ],
      numbers: [],
      invalid: [],
    });
  });

  test("a ticket number, a negation, quoted values and upper case", () => {
    const q = parseTicketQuery('#123 -TAG:spam requester:Ada@Key.example tag:"vip" Priority:URGENT');
    expect(q.numbers).toEqual([123]);
    expect(q.terms).toEqual([
      { operator: "tag", value: "spam", negate: true },
      { operator: "requester", value: "Ada@Key.example", negate: false },
      { operator: "tag", value: "vip", negate: false },
      { operator: "priority", value: "urgent", negate: false },
    ]);
    expect(q.text).toBe("");
  });

  test("a value an operator cannot take is reported; an unknown operator and a lone # are text", () => {
    const q = parseTicketQuery("status:opne priority: https://example.com/a error:42 # #abc");
    expect(q.invalid).toEqual(["status:opne", "priority:"]);
    expect(q.terms).toEqual([]);
    expect(q.text).toBe("https://example.com/a error:42 # #abc");
  });

  test("a number too large for a ticket stays text instead of failing the search", () => {
    expect(parseTicketQuery("#99999999999")).toMatchObject({ numbers: [], text: "#99999999999" });
  });
});
