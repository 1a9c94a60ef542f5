import { env } from "@/lib/env";
import { describeError } from "@/lib/errors";

/**
 * next-auth reports a credentials failure as a redirect (or `{ url }` in JSON mode) to
 * `/api/auth/error?error=<code>`. When the code is SSO_REQUIRED, answer 403 with our JSON error
 * instead, keeping next-auth's cookies, and a `url` so next-auth's client `signIn()` still reads the
 * error code. Any other response: null (left as it is).
 */
export async function ssoRequiredResponse(res: Response): Promise<Response | null> {
  let target = res.headers.get("location");
  if (!target && res.headers.get("content-type")?.includes("application/json")) {
    try {
      target = ((await res.clone().json()) as { url?: string }).url ?? null;
    } catch {
      target = null;
    }
  }
  if (!target) return null;
  let code: string | null;
  try {
    code = new URL(target, env().appUrl).searchParams.get("error");
  } catch {
    return null;
  }
  if (code !== "SSO_REQUIRED") return null;
  const entry = describeError("SSO_REQUIRED");
  const headers = new Headers(res.headers);
  headers.delete("location");
  headers.set("content-type", "application/json");
  headers.set("cache-control", "no-store");
  return new Response(
    JSON.stringify({
      error: { code: "SSO_REQUIRED", message: entry.message, hint: entry.hint },
      url: `${env().appUrl}/login?error=SSO_REQUIRED`,
    }),
    { status: 403, headers },
  );
}
