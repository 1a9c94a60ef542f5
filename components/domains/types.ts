import type { ActionError as BaseActionError, ActionResult as BaseActionResult } from "@/lib/http/action-result";
import type { EnforcementMode } from "@/lib/schemas/domains";

/** Typed result of the domains/enforcement server actions: ENFORCEMENT_CONFIRMATION_REQUIRED adds what would go wrong. */
export type ActionError = BaseActionError & { warnings?: WarningItem[] };
export type ActionResult<T extends object = object> = BaseActionResult<T, ActionError>;

/** A domain as the console shows it (dates as ISO strings). */
export type DomainItem = {
  id: string;
  domain: string;
  status: "pending" | "verified" | "failing";
  recordName: string;
  recordValue: string;
  verifiedAt: string | null;
  lastCheckedAt: string | null;
  lastCheckError: string | null;
  connectionId: string | null;
  demoSeed: boolean;
};

/** `ready`: active with IdP metadata, so it can sign people in (only those can be routed to). */
export type ConnectionOption = { id: string; name: string; slug: string; active: boolean; ready: boolean };

export type WarningItem = { code: string; severity: "danger" | "info"; message: string };

export type EnforcementMember = {
  id: string;
  email: string;
  name: string | null;
  role: string;
  source: string;
  breakGlass: boolean;
  isSelf: boolean;
};

export type PeopleSample = { count: number; names: string[] };
export type EnforcementPreviewItem = {
  mode: EnforcementMode;
  ownersBreakGlass: boolean;
  warnings: WarningItem[];
  mustUseSso: PeopleSample;
  keepPassword: PeopleSample & { reasons: string[] };
};
export type EnforcementState = { mode: EnforcementMode; ownersBreakGlass: boolean; warnings: WarningItem[] };

/**
 * The server actions the domains list uses: the console's by default; the setup-link page passes
 * its own (scoped to the link) and may turn routing and removing off.
 */
export type DomainActions = {
  list: (workspace: string) => Promise<DomainItem[]>;
  add: (workspace: string, input: { domain: string }) => Promise<ActionResult<{ domain: DomainItem }>>;
  verify: (workspace: string, id: string) => Promise<ActionResult<{ domain: DomainItem }>>;
  route: (workspace: string, id: string, connectionId: string | null) => Promise<ActionResult<{ domain: DomainItem }>>;
  remove: (workspace: string, id: string) => Promise<ActionResult>;
};
