// What is new in a reply (server/mail/inbound/quotes.ts, html.ts): the quoted history and the
// signature go, for the mail programs customers use, in English and Chinese, plain text and HTML.
import { describe, expect, test } from "vitest";
import { stripQuotes } from "../../server/mail/inbound/quotes.ts";
import { cutHtmlQuote, htmlToText, MAX_HTML_CHARS } from "../../server/mail/inbound/html.ts";
import { parseInbound } from "../../server/mail/inbound/parse.ts";

const newPart = (text: string) => stripQuotes(text).text;
/** The HTML path as parse.ts takes it: cut at the program's quote, to text, then the text rules. */
const newHtmlPart = (html: string) => newPart(htmlToText(cutHtmlQuote(html).html));

describe("plain text", () => {
  test("Gmail: the reply header wrapped over two lines and the quote", () => {
    const mail = [
      "Yes, the update fixed it.",
      "",
      "On Tue, Nov 24, 2026 at 10:02 AM Acme Support <support+t123-abcdefghijkl@acme.example>",
      "wrote:",
      "",
      "> ##- Please type your reply above this line -##",
      ">",
      "> Hi Nora, please install the update.",
      "> [#123-abcdefghijkl]",
      "",
    ].join("\n");
    expect(stripQuotes(mail)).toEqual({ text: "Yes, the update fixed it.", stripped: true });
  });

  test("Gmail in Chinese: “… 写道：”", () => {
    const mail = "好的，已经收到了。\n\nAcme Support <support@acme.example> 于2026年11月24日周二 上午10:02写道：\n\n> 您好，请查收附件。\n";
    expect(newPart(mail)).toBe("好的，已经收到了。");
  });

  test("Apple Mail: “On … wrote:” and Sent from my iPhone", () => {
    const mail = "Thanks, that worked.\n\nSent from my iPhone\n\n> On 24 Nov 2026, at 10:02, Acme Support <support@acme.example> wrote:\n>\n> ﻿Please restart the router.\n";
    expect(newPart(mail)).toBe("Thanks, that worked.");
  });

  test("Apple Mail in Chinese: 发自我的iPhone and “… 写道：”", () => {
    const mail = "谢谢，问题解决了。\n\n发自我的iPhone\n\n> 在 2026年11月24日，10:02，Acme Support <support@acme.example> 写道：\n> \n> 请重启路由器。\n";
    expect(newPart(mail)).toBe("谢谢，问题解决了。");
  });

  test("Outlook: the underscore rule and the From/Sent/To block", () => {
    const mail = [
      "Hello,",
      "",
      "the invoice is still wrong.",
      "",
      "Kind regards",
      "Olga",
      "",
      "________________________________",
      "From: Acme Support <support@acme.example>",
      "Sent: Tuesday, November 24, 2026 10:02 AM",
      "To: Olga <olga@customer.example>",
      "Subject: [#77] Invoice",
      "",
      "Hi Olga, we corrected the invoice.",
    ].join("\n");
    expect(newPart(mail)).toBe("Hello,\n\nthe invoice is still wrong.\n\nKind regards\nOlga");
  });

  test("Outlook: -----Original Message-----", () => {
    const mail = "Please call me.\n\n-----Original Message-----\nFrom: support@acme.example\nSent: Monday\nSubject: Re\n\nOld text";
    expect(newPart(mail)).toBe("Please call me.");
  });

  test("Outlook in Chinese: 发件人 / 发送时间 / 收件人", () => {
    const mail = "请尽快处理。\n\n发件人: Acme Support <support@acme.example>\n发送时间: 2026年11月24日 10:02\n收件人: 王先生 <wang@customer.example>\n主题: 回复: [#9] 发票\n\n您好，发票已更正。";
    expect(newPart(mail)).toBe("请尽快处理。");
  });

  test("QQ Mail: ------------------ 原始邮件 ------------------", () => {
    const mail =
      "收到，谢谢！\n\n\n------------------\u00a0原始邮件\u00a0------------------\n发件人: \"Acme Support\"<support@acme.example>;\n发送时间:\u00a02026年11月24日(星期二) 上午10:02\n收件人:\u00a0\"王先生\"<12345@qq.com>;\n主题:\u00a0[#9] 发票\n\n您好，发票已更正。";
    expect(newPart(mail)).toBe("收到，谢谢！");
  });

  test("163 / NetEase: -----原始邮件----- and “在 … 写道：”", () => {
    expect(newPart("好的\n\n-----原始邮件-----\n发件人：support@acme.example\n发送时间：2026-11-24\n\n旧内容")).toBe("好的");
    const mail = "明天下午可以。\n\n\n\n\n在 2026-11-24 10:02:13，\"Acme Support\" <support@acme.example> 写道：\n\n您好，请问什么时候方便？\n";
    expect(newPart(mail)).toBe("明天下午可以。");
    expect(newPart("已上传。\n\n发自网易邮箱大师\n")).toBe("已上传。");
  });

  test("our own marker in both languages, even without the quote's header", () => {
    expect(newPart("Done.\n\n##- Please type your reply above this line -##\n\nHi, your ticket…")).toBe("Done.");
    expect(newPart("好的。\n##- 请在此行上方输入回复 -##\n您好……")).toBe("好的。");
  });

  test("“-- ” signatures and interleaved quoted lines", () => {
    expect(newPart("See you then.\n-- \nNora Newcomer\nACME Ltd, +44 20 7946 0000")).toBe("See you then.");
    expect(newPart("> Which model is it?\nThe X200.\n> And the serial number?\nSN-4411")).toBe("The X200.\nSN-4411");
  });

  test("keeps a mail without history whole, and forwarded mail too", () => {
    const plain = "Hello,\n\nOn Monday the printer stopped.\nIt wrote: ERROR 42.\n\nThanks";
    expect(stripQuotes(plain)).toEqual({ text: plain, stripped: false });
    const forwarded = "See below.\n\n---------- Forwarded message ---------\nFrom: Bank <info@bank.example>\nDate: Mon, 23 Nov 2026\nSubject: Refund\n\nYour refund was sent.";
    expect(newPart(forwarded)).toBe(forwarded);
  });

  test("“… wrote:” in someone's own words is not a reply header", () => {
    expect(newPart("The printer wrote:\nERROR 42 on the display.")).toBe("The printer wrote:\nERROR 42 on the display.");
  });

  test("a mail that only quotes has nothing new", () => {
    expect(newPart("On Tue, Nov 24, 2026 at 10:02 AM Support <s@acme.example> wrote:\n> Hi\n")).toBe("");
  });
});

describe("HTML", () => {
  test("Gmail: div.gmail_quote", () => {
    const html =
      '<div dir="ltr">It works now.<div><br></div><div>Best, Rita</div></div><br><div class="gmail_quote gmail_quote_container">' +
      '<div dir="ltr" class="gmail_attr">On Tue, Nov 24, 2026 at 10:02 AM Support &lt;support@acme.example&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Try again please.</blockquote></div>';
    expect(newHtmlPart(html)).toBe("It works now.\n\nBest, Rita");
  });

  test("Apple Mail: blockquote type=cite", () => {
    const html =
      '<html><body dir="auto">Thanks!<br><br><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">On 24 Nov 2026, at 10:02, Support wrote:<br><br></blockquote></div>' +
      '<blockquote type="cite"><div dir="ltr">Please restart.</div></blockquote></body></html>';
    expect(newHtmlPart(html)).toBe("Thanks!");
  });

  test("Outlook for Windows: the header block with a top border", () => {
    const html =
      '<html><head><style>p.MsoNormal{margin:0}</style></head><body><div class="WordSection1"><p class="MsoNormal">Hello,<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>' +
      '<p class="MsoNormal">the invoice is still wrong.<o:p></o:p></p>' +
      '<div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in"><p class="MsoNormal"><b>From:</b> Acme Support<br><b>Sent:</b> Tuesday</p></div></div>' +
      '<p class="MsoNormal">We corrected it.</p></div></body></html>';
    expect(newHtmlPart(html)).toBe("Hello,\n\nthe invoice is still wrong.");
  });

  test("Outlook on the web: #appendonsend and #divRplyFwdMsg", () => {
    const html =
      '<div style="font-family: Calibri">Please call me tomorrow.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">' +
      '<div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Support<br><b>Sent:</b> Tuesday</div><div>Old text</div>';
    expect(newHtmlPart(html)).toBe("Please call me tomorrow.");
  });

  test("QQ Mail and 163 in Chinese", () => {
    const qq =
      "<div>收到，谢谢！</div><div><br></div><div>&nbsp;</div>" +
      '<div style="font-size: 12px;font-family: Arial Narrow;padding:2px 0 2px 0;">------------------&nbsp;原始邮件&nbsp;------------------</div>' +
      '<div style="font-size: 12px;background:#efefef;padding:8px;"><div><b>发件人:</b>&nbsp;"Acme Support"&lt;support@acme.example&gt;;</div><div><b>发送时间:</b>&nbsp;2026年11月24日</div></div>' +
      "<div>您好，发票已更正。</div>";
    expect(newHtmlPart(qq)).toBe("收到，谢谢！");
    const netease =
      '<div style="line-height:1.7;color:#000000;font-size:14px">明天下午可以。</div><br><br><div style="position:relative;zoom:1"></div><div id="divNeteaseMailCard"></div><br>' +
      '<pre><br>在 2026-11-24 10:02:13，"Acme Support" &lt;support@acme.example&gt; 写道：<br></pre><blockquote id="isReplyContent" style="PADDING-LEFT: 1ex">您好，请问什么时候方便？</blockquote>';
    expect(newHtmlPart(netease)).toBe("明天下午可以。");
  });

  test("sanitised to text: no script, style or tracking, links keep their address", () => {
    const html =
      '<html><head><title>x</title><style>.a{color:red}</style><script>alert(1)</script></head><body><p>Line one<br>Line &amp; two</p>' +
      '<ul><li>first</li><li>second</li></ul><p>See <a href="https://status.example/incident/7">the status page</a> or <a href="mailto:help@acme.example">help@acme.example</a>.</p>' +
      '<img src="https://track.example/pixel.gif" onerror="alert(2)"><table><tr><td>a</td><td>b</td></tr></table></body></html>';
    expect(htmlToText(html)).toBe("Line one\nLine & two\n- first\n- second\nSee the status page (https://status.example/incident/7) or help@acme.example.\na b");
  });
});

describe("crafted mail", () => {
  const mail = (contentType: string, body: string) =>
    Buffer.from(`From: eve@attacker.example\r\nTo: support@acme.example\r\nSubject: Hi\r\nContent-Type: ${contentType}; charset=utf-8\r\n\r\n${body}`);
  const millis = async (work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    return performance.now() - start;
  };

  // Each of these took from seconds to minutes: patterns rescanning to the end from every "<div",
  // the HTML parser's time growing with the square of the nesting, /[ \t]+$/ on a long run of spaces.
  test.each([
    ["tags that never close", "<div".repeat(100_000)],
    ["attributes that never close", '<div class="x'.repeat(30_000)],
    ["a quote's class that never ends", "<div class=gmail".repeat(30_000)],
    ["deep nesting", "<div>".repeat(100_000)],
    ["deep nesting of links", "<a href=x>".repeat(50_000)],
  ])("HTML with %s is read in well under a second", async (_name, html) => {
    expect(html.length).toBeGreaterThan(250_000);
    expect(await millis(() => parseInbound(mail("text/html", html)))).toBeLessThan(1_000);
  });

  test("a text with a long run of spaces is read in well under a second", async () => {
    expect(await millis(() => parseInbound(mail("text/plain", `${" ".repeat(300_000)}x\n${"\t ".repeat(100_000)}y`)))).toBeLessThan(1_000);
  });

  test("HTML beyond the limit is read up to it; the quote is still found before it", async () => {
    const parsed = await parseInbound(mail("text/html", `<p>Start</p>${"<p>filler text</p>".repeat(MAX_HTML_CHARS / 10)}<p>End</p>`));
    expect(parsed.fullText.startsWith("Start\nfiller text")).toBe(true);
    expect(parsed.fullText).not.toContain("End");
    const reply = '<div>New words.</div><div class="gmail_quote">Old words.</div>' + "<p>old</p>".repeat(MAX_HTML_CHARS / 5);
    expect(newHtmlPart(reply)).toBe("New words.");
  });
});
