import { env } from "@/lib/env";
import { outboundFetch, OutboundFetchError, type OutboundPolicy } from "@/lib/http/outbound-fetch";
import type { WebhookTransport } from "./deliver";

/**
 * Webhook deliveries go out through the one SSRF-checked client (lib/http/outbound-fetch): https only
 * (http to loopback outside production), private targets only with ALLOW_PRIVATE_OUTBOUND_URLS,
 * link-local and cloud metadata addresses never; POSTs follow no redirect; the first 1 KB of the
 * answer is kept for the delivery log.
 */
export function outboundWebhookTransport(policy: Omit<OutboundPolicy, "timeoutMs" | "maxRedirects">): WebhookTransport {
  return async ({ url, headers, body, timeoutMs }) => {
    try {
      const res = await outboundFetch(
        url,
        { ...policy, timeoutMs, maxBytes: 64 * 1024, maxRedirects: 0 },
        { method: "POST", headers, body },
      );
      return { status: res.status, bodySnippet: res.body.subarray(0, 1024).toString("utf8") };
    } catch (e) {
      // Refused address, DNS, timeout, reset: the reason goes into the delivery log; the delivery is retried.
      if (e instanceof OutboundFetchError) throw new Error(`${e.reason}: ${e.message}`);
      throw e;
    }
  };
}

/** The transport the delivery job uses, from the environment. */
export function webhookTransportFromEnv(): WebhookTransport {
  const e = env();
  return outboundWebhookTransport({ allowPrivate: e.allowPrivateOutboundUrls, allowHttpLoopback: !e.isProduction });
}
