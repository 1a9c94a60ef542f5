/** Stable (server = client) date formatting: "2030-06-15 12:00 UTC". */
export function formatDateTime(d: Date | string | null | undefined): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  if (Number.isNaN(date.getTime())) return "—";
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? "—" : date.toISOString().slice(0, 10);
}

export const FIXER_LABEL: Record<string, string> = {
  idp_admin: "The IdP administrator (in your identity provider's console)",
  workspace_admin: "A workspace admin (here in Gatehouse)",
  user: "The person signing in",
  operator: "The Gatehouse operator",
};
