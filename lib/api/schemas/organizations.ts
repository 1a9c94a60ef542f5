import { organizationCreateSchema, organizationListQuerySchema, organizationUpdateSchema } from "@/lib/schemas/organizations";
import { apiSchema } from "../case";

/** REST API requests for organizations (operator keys): the operation schemas under snake_case keys. */
export const apiOrganizationCreateSchema = apiSchema(organizationCreateSchema, { meta: { id: "OrganizationCreate" } });
export const apiOrganizationUpdateSchema = apiSchema(organizationUpdateSchema, { meta: { id: "OrganizationUpdate" } });
export const apiOrganizationListQuerySchema = apiSchema(organizationListQuerySchema);
