import { Badge } from "@/components/ui/badge";
import type { ConnectionStatus } from "@/lib/services/connection-health";

const LABELS: Record<ConnectionStatus, { label: string; tone: "green" | "gray" | "yellow" | "red" }> = {
  active: { label: "Active", tone: "green" },
  inactive: { label: "Inactive", tone: "gray" },
  needs_metadata: { label: "Needs IdP metadata", tone: "yellow" },
  cert_expiring: { label: "Certificate expiring", tone: "yellow" },
  failing: { label: "Failing", tone: "red" },
};

export const STATUS_HELP: Record<ConnectionStatus, string> = {
  active: "Users can sign in.",
  inactive: "Turned off: sign-ins are refused until it is switched back on.",
  needs_metadata: "Add the IdP metadata (URL or XML) so users can sign in.",
  cert_expiring: "An IdP signing certificate expires within 30 days: refresh or replace the metadata after the IdP rotates it.",
  failing: "The last sign-in the IdP signed, or the last test, failed and nothing succeeded since: open the event log.",
};

/** "N unsigned or malformed requests refused": not failures (anyone can send them), shown apart. */
export function unsignedRefusedText(n: number): string {
  return `${n} unsigned or malformed ${n === 1 ? "request" : "requests"} refused`;
}

export function ConnectionStatusBadge({ status }: { status: ConnectionStatus }) {
  const s = LABELS[status];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
