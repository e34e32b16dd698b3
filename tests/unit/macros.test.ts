// A macro's texts as they reach a ticket: placeholders filled in, unknown
// ones caught before saving, the ticket's language chosen.
import { describe, expect, test } from "vitest";
import { fillPlaceholders, textIn, unknownPlaceholders, actionsAsUpdate } from "../../server/macros/macros.ts";
import { languageOf } from "../../server/tickets/language.ts";

const values = {
  "customer.name": "王芳",
  "customer.email": "wang@example.com",
  "ticket.number": "42",
  "ticket.subject": "退款",
  "agent.name": "Li Wei",
};

describe("macro texts", () => {
  test("placeholders are filled in, with or without spaces inside the braces; others stay as written", () => {
    expect(fillPlaceholders("Hi {{customer.name}}, #{{ ticket.number }} — {{agent.name}}", values)).toBe("Hi 王芳, #42 — Li Wei");
    expect(fillPlaceholders("{ customer.name } {{}}", values)).toBe("{ customer.name } {{}}");
  });

  test("unknown placeholders are named, so a typo never reaches a customer", () => {
    expect(unknownPlaceholders("Hi {{custmer.name}} {{customer.name}} {{ agent }}")).toEqual(["custmer.name", "agent"]);
    expect(unknownPlaceholders("No placeholders at all")).toEqual([]);
  });

  test("the ticket's language, else the other one", () => {
    expect(textIn({ en: "Hello", "zh-CN": "您好" }, "zh-CN")).toBe("您好");
    expect(textIn({ en: "Hello" }, "zh-CN")).toBe("Hello");
    expect(textIn({ "zh-CN": "您好" }, "en")).toBe("您好");
    expect(textIn(null, "en")).toBeNull();
  });

  test('"me" is whoever applies the macro', () => {
    expect(actionsAsUpdate({ assigneeId: "me", status: "pending" }, "u1")).toEqual({ assigneeId: "u1", status: "pending" });
    expect(actionsAsUpdate({ assigneeId: null }, "u1")).toEqual({ assigneeId: null });
    expect(actionsAsUpdate({ priority: "high" }, "u1")).toEqual({ priority: "high" });
  });
});

describe("a ticket's language", () => {
  test("the requester's own choice first, else Chinese when the subject is written in it", () => {
    expect(languageOf("zh-CN", "Printer offline")).toBe("zh-CN");
    expect(languageOf("en", "打印机离线")).toBe("en");
    expect(languageOf(null, "打印机离线")).toBe("zh-CN");
    expect(languageOf(undefined, "Printer offline")).toBe("en");
    expect(languageOf("fr", "Imprimante")).toBe("en");
  });
});
