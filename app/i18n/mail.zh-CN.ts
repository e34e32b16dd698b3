// Simplified Chinese strings of the mail channel (translation of mail.en.ts). Part of zh-CN.ts.
import type { mailEn } from "./mail.en.ts";

export const mailZhCN: typeof mailEn = {
  adminTitle: "邮件",
};
