import type { Role } from "@/lib/auth/roles";

/** Typed result of the members server actions. */
export type ActionError = { ok: false; code: string; message: string; hint: string; fields?: Record<string, string> };
export type ActionResult<T extends object = object> = ({ ok: true } & T) | ActionError;

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

export type InvitationView = { id: string; email: string; role: Role; status: "pending" | "expired" | "accepted" | "revoked"; expiresAt: string };
