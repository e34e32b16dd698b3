// English strings of signing up with a confirmed address, confirming it and resetting a forgotten
// password. Part of en.ts (key "recovery").
export const recoveryEn = {
  forgotPassword: "Forgot password?",
};
