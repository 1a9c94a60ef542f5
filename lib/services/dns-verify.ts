import { Resolver } from "node:dns/promises";
import { env } from "@/lib/env";
import { challengeRecordName, challengeRecordValue, CHALLENGE_PREFIX } from "@/lib/domains/normalize";

export type DnsCheckCode = "DNS_RECORD_MISSING" | "DNS_RECORD_MISMATCH" | "DNS_ERROR";
export type DnsCheckResult =
  { ok: true; recordName: string } | { ok: false; code: DnsCheckCode; recordName: string; detail: Record<string, unknown> };

/** Answers that mean "the name or the TXT record does not exist" rather than "DNS is broken". */
const MISSING = new Set(["ENOTFOUND", "ENODATA"]);

/**
 * Look up `_gatehouse-challenge.<domain>` with node's resolver (real DNS; DNS_SERVERS overrides the
 * servers, "host:port" allowed) and compare with `gatehouse-verification=<token>`. A fresh resolver
 * per check, so no answer is served from a cache.
 */
export async function checkDomainChallenge(
  domain: string,
  token: string,
  opts: { servers?: string[]; timeoutMs?: number } = {},
): Promise<DnsCheckResult> {
  const recordName = challengeRecordName(domain);
  const expected = challengeRecordValue(token);
  const resolver = new Resolver({ timeout: opts.timeoutMs ?? 2500, tries: 2 });
  const servers = opts.servers ?? env().dnsServers;
  if (servers?.length) resolver.setServers(servers);

  let records: string[][];
  try {
    records = await resolver.resolveTxt(recordName);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "UNKNOWN";
    if (MISSING.has(code)) return { ok: false, code: "DNS_RECORD_MISSING", recordName, detail: { recordName, dnsCode: code } };
    return { ok: false, code: "DNS_ERROR", recordName, detail: { recordName, dnsCode: code } };
  } finally {
    resolver.cancel();
  }
  // A TXT record may be split into several character-strings: join them back.
  const values = records.map((chunks) => chunks.join("").trim());
  if (values.includes(expected)) return { ok: true, recordName };
  const ours = values.filter((v) => v.startsWith(CHALLENGE_PREFIX));
  if (values.length === 0) return { ok: false, code: "DNS_RECORD_MISSING", recordName, detail: { recordName } };
  // Only our own record's value is echoed back (other TXT values at that name are not ours to show).
  return { ok: false, code: "DNS_RECORD_MISMATCH", recordName, detail: { recordName, expected, found: ours.slice(0, 5) } };
}
