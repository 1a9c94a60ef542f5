import { z } from "zod";
import { ssoEventListSchema } from "@/lib/schemas/sso-events";
import { apiSchema } from "../case";

/** GET /api/v1/sso-events query: the filter's operation schema, plus `connection` as a short alias of `connection_id`. */
export const apiSsoEventListQuerySchema = apiSchema(
  ssoEventListSchema.extend({ connection: z.guid().optional().meta({ description: "Alias of connection_id." }) }),
);
