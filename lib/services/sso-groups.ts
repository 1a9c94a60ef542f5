import { getIdp } from "@/lib/idp-catalogue";

/**
 * The group values of an assertion, for the OpenID Connect `groups` claim: the IdP kind's default
 * groups attribute (Okta/Google "groups", Entra's groups claim URI, …) and the common spellings,
 * names compared case-insensitively; values de-duplicated, order kept, capped.
 */
const COMMON_GROUP_ATTRIBUTES = [
  "groups",
  "group",
  "memberOf",
  "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
  "http://schemas.xmlsoap.org/claims/Group",
];
const MAX_GROUPS = 200;
const MAX_GROUP_LENGTH = 256;

export function groupsFromAttributes(idpType: string | null | undefined, attributes: Record<string, string[]>): string[] {
  const names = new Set([getIdp(idpType).defaultGroupsAttribute, ...COMMON_GROUP_ATTRIBUTES].map((n) => n.toLowerCase()));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [name, values] of Object.entries(attributes)) {
    if (!names.has(name.toLowerCase())) continue;
    for (const v of values) {
      const value = v.trim();
      if (!value || value.length > MAX_GROUP_LENGTH || seen.has(value)) continue;
      seen.add(value);
      out.push(value);
      if (out.length >= MAX_GROUPS) return out;
    }
  }
  return out;
}
