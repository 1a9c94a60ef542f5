// /api/auth/* — next-auth (password sign-in, CSRF, sign-out). A password sign-in refused because the
// user must use SSO answers 403 { error: { code: "SSO_REQUIRED", message, hint } }.
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { ssoRequiredResponse } from "@/lib/auth/sso-required-response";

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Ctx) {
  const res = (await NextAuth(req as never, ctx as never, authOptions())) as Response;
  const segments = (await ctx.params).nextauth ?? [];
  if (req.method === "POST" && segments[0] === "callback" && segments[1] === "password") {
    return (await ssoRequiredResponse(res)) ?? res;
  }
  return res;
}

export { handler as GET, handler as POST };
