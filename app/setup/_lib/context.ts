import { cookies, headers } from "next/headers";
import { clientIp } from "@/lib/http/client-ip";
import { readSetupLinkCookieValue } from "@/lib/http/setup-link-cookie";
import { requireSetupLink, resolveSetupLinkToken, type ResolvedSetupLink } from "@/lib/services/setup-links";
import { getReadyDb } from "@/server/bootstrap";

/**
 * The setup link behind this request (its cookie), resolved again on every request: a revoked or
 * expired link stops at once. Pages get null (they render the one "not valid" page); actions throw
 * SETUP_LINK_INVALID.
 */
export type SetupDb = Awaited<ReturnType<typeof getReadyDb>>;

export async function currentSetupLink(): Promise<{ db: SetupDb; link: ResolvedSetupLink | null }> {
  const db = await getReadyDb();
  return { db, link: await resolveSetupLinkToken(db, readSetupLinkCookieValue(await cookies())) };
}

export async function requireCurrentSetupLink() {
  const db = await getReadyDb();
  const link = await requireSetupLink(db, readSetupLinkCookieValue(await cookies()));
  return { db, link, ip: clientIp(await headers()) };
}
