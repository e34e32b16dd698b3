// English strings of the mail channel: the mail templates (server/mail/templates.ts) and the admin's
// mail pages. Part of en.ts (key "mail").
export const mailEn = {
  adminTitle: "Mail",
};
