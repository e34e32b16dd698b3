// Custom ticket fields in the OpenAPI document. The route descriptions name
// three components whose shape depends on the fields defined now:
// CustomerTicketFields and StaffTicketFields (a ticket's `fields` in answers)
// and TicketFieldsInput (what POST and PATCH /tickets take). The document is
// generated from the routes as usual, then these components are replaced by
// the ones generated from the definitions (server/fields/values.ts
// documentedValuesSchema), with the same generator. routes.ts keeps one
// document per set of definitions, so it is built again only when they change.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { documentedValuesSchema, type FieldDefinition } from "../fields/values.ts";

type Document = { components?: { schemas?: Record<string, unknown> } };

/** The three components for these definitions, as the generator writes them. */
export function ticketFieldComponents(definitions: readonly FieldDefinition[]): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.register(
    "CustomerTicketFields",
    documentedValuesSchema(definitions, "customer", "response").meta({
      description: "Custom field values by field key: the active fields shown to customers (a field not set is left out).",
    }),
  );
  registry.register(
    "StaffTicketFields",
    documentedValuesSchema(definitions, "staff", "response").meta({
      description: "Custom field values by field key: every active field (a field not set is left out).",
    }),
  );
  registry.register(
    "TicketFieldsInput",
    documentedValuesSchema(definitions, "staff", "request").meta({
      description:
        "Custom field values by field key. Customers may set only the fields shown to them; numbers may also be sent as text, " +
        "checkboxes as true/false, and an empty string leaves a field unset.",
    }),
  );
  return new OpenApiGeneratorV31(registry.definitions).generateComponents().components?.schemas ?? {};
}

/** The document with the custom field components for these definitions (a copy: the one given is left as it is). */
export function withTicketFields<D extends Document>(document: D, definitions: readonly FieldDefinition[]): D {
  return {
    ...document,
    components: { ...document.components, schemas: { ...document.components?.schemas, ...ticketFieldComponents(definitions) } },
  };
}
