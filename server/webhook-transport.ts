import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isLoopbackAddress, isNonPublicAddress } from "@/lib/services/metadata-fetch";
import type { WebhookTransport } from "@/lib/webhooks/deliver";

/**
 * The webhook sender: one POST, no redirects followed, 5 s timeout, the first 1 KB of the answer kept.
 * Private, loopback and link-local targets are refused unless the operator allows private targets;
 * link-local (cloud metadata) addresses are always refused.
 */
export function httpWebhookTransport(policy: { allowPrivate: boolean }): WebhookTransport {
  return async ({ url, headers, body, timeoutMs }) => {
    const u = new URL(url);
    if (u.protocol !== "https:" && !(u.protocol === "http:" && policy.allowPrivate)) throw new Error("only https:// URLs are allowed");
    const host = u.hostname.replace(/^\[|\]$/g, "");
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    for (const a of addresses) {
      if (/^169\.254\./.test(a) || /^fe80:/i.test(a)) throw new Error("the host resolves to a link-local address");
      if (!policy.allowPrivate && (isNonPublicAddress(a) || isLoopbackAddress(a)))
        throw new Error("the host resolves to a private, loopback or link-local address");
    }
    const res = await fetch(u, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text().catch(() => "");
    return { status: res.status, bodySnippet: text.slice(0, 1024) };
  };
}
