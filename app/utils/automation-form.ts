// The time-based automation editor's form as the input of createAutomation /
// updateAutomation (server/automations/service.ts). Its conditions and
// actions are read as the routing rules' are (app/utils/rule-form.ts
// rowsFromForm, which also reads the automations' two actions of their own);
// here are only the automation's own fields: name, enabled, the status
// tickets wait in, and for how long ("4" "days" is afterMinutes 5760). Pure
// and safe for the browser.
import { blankAction, ruleErrorKey, rowsFromForm, type ActionDraft, type ConditionDraft, type ReplyTexts } from "./rule-form.ts";

/** The units the editor offers for the waiting time, largest last, in minutes. */
export const AFTER_UNITS = { minutes: 1, hours: 60, days: 24 * 60 } as const;
export type AfterUnit = keyof typeof AFTER_UNITS;

/** An automation as the editor holds it: a stored one, or one typed and refused (the time as typed). */
export interface AutomationDraft {
  name: string;
  enabled: boolean;
  status: string;
  /** The waiting time as typed: a number and its unit. */
  afterAmount: string;
  afterUnit: AfterUnit;
  match: string;
  conditions: ConditionDraft[];
  actions: ActionDraft[];
}

/** Minutes in the largest unit that holds them whole: 5760 is 4 days, 90 is 90 minutes. */
export function afterParts(minutes: number): { amount: number; unit: AfterUnit } {
  for (const unit of ["days", "hours"] as const) {
    if (minutes > 0 && minutes % AFTER_UNITS[unit] === 0) return { amount: minutes / AFTER_UNITS[unit], unit };
  }
  return { amount: minutes, unit: "minutes" };
}

/** The waiting time in minutes, or null when what was typed is no number ("1.5" hours is 90 minutes; the service judges the rest). */
export function afterMinutes(amount: string, unit: string): number | null {
  // Full-width digits (typed with a Chinese input method) count as digits.
  const text = amount.trim().replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const factor = AFTER_UNITS[unit as AfterUnit] ?? AFTER_UNITS.minutes;
  return Math.round(Number(text) * factor * 1e6) / 1e6;
}

/** What a new automation's editor starts with: pending for 3 days, no conditions, one reply to write. */
export const newAutomationDraft = (): AutomationDraft => ({
  name: "",
  enabled: true,
  status: "pending",
  afterAmount: "3",
  afterUnit: "days",
  match: "all",
  conditions: [],
  actions: [blankAction("reply")],
});

/** A stored automation as the editor shows it. */
export function automationDraft(stored: {
  name: string;
  enabled: boolean;
  status: string;
  afterMinutes: number;
  match: string;
  conditions: readonly ConditionDraft[];
  actions: readonly ActionDraft[];
}): AutomationDraft {
  const { amount, unit } = afterParts(stored.afterMinutes);
  return {
    name: stored.name,
    enabled: stored.enabled,
    status: stored.status,
    afterAmount: String(amount),
    afterUnit: unit,
    match: stored.match,
    conditions: [...stored.conditions],
    actions: [...stored.actions],
  };
}

/** The editor's form as the draft shown again if it is refused. */
export function automationFromForm(form: FormData): AutomationDraft {
  const one = (name: string) => String(form.get(name) ?? "").trim();
  const unit = one("afterUnit");
  return {
    name: one("name"),
    enabled: form.get("enabled") === "on",
    status: one("status"),
    afterAmount: one("afterAmount"),
    afterUnit: unit in AFTER_UNITS ? (unit as AfterUnit) : "minutes",
    ...rowsFromForm(form),
  };
}

/** The draft as the service's input (nothing judged here: a wrong time goes on for the service to refuse on "afterMinutes"). */
export function automationInput(draft: AutomationDraft) {
  const { afterAmount, afterUnit, ...rest } = draft;
  return { ...rest, afterMinutes: afterMinutes(afterAmount, afterUnit) };
}

/** Every error of a refused automation in the editor's words (the rules' ones, and the time in any unit). */
export const automationErrors = (fieldErrors: Record<string, string[]> | undefined): Record<string, string[]> =>
  Object.fromEntries(
    Object.entries(fieldErrors ?? {}).map(([path, keys]) => [
      path,
      [...new Set(keys.map((key) => (path === "afterMinutes" && key === "validation.automationAfter" ? "admin.automations.errors.after" : ruleErrorKey(path, key))))],
    ]),
  );

/** The classic three the empty list suggests ("pending 3 days: remind; pending 7 days: solve; solved 4 days: close"), to start an editor from. */
export const AUTOMATION_PRESETS = {
  remind: { status: "pending", afterMinutes: 3 * 24 * 60, action: "reply" },
  solve: { status: "pending", afterMinutes: 7 * 24 * 60, action: "solved" },
  close: { status: "solved", afterMinutes: 4 * 24 * 60, action: "closed" },
} as const;
export type AutomationPreset = keyof typeof AUTOMATION_PRESETS;
export const isPreset = (key: string | null): key is AutomationPreset => key !== null && Object.hasOwn(AUTOMATION_PRESETS, key);

/** A preset as a new automation's draft: `name` in the admin's language, `reply` the reminder's texts in every language. */
export function presetDraft(key: AutomationPreset, name: string, reply: ReplyTexts): AutomationDraft {
  const preset = AUTOMATION_PRESETS[key];
  const { amount, unit } = afterParts(preset.afterMinutes);
  return {
    ...newAutomationDraft(),
    name,
    status: preset.status,
    afterAmount: String(amount),
    afterUnit: unit,
    actions: [preset.action === "reply" ? { type: "reply", body: { ...reply } } : { type: "set_status", status: preset.action }],
  };
}
