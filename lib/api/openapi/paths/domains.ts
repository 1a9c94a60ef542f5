import { deletedSchema, idParamsSchema } from "@/lib/api/schemas/common";
import { apiDomainCreateSchema, apiDomainRouteSchema, apiEnforcementUpdateSchema } from "@/lib/api/schemas/domains";
import { DomainDtoSchema, EnforcementDtoSchema } from "@/lib/schemas/domains";
import { registerApiPath } from "../registry";

const tags = ["Domains"];
const params = idParamsSchema;

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/domains",
  summary: "List domains",
  description: "The email domains claimed by the key's workspace, with their status and TXT record (one page: `meta.next_cursor` is null).",
  tags,
  response: DomainDtoSchema,
  list: true,
});

registerApiPath({
  minRole: "admin",
  method: "post",
  path: "/api/v1/domains",
  summary: "Add a domain",
  description:
    "Claims a domain (pending) and returns the TXT record to create: `verification_record.name` = `_gatehouse-challenge.<domain>`, `verification_record.value` = `gatehouse-verification=<token>`. Adding a domain the workspace already claimed returns it with 200. Several workspaces may hold pending claims; only one can verify.",
  tags,
  body: apiDomainCreateSchema,
  response: DomainDtoSchema,
  status: 201,
  idempotent: true,
  errors: ["DOMAIN_INVALID"],
});

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/domains/{id}",
  summary: "Get a domain",
  tags,
  params,
  response: DomainDtoSchema,
});

registerApiPath({
  minRole: "admin",
  method: "patch",
  path: "/api/v1/domains/{id}",
  summary: "Route a domain",
  description: "Routes sign-ins for a verified domain to an active connection of the workspace (`connection_id`), or unroutes it (`null`).",
  tags,
  params,
  body: apiDomainRouteSchema,
  response: DomainDtoSchema,
  errors: ["DOMAIN_NOT_VERIFIED", "CONFLICT"],
});

registerApiPath({
  minRole: "admin",
  method: "delete",
  path: "/api/v1/domains/{id}",
  summary: "Remove a domain",
  description: "Removes the claim; a verified domain becomes free for another workspace to verify.",
  tags,
  params,
  response: deletedSchema,
});

registerApiPath({
  minRole: "admin",
  method: "post",
  path: "/api/v1/domains/{id}/verify",
  summary: "Verify a domain now",
  description:
    "Looks up the TXT record. Success: `status` becomes `verified`. Failure: the precise code (also stored as `last_check_error`); a verified domain whose record is gone or wrong becomes `failing` (still owned, no longer routed).",
  tags,
  params,
  response: DomainDtoSchema,
  errors: ["DNS_RECORD_MISSING", "DNS_RECORD_MISMATCH", "DNS_ERROR", "DOMAIN_TAKEN"],
});

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/workspace/enforcement",
  summary: "Get SSO enforcement",
  description: "The workspace's enforcement mode and what would currently lock people out (`warnings`).",
  tags: ["Enforcement"],
  response: EnforcementDtoSchema,
});

registerApiPath({
  minRole: "owner",
  method: "put",
  path: "/api/v1/workspace/enforcement",
  summary: "Set SSO enforcement",
  description:
    'Sets the mode (owner keys only). When the change has lock-out warnings (no active connection, owners who would be locked out), it is refused with 409 `ENFORCEMENT_CONFIRMATION_REQUIRED` and the warnings, unless the request states `"confirm": true`. Information warnings (e.g. unrouted domains) are returned with the result.',
  tags: ["Enforcement"],
  body: apiEnforcementUpdateSchema,
  response: EnforcementDtoSchema,
  errors: ["ENFORCEMENT_CONFIRMATION_REQUIRED"],
});
