// Text that cannot be stored is refused as a field error, and redirects after
// a form stay on this site and fit in a Location header.
import { describe, expect, test } from "vitest";
import { parseInput, unstorableText } from "../../server/validation.ts";
import { safeRedirect } from "../../app/utils/redirect.ts";
import { z } from "zod";

describe("unstorable text", () => {
  test("NUL and broken surrogate pairs are found wherever they are; whole pairs (emoji) are fine", () => {
    expect(unstorableText({ subject: "fine 👍", description: "bad \u0000 here", tags: ["ok", "x\ud800"], reply: { body: "\udc00y" } })).toEqual([
      "description",
      "tags.1",
      "reply.body",
    ]);
    expect(unstorableText("plain")).toEqual([]);
  });

  test("parseInput names the field and stores nothing", () => {
    const schema = z.object({ subject: z.string() });
    expect(() => parseInput(schema, { subject: "a\u0000b" })).toThrow(
      expect.objectContaining({ code: "validation_failed", details: { subject: ["validation.invalidCharacters"] } }),
    );
  });
});

describe("safeRedirect", () => {
  test("keeps same-site paths, percent-encoding what a header cannot carry", () => {
    expect(safeRedirect("/help/退款?q=€", "/")).toBe("/help/%E9%80%80%E6%AC%BE?q=%E2%82%AC");
    expect(safeRedirect("/portal", "/")).toBe("/portal");
  });

  test("refuses anything that could leave the site", () => {
    for (const to of ["//evil.example", "/\\evil.example", "https://evil.example", "/\tx", "portal"]) {
      expect(safeRedirect(to, "/home"), to).toBe("/home");
    }
  });
});
