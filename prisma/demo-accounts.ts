// The demo accounts: small on purpose, so `npm start` can print them without
// loading the demo data itself.
import type { Role } from "../server/auth/policy.ts";
import type { CustomerTier } from "../server/sla/policy.ts";
import type { TeamKey } from "./demo-data.ts";

export interface DemoAccount {
  role: Role;
  email: string;
  password: string;
  name: string;
  /** Agents: the teams they work in. */
  teams?: readonly TeamKey[];
  /** The demo customer: tier and company. */
  tier?: CustomerTier;
  company?: string;
}

export const DEMO_PASSWORD = "demo1234";

/** Accounts anyone can sign in with. Every other seeded customer also uses DEMO_PASSWORD. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { role: "admin", email: "admin@demo.helpdesk", password: DEMO_PASSWORD, name: "Morgan Reed" },
  { role: "supervisor", email: "supervisor@demo.helpdesk", password: DEMO_PASSWORD, name: "Helen Zhou" },
  { role: "agent", email: "agent@demo.helpdesk", password: DEMO_PASSWORD, name: "Li Wei", teams: ["technical", "care"] },
  { role: "agent", email: "maria.santos@demo.helpdesk", password: DEMO_PASSWORD, name: "Maria Santos", teams: ["billing"] },
  { role: "agent", email: "tom.becker@demo.helpdesk", password: DEMO_PASSWORD, name: "Tom Becker", teams: ["technical"] },
  { role: "agent", email: "zhang.min@demo.helpdesk", password: DEMO_PASSWORD, name: "Zhang Min", teams: ["billing", "care"] },
  { role: "agent", email: "priya.nair@demo.helpdesk", password: DEMO_PASSWORD, name: "Priya Nair", teams: ["technical"] },
  { role: "agent", email: "lukas.meyer@demo.helpdesk", password: DEMO_PASSWORD, name: "Lukas Meyer", teams: ["care"] },
  { role: "agent", email: "sofia.almeida@demo.helpdesk", password: DEMO_PASSWORD, name: "Sofia Almeida", teams: ["billing"] },
  {
    role: "customer",
    email: "customer@demo.helpdesk",
    password: DEMO_PASSWORD,
    name: "Emma Clarke",
    tier: "key",
    company: "Northwind Trading",
  },
];

/** Password of every seeded customer that is not in DEMO_ACCOUNTS. */
export const DEMO_CUSTOMER_PASSWORD = DEMO_PASSWORD;
