import { env } from "@/lib/env";

/** Header set by our HTTP server from the socket (any incoming copy is discarded there). */
export const REMOTE_ADDR_HEADER = "x-gatehouse-remote-addr";

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function read(h: HeaderBag, name: string): string | undefined {
  if (h instanceof Headers) return h.get(name) ?? undefined;
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The client's IP for throttling and audit. X-Forwarded-For is only believed behind a trusted
 * proxy (TRUST_PROXY=true); otherwise the socket address our server recorded.
 */
export function clientIp(h: HeaderBag): string | null {
  if (env().trustProxy) {
    const xff = read(h, "x-forwarded-for");
    const first = xff?.split(",")[0]?.trim();
    if (first) return first;
  }
  return (
    read(h, REMOTE_ADDR_HEADER) ?? (env().appEnv === "production" ? null : (read(h, "x-forwarded-for")?.split(",")[0]?.trim() ?? null))
  );
}
