import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { buildOpenApiDocument } from "./document";

describe("OpenAPI webhooks section", () => {
  it("documents every event type with its thin payload { type, timestamp, data: { organization_id, … } } and the signature headers", () => {
    const doc = buildOpenApiDocument("http://localhost:3999") as unknown as {
      webhooks: Record<
        string,
        { post: { requestBody: { content: { "application/json": { schema: { $ref: string } } } }; parameters: { name: string }[] } }
      >;
      components: {
        schemas: Record<
          string,
          { properties: Record<string, { properties?: Record<string, unknown>; enum?: string[]; const?: string }>; required: string[] }
        >;
      };
    };
    expect(Object.keys(doc.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const type of WEBHOOK_EVENT_TYPES) {
      const op = doc.webhooks[type]!.post;
      expect(op.parameters.map((p) => p.name).sort()).toEqual(["webhook-id", "webhook-signature", "webhook-timestamp"]);
      const ref = op.requestBody.content["application/json"].schema.$ref.split("/").pop()!;
      const schema = doc.components.schemas[ref]!;
      expect(schema.required.sort()).toEqual(["data", "timestamp", "type"]);
      expect(schema.properties.data!.properties).toHaveProperty("organization_id");
    }
  });
});
