// OpenAPI 3.1 description of /api/v1. Request bodies come from the same zod
// schemas the services parse with, so the document cannot drift from them.
import { z } from "zod";
import { SignInSchema } from "../auth/accounts.ts";
import { NewMessageSchema, StaffNewTicketSchema, TicketListQuerySchema, TicketUpdateSchema } from "../tickets/schemas.ts";
import { SurveyAnswerSchema } from "../surveys/service.ts";

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });

const ErrorBody = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", examples: ["validation_failed", "not_found", "unauthorized"] },
        message: { type: "string", description: "In the caller's language (Accept-Language: en or zh-CN)" },
        details: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
      },
    },
  },
};

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    ]),
  );

const json = (schema: object, description = "OK") => ({ description, content: { "application/json": { schema } } });
const body = (schema: z.ZodType) => ({ required: true, content: { "application/json": { schema: jsonSchema(schema) } } });
const ticketRef = { $ref: "#/components/schemas/Ticket" };
const numberParam = { name: "number", in: "path", required: true, schema: { type: "integer" } };
const secured = [{ bearer: [] }];

export function openApiDocument() {
  const listQuery = jsonSchema(TicketListQuerySchema) as { properties: Record<string, object> };
  return {
    openapi: "3.1.0",
    info: {
      title: "Helpdesk API",
      version: "1.0.0",
      description:
        "Tickets, messages, CSAT surveys, customer health and knowledge-base search. Get a token with POST /auth/token and send it as `Authorization: Bearer <token>`.",
    },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: ErrorBody,
        Ticket: {
          type: "object",
          description: "Staff also receive tags, sla, requester, assignee and team.",
          properties: {
            number: { type: "integer" },
            id: { type: "string", format: "uuid" },
            type: { enum: ["complaint", "inquiry"] },
            channel: { enum: ["portal", "email", "api", "agent"] },
            status: { enum: ["new", "open", "pending", "on_hold", "solved", "closed"] },
            priority: { enum: ["low", "normal", "high", "urgent"] },
            subject: { type: "string" },
            category: { type: "string" },
            createdAt: { type: "string", format: "date-time" },
            firstResponseDueAt: { type: ["string", "null"], format: "date-time" },
            resolutionDueAt: { type: ["string", "null"], format: "date-time" },
            sla: { enum: ["none", "met", "on_track", "at_risk", "breached"] },
          },
        },
        Message: {
          type: "object",
          properties: {
            id: { type: "string" },
            kind: { enum: ["public", "internal", "system"] },
            body: { type: "string" },
            createdAt: { type: "string", format: "date-time" },
            author: { type: ["object", "null"] },
          },
        },
      },
    },
    paths: {
      "/auth/token": {
        post: {
          summary: "Exchange email and password for a bearer token",
          requestBody: body(SignInSchema),
          responses: {
            "201": json({ type: "object", properties: { token: { type: "string" }, expiresAt: { type: "string" } } }),
            ...errors(400, 401),
          },
        },
      },
      "/me": { get: { summary: "The token's user", security: secured, responses: { "200": json({}), ...errors(401) } } },
      "/tickets": {
        get: {
          summary: "Tickets the caller may see",
          security: secured,
          parameters: Object.entries(listQuery.properties).map(([name, schema]) => ({ name, in: "query", schema })),
          responses: { "200": json({ type: "object", properties: { data: { type: "array", items: ticketRef } } }), ...errors(400, 401) },
        },
        post: {
          summary: "File a ticket (customers for themselves; staff with requesterEmail)",
          security: secured,
          requestBody: body(StaffNewTicketSchema),
          responses: { "201": json(ticketRef, "Created"), ...errors(400, 401) },
        },
      },
      "/tickets/{number}": {
        get: {
          summary: "A ticket with its messages (customers never see internal notes)",
          security: secured,
          parameters: [numberParam],
          responses: { "200": json(ticketRef), ...errors(401, 404) },
        },
        patch: {
          summary: "Change status, priority or assignee (staff)",
          security: secured,
          parameters: [numberParam],
          requestBody: body(TicketUpdateSchema),
          responses: { "200": json(ticketRef), ...errors(400, 401, 403, 404) },
        },
      },
      "/tickets/{number}/messages": {
        get: {
          summary: "Messages of a ticket",
          security: secured,
          parameters: [numberParam],
          responses: { "200": json({ type: "object", properties: { data: { type: "array", items: { $ref: "#/components/schemas/Message" } } } }), ...errors(401, 404) },
        },
        post: {
          summary: "Reply publicly, or add an internal note (staff)",
          security: secured,
          parameters: [numberParam],
          requestBody: body(NewMessageSchema),
          responses: { "201": json({ $ref: "#/components/schemas/Message" }, "Created"), ...errors(400, 401, 403, 404, 409) },
        },
      },
      "/surveys/{token}": {
        get: {
          summary: "A CSAT survey by its one-time token",
          parameters: [{ name: "token", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": json({}), ...errors(404) },
        },
        post: {
          summary: "Answer a CSAT survey (once)",
          parameters: [{ name: "token", in: "path", required: true, schema: { type: "string" } }],
          requestBody: body(SurveyAnswerSchema),
          responses: { "201": json({}, "Recorded"), ...errors(400, 404, 409, 410) },
        },
      },
      "/customers/{id}/health": {
        get: {
          summary: "A customer's health score, components and history",
          security: secured,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: { "200": json({}), ...errors(401, 403, 404) },
        },
      },
      "/kb/search": {
        get: {
          summary: "Search published help articles",
          parameters: [
            { name: "q", in: "query", schema: { type: "string", maxLength: 200 } },
            { name: "locale", in: "query", schema: { enum: ["en", "zh-CN"] } },
          ],
          responses: { "200": json({}), ...errors(400, 503) },
        },
      },
    },
  };
}
