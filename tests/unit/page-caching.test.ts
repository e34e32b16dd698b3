// The no-store every private answer gets, and what a page may say instead:
// a private cache (an attachment kept by the reader's browser) replaces it, a
// shared one never does, and a page that says nothing stays uncached.
import express from "express";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { pagesSetTheirOwnCaching, securityHeaders } from "../../server/http/security.ts";

let url = "";
let close = () => {};
beforeAll(async () => {
  const app = express();
  app.use(securityHeaders());
  app.use(pagesSetTheirOwnCaching());
  // As Remix's adapter copies a page's headers: with res.append.
  app.get("/page", (req, res) => {
    if (typeof req.query.cache === "string") res.append("Cache-Control", req.query.cache);
    res.send("ok");
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;
  close = () => server.close();
});
afterAll(() => close());

const cacheOf = async (cache?: string) =>
  (await fetch(cache === undefined ? url : `${url}?cache=${encodeURIComponent(cache)}`)).headers.get("cache-control");

test("a page that says nothing is not cached", async () => {
  expect(await cacheOf()).toBe("no-store");
});

test("a private cache asked for by a page replaces no-store", async () => {
  expect(await cacheOf("private, max-age=86400, immutable")).toBe("private, max-age=86400, immutable");
});

test("a shared cache asked for by a page stays no-store", async () => {
  expect(await cacheOf("public, max-age=31536000")).toMatch(/^no-store\b/);
  expect(await cacheOf("max-age=600")).toMatch(/^no-store\b/);
});
