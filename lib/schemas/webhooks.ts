import { z } from "zod";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";

/** Zod schemas for webhook endpoints: console forms, server actions, CLI, REST and OpenAPI. */

export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES as [string, ...string[]], { error: "Unknown event type" });

export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, "Enter the URL that receives the events")
  .max(2048, "At most 2048 characters")
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password;
    } catch {
      return false;
    }
  }, "Enter an https:// URL (no user or password in it)")
  .meta({
    description: "Where events are POSTed (https; http only to private addresses when the operator allows them).",
    example: "https://app.example.com/webhooks/gatehouse",
  });

export const webhookEndpointCreateSchema = z.object({
  url: webhookUrlSchema,
  description: z.string().trim().max(200, "At most 200 characters").optional(),
  eventTypes: z
    .array(webhookEventTypeSchema)
    .max(50)
    .default([])
    .meta({ description: "Event types to deliver; empty: every type except the opt-in `sso.sign_in_failed`." }),
});
export type WebhookEndpointCreateInput = z.input<typeof webhookEndpointCreateSchema>;
export type WebhookEndpointCreateData = z.output<typeof webhookEndpointCreateSchema>;

export const webhookEndpointUpdateSchema = z
  .object({
    url: webhookUrlSchema.optional(),
    description: z.string().trim().max(200, "At most 200 characters").nullable().optional(),
    eventTypes: z.array(webhookEventTypeSchema).max(50).optional(),
    enabled: z.boolean().optional().meta({ description: "Off: no new events are queued; queued ones wait until it is on again." }),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: "Give at least one field to change", path: ["url"] });
export type WebhookEndpointUpdateInput = z.input<typeof webhookEndpointUpdateSchema>;
export type WebhookEndpointUpdateData = z.output<typeof webhookEndpointUpdateSchema>;

/** `--events a,b` and the console's comma-separated field. */
export function parseEventTypeList(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export const webhookEndpointDtoSchema = z
  .object({
    id: z.string(),
    scope: z.enum(["workspace", "instance"]),
    url: z.string(),
    description: z.string().nullable(),
    event_types: z.array(z.string()),
    enabled: z.boolean(),
    secret_prefix: z.string().meta({ description: "The first characters of the signing secret (the secret is shown once, at creation)." }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "WebhookEndpoint" });
export type WebhookEndpointDto = z.infer<typeof webhookEndpointDtoSchema>;

export const webhookEndpointWithSecretSchema = webhookEndpointDtoSchema
  .extend({ secret: z.string().meta({ description: "The signing secret (whsec_…), shown this once." }) })
  .meta({ id: "WebhookEndpointWithSecret" });

export const webhookDeliveryListQuerySchema = z.object({
  cursor: z.string().max(40).optional().meta({ description: "`meta.next_cursor` of the previous page." }),
  limit: z.coerce.number().int().min(1).max(200).optional().meta({ description: "Page size (default 50, at most 200)." }),
  status: z.enum(["pending", "succeeded", "failed"]).optional(),
});

export const webhookAttemptDtoSchema = z.object({
  attempted_at: z.string(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});

export const webhookDeliveryDtoSchema = z
  .object({
    id: z.string(),
    event_id: z.string(),
    webhook_id: z.string().meta({ description: "The `webhook-id` header (the same on every attempt and redelivery)." }),
    event_type: z.string(),
    organization_id: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    manual: z.boolean().meta({ description: "A redelivery asked for by hand." }),
    created_at: z.string(),
    completed_at: z.string().nullable(),
    attempt_log: z.array(webhookAttemptDtoSchema),
  })
  .meta({ id: "WebhookDelivery" });
export type WebhookDeliveryDto = z.infer<typeof webhookDeliveryDtoSchema>;
