import type { SetupLinkPurpose } from "@/lib/schemas/setup-links";

/** A setup link as the console shows it (never its token). */
export type SetupLinkView = {
  id: string;
  name: string;
  purpose: SetupLinkPurpose;
  status: "active" | "completed" | "expired" | "revoked";
  expiresAt: string;
  completedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
};

export const PURPOSE_LABELS: Record<SetupLinkPurpose, string> = {
  sso: "SSO connection",
  domains: "Domain verification",
  directory: "Directory sync (SCIM)",
};

/** A setup link gives at most the workspace default role (see SETUP_LINK_MAX_ROLE in lib/services/setup-link-scope.ts). */
export const SETUP_LINK_ROLES = ["viewer"] as const;
