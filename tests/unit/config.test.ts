import { describe, expect, test } from "vitest";
import { ConfigError, parseEnv } from "../../server/config.ts";
import { localeFromAcceptLanguage } from "../../app/i18n/config.ts";
import { retryDelayMs } from "../../server/events/durable.ts";

describe("parseEnv", () => {
  test("defaults give a local, embedded set-up", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.MEILI_URL).toBeUndefined();
    expect(env.DATA_DIR).toBe(".data");
  });
  test("a wrong value stops the start with the variable's name", () => {
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgresql/);
    expect(() => parseEnv({ SESSION_SECRET: "short" })).toThrow(/SESSION_SECRET/);
  });
  test("empty variables count as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });
});

describe("localeFromAcceptLanguage", () => {
  test("picks Chinese for any zh variant and respects q-values", () => {
    expect(localeFromAcceptLanguage("zh-TW,zh;q=0.9")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("fr;q=1, en;q=0.5, zh;q=0.8")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("en-GB")).toBe("en");
    expect(localeFromAcceptLanguage("fr")).toBeNull();
  });
});

describe("listener retry delay", () => {
  test("backs off exponentially and is capped at five minutes", () => {
    expect(retryDelayMs(1)).toBe(1000);
    expect(retryDelayMs(3)).toBe(4000);
    expect(retryDelayMs(30)).toBe(300_000);
  });
});
