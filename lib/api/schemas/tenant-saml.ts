import { tenantSamlSchema } from "@/lib/schemas/tenant-saml";
import { apiSchema } from "../case";

/** PUT /api/v1/tenant/saml body: the operation schema under snake_case keys. */
export const apiTenantSamlSchema = apiSchema(tenantSamlSchema, { acceptCamelCase: true, meta: { id: "TenantSamlInput" } });
