// Attachments through the API and the live channel (decision 017):
// - a file sent with a message is read only by those who may read the
//   message: an internal note's files never reach a customer, by page
//   (getTicket, what the portal loads), API or socket;
// - an upload is its uploader's alone until a message takes it, and only once;
// - files are judged by their bytes: programs and files that are not what
//   their name says are refused, with the reason in the caller's language;
// - uploads never sent are removed after a day;
// - at most 10 files go with a message and one person holds at most 50
//   unsent uploads: past that, nothing is stored;
// - a download may be kept by the reader's browser (the bytes at an id never
//   change), a refusal never.
import fs from "node:fs";
import { describe, expect, test } from "vitest";
import { getTicket } from "../../server/tickets/service.ts";
import { pruneUnsentUploads } from "../../server/attachments/service.ts";
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_PENDING_UPLOADS } from "../../server/attachments/limits.ts";
import { loader as attachmentPage } from "../../app/routes/attachments.$id.$filename.tsx";
import { action as portalNewAction } from "../../app/routes/portal.new.tsx";
import { translator } from "../../app/i18n/i18n.ts";
import { record, until, useLiveServer, watch } from "../support/live.ts";
import { testBlobDir } from "../support/services.ts";

const { ctx, api, tokenFor, connect, sessionCookie } = useLiveServer();

// A 1×1 PNG, and the first bytes of a PDF and of a Windows program.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d4944415478da63f8cfc0f01f0005000201c5d0bd0e0000000049454e44ae426082",
  "hex",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const PROGRAM = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(62), Buffer.from("PE\0\0")]);

async function upload(token: string, filename: string, bytes: Uint8Array, lang = "en") {
  const res = await fetch(`${ctx.server.url}/api/v1/uploads?filename=${encodeURIComponent(filename)}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream", "Accept-Language": lang },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function download(token: string, id: string) {
  const res = await fetch(`${ctx.server.url}/api/v1/attachments/${id}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The page route a signed-in browser downloads from (/attachments/:id/:name), with this session cookie. */
async function downloadPage(cookie: string, id: string, filename: string) {
  const url = `${ctx.server.url}/attachments/${id}/${encodeURIComponent(filename)}`;
  // A refusal is thrown, as Remix's loaders do: the answer either way.
  const res = await attachmentPage({ request: new Request(url, { headers: { Cookie: cookie } }), params: { id, filename }, context: {} as never }).catch(
    (thrown: unknown) => {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    },
  );
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Every file the blob store holds for this test process. */
const storedBlobs = () => (fs.existsSync(testBlobDir()) ? fs.readdirSync(testBlobDir(), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0);

const KEPT_A_DAY = "private, max-age=86400, immutable";

const fileTicket = (token: string, attachments: string[], category = "technical") =>
  api("/tickets", {
    method: "POST",
    token,
    body: { type: "complaint", category, subject: "The export page shows an error", description: "See the screenshot attached, please.", attachments },
  });

describe("who may read an attachment", () => {
  test("a customer's screenshot reaches the agent of the team, and nobody else", async () => {
    const [ada, otto, li, bo] = await Promise.all(
      ["ada@key.example", "otto@std.example", "li@test.example", "bo@test.example"].map((email) => tokenFor(email)),
    );
    const shot = await upload(ada, "screen.png", PNG);
    expect(shot.status).toBe(201);
    expect(shot.body).toMatchObject({ filename: "screen.png", contentType: "image/png", size: PNG.length });
    // Before it is sent, only its uploader can read it.
    expect((await download(ada, shot.body.id)).status).toBe(200);
    expect((await download(li, shot.body.id)).status).toBe(404);

    const filed = await fileTicket(ada, [shot.body.id]);
    expect(filed.status).toBe(201);
    const seen = await api(`/tickets/${filed.body.number}`, { token: li });
    expect(seen.body.messages[0].attachments).toEqual([{ id: shot.body.id, filename: "screen.png", contentType: "image/png", size: PNG.length }]);

    const got = await download(li, shot.body.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(PNG)).toBe(true);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-disposition")).toBe('attachment; filename="screen.png"');
    // The bytes at an id never change: the reader's browser keeps them, for itself only.
    expect(got.headers.get("cache-control")).toBe(KEPT_A_DAY);
    expect(got.headers.get("vary")).toContain("Authorization");

    // Another customer, and an agent of another team: as if it did not exist.
    const refused = await download(otto, shot.body.id);
    expect(refused.status).toBe(404);
    // A refusal is never kept: access is checked again next time.
    expect(refused.headers.get("cache-control")).toBe("no-store");
    expect((await download(bo, shot.body.id)).status).toBe(404);
    expect((await download(otto, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  test("an upload goes with one message only, and only its uploader's", async () => {
    const [ada, otto] = await Promise.all([tokenFor("ada@key.example"), tokenFor("otto@std.example")]);
    const shot = await upload(ada, "screen.png", PNG);
    // Someone else cannot send it, even knowing its id.
    const stolen = await fileTicket(otto, [shot.body.id], "billing");
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.details.attachments).toEqual(["An attachment is no longer waiting to be sent: attach it again."]);
    expect((await download(otto, shot.body.id)).status).toBe(404);

    const first = await fileTicket(ada, [shot.body.id]);
    expect(first.status).toBe(201);
    const again = await api(`/tickets/${first.body.number}/messages`, { method: "POST", token: ada, body: { body: "Same picture again", attachments: [shot.body.id] } });
    expect(again.status).toBe(400);
    // Nothing half-written: the refused reply is not in the thread.
    const thread = await api(`/tickets/${first.body.number}/messages`, { token: ada });
    expect(thread.body.data.map((m: { body: string }) => m.body)).toEqual(["See the screenshot attached, please."]);
  });

  test("an internal note's files never reach the customer, by page, API or socket", async () => {
    const { db, fx } = ctx;
    const [ada, li] = await Promise.all([tokenFor("ada@key.example"), tokenFor("li@test.example")]);
    const filed = await fileTicket(ada, []);
    const number = filed.body.number as number;
    const customerSocket = await connect(fx.keyCustomer.id);
    const agentSocket = await connect(fx.agent.id);
    expect((await watch(customerSocket, number)).ok).toBe(true);
    expect((await watch(agentSocket, number)).ok).toBe(true);
    const customerHeard = record(customerSocket);
    const agentHeard = record(agentSocket);

    const internal = await upload(li, "refund-approval.pdf", PDF);
    expect(internal.body.contentType).toBe("application/pdf");
    const note = await api(`/tickets/${number}/messages`, {
      method: "POST",
      token: li,
      body: { kind: "internal", body: "Finance approved the refund, see the PDF.", attachments: [internal.body.id] },
    });
    expect(note.status).toBe(201);
    const shared = await upload(li, "how-to-export.png", PNG);
    const reply = await api(`/tickets/${number}/messages`, {
      method: "POST",
      token: li,
      body: { body: "This picture shows where the export button is.", attachments: [shared.body.id] },
    });
    expect(reply.status).toBe(201);

    // The agent hears both with their files; the customer hears the reply, with its file only.
    const heardByAgent = await until(() => ((agentHeard["ticket:message"]?.length ?? 0) >= 2 ? agentHeard["ticket:message"] : undefined), "the agent's two messages");
    expect(heardByAgent.flatMap((m: any) => m.attachments.map((a: { id: string }) => a.id))).toEqual([internal.body.id, shared.body.id]);
    const heardByCustomer = await until(() => customerHeard["ticket:message"], "the reply, live");
    expect(heardByCustomer.map((m: any) => m.id)).toEqual([reply.body.id]);
    expect(JSON.stringify(customerHeard)).not.toContain(internal.body.id);

    // The page's data and the API.
    const page = await getTicket(db, fx.keyCustomer, number);
    expect(page.messages.flatMap((m) => m.attachments.map((a) => a.id))).toEqual([shared.body.id]);
    const viaApi = await api(`/tickets/${number}`, { token: ada });
    expect(JSON.stringify(viaApi.body)).not.toContain(internal.body.id);
    const thread = await api(`/tickets/${number}/messages`, { token: ada });
    expect(thread.body.data.flatMap((m: any) => m.attachments.map((a: { id: string }) => a.id))).toEqual([shared.body.id]);

    // And the file itself.
    expect((await download(ada, internal.body.id)).status).toBe(404);
    expect((await download(ada, shared.body.id)).status).toBe(200);
    expect((await download(li, internal.body.id)).bytes.equals(PDF)).toBe(true);
  });

  test("the download page answers a customer's session with not found for a note's file, as for a file that does not exist", async () => {
    const { fx } = ctx;
    const [ada, li] = await Promise.all([tokenFor("ada@key.example"), tokenFor("li@test.example")]);
    const { body: ticket } = await fileTicket(ada, []);
    const internal = await upload(li, "salary-export.pdf", PDF);
    const note = await api(`/tickets/${ticket.number}/messages`, {
      method: "POST",
      token: li,
      body: { kind: "internal", body: "Internal only: the export with salaries.", attachments: [internal.body.id] },
    });
    expect(note.status).toBe(201);
    const [customer, agent] = await Promise.all([sessionCookie(fx.keyCustomer.id), sessionCookie(fx.agent.id)]);

    // The agent's browser gets the file, and may keep it.
    const seen = await downloadPage(agent, internal.body.id, "salary-export.pdf");
    expect(seen.status).toBe(200);
    expect(seen.bytes.equals(PDF)).toBe(true);
    expect(seen.headers.get("content-type")).toBe("application/pdf");
    expect(seen.headers.get("cache-control")).toBe(KEPT_A_DAY);
    expect(seen.headers.get("vary")).toContain("Cookie");

    // The customer's, on their own ticket: exactly the answer for an id that was never used, whatever name is in the path.
    const refused = await downloadPage(customer, internal.body.id, "salary-export.pdf");
    const unknown = await downloadPage(customer, "00000000-0000-4000-8000-000000000000", "salary-export.pdf");
    expect(refused.status).toBe(404);
    expect(refused.bytes.toString()).toBe(unknown.bytes.toString());
    expect([...refused.headers]).toEqual([...unknown.headers]);
    for (const leak of ["salary", "application/pdf", String(PDF.length), "%PDF"]) {
      expect(refused.bytes.toString()).not.toContain(leak);
      expect(JSON.stringify([...refused.headers])).not.toContain(leak);
    }
    expect(refused.headers.get("cache-control")).toBeNull();
    // A file the customer may read comes through the same page.
    const shared = await upload(li, "steps.png", PNG);
    await api(`/tickets/${ticket.number}/messages`, { method: "POST", token: li, body: { body: "These are the steps.", attachments: [shared.body.id] } });
    const own = await downloadPage(customer, shared.body.id, "steps.png");
    expect(own.status).toBe(200);
    expect(own.bytes.equals(PNG)).toBe(true);
    expect(own.headers.get("content-disposition")).toBe('inline; filename="steps.png"');
  });
});

describe("what may be attached", () => {
  test("files are judged by their bytes, and refused with the reason in the caller's language", async () => {
    const ada = await tokenFor("ada@key.example");
    const disguised = await upload(ada, "photo.png", Buffer.from("just some text, not a picture"));
    expect(disguised.status).toBe(400);
    expect(disguised.body.error.details.attachments[0]).toContain("do not match its name");
    expect(disguised.body.error.filename).toBe("photo.png");

    const program = await upload(ada, "invoice.pdf", PROGRAM, "zh-CN");
    expect(program.status).toBe(400);
    expect(program.body.error.details.attachments).toEqual(["不能附加程序或脚本（如 .exe、.bat 文件）。"]);
    expect((await upload(ada, "run-me.bat", Buffer.from("echo hello"))).status).toBe(400);
    expect((await upload(ada, "empty.txt", Buffer.alloc(0))).body.error.details.attachments[0]).toContain("empty");

    const tooLarge = await upload(ada, "huge.log", Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 97));
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.error.details.attachments[0]).toContain("larger than 20 MB");

    // Whatever the sender claims, the type served is what the bytes are.
    const csv = await upload(ada, "orders.csv", Buffer.from("order,amount\n1001,49.90\n"));
    expect(csv.body.contentType).toBe("text/csv; charset=utf-8");
    const renamed = await upload(ada, "scan.dat", PDF);
    expect(renamed.body.contentType).toBe("application/pdf");
  });

  test("uploads never sent are removed after a day; sent ones stay", async () => {
    const ada = await tokenFor("ada@key.example");
    const left = await upload(ada, "left-behind.png", PNG);
    const sent = await upload(ada, "sent.png", PNG);
    expect((await fileTicket(ada, [sent.body.id])).status).toBe(201);

    expect(await pruneUnsentUploads(ctx.db, new Date(Date.now() + 23 * 3_600_000))).toBe(0);
    expect((await download(ada, left.body.id)).status).toBe(200);
    // Earlier tests of this file left unsent uploads too: all of them go.
    expect(await pruneUnsentUploads(ctx.db, new Date(Date.now() + 25 * 3_600_000))).toBeGreaterThanOrEqual(1);
    expect((await download(ada, left.body.id)).status).toBe(404);
    expect((await download(ada, sent.body.id)).status).toBe(200);
  });
});

describe("how many files", () => {
  const picture = (name: string) => new File([new Uint8Array(PNG)], name, { type: "image/png" });

  test("a message with 11 files is refused with the reason, and nothing of it is written", async () => {
    const { db, fx } = ctx;
    const cookie = await sessionCookie(fx.keyCustomer.id);
    const ticketsBefore = await db.ticket.count();
    const attachmentsBefore = await db.attachment.count();
    const blobsBefore = storedBlobs();

    // The portal form, 11 pictures chosen (past the picker's warning, or without scripts).
    const form = new FormData();
    for (const [k, v] of Object.entries({ type: "complaint", category: "technical", subject: "Eleven screenshots", description: "Every step of the error, one picture each." })) {
      form.set(k, v);
    }
    for (let i = 1; i <= MAX_ATTACHMENTS + 1; i++) form.append("attachments", picture(`step-${i}.png`));
    const refused = (await portalNewAction({
      request: new Request(`${ctx.server.url}/portal/new`, { method: "POST", headers: { Cookie: cookie }, body: form }),
      params: {},
      context: {} as never,
    })) as unknown as { data: { fieldErrors: Record<string, string[]>; values: Record<string, string> }; init: { status: number } };
    expect(refused.init.status).toBe(400);
    expect(refused.data.fieldErrors).toEqual({ attachments: ["validation.tooManyAttachments"] });
    expect(translator("en")(refused.data.fieldErrors.attachments[0])).toBe("At most 10 files can go with one message.");
    // What was typed comes back to send again.
    expect(refused.data.values.subject).toBe("Eleven screenshots");
    expect(await db.ticket.count()).toBe(ticketsBefore);
    expect(await db.attachment.count()).toBe(attachmentsBefore);
    expect(storedBlobs()).toBe(blobsBefore);

    // The API: eleven uploads named on one reply. The reply is refused, and the uploads stay unsent, to be sent in two messages.
    const ada = await tokenFor("ada@key.example");
    const { body: ticket } = await fileTicket(ada, []);
    const ids: string[] = [];
    for (let i = 1; i <= MAX_ATTACHMENTS + 1; i++) ids.push((await upload(ada, `step-${i}.png`, PNG)).body.id);
    const reply = await api(`/tickets/${ticket.number}/messages`, { method: "POST", token: ada, body: { body: "All eleven steps.", attachments: ids } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual({ attachments: ["At most 10 files can go with one message."] });
    const thread = await api(`/tickets/${ticket.number}/messages`, { token: ada });
    expect(thread.body.data.map((m: { body: string }) => m.body)).toEqual(["See the screenshot attached, please."]);
    expect(await db.attachment.count({ where: { id: { in: ids }, messageId: null } })).toBe(ids.length);
    const ten = await api(`/tickets/${ticket.number}/messages`, { method: "POST", token: ada, body: { body: "The first ten steps.", attachments: ids.slice(0, 10) } });
    expect(ten.status).toBe(201);
    expect(ten.body.attachments).toHaveLength(10);
  });

  test("one person holds at most 50 unsent uploads: the 51st is refused and not stored", async () => {
    const { db, fx } = ctx;
    const otto = await tokenFor("otto@std.example");
    const unsent = () => db.attachment.count({ where: { uploaderId: fx.otherCustomer.id, messageId: null } });
    const ids: string[] = [];
    for (let held = await unsent(); held < MAX_PENDING_UPLOADS; held++) {
      const res = await upload(otto, `page-${held + 1}.png`, PNG);
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    expect(await unsent()).toBe(MAX_PENDING_UPLOADS);
    const blobsBefore = storedBlobs();

    const refused = await upload(otto, "page-51.png", PNG);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toBe("You have too many files waiting to be sent: send them with a message first, or try again tomorrow.");
    expect(await unsent()).toBe(MAX_PENDING_UPLOADS);
    expect(storedBlobs()).toBe(blobsBefore);
    // Someone else is not held back by it.
    expect((await upload(await tokenFor("ada@key.example"), "mine.png", PNG)).status).toBe(201);

    // Sending some frees their places.
    expect((await fileTicket(otto, ids.slice(0, 2), "billing")).status).toBe(201);
    expect((await upload(otto, "page-51.png", PNG)).status).toBe(201);
  });
});
