import { describe, expect, test } from "vitest";
import { detectLanguage, filingLanguage } from "../../server/tickets/language.ts";

describe("a ticket's language from its words", () => {
  test("mostly Chinese is Chinese, even with Latin product names in it", () => {
    expect(detectLanguage("退款还没有到账")).toBe("zh-CN");
    expect(detectLanguage("我的iPhone 15无法连接WiFi")).toBe("zh-CN");
    expect(detectLanguage("订单 A-1234 的发票")).toBe("zh-CN");
  });

  test("mostly Latin words is English, even with a Chinese name in it", () => {
    expect(detectLanguage("The refund has not arrived")).toBe("en");
    expect(detectLanguage("Invoice for 王伟 is wrong, please correct the amount")).toBe("en");
  });

  test("numbers, symbols and emoji alone do not tell", () => {
    expect(detectLanguage("12345 !!! 🙂")).toBeNull();
    expect(detectLanguage("")).toBeNull();
  });

  test("reads only the start of a very long message", () => {
    const long = "问题".repeat(2_000) + " english".repeat(10_000);
    expect(detectLanguage(long)).toBe("zh-CN");
  });

  test("filing: the words first, else the requester's own language, else English", () => {
    expect(filingLanguage("zh-CN", "en")).toBe("zh-CN");
    expect(filingLanguage("en", "zh-CN")).toBe("en");
    expect(filingLanguage(null, "zh-CN")).toBe("zh-CN");
    expect(filingLanguage(null, null)).toBe("en");
    expect(filingLanguage(null, "fr")).toBe("en");
  });
});
