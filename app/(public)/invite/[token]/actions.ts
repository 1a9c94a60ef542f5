"use server";

import { cookies, headers } from "next/headers";
import type { ActionResult } from "@/components/members/types";
import { getSessionUser } from "@/lib/auth/session";
import { mintSessionCookie } from "@/lib/auth/session-cookie";
import { runAction } from "@/lib/http/action-result";
import { clientIp } from "@/lib/http/client-ip";
import { invitationSignUpSchema, type InvitationSignUpInput } from "@/lib/schemas/members";
import { acceptInvitation } from "@/lib/services/invitations";
import { getReadyDb } from "@/server/bootstrap";

/**
 * Accept an invitation. With a sign-up (account without a password): set the password, activate the
 * membership and sign in. Otherwise the caller must already be signed in as the invited email.
 */
export async function acceptInvitationAction(token: string, signUp?: InvitationSignUpInput): Promise<ActionResult<{ redirect: string }>> {
  return runAction("accept invitation", async () => {
    const db = await getReadyDb();
    const ip = clientIp(await headers());
    if (signUp) {
      const r = await acceptInvitation(db, { token, signUp: invitationSignUpSchema.parse(signUp), ip });
      const cookie = await mintSessionCookie(r.user);
      (await cookies()).set(cookie.name, cookie.value, cookie.options);
      return { redirect: `/w/${r.workspace.slug}` };
    }
    const session = await getSessionUser();
    const r = await acceptInvitation(db, { token, sessionUserId: session?.id ?? null, ip });
    return { redirect: `/w/${r.workspace.slug}` };
  });
}
