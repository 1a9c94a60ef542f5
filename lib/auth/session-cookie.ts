import { encode } from "next-auth/jwt";
import { env } from "@/lib/env";

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

export function sessionCookieName(): string {
  return `${env().secureCookies ? "__Secure-" : ""}next-auth.session-token`;
}

export type SessionToken = { uid: string; sv: number; email: string; name?: string | null };

/**
 * A next-auth session JWT for `user`, as the credentials flow would issue: used by the SSO ticket
 * hand-off so that both paths produce the same, revocable session.
 */
export async function mintSessionCookie(user: { id: string; email: string; name: string | null; sessionVersion: number }) {
  const value = await encode({
    token: { sub: user.id, uid: user.id, sv: user.sessionVersion, amr: "sso", email: user.email, name: user.name },
    secret: env().authSecret,
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  return {
    name: sessionCookieName(),
    value,
    options: {
      httpOnly: true,
      sameSite: "lax" as const,
      path: "/",
      secure: env().secureCookies,
      maxAge: SESSION_MAX_AGE_SECONDS,
    },
  };
}
