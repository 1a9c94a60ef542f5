import { z } from "zod";
import { applicationCreateSchema, applicationUpdateSchema } from "@/lib/schemas/applications";
import { apiSchema } from "../case";

/** REST API requests for applications (operator keys): the operation schemas under snake_case keys. */
export const apiApplicationCreateSchema = apiSchema(applicationCreateSchema, { meta: { id: "ApplicationCreate" } });
export const apiApplicationUpdateSchema = apiSchema(applicationUpdateSchema, { meta: { id: "ApplicationUpdate" } });

/** `{id}` of an application: its client_id ("app_…") or its id (UUID). Anything else cannot exist → 404. */
export const applicationParamsSchema = z.object({
  id: z
    .string()
    .regex(/^(app_[A-Za-z0-9_-]{24}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/)
    .meta({ description: "The application's client_id (or its id).", example: "app_Q2x8kZ0aVb3nR7tY1mW4eJ6c" }),
});
