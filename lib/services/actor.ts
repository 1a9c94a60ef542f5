import type { Role } from "@/lib/auth/roles";
import type { AuditActor } from "./audit";

/**
 * Who makes a change, and with which role. Every service that changes something security-relevant
 * takes one, so the rule ("only owners may …") lives in the service, not in each edge.
 * - member: a signed-in member in the console, with their role in the workspace;
 * - api_key: a REST key, with its effective role (min of the key's role and its creator's current
 *   role; see authenticateApiKey) and the creator who stands behind the change (null: operator key);
 * - operator: the operator CLI, which acts as owner of any workspace;
 * - setup_link: the customer's IT admin through a setup link (lib/services/setup-links.ts): it may
 *   change a connection's trust only through setup-link-scoped services, and never approves it.
 */
export type Actor = AuditActor & {
  role: Role;
  via: "member" | "api_key" | "operator" | "setup_link";
  /** api_key: the key's creator (null for keys the operator made with the CLI). */
  onBehalfOf?: string | null;
};

export function memberActor(userId: string, role: Role, ip: string | null = null): Actor {
  return { userId, role, via: "member", ip };
}

export function apiKeyActor(apiKeyId: string, role: Role, creatorId: string | null, ip: string | null = null): Actor {
  return { apiKeyId, userId: null, role, via: "api_key", onBehalfOf: creatorId, ip };
}

/** The operator CLI: owner-level in every workspace; its changes count as approved by the operator. */
export const OPERATOR: Actor = Object.freeze({ userId: null, role: "owner", via: "operator" }) as Actor;

/** The IT admin holding a setup link: audited as "setup link <name>"; least role, trust never approved. */
export function setupLinkActor(setupLinkId: string, ip: string | null = null): Actor {
  return { setupLinkId, userId: null, role: "viewer", via: "setup_link", ip };
}
