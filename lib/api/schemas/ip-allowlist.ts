import { ipAllowlistUpdateSchema } from "@/lib/schemas/ip-allowlist";
import { apiSchema } from "../case";

/** REST body for PUT /api/v1/workspace/ip-allowlist: the operation schema under snake_case keys. */
export const apiIpAllowlistUpdateSchema = apiSchema(ipAllowlistUpdateSchema, { acceptCamelCase: true });
