import type { ScimEmail } from "@/db/schema";

/** The attributes of a SCIM User that Gatehouse acts on, read from a validated ("in") resource. */
export type ScimUserFields = {
  userName: string;
  externalId: string | null;
  active: boolean;
  emails: ScimEmail[];
  /** The address that decides the account: primary, else work, else the first, else an email-like userName. */
  email: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function str(v: unknown): string | null {
  return typeof v === "string" && v.trim() ? v.trim() : null;
}

export function readScimUser(resource: Record<string, unknown>): ScimUserFields {
  const emails: ScimEmail[] = (Array.isArray(resource.emails) ? resource.emails : [])
    .filter((e): e is Record<string, unknown> => !!e && typeof e === "object" && typeof (e as { value?: unknown }).value === "string")
    .map((e) => ({
      value: String(e.value).trim(),
      ...(typeof e.type === "string" ? { type: e.type } : {}),
      ...(e.primary === true ? { primary: true } : {}),
    }));
  const pick = emails.find((e) => e.primary) ?? emails.find((e) => e.type?.toLowerCase() === "work") ?? emails[0] ?? null;
  const userName = str(resource.userName) ?? "";
  const name = (resource.name && typeof resource.name === "object" ? resource.name : {}) as Record<string, unknown>;
  const email = pick?.value ?? (EMAIL.test(userName) ? userName : null);
  return {
    userName,
    externalId: str(resource.externalId),
    active: resource.active === undefined ? true : resource.active === true,
    emails,
    email: email && EMAIL.test(email) ? email.toLowerCase() : null,
    displayName: str(resource.displayName),
    givenName: str(name.givenName),
    familyName: str(name.familyName),
  };
}
