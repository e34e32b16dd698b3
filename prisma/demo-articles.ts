// Knowledge-base articles for the demo: each entry is one help topic in
// English and Simplified Chinese sharing a slug. Bodies are Markdown.
import type { CategoryKey } from "./demo-data.ts";

export interface ArticleText {
  title: string;
  body: string;
}

export interface DemoArticle {
  slug: string;
  category: CategoryKey;
  tags: string[];
  status: "published" | "draft";
  en: ArticleText;
  zh: ArticleText;
}

export const ARTICLES: readonly DemoArticle[] = [
  {
    slug: "reset-your-password",
    category: "account",
    tags: ["password", "sign-in", "security"],
    status: "published",
    en: {
      title: "Resetting your password",
      body: `If you've forgotten your password, you can set a new one yourself in a couple of minutes.

## Reset it from the sign-in page

1. Go to the sign-in page and choose **Forgot password?**
2. Enter the email address you use to sign in.
3. Open the email we send you and follow the link. The link is valid for **60 minutes** and can be used once.
4. Choose a new password of at least 8 characters.

After the reset, you're signed out on all other devices.

## The email doesn't arrive

- Check your spam or junk folder.
- Make sure you typed the address you signed up with; we don't say whether an address has an account, for your privacy.
- Ask your IT team to allow emails from **no-reply@helpdesk.example**. Company mail filters sometimes hold automated emails.
- Wait five minutes before requesting another link: each new request cancels the previous link.

Still stuck? Open a ticket under **Account & sign-in** and we'll help you verify your identity.`,
    },
    zh: {
      title: "重置密码",
      body: `如果忘记了密码，您可以在几分钟内自行设置新密码。

## 在登录页面重置

1. 打开登录页面，点击 **忘记密码？**
2. 输入您用于登录的邮箱地址。
3. 打开我们发送的邮件并点击链接。链接 **60 分钟** 内有效，且只能使用一次。
4. 设置一个至少 8 个字符的新密码。

重置完成后，您在其他设备上的登录会自动退出。

## 收不到邮件怎么办

- 检查垃圾邮件文件夹。
- 确认输入的是注册时使用的邮箱；出于隐私保护，我们不会提示某个邮箱是否已注册。
- 请 IT 同事将 **no-reply@helpdesk.example** 加入白名单，公司邮件过滤器有时会拦截系统邮件。
- 再次申请前请等待五分钟：每次新的申请都会使之前的链接失效。

仍然无法解决？请在 **账户与登录** 分类下提交工单，我们会协助您核实身份。`,
    },
  },
  {
    slug: "two-factor-authentication",
    category: "account",
    tags: ["2fa", "security", "sign-in"],
    status: "published",
    en: {
      title: "Setting up two-factor authentication",
      body: `Two-factor authentication (2FA) protects your account even if someone learns your password. We strongly recommend it for everyone, and account owners can make it mandatory for their team.

## Turn on 2FA

1. Open your profile menu and choose **Security**.
2. Select **Enable two-factor authentication**.
3. Scan the QR code with an authenticator app such as Google Authenticator, Microsoft Authenticator or 1Password.
4. Enter the 6-digit code the app shows to confirm.
5. **Save your recovery codes** somewhere safe. Each code works once.

## Lost your phone?

- Sign in with one of your recovery codes, then set up 2FA again on your new phone.
- If you don't have your recovery codes, contact support. For your security we confirm your identity with your account owner before removing 2FA, which can take up to one business day.

## Require 2FA for your team

Account owners can go to **Settings → Security → Require 2FA**. Members without 2FA are asked to set it up the next time they sign in.`,
    },
    zh: {
      title: "设置双重验证",
      body: `即使他人获知了您的密码，双重验证（2FA）也能保护您的账户安全。我们强烈建议所有用户开启，账户所有者还可以要求团队成员必须开启。

## 开启双重验证

1. 打开个人菜单，选择 **安全**。
2. 点击 **启用双重验证**。
3. 使用验证器 App（如 Google Authenticator、Microsoft Authenticator 或 1Password）扫描二维码。
4. 输入 App 显示的 6 位验证码进行确认。
5. **妥善保存恢复码**，每个恢复码只能使用一次。

## 手机丢失怎么办？

- 使用恢复码登录，然后在新手机上重新设置双重验证。
- 如果没有恢复码，请联系客服。为了您的安全，我们会先与账户所有者核实身份再移除双重验证，最多需要一个工作日。

## 要求团队开启双重验证

账户所有者可以进入 **设置 → 安全 → 强制双重验证**。未开启的成员下次登录时会被要求设置。`,
    },
  },
  {
    slug: "invite-team-members",
    category: "account",
    tags: ["team", "roles", "users"],
    status: "published",
    en: {
      title: "Inviting colleagues and choosing their role",
      body: `You can give colleagues their own sign-in so everyone sees the orders, invoices and tickets they need.

## Send an invitation

1. Go to **Settings → Team**.
2. Click **Invite member** and enter their work email.
3. Choose a role (see below) and send.

The invitation is valid for **7 days**. You can resend or cancel it from the same page.

## Roles

| Role | Can do |
| --- | --- |
| Owner | Everything, including billing and deleting the account |
| Admin | Manage members and settings, no billing |
| Purchasing | Orders, invoices and returns |
| Viewer | Read-only access |

## Good to know

- Every member is a paid seat on per-seat plans; removing a member frees the seat straight away.
- Members who leave your company should be removed, not just have their password changed.`,
    },
    zh: {
      title: "邀请同事并设置角色",
      body: `您可以为同事开通独立账号，让每个人都能看到所需的订单、发票和工单。

## 发送邀请

1. 进入 **设置 → 团队**。
2. 点击 **邀请成员**，输入对方的工作邮箱。
3. 选择角色（见下表）并发送。

邀请 **7 天** 内有效，您可以在同一页面重新发送或取消邀请。

## 角色说明

| 角色 | 权限 |
| --- | --- |
| 所有者 | 全部权限，包括账单和删除账户 |
| 管理员 | 管理成员和设置，不含账单 |
| 采购 | 订单、发票和退货 |
| 只读 | 仅可查看 |

## 注意事项

- 按席位计费的套餐中，每位成员占用一个付费席位；移除成员后席位立即释放。
- 员工离职时请移除其账号，而不仅仅是修改密码。`,
    },
  },
  {
    slug: "transfer-account-ownership",
    category: "account",
    tags: ["owner", "account"],
    status: "published",
    en: {
      title: "Transferring account ownership",
      body: `Each account has exactly one owner, who manages billing and can delete the account. When the owner changes jobs, transfer ownership before they leave.

## The current owner transfers it

1. Sign in as the owner and open **Settings → Account**.
2. Choose **Transfer ownership** and pick a member with the Admin role.
3. Confirm with your password. The new owner gets an email and must accept within 48 hours.

## The owner has already left

Open a ticket from an address on your company's domain and tell us who should become the owner. We'll confirm the request with a second person at your company before making the change. This usually takes one business day.`,
    },
    zh: {
      title: "转移账户所有权",
      body: `每个账户只有一位所有者，负责管理账单并可删除账户。所有者岗位变动时，请在其离职前完成所有权转移。

## 由现任所有者转移

1. 以所有者身份登录，打开 **设置 → 账户**。
2. 选择 **转移所有权**，选择一位管理员角色的成员。
3. 输入密码确认。新所有者会收到邮件，需在 48 小时内接受。

## 所有者已经离职

请使用公司域名的邮箱提交工单，告诉我们由谁接任所有者。我们会与贵司另一位同事确认后再进行变更，通常需要一个工作日。`,
    },
  },
  {
    slug: "sign-in-problems",
    category: "account",
    tags: ["sign-in", "troubleshooting"],
    status: "published",
    en: {
      title: "Troubleshooting sign-in problems",
      body: `Most sign-in problems have a quick fix. Work through this list before contacting us.

- **"Email or password is incorrect"**: passwords are case-sensitive. Check Caps Lock, or [reset your password](/help/reset-your-password).
- **Too many attempts**: after 10 failed attempts sign-in is paused for 15 minutes to protect your account.
- **The 2FA code is rejected**: make sure your phone's clock is set automatically; authenticator codes depend on the exact time.
- **You're signed out repeatedly**: allow cookies for our site, and check that a browser extension isn't clearing them.
- **Single sign-on users**: sign in through your company's identity provider, not with a password.

If none of these help, open a ticket and include the time you tried and any error message you saw.`,
    },
    zh: {
      title: "登录问题排查",
      body: `大多数登录问题都能快速解决，联系我们之前请先逐项检查。

- **「邮箱或密码错误」**：密码区分大小写，请检查大写锁定，或 [重置密码](/help/reset-your-password?locale=zh-CN)。
- **尝试次数过多**：连续失败 10 次后，登录会暂停 15 分钟以保护账户。
- **双重验证码被拒绝**：请确认手机时间设置为自动同步，验证码依赖准确的时间。
- **频繁被退出登录**：请允许本站使用 Cookie，并检查是否有浏览器插件在清除 Cookie。
- **单点登录用户**：请通过贵司的身份提供商登录，而不是使用密码。

如果以上方法都无效，请提交工单，并注明尝试登录的时间和看到的错误提示。`,
    },
  },
  {
    slug: "request-a-refund",
    category: "refund",
    tags: ["refund", "returns", "money-back"],
    status: "published",
    en: {
      title: "Requesting a refund",
      body: `We want you to be happy with every order. If something isn't right, here's how to ask for your money back.

## Who can get a refund

- Orders returned unused within **30 days** of delivery.
- Items that arrived damaged or faulty, at any time within the warranty period.
- Subscription charges you didn't intend, reported within **14 days**.

## How to request it

1. Go to **Orders** and open the order.
2. Choose **Request refund** and select the items.
3. Tell us the reason. For damaged items, add a photo; it speeds things up considerably.
4. Submit. You'll get a confirmation email with a reference number.

## What happens next

- Most requests are reviewed within **one business day**.
- If a return is needed we email a prepaid label.
- Once approved, the money goes back to the original payment method. See [How long refunds take](/help/refund-timelines).

If your request is declined we always tell you why; reply to the email if you disagree.`,
    },
    zh: {
      title: "申请退款",
      body: `我们希望您对每一笔订单都满意。如果遇到问题，可以按以下方式申请退款。

## 退款条件

- 收货后 **30 天** 内退回的未使用商品。
- 在保修期内发现损坏或故障的商品。
- 非本意产生的订阅扣款，需在 **14 天** 内提出。

## 申请步骤

1. 进入 **订单**，打开对应订单。
2. 点击 **申请退款**，选择商品。
3. 填写退款原因。商品损坏时请附上照片，可以大大加快处理速度。
4. 提交后，您会收到一封包含参考编号的确认邮件。

## 后续流程

- 大部分申请会在 **一个工作日** 内审核完毕。
- 需要退货时，我们会通过邮件发送预付运单。
- 审核通过后，款项将原路退回，详见 [退款到账时间](/help/refund-timelines?locale=zh-CN)。

如果申请被拒绝，我们一定会说明原因；如有异议，请直接回复邮件。`,
    },
  },
  {
    slug: "refund-timelines",
    category: "refund",
    tags: ["refund", "payments"],
    status: "published",
    en: {
      title: "How long refunds take",
      body: `Once we approve a refund, we send it the same business day. How long it takes to reach you depends on how you paid:

| Payment method | Typical time |
| --- | --- |
| Credit or debit card | 3–10 business days |
| PayPal | 1–3 business days |
| Bank transfer | 2–5 business days |
| Account credit | Immediately |

## If it hasn't arrived

- Check the refund reference in your confirmation email; your bank can trace it.
- Cards that have expired or been replaced may return the refund to us. We'll then contact you for bank details.
- Still nothing after the times above? Open a ticket with the order number and we'll investigate.`,
    },
    zh: {
      title: "退款到账时间",
      body: `退款审核通过后，我们会在当个工作日内发出。到账时间取决于您的付款方式：

| 付款方式 | 一般到账时间 |
| --- | --- |
| 信用卡或借记卡 | 3–10 个工作日 |
| PayPal | 1–3 个工作日 |
| 银行转账 | 2–5 个工作日 |
| 账户余额 | 立即到账 |

## 尚未到账怎么办

- 查看确认邮件中的退款参考号，银行可据此查询。
- 已过期或已换卡的银行卡可能会把退款退回给我们，届时我们会联系您提供银行账户信息。
- 超过上述时间仍未到账？请提交工单并注明订单号，我们会为您调查。`,
    },
  },
  {
    slug: "return-an-item",
    category: "refund",
    tags: ["returns", "shipping"],
    status: "published",
    en: {
      title: "Returning an item",
      body: `You can return most items within 30 days of delivery.

## Steps

1. Request a refund from the order page and choose **Return items**.
2. Print the prepaid label we email you.
3. Pack the items securely, ideally in the original packaging, and attach the label.
4. Drop the parcel at any carrier location. Keep the receipt until the refund arrives.

## Items we can't take back

- Custom or personalised products
- Opened consumables and hygiene items
- Gift cards

Returns are checked within 2 business days of arriving at our warehouse.`,
    },
    zh: {
      title: "退货流程",
      body: `大部分商品支持在收货后 30 天内退货。

## 步骤

1. 在订单页面申请退款，并选择 **退回商品**。
2. 打印我们通过邮件发送的预付运单。
3. 妥善包装商品（最好使用原包装），并贴好运单。
4. 将包裹交到任一承运商网点，退款到账前请保留收据。

## 不支持退货的商品

- 定制或个性化商品
- 已开封的消耗品和卫生用品
- 礼品卡

退货到达仓库后 2 个工作日内完成检验。`,
    },
  },
  {
    slug: "update-billing-details",
    category: "billing",
    tags: ["billing", "payment-method", "address"],
    status: "published",
    en: {
      title: "Updating your billing details",
      body: `Keep your billing details up to date so invoices are correct and payments don't fail.

## Change the card or payment method

1. Go to **Billing → Payment methods**.
2. Click **Add payment method** and enter the new card.
3. Set it as **Default** and remove the old one.

## Change the billing address or company name

Open **Billing → Billing details**, edit the fields and save. The changes apply to **future invoices**. Existing invoices keep the details they were issued with; if you need one corrected, ask us to reissue it.

## Who can change billing details?

Only the account owner and members with billing permission. If you can't see the Billing menu, ask your account owner.`,
    },
    zh: {
      title: "更新账单信息",
      body: `请及时更新账单信息，确保发票准确、付款顺利。

## 更换银行卡或付款方式

1. 进入 **账单 → 付款方式**。
2. 点击 **添加付款方式**，输入新卡信息。
3. 将其设为 **默认**，并删除旧卡。

## 修改账单地址或公司名称

打开 **账单 → 账单信息**，编辑后保存。修改仅对 **之后的发票** 生效，已开具的发票保留开具时的信息；如需更正，请联系我们重新开具。

## 谁可以修改账单信息？

仅账户所有者和拥有账单权限的成员。如果看不到账单菜单，请联系您的账户所有者。`,
    },
  },
  {
    slug: "download-invoices",
    category: "billing",
    tags: ["invoice", "billing", "pdf"],
    status: "published",
    en: {
      title: "Downloading your invoices",
      body: `All invoices from the last seven years are available in your account.

1. Go to **Billing → Invoices**.
2. Use the filters to find the month or invoice number.
3. Click **PDF** to download a single invoice, or select several and choose **Download as ZIP**.

## Sending invoices to your accounting team

Under **Billing → Invoice recipients** you can add up to five email addresses that receive every new invoice automatically, for example accounts-payable@yourcompany.com.

## Need a corrected invoice?

If the company name, address or VAT number was wrong, update your billing details first and then open a ticket asking us to reissue the invoice. The corrected invoice keeps the same number with a suffix, such as INV-2024-0193-A.`,
    },
    zh: {
      title: "下载发票",
      body: `最近七年的所有发票都可以在账户中找到。

1. 进入 **账单 → 发票**。
2. 使用筛选条件查找月份或发票号。
3. 点击 **PDF** 下载单张发票，或勾选多张后选择 **打包下载 ZIP**。

## 自动发送给财务

在 **账单 → 发票接收人** 中最多可添加五个邮箱，例如 accounts-payable@yourcompany.com，每张新发票都会自动发送。

## 需要更正发票？

如果公司名称、地址或税号有误，请先更新账单信息，再提交工单申请重新开具。更正后的发票沿用原编号并加后缀，例如 INV-2024-0193-A。`,
    },
  },
  {
    slug: "change-billing-period",
    category: "billing",
    tags: ["billing", "annual", "plan"],
    status: "published",
    en: {
      title: "Switching between monthly and annual billing",
      body: `Annual billing costs the same as ten months, so you get two months free.

## Switch to annual

1. Go to **Billing → Plan**.
2. Choose **Change billing period → Annual**.
3. Confirm. The annual price is charged immediately, and the unused part of the current month is credited.

## Switch back to monthly

You can switch back at any time; the change takes effect at the end of the current annual period. We don't refund the remaining months of an annual plan, except where required by law.`,
    },
    zh: {
      title: "在按月和按年付费之间切换",
      body: `按年付费的价格等于十个月的费用，相当于免费获得两个月。

## 切换为按年付费

1. 进入 **账单 → 套餐**。
2. 选择 **更改计费周期 → 按年**。
3. 确认后立即扣除年费，本月未使用的部分将自动抵扣。

## 切换回按月付费

您可以随时切换，变更将在当前年度周期结束时生效。除法律另有规定外，年付套餐的剩余月份不予退款。`,
    },
  },
  {
    slug: "payment-methods",
    category: "billing",
    tags: ["payment-method", "bank-transfer", "card"],
    status: "published",
    en: {
      title: "Accepted payment methods",
      body: `We accept:

- **Cards**: Visa, Mastercard, American Express, UnionPay
- **PayPal**
- **Bank transfer / invoice payment** on annual plans and on monthly plans over 20 seats
- **Alipay and WeChat Pay** for accounts billed in CNY

## Paying by bank transfer

Ask us to switch your account to invoice payment. Each invoice then shows our bank details and a **payment reference**. Always include the reference; payments without it have to be matched by hand and may be delayed.

## Failed payments

If a card payment fails we retry after 3 and 7 days and email the account owner each time. Your service continues for 14 days while we retry.`,
    },
    zh: {
      title: "支持的付款方式",
      body: `我们支持以下付款方式：

- **银行卡**：Visa、Mastercard、American Express、银联
- **PayPal**
- **银行转账 / 发票付款**：适用于年付套餐及 20 个席位以上的月付套餐
- **支付宝和微信支付**：适用于以人民币结算的账户

## 通过银行转账付款

请联系我们将账户改为发票付款。每张发票会显示我们的银行信息和 **付款备注号**。转账时请务必填写备注号，否则需要人工对账，可能造成延误。

## 付款失败

银行卡扣款失败后，我们会在第 3 天和第 7 天重试，并每次通过邮件通知账户所有者。重试期间服务会持续 14 天。`,
    },
  },
  {
    slug: "cancel-your-subscription",
    category: "billing",
    tags: ["subscription", "cancel", "billing"],
    status: "published",
    en: {
      title: "Cancelling your subscription",
      body: `We're sorry to see you go. You can cancel at any time, and you keep access until the end of the period you've paid for.

## Cancel

1. Sign in as the account owner.
2. Go to **Billing → Plan → Cancel subscription**.
3. Tell us why (optional, but it helps us improve) and confirm.

You'll get a confirmation email. **Keep it**: it's your proof of cancellation.

## Before you cancel

- [Export your data](/help/export-your-data); after cancellation your data is kept for 30 days and then deleted.
- Free trials cancelled before the trial ends are never charged.
- Prefer a break instead? You can **pause** your subscription for up to three months.

Charged after cancelling? Open a ticket under **Refunds** with your confirmation email and we'll refund it.`,
    },
    zh: {
      title: "取消订阅",
      body: `很遗憾您要离开。您可以随时取消，已付费周期结束前仍可正常使用。

## 取消步骤

1. 以账户所有者身份登录。
2. 进入 **账单 → 套餐 → 取消订阅**。
3. 告诉我们原因（可选，但有助于我们改进）并确认。

您会收到一封确认邮件，**请妥善保存**，它是您取消订阅的凭证。

## 取消之前

- 请先 [导出数据](/help/export-your-data?locale=zh-CN)；取消后数据保留 30 天，之后将被删除。
- 在试用期结束前取消的免费试用不会扣费。
- 只是想暂停？您可以 **暂停** 订阅，最长三个月。

取消后仍被扣款？请在 **退款** 分类下提交工单并附上确认邮件，我们会为您退款。`,
    },
  },
  {
    slug: "vat-and-tax-details",
    category: "billing",
    tags: ["vat", "tax", "invoice"],
    status: "published",
    en: {
      title: "Adding your VAT or tax number",
      body: `Business customers can add a VAT or tax ID so it appears on invoices and, where applicable, reverse charge applies.

1. Go to **Billing → Billing details**.
2. Enter the number in **Tax ID**, including the country prefix (for example DE123456789).
3. Save. We validate EU VAT numbers against the VIES register automatically.

Invoices issued **before** you added the number aren't changed automatically. Open a ticket if you need them reissued.`,
    },
    zh: {
      title: "添加增值税号或税号",
      body: `企业客户可以添加增值税号或纳税人识别号，使其显示在发票上，并在适用时按反向征收处理。

1. 进入 **账单 → 账单信息**。
2. 在 **税号** 中填写号码，包含国家前缀（例如 DE123456789）。
3. 保存。欧盟增值税号会自动通过 VIES 系统校验。

添加税号 **之前** 开具的发票不会自动更新，如需重新开具请提交工单。`,
    },
  },
  {
    slug: "track-your-delivery",
    category: "delivery",
    tags: ["delivery", "tracking", "shipping"],
    status: "published",
    en: {
      title: "Tracking your delivery",
      body: `As soon as your order leaves our warehouse, you can follow it.

## Where to find tracking

- In the **shipping confirmation email** we send you.
- Under **Orders → your order → Tracking**.

Tracking usually appears within **24 hours** of ordering. Large orders may ship in several parcels, each with its own tracking number.

## Tracking hasn't updated

- Carriers often scan parcels only at hubs, so no update for 1–2 days is normal.
- If there's been no update for **3 business days**, or the delivery date has passed, open a ticket under **Delivery** with the order number. We'll open an investigation with the carrier.`,
    },
    zh: {
      title: "跟踪配送进度",
      body: `订单出库后，您即可实时跟踪。

## 在哪里查看物流

- 我们发送的 **发货确认邮件** 中。
- **订单 → 您的订单 → 物流跟踪**。

物流信息通常在下单后 **24 小时** 内出现。大额订单可能分多个包裹发出，每个包裹都有独立的运单号。

## 物流信息没有更新

- 承运商通常只在转运中心扫描包裹，1–2 天没有更新属于正常情况。
- 如果 **3 个工作日** 没有更新，或已超过预计送达日期，请在 **配送** 分类下提交工单并注明订单号，我们会向承运商发起调查。`,
    },
  },
  {
    slug: "change-delivery-address",
    category: "delivery",
    tags: ["delivery", "address"],
    status: "published",
    en: {
      title: "Changing the delivery address of an order",
      body: `You can change the address yourself until the order is packed.

1. Open **Orders** and select the order.
2. Click **Edit delivery address**. If the button is missing, the order is already being packed.
3. Enter the new address and save.

If the order has already shipped, contact us as soon as possible: most carriers can redirect a parcel for a small fee, which we cover if the change is our fault.

To change the address for future orders, update **Settings → Addresses → Default delivery address**.`,
    },
    zh: {
      title: "修改订单收货地址",
      body: `订单打包前，您可以自行修改地址。

1. 打开 **订单**，选择相应订单。
2. 点击 **修改收货地址**。如果没有这个按钮，说明订单已在打包中。
3. 输入新地址并保存。

如果订单已经发货，请尽快联系我们：大多数承运商可以收取少量费用改派包裹，若因我方原因需要改址，费用由我们承担。

如需修改今后订单的地址，请更新 **设置 → 地址 → 默认收货地址**。`,
    },
  },
  {
    slug: "missing-or-damaged-items",
    category: "delivery",
    tags: ["delivery", "damaged", "missing"],
    status: "published",
    en: {
      title: "Missing or damaged items",
      body: `Sorry your delivery wasn't right. Tell us within **7 days** of delivery and we'll fix it.

## What to do

1. Take photos of the packaging and of any damaged items.
2. Open a ticket under **Delivery**, choose the order and list what's missing or damaged.
3. Attach the photos.

## What we'll do

- **Missing items**: we check whether the order shipped in several parcels. If not, we send the missing items or refund them.
- **Damaged items**: we send replacements by express at no cost. You usually don't need to return the damaged goods.

If the driver asked you to sign for more parcels than you received, mention it; we raise it with the carrier.`,
    },
    zh: {
      title: "缺件或商品损坏",
      body: `很抱歉您的收货体验不佳。请在收货后 **7 天** 内告诉我们，我们会妥善处理。

## 您需要做的

1. 拍摄外包装和损坏商品的照片。
2. 在 **配送** 分类下提交工单，选择订单并列出缺少或损坏的商品。
3. 附上照片。

## 我们会做的

- **缺件**：我们会核实订单是否分多个包裹发出；如果不是，我们会补发或退款。
- **损坏**：我们会免费加急补发，通常无需退回损坏的商品。

如果司机让您签收的包裹数多于实际收到的数量，请一并说明，我们会向承运商反馈。`,
    },
  },
  {
    slug: "delivery-times-and-costs",
    category: "delivery",
    tags: ["delivery", "shipping", "costs"],
    status: "published",
    en: {
      title: "Delivery times and costs",
      body: `| Service | Time | Cost |
| --- | --- | --- |
| Standard | 3–5 business days | Free over $50, otherwise $6.90 |
| Express | 1–2 business days | $14.90 |
| Pallet delivery | 5–7 business days | Quoted per order |

Orders placed before **2 pm** on a business day ship the same day.

## International orders

We ship to 30 countries. Import duties and taxes may apply and are shown at checkout where possible. Delivery times abroad are usually 5–10 business days.`,
    },
    zh: {
      title: "配送时效与运费",
      body: `| 服务 | 时效 | 运费 |
| --- | --- | --- |
| 标准配送 | 3–5 个工作日 | 满 50 美元免运费，否则 6.90 美元 |
| 加急配送 | 1–2 个工作日 | 14.90 美元 |
| 整托配送 | 5–7 个工作日 | 按订单报价 |

工作日 **下午 2 点** 前下单，当天发货。

## 国际订单

我们可配送至 30 个国家和地区。可能产生进口关税和税费，结账时会尽可能显示。海外配送一般需要 5–10 个工作日。`,
    },
  },
  {
    slug: "export-your-data",
    category: "technical",
    tags: ["export", "csv", "data"],
    status: "published",
    en: {
      title: "Exporting your data",
      body: `You can export orders, customers, invoices and tickets at any time, in CSV or JSON.

## One-off export

1. Open the list you want to export, for example **Orders**.
2. Apply filters if you only need part of the data.
3. Click **Export** and choose the format.
4. Under **Columns**, tick any custom fields you want included.

Small exports download immediately. Larger ones are prepared in the background and we email you a download link, valid for 7 days.

## Scheduled exports

Under **Settings → Data → Scheduled exports** you can send a daily or weekly export to an email address or an SFTP server.

## Full account export

Account owners can request a complete export of all data under **Settings → Data → Export everything**. This is useful before cancelling your subscription.`,
    },
    zh: {
      title: "导出数据",
      body: `您可以随时以 CSV 或 JSON 格式导出订单、客户、发票和工单数据。

## 单次导出

1. 打开需要导出的列表，例如 **订单**。
2. 如只需部分数据，请先设置筛选条件。
3. 点击 **导出** 并选择格式。
4. 在 **列** 中勾选需要包含的自定义字段。

数据量小的导出会立即下载；数据量大时会在后台生成，我们会通过邮件发送下载链接，7 天内有效。

## 定时导出

在 **设置 → 数据 → 定时导出** 中，可以将每日或每周导出发送到邮箱或 SFTP 服务器。

## 导出全部数据

账户所有者可以在 **设置 → 数据 → 导出全部** 中申请导出账户的全部数据，适合在取消订阅前使用。`,
    },
  },
  {
    slug: "api-rate-limits",
    category: "technical",
    tags: ["api", "rate-limit", "429"],
    status: "published",
    en: {
      title: "API rate limits",
      body: `To keep the API fast for everyone, each account can make a limited number of requests.

| Plan | Requests per second | Burst |
| --- | --- | --- |
| Standard | 10 | 20 |
| Growth | 20 | 40 |
| Enterprise | 50 | 100 |

## When you hit the limit

The API answers **HTTP 429 Too Many Requests** with a \`Retry-After\` header telling you how many seconds to wait. Every response also carries:

- \`X-RateLimit-Limit\`: your limit
- \`X-RateLimit-Remaining\`: requests left in the current window

## Staying under the limit

- Honour \`Retry-After\` and retry with exponential backoff.
- Use the **bulk endpoints** (up to 500 records per request) for syncs.
- Use webhooks instead of polling for changes.

Need a higher limit for a migration? Open a ticket under **Technical issue** and tell us when and for how long.`,
    },
    zh: {
      title: "API 速率限制",
      body: `为了保证所有用户的 API 响应速度，每个账户的请求数量都有限制。

| 套餐 | 每秒请求数 | 突发上限 |
| --- | --- | --- |
| 标准版 | 10 | 20 |
| 成长版 | 20 | 40 |
| 企业版 | 50 | 100 |

## 超出限制时

API 会返回 **HTTP 429 Too Many Requests**，并通过 \`Retry-After\` 头告诉您需要等待的秒数。每个响应还包含：

- \`X-RateLimit-Limit\`：您的限额
- \`X-RateLimit-Remaining\`：当前窗口剩余请求数

## 避免超限

- 遵循 \`Retry-After\`，并使用指数退避重试。
- 数据同步请使用 **批量接口**（每次最多 500 条记录）。
- 使用 Webhook 接收变更通知，而不是轮询。

数据迁移需要更高限额？请在 **技术问题** 分类下提交工单，说明时间和持续时长。`,
    },
  },
  {
    slug: "verify-webhook-signatures",
    category: "technical",
    tags: ["api", "webhooks", "security"],
    status: "published",
    en: {
      title: "Verifying webhook signatures",
      body: `Every webhook we send carries an \`X-Signature\` header so you can check it really came from us.

## How the signature is made

\`X-Signature\` is the hex-encoded **HMAC-SHA256** of the **raw request body**, using your webhook signing secret (found under **Settings → Developers → Webhooks**).

## Verifying it

\`\`\`js
import crypto from "node:crypto";

function isValid(rawBody, header, secret) {
  const expected = crypto.createHmac("sha256", secret).update(rawBody).digest("hex");
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(header));
}
\`\`\`

## Common mistakes

- Parsing the JSON and serialising it again before computing the HMAC: whitespace changes and the signature no longer matches. Always use the raw bytes.
- Comparing with \`===\` instead of a constant-time comparison.
- Using the API token instead of the signing secret.`,
    },
    zh: {
      title: "验证 Webhook 签名",
      body: `我们发送的每个 Webhook 都带有 \`X-Signature\` 头，您可以借此确认请求确实来自我们。

## 签名的生成方式

\`X-Signature\` 是使用您的 Webhook 签名密钥（位于 **设置 → 开发者 → Webhook**）对 **原始请求体** 计算的 **HMAC-SHA256**，以十六进制编码。

## 验证示例

\`\`\`js
import crypto from "node:crypto";

function isValid(rawBody, header, secret) {
  const expected = crypto.createHmac("sha256", secret).update(rawBody).digest("hex");
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(header));
}
\`\`\`

## 常见错误

- 先解析 JSON 再重新序列化后计算 HMAC：空白字符发生变化，签名就无法匹配。请始终使用原始字节。
- 使用 \`===\` 比较，而不是常量时间比较。
- 误用 API 令牌代替签名密钥。`,
    },
  },
  {
    slug: "api-tokens",
    category: "technical",
    tags: ["api", "tokens", "security"],
    status: "published",
    en: {
      title: "Creating and rotating API tokens",
      body: `API tokens let your systems call our API on your behalf.

## Create a token

1. Go to **Settings → Developers → API tokens**.
2. Click **New token**, give it a descriptive name (for example "ERP connector") and choose an expiry.
3. Copy the token. **It is shown only once**; we store only a fingerprint of it.

## Rotate before it expires

Tokens expire after the period you chose (at most 12 months). We email the account owner 14 days before expiry. To rotate without downtime:

1. Create a new token.
2. Update your integration to use it.
3. Revoke the old token.

## If a token leaks

Revoke it immediately from the same page. Requests using it fail straight away.`,
    },
    zh: {
      title: "创建与轮换 API 令牌",
      body: `API 令牌让您的系统可以代表您调用我们的 API。

## 创建令牌

1. 进入 **设置 → 开发者 → API 令牌**。
2. 点击 **新建令牌**，填写易于识别的名称（例如「ERP 连接器」）并选择有效期。
3. 复制令牌。**令牌只显示一次**，我们只保存其指纹。

## 过期前轮换

令牌会在您选择的期限后过期（最长 12 个月），我们会在到期前 14 天邮件通知账户所有者。无停机轮换步骤：

1. 创建新令牌。
2. 在集成中改用新令牌。
3. 吊销旧令牌。

## 令牌泄露怎么办

请立即在同一页面吊销该令牌，使用它的请求会立刻失效。`,
    },
  },
  {
    slug: "mobile-app-troubleshooting",
    category: "technical",
    tags: ["mobile", "ios", "android"],
    status: "published",
    en: {
      title: "Mobile app troubleshooting",
      body: `If the iOS or Android app misbehaves, these steps fix most problems:

1. **Update the app** from the App Store or Google Play; many issues are already fixed.
2. **Sign out and back in** to refresh your session.
3. **Clear the cache** under the app's **Settings → Storage**.
4. Reinstall the app if it still crashes.

## Reporting a problem

If the problem persists, open a ticket and include:

- your device model and operating system version,
- the app version (shown under **Settings → About**),
- what you tapped just before the problem happened.`,
    },
    zh: {
      title: "手机 App 问题排查",
      body: `iOS 或 Android App 出现异常时，以下步骤可以解决大多数问题：

1. 在 App Store 或 Google Play **更新 App**，很多问题已在新版本中修复。
2. **退出后重新登录**，刷新会话。
3. 在 App 的 **设置 → 存储** 中 **清除缓存**。
4. 如果仍然闪退，请重新安装 App。

## 反馈问题

如果问题依旧，请提交工单并注明：

- 设备型号和系统版本，
- App 版本（在 **设置 → 关于** 中查看），
- 出现问题前您点击了什么。`,
    },
  },
  {
    slug: "submit-a-feature-request",
    category: "product",
    tags: ["feedback", "feature-request", "roadmap"],
    status: "published",
    en: {
      title: "Suggesting a feature",
      body: `Many of our features started as customer suggestions. We'd love to hear yours.

## How to suggest something

Open a ticket under **Product feedback** and tell us:

- **what you're trying to do**, not just the feature you have in mind;
- how often you need it and how many people it affects;
- how you work around it today.

## What happens next

Our product team reviews every suggestion weekly. We don't promise dates, but we'll update your ticket when the feature is planned or released. Popular requests are listed on our public roadmap.`,
    },
    zh: {
      title: "提交功能建议",
      body: `我们的许多功能都源自客户的建议，欢迎告诉我们您的想法。

## 如何提交

请在 **产品反馈** 分类下提交工单，并说明：

- **您想完成什么**，而不只是设想中的功能；
- 使用频率以及涉及的人数；
- 您目前如何变通处理。

## 后续流程

产品团队每周都会评估所有建议。我们无法承诺上线时间，但功能列入计划或发布时，会在您的工单中更新。热门建议会公布在公开路线图上。`,
    },
  },
  {
    slug: "data-processing-agreement",
    category: "other",
    tags: ["privacy", "gdpr", "legal"],
    status: "published",
    en: {
      title: "Data processing agreement (DPA) and privacy",
      body: `We process your customers' personal data only on your instructions, as described in our data processing agreement.

## Sign the DPA

Account owners can review and sign our standard DPA electronically under **Settings → Legal**. A countersigned PDF is emailed to you immediately.

## Where your data is stored

Data is stored in data centres in the EU (Frankfurt) or, for accounts billed in CNY, in mainland China. Backups stay in the same region.

## Sub-processors

The current list of sub-processors is published in our help centre. We notify account owners 30 days before adding a new one.

If your legal team needs changes to the standard DPA, open a ticket and attach their proposed wording.`,
    },
    zh: {
      title: "数据处理协议（DPA）与隐私",
      body: `我们仅根据您的指示处理您客户的个人数据，具体见数据处理协议。

## 签署 DPA

账户所有者可以在 **设置 → 法律文件** 中查看并在线签署标准 DPA，签署后会立即通过邮件收到双方签署的 PDF。

## 数据存储位置

数据存储于欧盟（法兰克福）的数据中心；以人民币结算的账户存储于中国大陆。备份同样保存在同一地区。

## 子处理方

当前的子处理方名单发布在帮助中心。新增子处理方前，我们会提前 30 天通知账户所有者。

如果贵司法务需要修改标准 DPA，请提交工单并附上建议的条款。`,
    },
  },
  {
    slug: "contact-support",
    category: "other",
    tags: ["support", "hours", "sla"],
    status: "published",
    en: {
      title: "Contacting support and response times",
      body: `The fastest way to reach us is to **open a ticket** from the help centre while signed in: we know who you are and can see your orders.

## Response times

| Request | First response |
| --- | --- |
| Urgent issues (service down) | within 30 minutes |
| Complaints | within 4 hours |
| Everything else | within 8 hours |

Key accounts have shorter targets, set out in their contract.

## Tips for a quick answer

- One problem per ticket.
- Include order or invoice numbers and screenshots.
- Reply on the same ticket rather than opening a new one: that keeps the history together.

After a ticket is solved we'll ask how we did. We read every comment.`,
    },
    zh: {
      title: "联系客服与响应时间",
      body: `最快的方式是登录后在帮助中心 **提交工单**：我们能识别您的身份并查看您的订单。

## 响应时间

| 请求类型 | 首次响应 |
| --- | --- |
| 紧急问题（服务中断） | 30 分钟内 |
| 投诉 | 4 小时内 |
| 其他问题 | 8 小时内 |

重点客户的响应时间更短，以合同约定为准。

## 加快处理的小贴士

- 每个工单只描述一个问题。
- 附上订单号或发票号以及截图。
- 在原工单中回复，而不是新建工单，这样记录更完整。

工单解决后，我们会请您评价服务。每一条评论我们都会认真阅读。`,
    },
  },
  {
    slug: "new-navigation-guide",
    category: "product",
    tags: ["navigation", "redesign"],
    status: "draft",
    en: {
      title: "Finding your way around the new navigation",
      body: `We've reorganised the menu around the work you do most. This guide shows where things moved.

- **Returns** are now under **Orders → Returns**.
- **Reports** moved to the top bar.
- Pin any page to the sidebar with the star icon.

_Draft: screenshots to be added before publishing._`,
    },
    zh: {
      title: "新版导航使用指南",
      body: `我们围绕最常用的工作重新组织了菜单。本指南介绍各功能的新位置。

- **退货** 现在位于 **订单 → 退货**。
- **报表** 移到了顶部导航栏。
- 点击星标可以把任意页面固定到侧边栏。

_草稿：发布前补充截图。_`,
    },
  },
];
