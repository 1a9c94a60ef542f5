import { pgEnum } from "drizzle-orm/pg-core";

export const roleEnum = pgEnum("role", ["owner", "admin", "editor", "viewer"]);
export const membershipStatusEnum = pgEnum("membership_status", ["invited", "active"]);
export const membershipSourceEnum = pgEnum("membership_source", ["password", "sso", "scim"]);
export const enforcementModeEnum = pgEnum("sso_enforcement", ["off", "sso_provisioned_users", "verified_domains"]);
export const spKeyStateEnum = pgEnum("sp_key_state", ["next", "active", "retired"]);
export const metadataSourceEnum = pgEnum("metadata_source", ["url", "xml", "manual"]);
/** Who last approved a connection's trust settings: a signed-in owner, the operator (CLI), or an owner-level API key. */
export const trustApprovalViaEnum = pgEnum("trust_approval_via", ["owner", "operator", "api_key"]);
/** What an API key may do: read only (GET) or read and write. */
export const apiKeyScopeEnum = pgEnum("api_key_scope", ["read_only", "read_write"]);
export const domainStatusEnum = pgEnum("domain_status", ["pending", "verified", "failing"]);
