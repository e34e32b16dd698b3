// Demo data for prisma/seed.ts: the organisation (teams, categories,
// companies, customers) and the text of ticket conversations. Plain data, no
// logic. Placeholders in ticket texts: {name} (customer's first name or, in
// Chinese, full name), {agent} (agent's first name), {order}, {invoice},
// {amount}, {company}.

export type CategoryKey = "billing" | "refund" | "technical" | "account" | "delivery" | "product" | "other";
export type TeamKey = "billing" | "technical" | "care";
export type Tier = "key" | "growth" | "standard";
export type Lang = "en" | "zh";

export const TEAMS: readonly { key: TeamKey; name: string }[] = [
  { key: "billing", name: "Billing" },
  { key: "technical", name: "Technical Support" },
  { key: "care", name: "Customer Care" },
];

export const CATEGORIES: readonly { key: CategoryKey; nameEn: string; nameZh: string; team: TeamKey }[] = [
  { key: "billing", nameEn: "Billing & payments", nameZh: "账单与付款", team: "billing" },
  { key: "refund", nameEn: "Refunds", nameZh: "退款", team: "billing" },
  { key: "technical", nameEn: "Technical issue", nameZh: "技术问题", team: "technical" },
  { key: "account", nameEn: "Account & sign-in", nameZh: "账户与登录", team: "technical" },
  { key: "delivery", nameEn: "Delivery", nameZh: "配送", team: "care" },
  { key: "product", nameEn: "Product feedback", nameZh: "产品反馈", team: "care" },
  { key: "other", nameEn: "Other", nameZh: "其他", team: "care" },
];

/**
 * How a customer's recent history should look, so the health board has
 * something to show: most are healthy, a few are at risk, two are critical.
 */
export type CustomerProfile = "normal" | "at_risk" | "critical";

export interface DemoCustomer {
  name: string;
  /** Local part of the address; the domain is the company's. */
  email: string;
  locale: "en" | "zh-CN";
  profile?: CustomerProfile;
}

export interface DemoCompany {
  name: string;
  domain: string;
  tier: Tier;
  customers: DemoCustomer[];
}

/** The demo customer (customer@demo.helpdesk) is added to Northwind Trading by the seed. */
export const COMPANIES: readonly DemoCompany[] = [
  {
    name: "Northwind Trading",
    domain: "northwind.example.com",
    tier: "key",
    customers: [
      { name: "Oliver Grant", email: "oliver.grant", locale: "en", profile: "at_risk" },
      { name: "Sophie Hartley", email: "sophie.hartley", locale: "en" },
      { name: "Marcus Lee", email: "marcus.lee", locale: "en" },
      { name: "林晓雯", email: "lin.xiaowen", locale: "zh-CN" },
    ],
  },
  {
    name: "Yunfan Technology (云帆科技)",
    domain: "yunfan.example.com",
    tier: "key",
    customers: [
      { name: "刘洋", email: "liu.yang", locale: "zh-CN", profile: "critical" },
      { name: "王芳", email: "wang.fang", locale: "zh-CN" },
      { name: "张伟", email: "zhang.wei", locale: "zh-CN" },
      { name: "赵敏", email: "zhao.min", locale: "zh-CN" },
    ],
  },
  {
    name: "Contoso Retail",
    domain: "contoso.example.com",
    tier: "growth",
    customers: [
      { name: "Daniel Brooks", email: "daniel.brooks", locale: "en", profile: "critical" },
      { name: "Laura Jensen", email: "laura.jensen", locale: "en" },
      { name: "Kevin Ng", email: "kevin.ng", locale: "en" },
      { name: "Priyanka Shah", email: "priyanka.shah", locale: "en" },
      { name: "Tomás García", email: "tomas.garcia", locale: "en" },
    ],
  },
  {
    name: "Blue Harbor Foods",
    domain: "blueharbor.example.com",
    tier: "growth",
    customers: [
      { name: "Hannah Weiss", email: "hannah.weiss", locale: "en", profile: "at_risk" },
      { name: "Ben Carter", email: "ben.carter", locale: "en" },
      { name: "Olivia Park", email: "olivia.park", locale: "en" },
      { name: "黄丽娟", email: "huang.lijuan", locale: "zh-CN" },
      { name: "Samuel Osei", email: "samuel.osei", locale: "en" },
    ],
  },
  {
    name: "Huaxin Logistics (华信物流)",
    domain: "huaxin.example.com",
    tier: "growth",
    customers: [
      { name: "周建国", email: "zhou.jianguo", locale: "zh-CN", profile: "at_risk" },
      { name: "孙丽", email: "sun.li", locale: "zh-CN" },
      { name: "吴昊", email: "wu.hao", locale: "zh-CN" },
      { name: "郑雪", email: "zheng.xue", locale: "zh-CN" },
    ],
  },
  {
    name: "Fabrikam Studios",
    domain: "fabrikam.example.com",
    tier: "growth",
    customers: [
      { name: "Isabel Moreno", email: "isabel.moreno", locale: "en" },
      { name: "Jack Thompson", email: "jack.thompson", locale: "en" },
      { name: "Yuki Tanaka", email: "yuki.tanaka", locale: "en" },
      { name: "何静", email: "he.jing", locale: "zh-CN" },
    ],
  },
  {
    name: "Alpine Outfitters",
    domain: "alpine.example.com",
    tier: "standard",
    customers: [
      { name: "Ryan Mitchell", email: "ryan.mitchell", locale: "en", profile: "at_risk" },
      { name: "Chloe Bennett", email: "chloe.bennett", locale: "en" },
      { name: "Ethan Walsh", email: "ethan.walsh", locale: "en" },
      { name: "Mia Schneider", email: "mia.schneider", locale: "en" },
      { name: "Lucas Dubois", email: "lucas.dubois", locale: "en" },
      { name: "马骁", email: "ma.xiao", locale: "zh-CN" },
    ],
  },
  {
    name: "Greenleaf Pharmacy",
    domain: "greenleaf.example.com",
    tier: "standard",
    customers: [
      { name: "Rachel Adams", email: "rachel.adams", locale: "en" },
      { name: "Noah Fischer", email: "noah.fischer", locale: "en" },
      { name: "Grace Okafor", email: "grace.okafor", locale: "en" },
      { name: "陈思远", email: "chen.siyuan", locale: "zh-CN" },
      { name: "Amelia Rossi", email: "amelia.rossi", locale: "en" },
    ],
  },
  {
    name: "Mingde Education (明德教育)",
    domain: "mingde.example.com",
    tier: "standard",
    customers: [
      { name: "李娜", email: "li.na", locale: "zh-CN" },
      { name: "杨帆", email: "yang.fan", locale: "zh-CN" },
      { name: "许文静", email: "xu.wenjing", locale: "zh-CN" },
      { name: "郭磊", email: "guo.lei", locale: "zh-CN" },
      { name: "高欣怡", email: "gao.xinyi", locale: "zh-CN" },
    ],
  },
  {
    name: "Redwood Dental Group",
    domain: "redwood.example.com",
    tier: "standard",
    customers: [
      { name: "Paul Henderson", email: "paul.henderson", locale: "en" },
      { name: "Karen Liu", email: "karen.liu", locale: "en" },
      { name: "Mohammed Al-Farsi", email: "mohammed.alfarsi", locale: "en" },
      { name: "Julia Novak", email: "julia.novak", locale: "en" },
      { name: "Sean Murphy", email: "sean.murphy", locale: "en" },
      { name: "唐晓峰", email: "tang.xiaofeng", locale: "zh-CN" },
    ],
  },
  {
    name: "Lumen Home Goods",
    domain: "lumen.example.com",
    tier: "standard",
    customers: [
      { name: "Nadia Petrova", email: "nadia.petrova", locale: "en", profile: "at_risk" },
      { name: "Leo Martins", email: "leo.martins", locale: "en" },
      { name: "Ava Robinson", email: "ava.robinson", locale: "en" },
      { name: "徐晨", email: "xu.chen", locale: "zh-CN" },
      { name: "Finn O'Brien", email: "finn.obrien", locale: "en" },
      { name: "Zoe Campbell", email: "zoe.campbell", locale: "en" },
    ],
  },
  {
    name: "Jincheng Travel (锦程旅行)",
    domain: "jincheng.example.com",
    tier: "standard",
    customers: [
      { name: "钱程", email: "qian.cheng", locale: "zh-CN" },
      { name: "罗佳", email: "luo.jia", locale: "zh-CN" },
      { name: "韩雪梅", email: "han.xuemei", locale: "zh-CN" },
      { name: "冯志强", email: "feng.zhiqiang", locale: "zh-CN" },
      { name: "邓琳", email: "deng.lin", locale: "zh-CN" },
    ],
  },
];

export interface ScenarioText {
  subject: string;
  /** The customer's first message. */
  description: string;
  /** The agent's first public reply. */
  reply: string;
}

export interface Scenario {
  category: CategoryKey;
  type: "complaint" | "inquiry";
  en: ScenarioText;
  zh: ScenarioText;
}

export const SCENARIOS: readonly Scenario[] = [
  // ── Billing ────────────────────────────────────────────────────────────
  {
    category: "billing",
    type: "complaint",
    en: {
      subject: "Charged twice for the same invoice {invoice}",
      description:
        "Hello,\n\nOur card statement shows two charges of {amount} for invoice {invoice}, both on the same day. We only have one subscription. Please refund the duplicate as soon as possible; our finance team is asking about it.\n\nThanks,\n{name}",
      reply:
        "Hi {name},\n\nSorry about this. I can see two payment attempts for {invoice}: the first one was reported as failed by the card network but was captured anyway. I've asked our payments provider to reverse the duplicate {amount}. It usually shows on your statement within 5–7 business days.\n\nBest regards,\n{agent}",
    },
    zh: {
      subject: "同一张发票 {invoice} 被扣款两次",
      description:
        "您好，\n\n我们的信用卡账单显示发票 {invoice} 在同一天被扣了两次 {amount}。我们只有一个订阅。请尽快退还重复的扣款，财务部门一直在追问。\n\n谢谢！\n{name}",
      reply:
        "{name}，您好！\n\n非常抱歉给您带来困扰。我看到 {invoice} 有两次扣款记录：第一次被卡组织报告为失败，但实际已扣款。我已请支付服务商撤销重复的 {amount}，通常 5–7 个工作日内会退回到您的账户。\n\n祝好，\n{agent}",
    },
  },
  {
    category: "billing",
    type: "inquiry",
    en: {
      subject: "Invoice {invoice} shows the wrong VAT number",
      description:
        "Hi,\n\nThe VAT number on invoice {invoice} is our old one. Could you reissue the invoice with the number we saved in billing settings last month? Our accountant cannot book it otherwise.\n\n{name}",
      reply:
        "Hi {name},\n\nThanks for flagging this. Invoices keep the tax details that were on file when they were issued, which is why {invoice} still has the old number. I've reissued it with your current VAT number; you can download the corrected PDF under Billing → Invoices.\n\nKind regards,\n{agent}",
    },
    zh: {
      subject: "发票 {invoice} 上的税号不正确",
      description: "您好，\n\n发票 {invoice} 上的税号还是我们以前的。能否按照上个月在账单设置中更新的税号重新开具？否则会计无法入账。\n\n{name}",
      reply:
        "{name}，您好！\n\n感谢告知。发票会保留开具时的税务信息，所以 {invoice} 上仍是旧税号。我已用您当前的税号重新开具，您可以在「账单 → 发票」中下载更正后的 PDF。\n\n祝好，\n{agent}",
    },
  },
  {
    category: "billing",
    type: "inquiry",
    en: {
      subject: "How do we switch from monthly to annual billing?",
      description:
        "Hello,\n\nWe'd like to move our plan to annual billing to get the discount. Will we be charged the full year immediately, and what happens to the rest of this month?\n\nThanks,\n{name}",
      reply:
        "Hi {name},\n\nGood news: you can switch yourself under Billing → Plan → Change billing period. The annual price is charged right away, and the unused part of your current month is credited automatically on the first annual invoice.\n\nLet me know if anything looks off.\n{agent}",
    },
    zh: {
      subject: "如何从按月付费改为按年付费？",
      description: "您好，\n\n我们想把套餐改成按年付费以享受折扣。会立即扣除全年费用吗？本月剩余的天数怎么处理？\n\n谢谢，\n{name}",
      reply:
        "{name}，您好！\n\n您可以在「账单 → 套餐 → 更改计费周期」中自行切换。年费会立即扣除，本月未使用的部分会自动抵扣在第一张年度发票上。\n\n如有疑问请随时联系我。\n{agent}",
    },
  },
  {
    category: "billing",
    type: "complaint",
    en: {
      subject: "Price increased without notice",
      description:
        "Hi,\n\nOur latest invoice {invoice} is {amount}, about 20% more than last month, and nobody told us about a price change. We need an explanation before we pay this.\n\n{name}",
      reply:
        "Hi {name},\n\nI understand the surprise. The difference comes from three additional seats added on the 12th, which are billed pro rata. I've attached a line-by-line breakdown to this ticket. If those seats were added by mistake, reply here and I'll remove them and credit the amount.\n\nBest,\n{agent}",
    },
    zh: {
      subject: "未经通知涨价",
      description: "您好，\n\n最新发票 {invoice} 金额为 {amount}，比上个月多了约 20%，但没有人通知我们价格调整。付款之前我们需要一个解释。\n\n{name}",
      reply:
        "{name}，您好！\n\n理解您的疑惑。差额来自 12 日新增的三个席位，按比例计费。我已在工单中附上明细。如果这些席位是误加的，请回复我，我会移除并退还相应费用。\n\n祝好，\n{agent}",
    },
  },
  {
    category: "billing",
    type: "inquiry",
    en: {
      subject: "Can we pay by bank transfer instead of card?",
      description:
        "Hello,\n\nOur procurement policy requires paying suppliers by bank transfer. Is that possible for our subscription, and where do we find your bank details?\n\nRegards,\n{name}",
      reply:
        "Hi {name},\n\nYes, bank transfer is available on annual plans. I've switched your account to invoice payment: the next invoice will include our bank details and a payment reference. Please use the reference so the payment is matched automatically.\n\nBest regards,\n{agent}",
    },
    zh: {
      subject: "可以用银行转账代替信用卡付款吗？",
      description: "您好，\n\n我们的采购制度要求通过银行转账向供应商付款。我们的订阅可以这样付款吗？银行信息在哪里查看？\n\n此致，\n{name}",
      reply:
        "{name}，您好！\n\n年付套餐支持银行转账。我已将您的账户改为发票付款：下一张发票会包含我们的银行信息和付款备注号，请在转账时填写备注号，以便系统自动对账。\n\n祝好，\n{agent}",
    },
  },
  // ── Refunds ────────────────────────────────────────────────────────────
  {
    category: "refund",
    type: "complaint",
    en: {
      subject: "Refund for order {order} still not received",
      description:
        "Hello,\n\nYou confirmed a refund of {amount} for order {order} two weeks ago, but nothing has arrived. This is the second time I'm writing about it. Please tell me where the money is.\n\n{name}",
      reply:
        "Hi {name},\n\nI'm sorry you had to chase this. The refund for {order} was approved but got stuck because the original card has expired. I've re-issued it to your account balance and asked finance to send it by bank transfer instead; you'll get a confirmation email with the transfer reference today.\n\n{agent}",
    },
    zh: {
      subject: "订单 {order} 的退款仍未到账",
      description: "您好，\n\n两周前你们确认订单 {order} 退款 {amount}，但至今没有到账。这已经是我第二次来询问了，请告诉我钱到底在哪里。\n\n{name}",
      reply:
        "{name}，您好！\n\n很抱歉让您反复跟进。订单 {order} 的退款已批准，但由于原支付卡已过期而被退回。我已改为银行转账退款，今天您会收到一封包含转账流水号的确认邮件。\n\n{agent}",
    },
  },
  {
    category: "refund",
    type: "inquiry",
    en: {
      subject: "Requesting a refund for unused seats",
      description:
        "Hi,\n\nWe reduced our team from 25 to 18 people. Can we get a refund for the seven unused seats for the rest of the billing period?\n\nThanks,\n{name}",
      reply:
        "Hi {name},\n\nOf course. I've removed the seven seats and issued a prorated credit of {amount}, which will be applied to your next invoice. If you prefer the money back on your card instead, just let me know.\n\nKind regards,\n{agent}",
    },
    zh: {
      subject: "申请退还未使用席位的费用",
      description: "您好，\n\n我们团队从 25 人缩减到 18 人。本计费周期剩余时间里未使用的七个席位可以退款吗？\n\n谢谢，\n{name}",
      reply:
        "{name}，您好！\n\n当然可以。我已移除这七个席位，并按比例生成了 {amount} 的抵扣额，将用于您的下一张发票。如果您希望直接退回到信用卡，请告诉我。\n\n祝好，\n{agent}",
    },
  },
  {
    category: "refund",
    type: "complaint",
    en: {
      subject: "Refund request rejected without explanation",
      description:
        "Hello,\n\nMy refund request for order {order} was closed with \"not eligible\" and no reason. The item arrived damaged and I sent photos. I expect a proper answer.\n\n{name}",
      reply:
        "Hi {name},\n\nYou're right, that answer wasn't good enough and I apologise. Looking at your photos, the damage clearly happened in transit, so the refund is eligible. I've approved {amount} for {order}; you don't need to send the item back.\n\n{agent}",
    },
    zh: {
      subject: "退款申请被拒绝且没有说明原因",
      description: "您好，\n\n我对订单 {order} 的退款申请被以「不符合条件」关闭，没有任何理由。商品到货时已损坏，我也发了照片。希望得到一个正式的答复。\n\n{name}",
      reply:
        "{name}，您好！\n\n您说得对，之前的答复不够妥当，非常抱歉。从您的照片来看，损坏明显发生在运输途中，符合退款条件。我已批准订单 {order} 退款 {amount}，商品无需寄回。\n\n{agent}",
    },
  },
  {
    category: "refund",
    type: "inquiry",
    en: {
      subject: "How long does a refund take?",
      description:
        "Hi,\n\nI returned order {order} last week and the tracking shows it was delivered to your warehouse. How long until the refund shows on my card?\n\n{name}",
      reply:
        "Hi {name},\n\nThe warehouse checked your return in yesterday, and the refund of {amount} was sent to your card this morning. Depending on your bank it takes 3–10 business days to appear.\n\nBest,\n{agent}",
    },
    zh: {
      subject: "退款需要多长时间？",
      description: "您好，\n\n我上周退回了订单 {order}，物流显示已送达你们的仓库。退款多久能回到我的卡上？\n\n{name}",
      reply:
        "{name}，您好！\n\n仓库昨天已签收您的退货，{amount} 的退款今天上午已原路退回。根据银行不同，通常需要 3–10 个工作日到账。\n\n祝好，\n{agent}",
    },
  },
  {
    category: "refund",
    type: "complaint",
    en: {
      subject: "Cancelled within the trial but still charged {amount}",
      description:
        "Hello,\n\nI cancelled during the free trial, I even have the confirmation email, and yesterday I was charged {amount}. Please refund this immediately.\n\n{name}",
      reply:
        "Hi {name},\n\nI'm sorry, this should not have happened. The cancellation was recorded but a scheduled renewal job ran before it was processed. I've refunded the full {amount} and made sure no further charges will be made.\n\n{agent}",
    },
    zh: {
      subject: "试用期内已取消，仍被扣款 {amount}",
      description: "您好，\n\n我在免费试用期内就取消了，还有确认邮件，但昨天仍被扣了 {amount}。请立即退款。\n\n{name}",
      reply:
        "{name}，您好！\n\n非常抱歉，这不应该发生。您的取消已记录，但续费任务在取消生效前运行了。我已全额退还 {amount}，并确认之后不会再扣款。\n\n{agent}",
    },
  },
  // ── Technical ──────────────────────────────────────────────────────────
  {
    category: "technical",
    type: "complaint",
    en: {
      subject: "API returns 429 during our nightly sync",
      description:
        "Hi,\n\nSince Monday our nightly order sync fails halfway with HTTP 429 Too Many Requests. We haven't changed anything on our side. This blocks our warehouse every morning.\n\n{name}",
      reply:
        "Hi {name},\n\nThanks for the details. Your integration sends about 40 requests per second in bursts, and the limit for your plan is 20 per second. The limit itself hasn't changed, but the sync now includes returns as well as orders. I've raised your limit temporarily to 40/s; for a lasting fix, please honour the Retry-After header or use the bulk endpoint.\n\n{agent}",
    },
    zh: {
      subject: "夜间同步时 API 返回 429",
      description: "您好，\n\n从周一开始，我们的夜间订单同步总是在中途因 HTTP 429 Too Many Requests 失败。我们这边没有任何改动，现在每天早上仓库都无法作业。\n\n{name}",
      reply:
        "{name}，您好！\n\n感谢提供详细信息。您的集成会突发地每秒发送约 40 个请求，而您套餐的限制是每秒 20 个。限制本身没有变化，但同步任务现在同时包含订单和退货。我已临时将限制提高到每秒 40 个；长期方案是遵循 Retry-After 头或改用批量接口。\n\n{agent}",
    },
  },
  {
    category: "technical",
    type: "inquiry",
    en: {
      subject: "Webhook signatures don't validate",
      description:
        "Hello,\n\nWe're implementing your webhooks and the HMAC signature never matches. We use the signing secret from the dashboard and SHA-256. Is there something we're missing?\n\nThanks,\n{name}",
      reply:
        "Hi {name},\n\nThe signature is computed over the raw request body, byte for byte. Most frameworks parse the JSON first, and re-serialising changes whitespace, so the HMAC no longer matches. Read the raw body before parsing and it will validate. There's a code sample in the article \"Verifying webhook signatures\".\n\n{agent}",
    },
    zh: {
      subject: "Webhook 签名校验失败",
      description: "您好，\n\n我们在接入你们的 Webhook，但 HMAC 签名始终对不上。我们用的是控制台里的签名密钥和 SHA-256，是不是漏了什么？\n\n谢谢，\n{name}",
      reply:
        "{name}，您好！\n\n签名是基于原始请求体逐字节计算的。大多数框架会先解析 JSON，重新序列化后空白字符会变化，HMAC 就对不上了。请在解析前读取原始请求体，即可通过校验。帮助文章「验证 Webhook 签名」里有示例代码。\n\n{agent}",
    },
  },
  {
    category: "technical",
    type: "complaint",
    en: {
      subject: "Dashboard extremely slow since the last update",
      description:
        "Hi,\n\nSince last week's release the reports page takes over 30 seconds to load, sometimes it times out completely. Our managers use it every morning. Please fix this.\n\n{name}",
      reply:
        "Hi {name},\n\nSorry for the disruption. We found a slow query affecting accounts with more than 50,000 orders, which includes yours. A fix is being rolled out today; in the meantime, narrowing the date range to 30 days brings the load time back under three seconds.\n\n{agent}",
    },
    zh: {
      subject: "上次更新后控制台非常慢",
      description: "您好，\n\n自上周发布以来，报表页面加载要 30 多秒，有时直接超时。我们的经理每天早上都要用，请尽快修复。\n\n{name}",
      reply:
        "{name}，您好！\n\n抱歉影响了您的工作。我们发现一个慢查询会影响订单量超过 5 万的账户，您的账户也在其中。修复今天会上线；在此之前，把日期范围缩小到 30 天可以让加载时间回到 3 秒以内。\n\n{agent}",
    },
  },
  {
    category: "technical",
    type: "inquiry",
    en: {
      subject: "CSV export is missing the custom fields",
      description:
        "Hello,\n\nWhen I export orders to CSV, the custom fields we added (cost centre, PO number) are not in the file. Is there a setting for this?\n\n{name}",
      reply:
        "Hi {name},\n\nYes: in the export dialog, open \"Columns\" and tick the custom fields you need. The choice is remembered for your next exports. If you schedule exports, edit the schedule once to add the columns there too.\n\nBest,\n{agent}",
    },
    zh: {
      subject: "CSV 导出缺少自定义字段",
      description: "您好，\n\n导出订单为 CSV 时，我们添加的自定义字段（成本中心、采购单号）没有出现在文件里。有相关设置吗？\n\n{name}",
      reply:
        "{name}，您好！\n\n有的：在导出窗口中打开「列」，勾选需要的自定义字段即可，下次导出会记住您的选择。如果您使用定时导出，请编辑一次定时任务，同样添加这些列。\n\n祝好，\n{agent}",
    },
  },
  {
    category: "technical",
    type: "complaint",
    en: {
      subject: "Integration with our ERP stopped working",
      description:
        "Hello,\n\nOur ERP connector has been failing since this morning with \"invalid_token\". Nobody changed the credentials. Orders are piling up and we can't invoice customers.\n\n{name}",
      reply:
        "Hi {name},\n\nThe connector's API token expired this morning: tokens created before last year's security update are valid for 12 months. I've sent your admin a link to create a new token; once it's pasted into the ERP connector settings, the backlog will sync automatically.\n\n{agent}",
    },
    zh: {
      subject: "与 ERP 的集成停止工作",
      description: "您好，\n\n我们的 ERP 连接器从今天早上开始一直报错「invalid_token」，没有人改过凭证。订单堆积，我们无法给客户开票。\n\n{name}",
      reply:
        "{name}，您好！\n\n连接器的 API 令牌今天早上过期了：去年安全更新之前创建的令牌有效期为 12 个月。我已向贵司管理员发送创建新令牌的链接，把新令牌填入 ERP 连接器设置后，积压的订单会自动同步。\n\n{agent}",
    },
  },
  {
    category: "technical",
    type: "inquiry",
    en: {
      subject: "Mobile app crashes when opening attachments",
      description:
        "Hi,\n\nThe iOS app closes itself every time I open a PDF attachment on an order. It works fine in the browser. iPhone 14, latest iOS.\n\n{name}",
      reply:
        "Hi {name},\n\nThank you for the device details, that helped. This is a known issue with large PDFs in version 4.2 of the app; version 4.2.1 with the fix is in App Store review and should be available within two days.\n\n{agent}",
    },
    zh: {
      subject: "手机 App 打开附件时闪退",
      description: "您好，\n\n每次在订单中打开 PDF 附件，iOS App 都会自动退出。浏览器里一切正常。设备是 iPhone 14，系统为最新版本。\n\n{name}",
      reply:
        "{name}，您好！\n\n感谢提供设备信息。这是 App 4.2 版本打开大型 PDF 时的已知问题，修复版本 4.2.1 正在 App Store 审核中，预计两天内可以更新。\n\n{agent}",
    },
  },
  // ── Account ────────────────────────────────────────────────────────────
  {
    category: "account",
    type: "inquiry",
    en: {
      subject: "Password reset email never arrives",
      description:
        "Hi,\n\nI've requested a password reset three times but no email arrives, not even in spam. I'm locked out of my account.\n\n{name}",
      reply:
        "Hi {name},\n\nYour company's mail server rejected our reset emails as bulk mail. I've sent you a one-time sign-in link from a different sender; please ask your IT team to allow no-reply@helpdesk.example so future emails get through.\n\n{agent}",
    },
    zh: {
      subject: "收不到重置密码的邮件",
      description: "您好，\n\n我已经申请了三次重置密码，但一直没收到邮件，垃圾邮件里也没有。我现在无法登录账户。\n\n{name}",
      reply:
        "{name}，您好！\n\n贵司的邮件服务器把我们的重置邮件当作群发邮件拒收了。我已通过另一个发件地址给您发送了一次性登录链接；请让 IT 同事将 no-reply@helpdesk.example 加入白名单，以便之后正常收信。\n\n{agent}",
    },
  },
  {
    category: "account",
    type: "inquiry",
    en: {
      subject: "How do I add a colleague to our account?",
      description:
        "Hello,\n\nA new colleague joined our purchasing team. How do I give her access to our orders and invoices?\n\nThanks,\n{name}",
      reply:
        "Hi {name},\n\nGo to Settings → Team → Invite member, enter her email and choose the \"Purchasing\" role, which includes orders and invoices. She'll get an invitation email valid for 7 days.\n\nBest,\n{agent}",
    },
    zh: {
      subject: "如何给同事开通账户权限？",
      description: "您好，\n\n我们采购部新来了一位同事，怎样给她开通查看订单和发票的权限？\n\n谢谢，\n{name}",
      reply:
        "{name}，您好！\n\n请进入「设置 → 团队 → 邀请成员」，输入她的邮箱并选择「采购」角色，该角色包含订单和发票权限。她会收到一封 7 天内有效的邀请邮件。\n\n祝好，\n{agent}",
    },
  },
  {
    category: "account",
    type: "complaint",
    en: {
      subject: "Locked out after two-factor phone was lost",
      description:
        "Hi,\n\nI lost my phone with the authenticator app and the recovery codes don't work. I've been locked out for two days and support hasn't answered. I need access today.\n\n{name}",
      reply:
        "Hi {name},\n\nI'm sorry for the wait. For your security we verify identity before removing two-factor authentication: I've sent a verification request to your account owner. As soon as they confirm, I'll reset 2FA and you can enrol your new phone.\n\n{agent}",
    },
    zh: {
      subject: "丢失双重验证手机后无法登录",
      description: "您好，\n\n我丢了装有验证器 App 的手机，恢复码也用不了。已经两天无法登录，客服一直没有回复。我今天必须恢复访问。\n\n{name}",
      reply:
        "{name}，您好！\n\n抱歉让您久等。为了账户安全，移除双重验证前我们需要核实身份：我已向贵司账户所有者发送核实请求。一旦对方确认，我会立即重置双重验证，您就可以绑定新手机了。\n\n{agent}",
    },
  },
  {
    category: "account",
    type: "inquiry",
    en: {
      subject: "Change the account owner to another person",
      description:
        "Hello,\n\nOur current account owner is leaving the company at the end of the month. How do we transfer ownership to me?\n\n{name}",
      reply:
        "Hi {name},\n\nThe current owner can do this under Settings → Account → Transfer ownership. If they've already left, we can do it for you once someone with a company email confirms the request; just reply here.\n\n{agent}",
    },
    zh: {
      subject: "变更账户所有者",
      description: "您好，\n\n我们目前的账户所有者月底离职，如何把所有权转给我？\n\n{name}",
      reply:
        "{name}，您好！\n\n现任所有者可以在「设置 → 账户 → 转移所有权」中操作。如果对方已经离职，只要有公司邮箱的同事确认请求，我们也可以代为处理，请直接回复本工单。\n\n{agent}",
    },
  },
  {
    category: "account",
    type: "complaint",
    en: {
      subject: "Unrecognised sign-in on our account",
      description:
        "Hi,\n\nWe got an alert about a sign-in from a country where we have no staff. Nobody here recognises it. What happened and is our data safe?\n\n{name}",
      reply:
        "Hi {name},\n\nThanks for reporting it quickly. The sign-in used a valid password but was stopped at the two-factor step, so no data was accessed. I've signed out all sessions and required a password reset for that user. We recommend enabling 2FA for everyone in your team.\n\n{agent}",
    },
    zh: {
      subject: "账户出现陌生登录",
      description: "您好，\n\n我们收到一条来自我们没有员工的国家的登录提醒，这里没有人认识这次登录。发生了什么？我们的数据安全吗？\n\n{name}",
      reply:
        "{name}，您好！\n\n感谢您及时报告。这次登录使用了正确的密码，但被双重验证拦截，没有访问任何数据。我已注销该用户的所有会话并要求重置密码。建议您的团队所有成员都开启双重验证。\n\n{agent}",
    },
  },
  // ── Delivery ───────────────────────────────────────────────────────────
  {
    category: "delivery",
    type: "complaint",
    en: {
      subject: "Order {order} is a week late",
      description:
        "Hello,\n\nOrder {order} was promised for last Tuesday and tracking hasn't moved for five days. We have a customer event on Friday that depends on it.\n\n{name}",
      reply:
        "Hi {name},\n\nI'm sorry about the delay. The parcel was held at the regional hub because of a damaged label. The carrier has relabelled it and it's on the truck for delivery tomorrow before noon. I'll keep an eye on it and update you here.\n\n{agent}",
    },
    zh: {
      subject: "订单 {order} 延迟了一周",
      description: "您好，\n\n订单 {order} 承诺上周二送达，但物流信息已经五天没有更新了。我们周五有一场客户活动要用到这批货。\n\n{name}",
      reply:
        "{name}，您好！\n\n抱歉让您久等。包裹因面单破损滞留在区域转运中心，承运商已重新贴单，明天中午前送达。我会持续跟进并在此更新。\n\n{agent}",
    },
  },
  {
    category: "delivery",
    type: "inquiry",
    en: {
      subject: "Can we change the delivery address for {order}?",
      description:
        "Hi,\n\nWe moved offices last week. Order {order} still has the old address. Can you change it before it ships?\n\nThanks,\n{name}",
      reply:
        "Hi {name},\n\nDone: {order} hadn't left the warehouse yet, so I've updated the address to your new office. Please also update the default address under Settings → Addresses so future orders go there.\n\n{agent}",
    },
    zh: {
      subject: "订单 {order} 能否修改收货地址？",
      description: "您好，\n\n我们上周搬了办公室，订单 {order} 还是旧地址。发货前能帮忙修改吗？\n\n谢谢，\n{name}",
      reply:
        "{name}，您好！\n\n已处理：订单 {order} 尚未出库，我已把地址改为您的新办公室。也请在「设置 → 地址」中更新默认地址，以便之后的订单使用新地址。\n\n{agent}",
    },
  },
  {
    category: "delivery",
    type: "complaint",
    en: {
      subject: "Items missing from delivery {order}",
      description:
        "Hello,\n\nDelivery {order} arrived today but two of the six boxes are missing. The driver had us sign for six. Please send the missing items.\n\n{name}",
      reply:
        "Hi {name},\n\nThank you for letting us know straight away. The warehouse confirms only four boxes were loaded due to a split shipment; the remaining two left this morning with tracking number 1Z94E7. You shouldn't have been asked to sign for six, and I've raised that with the carrier.\n\n{agent}",
    },
    zh: {
      subject: "订单 {order} 到货缺件",
      description: "您好，\n\n订单 {order} 今天到货了，但六箱里少了两箱，司机却让我们签收了六箱。请补发缺少的货物。\n\n{name}",
      reply:
        "{name}，您好！\n\n感谢您第一时间告知。仓库确认由于拆单，只装车了四箱；剩余两箱今天上午已发出，运单号 1Z94E7。不应该让您签收六箱，我已向承运商反馈。\n\n{agent}",
    },
  },
  {
    category: "delivery",
    type: "inquiry",
    en: {
      subject: "Where can I track my shipment?",
      description: "Hi,\n\nI placed order {order} yesterday. Where can I see when it will arrive?\n\n{name}",
      reply:
        "Hi {name},\n\nYou'll find the tracking link under Orders → {order} once the parcel has been handed to the carrier, usually within 24 hours. We also email it to you automatically.\n\n{agent}",
    },
    zh: {
      subject: "在哪里查看物流进度？",
      description: "您好，\n\n我昨天下了订单 {order}，在哪里可以看到预计送达时间？\n\n{name}",
      reply:
        "{name}，您好！\n\n包裹交给承运商后（通常在 24 小时内），您可以在「订单 → {order}」中找到物流跟踪链接，我们也会自动发邮件给您。\n\n{agent}",
    },
  },
  {
    category: "delivery",
    type: "complaint",
    en: {
      subject: "Courier left the parcel outside in the rain",
      description:
        "Hello,\n\nOrder {order} was left outside our door in the rain, although we're open all day. Several items are soaked and unusable.\n\n{name}",
      reply:
        "Hi {name},\n\nI'm really sorry, that's not acceptable. I've sent replacements for the damaged items by express at no cost and filed a complaint with the courier. Please don't worry about returning the soaked items.\n\n{agent}",
    },
    zh: {
      subject: "快递员把包裹放在门外淋雨",
      description: "您好，\n\n订单 {order} 被放在门外淋雨，而我们全天都有人在。好几件商品都湿透了，无法使用。\n\n{name}",
      reply:
        "{name}，您好！\n\n非常抱歉，这种情况不可接受。我已免费为损坏的商品加急补发，并已向快递公司投诉。湿透的商品无需退回。\n\n{agent}",
    },
  },
  // ── Product feedback ───────────────────────────────────────────────────
  {
    category: "product",
    type: "inquiry",
    en: {
      subject: "Feature request: bulk edit for order tags",
      description:
        "Hi,\n\nWe tag hundreds of orders every week, one by one. Would it be possible to select several orders and tag them at once?\n\n{name}",
      reply:
        "Hi {name},\n\nThanks for the suggestion, we hear this one often. I've added your vote to the bulk-edit request our product team is planning for next quarter. Meanwhile, the CSV import can set tags for many orders at once.\n\n{agent}",
    },
    zh: {
      subject: "功能建议：批量编辑订单标签",
      description: "您好，\n\n我们每周要给几百个订单逐一打标签。能否支持多选订单后一次性打标签？\n\n{name}",
      reply:
        "{name}，您好！\n\n感谢建议，很多客户都提过这个需求。我已把您的意见加入产品团队计划在下个季度推出的批量编辑功能中。目前可以通过 CSV 导入一次性为多个订单设置标签。\n\n{agent}",
    },
  },
  {
    category: "product",
    type: "complaint",
    en: {
      subject: "New navigation is confusing for our team",
      description:
        "Hello,\n\nThe redesign moved everything around. Our staff can't find the returns screen anymore and we've lost hours this week. Can we switch back to the old layout?\n\n{name}",
      reply:
        "Hi {name},\n\nI'm sorry the change caused trouble. The old layout can't be restored, but Returns is now under Orders → Returns, and you can pin it to the sidebar with the star icon. I've also shared your feedback with the design team; a short guide is linked below.\n\n{agent}",
    },
    zh: {
      subject: "新版导航让团队很困惑",
      description: "您好，\n\n改版后所有东西都换了位置，员工找不到退货页面，这周浪费了好几个小时。能切换回旧版布局吗？\n\n{name}",
      reply:
        "{name}，您好！\n\n抱歉改版给您带来麻烦。旧版布局无法恢复，但「退货」现在位于「订单 → 退货」，您可以点击星标把它固定到侧边栏。我已把您的反馈转给设计团队，下方附有简短指南。\n\n{agent}",
    },
  },
  {
    category: "product",
    type: "inquiry",
    en: {
      subject: "Is there a dark mode?",
      description: "Hi,\n\nSome of our staff work night shifts. Is there a dark mode for the web app?\n\n{name}",
      reply:
        "Hi {name},\n\nYes! Open your profile menu → Appearance and choose Dark, or \"System\" to follow your computer's setting.\n\n{agent}",
    },
    zh: {
      subject: "有深色模式吗？",
      description: "您好，\n\n我们有些员工上夜班，网页版有深色模式吗？\n\n{name}",
      reply: "{name}，您好！\n\n有的！打开个人菜单 →「外观」，选择「深色」，或选择「跟随系统」。\n\n{agent}",
    },
  },
  {
    category: "product",
    type: "complaint",
    en: {
      subject: "Product quality has dropped on recent orders",
      description:
        "Hello,\n\nThe last three shipments of the ceramic mugs had visible glaze defects, about one in ten. This didn't happen before. We can't sell these.\n\n{name}",
      reply:
        "Hi {name},\n\nThank you for the photos. Our quality team traced the defects to one production batch and has pulled it from stock. I've issued a credit of {amount} for the defective units and the next shipment comes from a checked batch.\n\n{agent}",
    },
    zh: {
      subject: "近期订单的产品质量下降",
      description: "您好，\n\n最近三批陶瓷杯都有明显的釉面瑕疵，大约十个里有一个。以前从没出现过，我们无法销售这些产品。\n\n{name}",
      reply:
        "{name}，您好！\n\n感谢您提供照片。质检团队已追溯到某一生产批次并已下架。我已为瑕疵品开具 {amount} 的抵扣，下一批货将来自检验合格的批次。\n\n{agent}",
    },
  },
  // ── Other ──────────────────────────────────────────────────────────────
  {
    category: "other",
    type: "inquiry",
    en: {
      subject: "Do you have a data processing agreement (DPA)?",
      description:
        "Hello,\n\nOur legal team needs a signed data processing agreement before we can renew. Where can we get one?\n\n{name}",
      reply:
        "Hi {name},\n\nYou can sign our standard DPA electronically under Settings → Legal. If your legal team needs changes, send me their redline and I'll pass it to our privacy team.\n\n{agent}",
    },
    zh: {
      subject: "你们有数据处理协议（DPA）吗？",
      description: "您好，\n\n我们的法务要求续约前签署数据处理协议，在哪里可以获取？\n\n{name}",
      reply:
        "{name}，您好！\n\n您可以在「设置 → 法律文件」中在线签署我们的标准 DPA。如果法务需要修改，请把修订稿发给我，我会转交隐私团队。\n\n{agent}",
    },
  },
  {
    category: "other",
    type: "complaint",
    en: {
      subject: "Nobody called back as promised",
      description:
        "Hi,\n\nI was promised a call back from a manager on Monday about our contract. It's Thursday and nobody called. This is really frustrating.\n\n{name}",
      reply:
        "Hi {name},\n\nI apologise, the call-back request wasn't passed on. I've booked a call with our customer success manager for tomorrow at 10:00; you'll get a calendar invitation shortly. If that time doesn't suit you, reply with a better one.\n\n{agent}",
    },
    zh: {
      subject: "承诺的回电一直没有来",
      description: "您好，\n\n周一有人承诺会让经理回电讨论合同问题，现在已经周四了还没有人联系我，真的很失望。\n\n{name}",
      reply:
        "{name}，您好！\n\n非常抱歉，回电请求没有被转达。我已为您预约明天上午 10 点与客户成功经理通话，稍后您会收到日历邀请。如果时间不合适，请回复告诉我。\n\n{agent}",
    },
  },
  {
    category: "other",
    type: "inquiry",
    en: {
      subject: "Do you offer training for new staff?",
      description:
        "Hello,\n\nWe're onboarding six new people next month. Do you offer training sessions or material we can use?\n\n{name}",
      reply:
        "Hi {name},\n\nWe run free live onboarding webinars every Tuesday and Thursday, and the Getting Started guide in our help centre covers the basics. For groups of five or more we can also arrange a dedicated session; just tell me a few dates that work.\n\n{agent}",
    },
    zh: {
      subject: "你们提供新员工培训吗？",
      description: "您好，\n\n我们下个月有六位新同事入职。你们提供培训课程或资料吗？\n\n{name}",
      reply:
        "{name}，您好！\n\n我们每周二和周四都有免费的在线入门讲座，帮助中心的「快速入门」指南也涵盖了基础内容。五人以上的团队还可以安排专场培训，请告诉我几个方便的日期。\n\n{agent}",
    },
  },
];

type Texts = Record<Lang, readonly string[]>;

export const CUSTOMER_FOLLOW_UPS: Texts = {
  en: [
    "Thanks for the quick answer. One more question: will this also apply to our other locations?",
    "Any update on this? We still see the same problem.",
    "I've tried that but it didn't help, unfortunately. Screenshot attached.",
    "Thanks, that explains it. Could you confirm once it's done?",
    "We're still waiting on this. Could someone please look at it today?",
    "Understood, thank you. I'll check with our finance team and come back to you.",
  ],
  zh: [
    "感谢快速回复。还有一个问题：这也适用于我们其他门店吗？",
    "请问有进展吗？问题依然存在。",
    "我试过了，可惜没有用。附上截图。",
    "谢谢，明白了。处理完成后能确认一下吗？",
    "我们还在等，今天能有人处理一下吗？",
    "明白了，谢谢。我和财务确认后再回复您。",
  ],
};

export const AGENT_FOLLOW_UPS: Texts = {
  en: [
    "Hi {name},\n\nQuick update: I've escalated this to our specialists and will get back to you as soon as I hear from them.\n\n{agent}",
    "Hi {name},\n\nThanks for the screenshot. That helps. I'm checking the logs for your account now.\n\n{agent}",
    "Hi {name},\n\nYes, it applies to all locations on your account. Anything else I can help with?\n\n{agent}",
    "Hi {name},\n\nI've just confirmed the change on our side. Could you check whether it looks right to you now?\n\n{agent}",
  ],
  zh: [
    "{name}，您好！\n\n最新进展：我已将问题升级给专家团队，一有消息就通知您。\n\n{agent}",
    "{name}，您好！\n\n感谢提供截图，这很有帮助。我正在查看您账户的日志。\n\n{agent}",
    "{name}，您好！\n\n是的，这适用于您账户下的所有门店。还有其他可以帮您的吗？\n\n{agent}",
    "{name}，您好！\n\n我已确认我们这边的修改已完成。能否帮忙看一下现在是否正常？\n\n{agent}",
  ],
};

export const CLOSING_REPLIES: Texts = {
  en: [
    "Hi {name},\n\nI'm glad we could sort this out. I'll mark the ticket as solved; just reply if anything else comes up.\n\nBest regards,\n{agent}",
    "Hi {name},\n\nEverything is in place now. I'm closing this ticket, but it reopens automatically if you reply.\n\n{agent}",
    "Hi {name},\n\nThe fix is confirmed on our side. Thanks for your patience! Marking this as solved.\n\n{agent}",
  ],
  zh: [
    "{name}，您好！\n\n很高兴问题已经解决。我会把工单标记为已解决，如有其他问题请直接回复。\n\n祝好，\n{agent}",
    "{name}，您好！\n\n一切都已处理完毕。我会关闭此工单，如您回复，工单会自动重新打开。\n\n{agent}",
    "{name}，您好！\n\n我们这边已确认修复，感谢您的耐心！此工单标记为已解决。\n\n{agent}",
  ],
};

/** Internal notes: staff-only. Several would embarrass us if a customer saw them. */
export const INTERNAL_NOTES = {
  general: [
    "Checked the logs: the error started after Tuesday's deploy. Linked to engineering ticket ENG-2291.",
    "Third ticket from this account about the same issue this month. Worth a proactive call.",
    "Customer sounds frustrated but reasonable. Don't quote the 5–7 day timeline again, they've heard it twice.",
    "Waiting on the warehouse to confirm stock before we promise anything.",
    "Same root cause as last week's webhook tickets: the workaround there worked. Try that first.",
    "Finance approved a goodwill credit up to 10% if needed.",
    "I think this is user error but let's not say that. Walk them through the settings politely.",
    "Carrier is known to be unreliable in this region right now. Offer express reshipping if it slips again.",
  ],
  keyAccount: [
    "Customer is on the key account list, handle carefully.",
    "Key account: renewal is due next month, their CSM asked to be looped in on anything negative.",
    "Key account with a custom contract: check the SLA addendum before promising timelines.",
    "This account threatened to churn last quarter. Escalate to Helen if there's any pushback.",
  ],
  complaint: [
    "Complaint is justified: we dropped the ball on the first reply. Apologise properly.",
    "Legal says don't admit fault in writing for the damaged goods; offer the credit as goodwill.",
    "Customer has mentioned posting a review. Prioritise.",
    "Root cause was our mistake (wrong batch sent). Refund without arguing.",
  ],
  triage: [
    "Triage: routing to the right team. Looks like a duplicate of an earlier report.",
    "Triage: needs someone who knows the ERP connector. Leaving unassigned until Tom is in.",
    "Triage: high priority. Mentions an event this week.",
  ],
} as const;

export const CSAT_COMMENTS: Record<1 | 2 | 3 | 4 | 5, Texts> = {
  1: {
    en: [
      "Took a week and three emails to get an answer. Very disappointed.",
      "The problem still isn't fixed and the ticket was closed anyway.",
      "Nobody read my message properly; I got a canned answer.",
    ],
    zh: ["等了一周、发了三封邮件才得到回复，非常失望。", "问题根本没解决，工单却被关闭了。", "没人认真看我的问题，只给了模板回复。"],
  },
  2: {
    en: [
      "Solved in the end, but far too slow for a paying customer.",
      "I had to explain the issue twice to different people.",
      "Answer was polite but didn't really help.",
    ],
    zh: ["最后是解决了，但对付费客户来说太慢了。", "同一个问题要跟不同的人解释两遍。", "回复很客气，但没什么帮助。"],
  },
  3: {
    en: ["OK, but it took longer than I expected.", "Fine in the end. The first reply missed the point."],
    zh: ["还行，但比预期慢。", "最后还可以，第一次回复没抓住重点。"],
  },
  4: {
    en: ["Good help, thanks.", "Quick and friendly.", "Solved, though I needed to follow up once."],
    zh: ["帮助很到位，谢谢。", "回复迅速，态度友好。", "解决了，不过我跟进了一次。"],
  },
  5: {
    en: [
      "Excellent, {agent} sorted it out in minutes!",
      "Really helpful and clear explanation. Thank you!",
      "Best support experience I've had in a while.",
      "",
    ],
    zh: ["非常好，{agent} 几分钟就帮我解决了！", "解释清楚，非常有帮助，谢谢！", "很久没有遇到这么好的客服了。", ""],
  },
};

/** Shared macros the demo starts with (server/macros/): the answers a support team gives every day. */
export const DEMO_MACROS: readonly {
  name: string;
  reply?: { en: string; "zh-CN": string };
  note?: { en: string };
  actions: { status?: "pending" | "solved"; priority?: "high"; addTags?: string[]; assigneeId?: "me" };
}[] = [
  {
    name: "Ask for more details · 询问详情",
    reply: {
      en: "Hello {{customer.name}},\n\nThank you for reaching out. To look into this, could you tell us when it started, what you see on screen (a screenshot helps) and your order number?\n\nBest regards,\n{{agent.name}}",
      "zh-CN": "{{customer.name}}您好：\n\n感谢您的反馈。为了尽快处理，请告诉我们问题从什么时候开始、屏幕上显示的内容（截图更好）以及您的订单号。\n\n祝好，\n{{agent.name}}",
    },
    actions: { status: "pending", addTags: ["needs-info"] },
  },
  {
    name: "Refund approved · 退款已批准",
    reply: {
      en: "Hello {{customer.name}},\n\nWe have approved your refund for request #{{ticket.number}}. It reaches your account within 5 business days.\n\nBest regards,\n{{agent.name}}",
      "zh-CN": "{{customer.name}}您好：\n\n您在工单 #{{ticket.number}} 中申请的退款已获批准，款项将在 5 个工作日内退回您的账户。\n\n祝好，\n{{agent.name}}",
    },
    note: { en: "Refund approved by {{agent.name}}." },
    actions: { status: "solved", addTags: ["refund"] },
  },
  {
    name: "Take it and escalate · 接手并升级",
    note: { en: "Escalated by {{agent.name}}: needs attention today." },
    actions: { priority: "high", assigneeId: "me", addTags: ["escalated"] },
  },
];

/** Custom ticket fields of the demo (server/fields/): one customers fill in, one for staff only. */
export const DEMO_FIELDS = [
  {
    key: "order_number",
    labelEn: "Order number",
    labelZh: "订单号",
    type: "text",
    options: [],
    required: false,
    customerVisible: true,
  },
  {
    key: "product_area",
    labelEn: "Product area",
    labelZh: "产品领域",
    type: "dropdown",
    options: [
      { value: "web", en: "Website", zh: "网站" },
      { value: "app", en: "Mobile app", zh: "手机应用" },
      { value: "payments", en: "Payments", zh: "支付" },
      { value: "shipping", en: "Shipping", zh: "物流" },
    ],
    required: false,
    customerVisible: false,
  },
] as const;

/**
 * The demo tickets' values of DEMO_FIELDS, from their category and place in
 * time (no random draws: the rest of the demo data stays as it was).
 */
export function demoFieldValues(category: CategoryKey, index: number): Record<string, string> {
  const values: Record<string, string> = {};
  if (category === "delivery" || category === "refund" || category === "billing") values.order_number = `ORD-${20417 + index * 37}`;
  const area: Partial<Record<CategoryKey, string>> = { billing: "payments", refund: "payments", delivery: "shipping", account: "web" };
  const chosen = category === "technical" ? (index % 2 ? "app" : "web") : area[category];
  if (chosen) values.product_area = chosen;
  return values;
}
