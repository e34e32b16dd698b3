// English strings of signing up with a confirmed address, confirming it and resetting a forgotten
// password, and of the mails that carry their links. Part of en.ts (key "recovery").
export const recoveryEn = {
  forgotPassword: "Forgot password?",
  backToSignIn: "Back to sign in",
  password: "Password",
  newPassword: "New password",
  passwordHint: "At least 8 characters.",
  confirmPassword: "Password again",
  passwordMismatch: "The two passwords do not match.",
  forgot: {
    title: "Reset your password",
    lead: "Enter the email address of your account. We will mail you a link to choose a new password.",
    submit: "Mail me a link",
    sentTitle: "Check your mail",
    sent: "If an account exists for that address, we have sent a link to choose a new password. It works once, within one hour.",
    notArrived: "Nothing after a few minutes? Look in your spam folder, or",
    askAgain: "ask again",
  },
  reset: {
    title: "Choose a new password",
    lead: "For {{email}}. Setting a new password signs you out on every other device and revokes your API tokens.",
    submit: "Set password and sign in",
    invalidTitle: "This link no longer works",
    invalid: "This reset link has been used, replaced by a newer one, or has expired (a link works for one hour).",
    askAgain: "Ask for a new link",
  },
  signup: {
    lead: "We will mail you a link to confirm your address; you choose your password there.",
    sentTitle: "Check your mail",
    sent: "We have sent a mail to {{email}}. Follow its link to confirm your address and choose your password; it works for 48 hours.",
    notArrived: "Nothing after a few minutes? Look in your spam folder, or sign up again. Already have an account?",
  },
  verify: {
    title: "Confirm your address and choose a password",
    lead: "For {{email}}. Once your address is confirmed you see every request made from it.",
    submit: "Confirm and sign in",
    replaceTitle: "Confirm your address and choose a new password",
    replaceLead:
      "For {{email}}. This account already has a password: the one you choose replaces it, and every other sign-in and API token of the account ends. Then you see every request made from this address.",
    invalidTitle: "This link no longer works",
    invalid: "This confirmation link has been used, replaced by a newer one, or has expired (a link works for 48 hours).",
    askAgain: "Sign up again with the same address, or sign in and ask for a new link.",
  },
  unconfirmed: {
    notice: "Confirm your email address to see your requests.",
    detail: "Until you do, requests made from {{email}} (by mail, or filed for you) stay hidden here.",
    send: "Mail me the link",
    title: "Confirm your email address",
    lead: "We will mail a link to {{email}}. Following it confirms the address and asks for a new password; then you see your requests.",
    sent: "We have sent a link to {{email}}. It works for 48 hours.",
    confirmed: "Your email address is confirmed.",
    toRequests: "Go to my requests",
  },
  errors: {
    linkInvalid: "This link has been used, replaced by a newer one, or has expired.",
    tooManyRequests: "Too many requests from your network. Wait an hour and try again.",
    tooManyMails: "We have already sent several mails to this address in the last hour. Wait a while and try again.",
  },
  auditActions: {
    user: { password_reset: "Password reset by mailed link", email_verified: "Email address confirmed" },
  },
  mail: {
    ignore: "If you did not ask for this, ignore this mail: nothing changes without the link.",
    passwordReset: {
      subject: "Reset your password for {{helpdesk}}",
      body: "Someone, hopefully you, asked to reset the password of your account at {{helpdesk}}. Choose a new password with this link. It works once, within one hour.",
      button: "Choose a new password",
    },
    verifyEmail: {
      subject: "Confirm your email address for {{helpdesk}}",
      body: "Someone, hopefully you, signed up at {{helpdesk}} with this address. Confirm it and choose your password with this link; you will then see every request made from this address. It works once, within 48 hours.",
      bodyReplacePassword:
        "Someone, hopefully you, asked to confirm this address for an account at {{helpdesk}}. Confirm it with this link and choose a new password: every other sign-in of the account ends (if someone else made it with your address, they lose it). You will then see every request made from this address. It works once, within 48 hours.",
      button: "Confirm my address",
    },
    alreadyRegistered: {
      subject: "You already have an account at {{helpdesk}}",
      body: "Someone, hopefully you, tried to sign up at {{helpdesk}} with this address, but it already has an account. Sign in with your password, or choose a new one if you have forgotten it.",
      signIn: "Sign in",
      reset: "Forgot your password?",
    },
    invitation: {
      subject: "{{inviter}} invited you to {{helpdesk}}",
      body: "{{inviter}} invited you to join {{helpdesk}} as {{role}}. Choose your password with this link. It works once, within 7 days.",
      button: "Join {{helpdesk}}",
    },
  },
};
