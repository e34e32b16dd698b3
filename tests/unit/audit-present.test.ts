// How an audit entry's data reads on the page and in the CSV.
import { describe, expect, test } from "vitest";
import { changeText, describeData, targetLabel, valueText } from "../../server/audit/present.ts";
import { changedFields } from "../../server/audit/log.ts";

describe("describeData", () => {
  test("a change reads field by field, before and after", () => {
    const data = changedFields({ role: "agent", teamIds: ["a"], name: "Li" }, { role: "supervisor", teamIds: ["a", "b"], name: "Li" });
    const lines = describeData(data);
    expect(lines).toEqual([
      { key: "role", before: "agent", value: "supervisor" },
      { key: "teamIds", before: "a", value: "a, b" },
    ]);
    expect(changeText(lines)).toBe("role: agent → supervisor; teamIds: a → a, b");
  });

  test("details read one per line; nothing reads as a dash; long text is cut", () => {
    expect(changeText(describeData({ reason: "wrong_password", scopes: [], note: null }))).toBe("reason: wrong_password; scopes: —; note: —");
    expect(describeData({ filter: { action: "signin.failed" }, rows: 3 })).toEqual([
      { key: "filter", value: "action=signin.failed" },
      { key: "rows", value: "3" },
    ]);
    expect(valueText("x".repeat(500))).toHaveLength(200);
    expect(describeData(null)).toEqual([]);
    expect(describeData(["not", "a", "record"])).toEqual([]);
  });
});

describe("targetLabel", () => {
  test("a person by name and email, else a name the data carries", () => {
    expect(targetLabel({}, { name: "Li Wei", email: "li@x.example" })).toBe("Li Wei <li@x.example>");
    expect(targetLabel({ name: "CRM sync" })).toBe("CRM sync");
    expect(targetLabel({ before: { name: "Old" }, after: { name: "New" } })).toBe("New");
    expect(targetLabel({ rows: 3 })).toBeNull();
  });
});
