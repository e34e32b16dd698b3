// Simplified Chinese strings of sign-up confirmation and password reset (translation of
// recovery.en.ts). Part of zh-CN.ts.
import type { recoveryEn } from "./recovery.en.ts";

export const recoveryZhCN: typeof recoveryEn = {
  forgotPassword: "忘记密码？",
};
