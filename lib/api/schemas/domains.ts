import { domainCreateSchema, domainRouteSchema, enforcementUpdateSchema } from "@/lib/schemas/domains";
import { apiSchema } from "../case";

/** REST API request bodies for domains and enforcement: the operation schemas under snake_case keys (see lib/api/case.ts). */
export const apiDomainCreateSchema = apiSchema(domainCreateSchema, { acceptCamelCase: true });
export const apiDomainRouteSchema = apiSchema(domainRouteSchema, { acceptCamelCase: true });
export const apiEnforcementUpdateSchema = apiSchema(enforcementUpdateSchema, { acceptCamelCase: true });
