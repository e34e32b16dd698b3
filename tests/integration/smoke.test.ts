import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/services.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(() => t.drop());

test("db works", async () => {
  await t.db.team.create({ data: { key: "x", name: "X" } });
  expect(await t.db.team.count()).toBe(1);
});
