// Judging a file by its bytes (server/attachments/content.ts): what type it
// is served as, and which files are refused.
import { describe, expect, test } from "vitest";
import { cleanFilename, judgeContent, looksLikeText } from "../../server/attachments/content.ts";

const png = { ext: "png", mime: "image/png" };
const zip = { ext: "zip", mime: "application/zip" };
const exe = { ext: "exe", mime: "application/x-msdownload" };

describe("judgeContent", () => {
  test("the type served is the one the bytes show, whatever the name says", () => {
    expect(judgeContent("screen.png", png, false)).toEqual({ ok: true, contentType: "image/png" });
    expect(judgeContent("screen.PNG", png, false)).toEqual({ ok: true, contentType: "image/png" });
    expect(judgeContent("scan", png, false)).toEqual({ ok: true, contentType: "image/png" });
    expect(judgeContent("report.docx", { ext: "docx", mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }, false)).toMatchObject({ ok: true });
    expect(judgeContent("photo.jpeg", { ext: "jpg", mime: "image/jpeg" }, false)).toEqual({ ok: true, contentType: "image/jpeg" });
  });

  test("text without a signature is plain text; unknown binary is a download", () => {
    expect(judgeContent("error.log", undefined, true)).toEqual({ ok: true, contentType: "text/plain; charset=utf-8" });
    expect(judgeContent("orders.csv", undefined, true)).toEqual({ ok: true, contentType: "text/csv; charset=utf-8" });
    // An SVG or an HTML page is text: never served as something a browser would run.
    expect(judgeContent("logo.svg", undefined, true)).toEqual({ ok: true, contentType: "text/plain; charset=utf-8" });
    expect(judgeContent("dump.bin", undefined, false)).toEqual({ ok: true, contentType: "application/octet-stream" });
  });

  test("programs are refused, by their bytes or by a name that runs on Windows", () => {
    expect(judgeContent("invoice.pdf", exe, false)).toEqual({ ok: false, reason: "program" });
    expect(judgeContent("tool", exe, false)).toEqual({ ok: false, reason: "program" });
    expect(judgeContent("run.bat", undefined, true)).toEqual({ ok: false, reason: "program" });
    expect(judgeContent("macro.VBS", undefined, true)).toEqual({ ok: false, reason: "program" });
  });

  test("a name that promises a document its bytes are not is refused", () => {
    expect(judgeContent("invoice.pdf", zip, false)).toEqual({ ok: false, reason: "mismatch" });
    expect(judgeContent("photo.png", undefined, true)).toEqual({ ok: false, reason: "mismatch" });
    expect(judgeContent("photo.jpg", png, false)).toEqual({ ok: false, reason: "mismatch" });
  });
});

describe("looksLikeText", () => {
  test("UTF-8 is text, in any script, even cut in the middle of a character", () => {
    expect(looksLikeText(new TextEncoder().encode("订单 1001 退款失败\n"))).toBe(true);
    expect(looksLikeText(new TextEncoder().encode("退款").subarray(0, 4))).toBe(true);
    expect(looksLikeText(Uint8Array.from([0x68, 0x00, 0x69]))).toBe(false);
    expect(looksLikeText(Uint8Array.from([0xff, 0xfe, 0x41]))).toBe(false);
  });
});

describe("cleanFilename", () => {
  test("keeps the name a person gave, without paths or characters that break headers", () => {
    expect(cleanFilename("C:\\Users\\emma\\退款申请.pdf")).toBe("退款申请.pdf");
    expect(cleanFilename("../../etc/passwd")).toBe("passwd");
    expect(cleanFilename('a"b<c>.txt')).toBe("a_b_c_.txt");
    expect(cleanFilename("   ")).toBe("file");
    const long = cleanFilename(`${"x".repeat(300)}.pdf`);
    expect(long).toHaveLength(200);
    expect(long.endsWith(".pdf")).toBe(true);
  });
});
