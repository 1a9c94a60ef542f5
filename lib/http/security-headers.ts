/**
 * The security headers every response carries: proxy.ts adds them to Next's answers, and the Node
 * server's own mounts (server/sso/mount.ts) to theirs. HSTS whenever the public URL is https (TLS
 * usually ends at the load balancer, so the request seen here may be plain http).
 */
export function baseSecurityHeaders(opts: { https: boolean }): [name: string, value: string][] {
  const headers: [string, string][] = [
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    ["X-Frame-Options", "DENY"],
    ["Permissions-Policy", "camera=(), microphone=(), geolocation=()"],
  ];
  if (opts.https) headers.push(["Strict-Transport-Security", "max-age=31536000; includeSubDomains"]);
  return headers;
}
