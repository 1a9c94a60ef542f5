// POST /auth/sso/saml/{slug}/acs — the IdP's HTTP-POST of a SAMLResponse: validate, provision, hand off by login ticket.
// The Node server answers this path itself before Next (server/sso/mount.ts), with the same function.
import { acsGetPage, answerAcsPost } from "@/lib/http/saml-acs-post";
import { getReadyDb } from "@/server/bootstrap";

export const dynamic = "force-dynamic";

export async function POST(req: Request, ctx: { params: Promise<{ slug: string }> }) {
  return answerAcsPost(req, (await ctx.params).slug, getReadyDb);
}

export async function GET() {
  return acsGetPage();
}
