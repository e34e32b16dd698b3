// Hardening a browser relies on: every answer says how it may be framed,
// sniffed, referred and cached, and another site's page can neither post a
// form nor open the live channel with a visitor's session cookie.
import { describe, expect, test } from "vitest";
import { handshake, useLiveServer } from "../support/live.ts";

const { ctx, api, tokenFor, sessionCookie } = useLiveServer();

describe("security headers", () => {
  test("API answers are never cached and cannot be framed or sniffed", async () => {
    const token = await tokenFor("li@test.example");
    const res = await api("/tickets", { token });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
  });

  test("each response gets its own script nonce", async () => {
    const nonce = async () =>
      /'nonce-([^']+)'/.exec((await fetch(`${ctx.server.url}/healthz`)).headers.get("content-security-policy") ?? "")?.[1];
    const [a, b] = [await nonce(), await nonce()];
    expect(a).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(a).not.toBe(b);
  });
});

describe("hostile input", () => {
  test("text that cannot be stored is a 400 naming the field, in the caller's language, and files nothing", async () => {
    const token = await tokenFor("ada@key.example");
    const before = await ctx.db.ticket.count();
    for (const subject of ["bad \u0000 subject", "bad \ud800 subject"]) {
      const res = await api("/tickets", {
        method: "POST",
        token,
        lang: "zh-CN",
        body: { type: "inquiry", category: "technical", subject, description: "A description long enough." },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.subject[0]).toMatch(/无法保存的字符/);
    }
    expect(await ctx.db.ticket.count()).toBe(before);
  });

  test("an oversized form is refused before it is read", async () => {
    const res = await fetch(`${ctx.server.url}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "zh-CN" },
      body: `email=${"a".repeat(2_000_000)}`,
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("提交的内容过大");
  });
});

describe("the live channel", () => {
  const connect = (headers: Record<string, string>) => handshake(ctx.server.url, headers);

  test("a page of another site cannot open it with the visitor's cookie", async () => {
    const cookie = await sessionCookie(ctx.fx.agent.id);
    const host = new URL(ctx.server.url).host;
    expect(await connect({ Cookie: cookie, Origin: "https://evil.example" })).toMatch(/^refused/);
    expect(await connect({ Cookie: cookie, Origin: `http://${host}` })).toBe("connected");
  });
});
