// The embedded servers start whatever random secrets they were given: about
// one generated key in 64 begins with "-", which Meilisearch's command line
// once took for a flag, so `npm start` failed at random.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { startEmbeddedMeilisearch } from "../../server/embedded.ts";

test("the embedded Meilisearch starts with a master key that begins with a dash", async () => {
  const dir = path.resolve(import.meta.dirname, "../../.data/test-meili-dash");
  fs.rmSync(dir, { recursive: true, force: true });
  const meili = await startEmbeddedMeilisearch({ dir, port: Number(process.env.TEST_DASH_MEILI_PORT ?? 7731), masterKey: "-lWk3x_leading-dash-0123456789" });
  try {
    const res = await fetch(`${meili.url}/keys`, { headers: { Authorization: "Bearer -lWk3x_leading-dash-0123456789" } });
    expect(res.status).toBe(200);
  } finally {
    await meili.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
