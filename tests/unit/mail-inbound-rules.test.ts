// The pure rules of received mail: the loop guard (what must never be answered), charset detection
// for unlabelled text, the MIME walk that finds it, the threading decision, and the flood throttle.
import iconv from "iconv-lite";
import { describe, expect, test } from "vitest";
import { loopGuard, type GuardFacts } from "../../server/mail/inbound/guard.ts";
import { isOwnAddress, mailboxOf, ownAddresses } from "../../server/mail/addresses.ts";
import { decodeText, detectCharset, htmlMetaCharset } from "../../server/mail/inbound/charset.ts";
import { hasUnlabelledText, rawHeaderText, readBodies, walkMime } from "../../server/mail/inbound/mime.ts";
import { chooseThread, messageIdsIn, referencedIds, type ThreadFacts } from "../../server/mail/threading.ts";
import { bareSubject, isForwardSubject, replySubject, replyToken, tokenClues } from "../../server/mail/references.ts";
import { FLOOD, throttledUntil } from "../../server/mail/inbound/throttle.ts";

describe("loop guard", () => {
  const ours = ["support@acme.example", "billing@acme.example"];
  const mail = (over: Partial<GuardFacts> & { headers?: Record<string, string> } = {}): GuardFacts => ({
    header: (name) => over.headers?.[name],
    contentType: "text/plain",
    envelopeFrom: "nora@customer.example",
    from: "nora@customer.example",
    subject: "Printer broken",
    isOurs: (address) => isOwnAddress(address, ours),
    ...over,
  });

  test("a person's mail passes", () => {
    expect(loopGuard(mail())).toBeNull();
    expect(loopGuard(mail({ headers: { "auto-submitted": "no" } }))).toBeNull();
    expect(loopGuard(mail({ subject: "Auto reply is not working in my account" }))).toBeNull();
    expect(loopGuard(mail({ envelopeFrom: null }))).toBeNull();
  });

  test.each([
    ["Auto-Submitted: auto-replied", { headers: { "auto-submitted": "auto-replied" } }],
    ["Auto-Submitted: auto-generated", { headers: { "auto-submitted": "auto-generated; type=ack" } }],
    ["Precedence: bulk", { headers: { precedence: "bulk" } }],
    ["Precedence: junk", { headers: { precedence: "junk" } }],
    ["Precedence: list", { headers: { precedence: "list" } }],
    ["Precedence: auto_reply", { headers: { precedence: "auto_reply" } }],
    ["X-Autoreply", { headers: { "x-autoreply": "yes" } }],
    ["X-Autorespond", { headers: { "x-autorespond": "Out of office" } }],
    ["X-Auto-Response-Suppress on an out-of-office", { headers: { "x-auto-response-suppress": "All" }, subject: "Automatic reply: Printer broken" }],
    ["an out-of-office subject alone", { subject: "Out of Office: back on Monday" }],
    ["a Chinese automatic reply", { subject: "自动回复：Re: [#12] 发票问题" }],
    ["a read receipt", { contentType: "multipart/report", reportType: "disposition-notification" }],
  ] as const)("%s is an automatic reply", (_name, over) => {
    expect(loopGuard(mail(over as Partial<GuardFacts>))).toBe("auto_reply");
  });

  test.each([
    ["an empty envelope sender", { envelopeFrom: "" }],
    ["Return-Path: <>", { envelopeFrom: null, headers: { "return-path": "<>" } }],
    ["a delivery status notification", { contentType: "multipart/report", reportType: "delivery-status" }],
    ["MAILER-DAEMON", { from: "MAILER-DAEMON@mx.example" }],
    ["postmaster", { from: "postmaster@customer.example" }],
  ] as const)("%s is a bounce", (_name, over) => {
    expect(loopGuard(mail(over as Partial<GuardFacts>))).toBe("bounce");
  });

  test("mail from our own addresses is a loop, +tags and case included", () => {
    expect(loopGuard(mail({ from: "support@acme.example" }))).toBe("loop");
    expect(loopGuard(mail({ from: "Support+t12-abcdefghijkl@ACME.example" }))).toBe("loop");
    expect(loopGuard(mail({ from: "billing@acme.example" }))).toBe("loop");
  });
});

describe("our addresses and subjects (server/mail/addresses.ts, references.ts)", () => {
  test("an address is compared as its mailbox: case, spaces and +tags aside", () => {
    expect(mailboxOf(" Support+x@Acme.Example ")).toBe("support@acme.example");
    const own = ownAddresses("Support@acme.example", ["billing@acme.example", "BILLING+team@acme.example"]);
    expect(own).toEqual(["support@acme.example", "billing@acme.example"]);
    expect(isOwnAddress("support+t12-abcdefghijkl@acme.example", own)).toBe(true);
    expect(isOwnAddress("support@acme.example.evil.example", own)).toBe(false);
  });

  test("reply and forward prefixes, in the languages customers write in", () => {
    expect(bareSubject("Re: AW: 回复：[#12] Fwd:  Printer   broken")).toBe("Printer broken");
    expect(bareSubject("Reply needed: printer")).toBe("Reply needed: printer");
    expect(isForwardSubject("Fwd: invoice")).toBe(true);
    expect(isForwardSubject("转发：发票")).toBe(true);
    expect(isForwardSubject("Forward planning")).toBe(false);
    expect(replySubject("[#12] Printer")).toBe("Re: [#12] Printer");
    expect(replySubject("回复：[#12] 打印机")).toBe("回复：[#12] 打印机");
  });
});

describe("charsets", () => {
  const chinese = "您好，我的订单还没有收到，请帮忙查一下。谢谢！";

  test.each([
    ["GBK", "gbk", chinese, "gb18030"],
    ["GB18030", "gb18030", chinese, "gb18030"],
    ["Big5", "big5", "請問我的退款什麼時候到帳？我已經等了兩個星期。", "big5"],
    ["UTF-8", "utf-8", chinese, "utf-8"],
    ["Shift_JIS", "shift_jis", "お問い合わせありがとうございます。担当者から折り返しご連絡いたします。", "shift_jis"],
  ])("unlabelled %s is detected", (_name, encoding, text, detected) => {
    const bytes = iconv.encode(text, encoding);
    expect(detectCharset(bytes)).toBe(detected);
    expect(decodeText(bytes, null)).toBe(text);
  });

  test("a few characters too short to tell are read as GB18030", () => {
    expect(decodeText(iconv.encode("退款", "gbk"), null)).toBe("退款");
    expect(decodeText(iconv.encode("你好", "gbk"), null)).toBe("你好");
  });

  test("a label is followed, GBK and GB2312 read as GB18030, and a false ASCII label is seen through", () => {
    expect(decodeText(iconv.encode(chinese, "gbk"), "GB2312")).toBe(chinese);
    expect(decodeText(iconv.encode("Grüße aus Köln", "latin1"), "iso-8859-1")).toBe("Grüße aus Köln");
    expect(decodeText(Buffer.from(chinese, "utf8"), "us-ascii")).toBe(chinese);
    expect(decodeText(iconv.encode(chinese, "gbk"), "x-unknown-charset")).toBe(chinese);
  });

  test("an HTML <meta> names its charset", () => {
    expect(htmlMetaCharset(Buffer.from('<html><head><meta charset="GB2312"></head>'))).toBe("gb2312");
    expect(htmlMetaCharset(Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=big5">'))).toBe("big5");
    expect(htmlMetaCharset(Buffer.from("<p>no meta</p>"))).toBeNull();
  });

  test("the MIME walk reads unlabelled parts and 8-bit headers in their charset", () => {
    const gbk = (s: string) => iconv.encode(s, "gbk");
    const raw = Buffer.concat([
      Buffer.from("From: a@qq.example\r\nSubject: "),
      gbk("发票问题"),
      Buffer.from('\r\nContent-Type: multipart/alternative; boundary="XX"\r\n\r\npreamble\r\n--XX\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
      Buffer.from(gbk(chinese).toString("base64").replace(/(.{40})/g, "$1\r\n")),
      Buffer.from("\r\n--XX\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<meta charset=3Dgbk><p>"),
      Buffer.from([...gbk("你好")].map((b) => `=${b.toString(16).toUpperCase()}`).join("")),
      Buffer.from("</p>\r\n--XX\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Disposition: attachment\r\n\r\n%PDF\r\n--XX--\r\n"),
    ]);
    const root = walkMime(raw);
    expect(root.children.map((c) => c.contentType)).toEqual(["text/plain", "text/html", "application/pdf"]);
    expect(hasUnlabelledText(root)).toBe(true);
    expect(readBodies(root)).toEqual({ text: chinese, html: "<meta charset=gbk><p>你好</p>" });
    expect(rawHeaderText(root, "subject")).toBe("发票问题");
  });
});

describe("threading", () => {
  const secret = "s3cret";
  const facts = (over: Partial<ThreadFacts>): ThreadFacts => ({
    references: [],
    referencedTickets: new Map(),
    clues: [],
    ticketIdsByNumber: new Map(),
    tokenOf: (id) => replyToken(secret, id),
    ...over,
  });

  test("a Message-ID we know decides, the newest first", () => {
    const found = chooseThread(
      facts({ references: ["new@x", "old@x"], referencedTickets: new Map([["old@x", "T-old"], ["new@x", "T-new"]]) }),
    );
    expect(found).toMatchObject({ ticketId: "T-new", by: "reference" });
  });

  test("a Message-ID a sender chose threads, but only ours (or the ticket's token) makes it an answer to our mail", () => {
    const theirs = facts({ references: ["first@customer.x"], referencedTickets: new Map([["first@customer.x", "T-1"]]) });
    expect(chooseThread(theirs)).toEqual({ ticketId: "T-1", by: "reference", answersOurMail: false });
    const ours = facts({
      references: ["first@customer.x", "ours@acme.x"],
      referencedTickets: new Map([["first@customer.x", "T-1"], ["ours@acme.x", "T-1"]]),
      sentByUs: new Set(["ours@acme.x"]),
    });
    expect(chooseThread(ours)).toEqual({ ticketId: "T-1", by: "reference", answersOurMail: true });
    const clues = tokenClues({ references: [], recipients: [`support+t1-${replyToken(secret, "T-1")}@acme.example`], text: "" });
    expect(chooseThread({ ...theirs, clues, ticketIdsByNumber: new Map([[1, "T-1"]]) })).toMatchObject({ answersOurMail: true });
    // Our mail about another ticket says nothing about this one.
    const other = facts({
      references: ["first@customer.x", "ours@acme.x"],
      referencedTickets: new Map([["first@customer.x", "T-1"], ["ours@acme.x", "T-2"]]),
      sentByUs: new Set(["ours@acme.x"]),
    });
    expect(chooseThread(other)).toMatchObject({ ticketId: "T-1", answersOurMail: false });
  });

  test("a reply token decides only when it is that ticket's", () => {
    const token = replyToken(secret, "T-7");
    const clues = tokenClues({ references: [], recipients: [`support+t7-${token}@acme.example`], text: "" });
    expect(chooseThread(facts({ clues, ticketIdsByNumber: new Map([[7, "T-7"]]) }))).toEqual({ ticketId: "T-7", by: "token", answersOurMail: true });
    // The right number with someone else's token, or a guess, is nothing.
    const forged = tokenClues({ references: [], recipients: [], text: `[#7-${replyToken(secret, "T-8")}] [#7-aaaaaaaaaaaa]` });
    expect(chooseThread(facts({ clues: forged, ticketIdsByNumber: new Map([[7, "T-7"]]) }))).toBeNull();
  });

  test("the token in the quoted reference line counts (mail programs drop custom addresses)", () => {
    const token = replyToken(secret, "T-42");
    const clues = tokenClues({ references: [], recipients: ["support@acme.example"], text: `Thanks!\n\n> Hi\n> [#42-${token}]` });
    expect(chooseThread(facts({ clues, ticketIdsByNumber: new Map([[42, "T-42"]]) }))).toEqual({ ticketId: "T-42", by: "token", answersOurMail: true });
  });

  test("the subject's [#N] alone decides nothing", () => {
    expect(chooseThread(facts({ clues: tokenClues({ references: [], recipients: [], text: "Re: [#42] Printer" }), ticketIdsByNumber: new Map([[42, "T-42"]]) }))).toBeNull();
  });

  test("Message-IDs are read from In-Reply-To and References, newest first", () => {
    expect(referencedIds("<c@x>", ["<a@x>", "<b@x>", "<c@x>"])).toEqual(["c@x", "b@x", "a@x"]);
    expect(referencedIds(undefined, "<a@x> <b@x>")).toEqual(["b@x", "a@x"]);
    expect(messageIdsIn("bare@x")).toEqual(["bare@x"]);
    expect(messageIdsIn("<one@x>\r\n <two@x>")).toEqual(["one@x", "two@x"]);
  });
});

describe("flood throttle", () => {
  const now = new Date("2026-11-24T10:00:00Z");
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

  test("under the limit a mail is read now", () => {
    expect(throttledUntil(Array.from({ length: FLOOD.mails - 1 }, () => ago(1)), 0, now)).toBeNull();
    // Mails read before the window do not count.
    expect(throttledUntil(Array.from({ length: FLOOD.mails }, (_, i) => ago(i < 5 ? 1 : 11)), 0, now)).toBeNull();
  });

  test("over it, the mail waits for a free slot; those waiting before it go first, one slot each", () => {
    const recent = Array.from({ length: FLOOD.mails }, (_, i) => ago(1 + i * 0.25)); // newest first
    const oldest = recent[FLOOD.mails - 1];
    const first = throttledUntil(recent, 0, now)!;
    expect(first.getTime()).toBe(oldest.getTime() + FLOOD.windowMs);
    const third = throttledUntil(recent, 2, now)!;
    expect(third.getTime() - first.getTime()).toBe((2 * FLOOD.windowMs) / FLOOD.mails);
  });
});
