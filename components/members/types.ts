import type { Role } from "@/lib/auth/roles";

/** Typed result of the members server actions. */
export type { ActionResult } from "@/lib/http/action-result";

/** A member as the console shows it. */
export type MemberView = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  status: "invited" | "active";
  disabled: boolean;
  source: string;
  lastSignIn: string | null;
  breakGlass: boolean;
  isSelf: boolean;
};

export type InvitationView = {
  id: string;
  email: string;
  role: Role;
  status: "pending" | "expired" | "accepted" | "revoked";
  expiresAt: string;
};
