// /api/v1/admin/fields: custom ticket fields, for those who may define them
// (fields.manage; the service checks it and audits every change). What the
// fields are also shapes tickets' `fields` in the OpenAPI document
// (server/api/field-document.ts).
import { z } from "zod";
import { db } from "../../db/client.ts";
import { createField, deleteField, getField, listFields, reorderFields, updateField } from "../../fields/service.ts";
import { FIELD_TYPES, FieldChangeSchema, FieldOrderSchema, MAX_FIELDS, NewFieldSchema } from "../../fields/values.ts";
import { CursorParamSchema, decodeOffset, encodeOffset, LimitParamSchema } from "../../pagination.ts";
import { defineRoute, type ApiRoute } from "../contract.ts";
import { orNull } from "../schemas.ts";

const IdParams = z.object({ id: z.uuid() });
const from = (req: { ip?: string }) => ({ ip: req.ip });

export const TicketField = z
  .strictObject({
    id: z.uuid(),
    key: z.string().openapi({ description: "The name of its value in a ticket's `fields` and in views; fixed once made" }),
    labelEn: z.string(),
    labelZh: z.string(),
    type: z.enum(FIELD_TYPES).openapi({ description: "Fixed once made: values are stored in the type's shape" }),
    options: z
      .array(z.strictObject({ value: z.string(), en: z.string(), zh: z.string() }))
      .openapi({ description: "A dropdown's choices: the value stored, and its label in each language (empty for other types)" }),
    required: z.boolean().openapi({ description: "Must be filled when a ticket is filed (a checkbox: ticked)" }),
    customerVisible: z.boolean().openapi({ description: "Asked on the portal form and shown to the requester; otherwise staff only" }),
    position: z.number().int().openapi({ description: "Forms ask the fields in this order" }),
    active: z.boolean().openapi({ description: "False once archived: its values stay on tickets, but it is no longer asked or shown" }),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi("TicketField", { description: "A custom ticket field" });

const TicketFieldPage = z
  .strictObject({ data: z.array(TicketField), nextCursor: orNull(z.string()) })
  .openapi("TicketFieldPage", { description: "Fields in their order, archived ones included" });

const FieldListQuerySchema = z.object({
  limit: LimitParamSchema(MAX_FIELDS, MAX_FIELDS),
  cursor: CursorParamSchema.optional(),
});

export const FIELD_ROUTES: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/admin/fields",
    auth: "bearer",
    resource: "admin",
    summary: "Custom ticket fields in their order, archived ones included (admins)",
    query: FieldListQuerySchema,
    response: TicketFieldPage,
    errors: [403],
    handle: async ({ user, query }) => {
      const fields = await listFields(db(), user);
      const offset = query.cursor ? decodeOffset(query.cursor, MAX_FIELDS) : 0;
      const next = offset + query.limit;
      return { data: fields.slice(offset, next), nextCursor: next < fields.length ? encodeOffset(next) : null };
    },
  }),
  defineRoute({
    method: "post",
    path: "/admin/fields",
    auth: "bearer",
    resource: "admin",
    summary: "Define a custom ticket field, asked last (admins)",
    description:
      "`key`: lower-case letters, digits and _, starting with a letter (a key in use is a 400 on `key`). `type`: text, number, dropdown, " +
      "date or checkbox; a dropdown needs `options` ({ value, en, zh }). `customerVisible` fields are asked on the portal and shown to the " +
      `requester; others are for staff only. At most ${MAX_FIELDS} fields (409).`,
    body: NewFieldSchema,
    status: 201,
    response: TicketField,
    errors: [403, 409],
    handle: async ({ user, body, req }) => createField(db(), user, body, from(req)),
  }),
  defineRoute({
    method: "post",
    path: "/admin/fields/order",
    auth: "bearer",
    resource: "admin",
    summary: "Put the custom fields in the order forms ask them (admins)",
    description: "`ids`: every field's id once (archived ones too), first to last. Answers with the fields in their new order.",
    body: FieldOrderSchema,
    response: TicketFieldPage,
    errors: [403],
    handle: async ({ user, body, req }) => ({ data: await reorderFields(db(), user, body, from(req)), nextCursor: null }),
  }),
  defineRoute({
    method: "get",
    path: "/admin/fields/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "One custom ticket field (admins)",
    params: IdParams,
    notFoundKey: "errors.fieldNotFound",
    response: TicketField,
    errors: [403],
    handle: async ({ user, params }) => getField(db(), user, params.id),
  }),
  defineRoute({
    method: "patch",
    path: "/admin/fields/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Change a field's labels, options, whether it is required and who sees it; archive or restore it with `active` (admins)",
    description:
      "What is left out stays as it is; `key` and `type` cannot change. An archived field keeps its values on tickets but is no longer asked, " +
      "shown or described in this document; restoring it brings them back. A dropdown value removed from `options` is no longer shown on tickets that hold it.",
    params: IdParams,
    notFoundKey: "errors.fieldNotFound",
    body: FieldChangeSchema,
    response: TicketField,
    errors: [403],
    handle: async ({ user, params, body, req }) => updateField(db(), user, params.id, body, from(req)),
  }),
  defineRoute({
    method: "delete",
    path: "/admin/fields/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Remove a custom field no ticket has a value for (admins)",
    description: "Answers with the field removed. A field some ticket has a value for cannot be removed (409): archive it instead (PATCH `active: false`).",
    params: IdParams,
    notFoundKey: "errors.fieldNotFound",
    response: TicketField,
    errors: [403, 409],
    handle: async ({ user, params, req }) => deleteField(db(), user, params.id, from(req)),
  }),
];
