// /api/v1/admin/automations: time-based automations, for those who keep them
// (rules.manage: admins and supervisors; the service checks it, audits every
// change and schedules each automation's job).
import { z } from "zod";
import { db } from "../../db/client.ts";
import {
  createAutomation,
  deleteAutomation,
  getAutomation,
  listAutomations,
  reorderAutomations,
  updateAutomation,
} from "../../automations/service.ts";
import {
  AUTOMATION_ACTION_TYPES,
  AutomationChangeSchema,
  AutomationInputSchema,
  AutomationOrderSchema,
  MAX_AFTER_MINUTES,
  MAX_AUTOMATIONS,
  TRIGGER_STATUSES,
} from "../../automations/schemas.ts";
import { CONDITION_FIELDS } from "../../rules/schemas.ts";
import { defineRoute, type ApiRoute } from "../contract.ts";

const IdParams = z.object({ id: z.uuid() });
const from = (req: { ip?: string }) => ({ ip: req.ip });

const AUTOMATION_DESCRIPTION =
  "A ticket that has stayed in `status` for `afterMinutes` (counted from its last status change) and meets the conditions gets the " +
  "actions, at that moment (not at an hourly sweep), once per stay in the status: a ticket whose status changes in between starts " +
  "counting again. Conditions are checked when the ticket falls due; a ticket they do not fit is passed over until its status changes. " +
  "Its changes are made by the system and named in the ticket's timeline with the automation.";

export const Automation = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    position: z.number().int().openapi({ description: "Lists show lower first" }),
    enabled: z.boolean(),
    status: z.enum(TRIGGER_STATUSES).openapi({ description: "The status a ticket has stayed in" }),
    afterMinutes: z.number().int().openapi({ description: "For this long, in minutes" }),
    match: z.enum(["all", "any"]).openapi({ description: "Whether all conditions or any of them must hold (no conditions: always)" }),
    conditions: z
      .array(z.looseObject({ field: z.enum(CONDITION_FIELDS as [string, ...string[]]) }))
      .openapi({ description: "As the request body takes them (the routing rules' conditions; values normalised as for rules)" }),
    actions: z
      .array(z.looseObject({ type: z.enum(AUTOMATION_ACTION_TYPES as [string, ...string[]]) }))
      .openapi({ description: "As the request body takes them" }),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi("Automation", { description: `A time-based automation. ${AUTOMATION_DESCRIPTION}` });

const AutomationList = z.strictObject({ data: z.array(Automation) }).openapi("AutomationList", { description: "Every automation, first to last" });

const BODY_DESCRIPTION =
  `\`status\`: any but closed. \`afterMinutes\`: 1 to ${MAX_AFTER_MINUTES} (a year). Conditions are the routing rules' (see /admin/rules); ` +
  "`text` looks in the subject and the request. Actions are the rules' (`set_team`, `set_priority`, `set_type`, `add_tags`, `remove_tags`, " +
  "`set_field`, `assign`, `add_note`, `notify`) and two of their own: `set_status` (any but new) and `reply`, a public reply to the customer " +
  "with a text per language (`body`: { en, zh-CN }; the requester's language is sent, else the other) and the macros' placeholders " +
  "({{customer.name}}, {{customer.email}}, {{ticket.number}}, {{ticket.subject}}, {{agent.name}}: the assignee, else the helpdesk's name). " +
  "At most one of each of those two. Anything named that does not exist is a 400 on its path.";

export const AUTOMATION_ROUTES: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/admin/automations",
    auth: "bearer",
    resource: "admin",
    summary: "Time-based automations, first to last (admins and supervisors)",
    response: AutomationList,
    errors: [403],
    handle: async ({ user }) => ({ data: await listAutomations(db(), user) }),
  }),
  defineRoute({
    method: "post",
    path: "/admin/automations",
    auth: "bearer",
    resource: "admin",
    summary: "Add a time-based automation, listed last (admins and supervisors)",
    description: `${BODY_DESCRIPTION} It runs at once on tickets already past their time. A name in use is a 409; at most ${MAX_AUTOMATIONS} automations (409).`,
    body: AutomationInputSchema,
    status: 201,
    response: Automation,
    errors: [403, 409],
    handle: async ({ user, body, req }) => createAutomation(db(), user, body, from(req)),
  }),
  defineRoute({
    method: "post",
    path: "/admin/automations/order",
    auth: "bearer",
    resource: "admin",
    summary: "Put the automations in the order lists show them (admins and supervisors)",
    description: "`ids`: every automation's id once, first to last. Answers with the automations in their new order.",
    body: AutomationOrderSchema,
    response: AutomationList,
    errors: [403],
    handle: async ({ user, body, req }) => ({ data: await reorderAutomations(db(), user, body, from(req)) }),
  }),
  defineRoute({
    method: "get",
    path: "/admin/automations/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "One time-based automation (admins and supervisors)",
    params: IdParams,
    notFoundKey: "errors.automationNotFound",
    response: Automation,
    errors: [403],
    handle: async ({ user, params }) => getAutomation(db(), user, params.id),
  }),
  defineRoute({
    method: "patch",
    path: "/admin/automations/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Change a time-based automation; its place in the order stays (admins and supervisors)",
    description:
      `What is left out stays as it is (\`conditions\` and \`actions\` are replaced whole). ${BODY_DESCRIPTION} ` +
      "A new status, time or conditions look again at the tickets it passed over; tickets it ran on keep what it did.",
    params: IdParams,
    notFoundKey: "errors.automationNotFound",
    body: AutomationChangeSchema,
    response: Automation,
    errors: [403, 409],
    handle: async ({ user, params, body, req }) => updateAutomation(db(), user, params.id, body, from(req)),
  }),
  defineRoute({
    method: "delete",
    path: "/admin/automations/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Remove a time-based automation (admins and supervisors)",
    description: "Answers with the automation removed. Tickets it ran on keep what it did, and their timelines still name it.",
    params: IdParams,
    notFoundKey: "errors.automationNotFound",
    response: Automation,
    errors: [403],
    handle: async ({ user, params, req }) => deleteAutomation(db(), user, params.id, from(req)),
  }),
];
