// Simplified Chinese strings of sign-up confirmation and password reset (translation of
// recovery.en.ts). Part of zh-CN.ts.
import type { recoveryEn } from "./recovery.en.ts";

export const recoveryZhCN: typeof recoveryEn = {
  forgotPassword: "忘记密码？",
  backToSignIn: "返回登录",
  password: "密码",
  newPassword: "新密码",
  passwordHint: "至少 8 个字符。",
  confirmPassword: "再次输入密码",
  passwordMismatch: "两次输入的密码不一致。",
  forgot: {
    title: "重置密码",
    lead: "请输入账户的邮箱地址，我们会发送一个设置新密码的链接。",
    submit: "发送链接",
    sentTitle: "请查收邮件",
    sent: "如果该地址有账户，我们已发送设置新密码的链接。链接只能使用一次，一小时内有效。",
    notArrived: "几分钟后仍未收到？请检查垃圾邮件，或",
    askAgain: "重新申请",
  },
  reset: {
    title: "设置新密码",
    lead: "账户：{{email}}。设置新密码后，其他设备都会退出登录，所有 API 令牌也会被吊销。",
    submit: "设置密码并登录",
    invalidTitle: "此链接已失效",
    invalid: "此重置链接已被使用、已被更新的链接取代或已过期（链接一小时内有效）。",
    askAgain: "申请新链接",
  },
  signup: {
    lead: "我们会发送邮件确认您的地址，您在邮件链接中设置密码。",
    sentTitle: "请查收邮件",
    sent: "我们已向 {{email}} 发送邮件。请点击其中的链接确认地址并设置密码；链接 48 小时内有效。",
    notArrived: "几分钟后仍未收到？请检查垃圾邮件，或重新注册。已有账户？",
  },
  verify: {
    title: "确认邮箱并设置密码",
    lead: "账户：{{email}}。确认地址后，您可以看到该地址提交的所有请求。",
    submit: "确认并登录",
    replaceTitle: "确认邮箱并设置新密码",
    replaceLead: "账户：{{email}}。该账户已有密码：您设置的新密码将取代它，该账户在其他地方的所有登录和 API 令牌都会失效。之后您可以看到该地址提交的所有请求。",
    invalidTitle: "此链接已失效",
    invalid: "此确认链接已被使用、已被更新的链接取代或已过期（链接 48 小时内有效）。",
    askAgain: "请用同一地址重新注册，或登录后申请新链接。",
  },
  unconfirmed: {
    notice: "请确认您的邮箱地址以查看您的请求。",
    detail: "确认之前，来自 {{email}} 的请求（邮件发来的或客服代为提交的）不会在此显示。",
    send: "发送确认链接",
    title: "确认邮箱地址",
    lead: "我们会向 {{email}} 发送链接。点击链接确认地址并设置新密码后，即可看到您的请求。",
    sent: "我们已向 {{email}} 发送链接，48 小时内有效。",
    confirmed: "您的邮箱地址已确认。",
    toRequests: "查看我的请求",
  },
  errors: {
    linkInvalid: "此链接已被使用、已被更新的链接取代或已过期。",
    tooManyRequests: "来自您网络的请求过多。请一小时后再试。",
    tooManyMails: "过去一小时内我们已向该地址发送了多封邮件。请稍后再试。",
  },
  auditActions: {
    user: { password_reset: "通过邮件链接重置了密码", email_verified: "确认了邮箱地址" },
  },
  mail: {
    ignore: "如果这不是您本人的操作，请忽略此邮件：不点击链接就不会有任何变化。",
    passwordReset: {
      subject: "重置您在{{helpdesk}}的密码",
      body: "有人（希望是您本人）申请重置您在{{helpdesk}}的账户密码。请通过此链接设置新密码。链接只能使用一次，一小时内有效。",
      button: "设置新密码",
    },
    verifyEmail: {
      subject: "确认您在{{helpdesk}}的邮箱地址",
      body: "有人（希望是您本人）用此地址在{{helpdesk}}注册。请通过此链接确认地址并设置密码；确认后您可以看到该地址提交的所有请求。链接只能使用一次，48 小时内有效。",
      bodyReplacePassword:
        "有人（希望是您本人）申请为{{helpdesk}}的一个账户确认此地址。请通过此链接确认地址并设置新密码：该账户在其他地方的所有登录都会结束（如果是别人用您的地址注册的，他们将失去该账户）。之后您可以看到该地址提交的所有请求。链接只能使用一次，48 小时内有效。",
      button: "确认我的地址",
    },
    alreadyRegistered: {
      subject: "您已在{{helpdesk}}拥有账户",
      body: "有人（希望是您本人）尝试用此地址在{{helpdesk}}注册，但该地址已有账户。请用密码登录；如果忘记了密码，可以设置新密码。",
      signIn: "登录",
      reset: "忘记密码？",
    },
    invitation: {
      subject: "{{inviter}}邀请您加入{{helpdesk}}",
      body: "{{inviter}}邀请您以{{role}}身份加入{{helpdesk}}。请通过此链接设置密码。链接只能使用一次，7 天内有效。",
      button: "加入{{helpdesk}}",
    },
  },
};
