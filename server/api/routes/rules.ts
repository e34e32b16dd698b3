// /api/v1/admin/rules: routing rules, for those who keep them (rules.manage:
// admins and supervisors; the service checks it and audits every change).
import { z } from "zod";
import { db } from "../../db/client.ts";
import { createRule, deleteRule, getRule, listRules, reorderRules, updateRule } from "../../rules/service.ts";
import { ACTION_TYPES, CONDITION_FIELDS, MAX_RULES, RuleChangeSchema, RuleInputSchema, RuleOrderSchema } from "../../rules/schemas.ts";
import { defineRoute, type ApiRoute } from "../contract.ts";

const IdParams = z.object({ id: z.uuid() });
const from = (req: { ip?: string }) => ({ ip: req.ip });

const RULE_DESCRIPTION =
  "Rules run in their order (`position`), each at most once per filing or change, and see what the rules before them changed. " +
  "`onCreate`: as a ticket is filed, before its SLA is set. `onUpdate`: when a change (by anyone but a rule) makes the conditions become true. " +
  "Changes a rule makes never run the rules again. Each change is in the ticket's timeline with the rule's name.";

export const RoutingRule = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    position: z.number().int().openapi({ description: "Lower runs first" }),
    enabled: z.boolean(),
    onCreate: z.boolean(),
    onUpdate: z.boolean(),
    match: z.enum(["all", "any"]).openapi({
      description: "Whether all conditions or any of them must hold (no conditions: always)",
    }),
    conditions: z
      .array(
        z.looseObject({
          field: z.enum(CONDITION_FIELDS as [string, ...string[]]),
        }),
      )
      .openapi({
        description: "As the request body takes them (values normalised: words lower-cased, custom field values as the field stores them)",
      }),
    actions: z.array(z.looseObject({ type: z.enum(ACTION_TYPES as [string, ...string[]]) })).openapi({ description: "As the request body takes them" }),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi("RoutingRule", {
    description: `A routing rule. ${RULE_DESCRIPTION}`,
  });

const RoutingRuleList = z.strictObject({ data: z.array(RoutingRule) }).openapi("RoutingRuleList", { description: "Every rule, first to last" });

const BODY_DESCRIPTION =
  "Conditions name categories, teams, people and business calendars by id (team and assignee also take `none`); `company` takes company names; " +
  "`text` looks for English words as whole words (`refund*` for any word starting so) and Chinese as runs of characters, in the subject and " +
  "description (on a change: in the public messages it added). `custom` compares a custom field: `gt`/`lt` for numbers and dates, `contains` for text. " +
  "Actions: `set_team`, `set_priority`, `set_type`, `add_tags`, `remove_tags`, `set_field` (null clears), `assign` (null unassigns), " +
  "`add_note` (internal), `notify` (`assignee`, `team`, or people's ids). Anything named that does not exist is a 400 on its path.";

export const RULE_ROUTES: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/admin/rules",
    auth: "bearer",
    resource: "admin",
    summary: "Routing rules, first to last (admins and supervisors)",
    response: RoutingRuleList,
    errors: [403],
    handle: async ({ user }) => ({ data: await listRules(db(), user) }),
  }),
  defineRoute({
    method: "post",
    path: "/admin/rules",
    auth: "bearer",
    resource: "admin",
    summary: "Add a routing rule, run last (admins and supervisors)",
    description: `${BODY_DESCRIPTION} A name in use is a 409; at most ${MAX_RULES} rules (409).`,
    body: RuleInputSchema,
    status: 201,
    response: RoutingRule,
    errors: [403, 409],
    handle: async ({ user, body, req }) => createRule(db(), user, body, from(req)),
  }),
  defineRoute({
    method: "post",
    path: "/admin/rules/order",
    auth: "bearer",
    resource: "admin",
    summary: "Put the routing rules in the order they run (admins and supervisors)",
    description: "`ids`: every rule's id once, first to last. Answers with the rules in their new order.",
    body: RuleOrderSchema,
    response: RoutingRuleList,
    errors: [403],
    handle: async ({ user, body, req }) => ({
      data: await reorderRules(db(), user, body, from(req)),
    }),
  }),
  defineRoute({
    method: "get",
    path: "/admin/rules/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "One routing rule (admins and supervisors)",
    params: IdParams,
    notFoundKey: "errors.ruleNotFound",
    response: RoutingRule,
    errors: [403],
    handle: async ({ user, params }) => getRule(db(), user, params.id),
  }),
  defineRoute({
    method: "patch",
    path: "/admin/rules/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Change a routing rule; its place in the order stays (admins and supervisors)",
    description: `What is left out stays as it is (\`conditions\` and \`actions\` are replaced whole). ${BODY_DESCRIPTION} Tickets already routed keep what the rule did.`,
    params: IdParams,
    notFoundKey: "errors.ruleNotFound",
    body: RuleChangeSchema,
    response: RoutingRule,
    errors: [403, 409],
    handle: async ({ user, params, body, req }) => updateRule(db(), user, params.id, body, from(req)),
  }),
  defineRoute({
    method: "delete",
    path: "/admin/rules/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Remove a routing rule (admins and supervisors)",
    description: "Answers with the rule removed. Tickets it routed keep what it did, and their timelines still name it.",
    params: IdParams,
    notFoundKey: "errors.ruleNotFound",
    response: RoutingRule,
    errors: [403],
    handle: async ({ user, params, req }) => deleteRule(db(), user, params.id, from(req)),
  }),
];
