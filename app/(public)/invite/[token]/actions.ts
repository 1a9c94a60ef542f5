"use server";

import { cookies, headers } from "next/headers";
import { ZodError } from "zod";
import type { ActionResult } from "@/components/members/types";
import { getSessionUser } from "@/lib/auth/session";
import { mintSessionCookie } from "@/lib/auth/session-cookie";
import { describeError, isAppError } from "@/lib/errors";
import { invitationSignUpSchema, type InvitationSignUpInput } from "@/lib/schemas/members";
import { getReadyDb } from "@/server/bootstrap";
import { clientIp } from "@/lib/http/client-ip";
import { logger } from "@/lib/logger";
import { acceptInvitation } from "@/lib/services/invitations";

/**
 * Accept an invitation. With a sign-up (account without a password): set the password, activate the
 * membership and sign in. Otherwise the caller must already be signed in as the invited email.
 */
export async function acceptInvitationAction(token: string, signUp?: InvitationSignUpInput): Promise<ActionResult<{ redirect: string }>> {
  try {
    const db = await getReadyDb();
    const ip = clientIp(await headers());
    if (signUp) {
      const data = invitationSignUpSchema.parse(signUp);
      const r = await acceptInvitation(db, { token, signUp: data, ip });
      const cookie = await mintSessionCookie(r.user);
      (await cookies()).set(cookie.name, cookie.value, cookie.options);
      return { ok: true, redirect: `/w/${r.workspace.slug}` };
    }
    const session = await getSessionUser();
    const r = await acceptInvitation(db, { token, sessionUserId: session?.id ?? null, ip });
    return { ok: true, redirect: `/w/${r.workspace.slug}` };
  } catch (e) {
    if (isAppError(e)) return { ok: false, code: e.code, message: e.message, hint: e.hint };
    if (e instanceof ZodError) {
      const fields: Record<string, string> = {};
      for (const issue of e.issues) fields[issue.path.join(".") || "_"] ??= issue.message;
      const d = describeError("VALIDATION_FAILED");
      return { ok: false, code: "VALIDATION_FAILED", message: d.message, hint: d.hint, fields };
    }
    logger.error("accept invitation failed", { error: e });
    const d = describeError("INTERNAL");
    return { ok: false, code: "INTERNAL", message: d.message, hint: d.hint };
  }
}
