// Word lists for prisma/seed-scale.ts: names of people and companies, and the
// tags agents put on tickets. Plain data, no logic; the conversation texts
// come from demo-data.ts.
import type { CategoryKey } from "./demo-data.ts";

export const FIRST_NAMES = [
  "Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Ethan",
  "Isabella", "Mason", "Amelia", "Logan", "Harper", "Elijah", "Evelyn", "Oliver", "Abigail", "Jacob",
  "Emily", "Daniel", "Ella", "Henry", "Grace", "Samuel", "Chloe", "Jack", "Lily", "Owen",
  "Hannah", "Leo", "Zoe", "Adam", "Nora", "Ryan", "Maya", "David", "Sara", "Tom",
] as const;

export const LAST_NAMES = [
  "Smith", "Johnson", "Brown", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin",
  "Thompson", "Garcia", "Martinez", "Robinson", "Clark", "Lewis", "Walker", "Hall", "Allen", "Young",
  "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell",
  "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart", "Morris",
] as const;

/** Chinese family names with their pinyin (for e-mail addresses). */
export const ZH_FAMILY_NAMES = [
  ["王", "wang"], ["李", "li"], ["张", "zhang"], ["刘", "liu"], ["陈", "chen"], ["杨", "yang"], ["黄", "huang"],
  ["赵", "zhao"], ["吴", "wu"], ["周", "zhou"], ["徐", "xu"], ["孙", "sun"], ["马", "ma"], ["朱", "zhu"],
  ["胡", "hu"], ["郭", "guo"], ["何", "he"], ["林", "lin"], ["罗", "luo"], ["高", "gao"],
] as const;

export const ZH_GIVEN_NAMES = [
  ["伟", "wei"], ["芳", "fang"], ["娜", "na"], ["敏", "min"], ["静", "jing"], ["丽", "li"], ["强", "qiang"],
  ["磊", "lei"], ["军", "jun"], ["洋", "yang"], ["勇", "yong"], ["艳", "yan"], ["杰", "jie"], ["娟", "juan"],
  ["涛", "tao"], ["明", "ming"], ["超", "chao"], ["秀英", "xiuying"], ["霞", "xia"], ["平", "ping"],
  ["晓明", "xiaoming"], ["婷", "ting"], ["宇", "yu"], ["欣", "xin"],
] as const;

/** Company names are "<word> <word> <trade>": 40 × 20 × 20 = 16,000 before a number is added. */
export const COMPANY_WORDS_1 = [
  "Blue", "Silver", "Golden", "Eastern", "Bright", "Green", "Red", "Swift", "Summit", "Harbor",
  "River", "Oak", "Cedar", "Pine", "Maple", "Crystal", "Iron", "Stone", "Sun", "Star",
  "Ocean", "Atlas", "Pioneer", "Alpine", "Coastal", "Urban", "Prime", "Vertex", "Nova", "Apex",
  "Evergreen", "Lakeside", "Highland", "Sterling", "Liberty", "Central", "Pacific", "Metro", "Unity", "Willow",
] as const;

export const COMPANY_WORDS_2 = [
  "Peak", "Bridge", "Field", "Wave", "Point", "Gate", "Path", "Works", "Line", "Leaf",
  "Rock", "Ridge", "Bay", "Valley", "Forge", "Crest", "Park", "Port", "Hill", "Mill",
] as const;

export const COMPANY_TRADES = [
  "Trading", "Logistics", "Foods", "Retail", "Systems", "Studio", "Partners", "Labs", "Supplies", "Hospitality",
  "Pharma", "Motors", "Textiles", "Electronics", "Media", "Consulting", "Group", "Outfitters", "Imports", "Bakery",
] as const;

/** The tag an agent adds while working a ticket of each category. */
export const CATEGORY_TAGS: Record<CategoryKey, string> = {
  billing: "invoice",
  refund: "refund-request",
  technical: "bug",
  account: "sign-in",
  delivery: "shipping",
  product: "feature-request",
  other: "follow-up",
};
