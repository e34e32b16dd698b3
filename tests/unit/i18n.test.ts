// The remembering `t` the queue's rows use must say exactly what i18next says,
// in both languages, for every text that has values to fill in.
import { describe, expect, test } from "vitest";
import { createI18n, rememberingT, resources } from "../../app/i18n/i18n.ts";
import type { Locale } from "../../app/i18n/config.ts";

/** Every key of a resource tree with its text, plural forms folded into their base key. */
function texts(tree: object, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([name, value]) =>
    typeof value === "string"
      ? [[`${prefix}${name.replace(/_(zero|one|two|few|many|other)$/, "")}`, value] as [string, string]]
      : texts(value as object, `${prefix}${name}.`),
  );
}

describe.each(Object.keys(resources) as Locale[])("texts with values in %s", (locale) => {
  const i18n = createI18n(locale);
  const t = rememberingT(i18n);
  const withValues = texts(resources[locale].translation).filter(([, text]) => text.includes("{{"));

  test("are filled in as i18next fills them, whether asked once or again", () => {
    expect(withValues.length).toBeGreaterThan(10);
    for (const [key] of withValues) {
      const names = [...String(i18n.t(key, { skipInterpolation: true, count: 2 } as never)).matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]);
      const values = Object.fromEntries(names.map((name, i) => [name, i % 2 ? 7 : `<${name}>`]));
      for (const asked of "count" in values ? [{ ...values, count: 1 }, { ...values, count: 2 }] : [values]) {
        expect(t(key, asked), key).toBe(i18n.t(key, asked));
        expect(t(key, asked), key).toBe(i18n.t(key, asked));
      }
    }
  });

  test("plurals and missing values are left to i18next", () => {
    expect(t("timeline.tagsAdded", { count: 1, tags: "refund" })).toBe(i18n.t("timeline.tagsAdded", { count: 1, tags: "refund" }));
    expect(t("timeline.tagsAdded", { count: 3, tags: "a, b, c" })).toBe(i18n.t("timeline.tagsAdded", { count: 3, tags: "a, b, c" }));
    if (locale === "en") expect(t("timeline.tagsAdded", { count: 1, tags: "refund" })).toBe("added the tag refund");
    expect(t("sla.dueIn", {})).toBe(i18n.t("sla.dueIn", {}));
    expect(t("sla.dueIn", { time: "soon", defaultValue: "x" })).toBe(i18n.t("sla.dueIn", { time: "soon", defaultValue: "x" }));
    expect(t("sla.dueIn", { time: "in 3 hours" })).toContain("in 3 hours");
  });
});
