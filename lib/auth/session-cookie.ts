import { encode } from "next-auth/jwt";
import { env } from "@/lib/env";

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

export function sessionCookieName(): string {
  return `${env().secureCookies ? "__Secure-" : ""}next-auth.session-token`;
}

/**
 * What a session JWT carries besides next-auth's own fields: the user and session version (checked
 * against the database on every request), how the session was made (`amr`), when the person
 * authenticated (`auth_time`, epoch seconds: OpenID Connect's max_age and auth_time) and, for an SSO
 * sign-in, the connection whose IdP authenticated them (`cid`) and the SSO session of that sign-in
 * (`sid`, a row of sso_sessions: SAML single logout ends it).
 */
export type SessionToken = {
  uid: string;
  sv: number;
  email: string;
  name?: string | null;
  amr?: string;
  auth_time?: number;
  cid?: string;
  sid?: string;
};

/**
 * A next-auth session JWT for `user`, as the credentials flow would issue: used by the SSO ticket
 * hand-off so that both paths produce the same, revocable session.
 */
export async function mintSessionCookie(
  user: { id: string; email: string; name: string | null; sessionVersion: number },
  signIn: { connectionId?: string | null; ssoSessionId?: string | null; now?: Date; amr?: "sso" | "pwd" } = {},
) {
  const authTime = Math.floor((signIn.now ?? new Date()).getTime() / 1000);
  const value = await encode({
    token: {
      sub: user.id,
      uid: user.id,
      sv: user.sessionVersion,
      amr: signIn.amr ?? "sso",
      auth_time: authTime,
      ...(signIn.connectionId ? { cid: signIn.connectionId } : {}),
      ...(signIn.ssoSessionId ? { sid: signIn.ssoSessionId } : {}),
      email: user.email,
      name: user.name,
    },
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
