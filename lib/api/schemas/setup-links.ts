import { setupLinkCreateSchema } from "@/lib/schemas/setup-links";
import { apiSchema } from "../case";

/** REST API request body for a new setup link: the operation schema under snake_case keys (see lib/api/case.ts). */
export const apiSetupLinkCreateSchema = apiSchema(setupLinkCreateSchema, { acceptCamelCase: true });
