import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { clientIp } from "@/lib/http/client-ip";
import { logger } from "@/lib/logger";
import { signInWithPassword } from "@/lib/services/password-sign-in";
import { SESSION_MAX_AGE_SECONDS } from "./session-cookie";
import { endSessionAtSignOut } from "./session-token";

/**
 * next-auth: JWT sessions carrying the user id and the user's session version. Every request checks
 * both against the database (lib/auth/session.ts), so disabling a user or bumping the version revokes
 * live sessions at once.
 */
export function authOptions(): NextAuthOptions {
  const e = env();
  return {
    secret: e.authSecret,
    useSecureCookies: e.secureCookies,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "password",
        name: "Password",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials, req) {
          const db = await getReadyDb();
          try {
            const user = await signInWithPassword(db, {
              email: credentials?.email ?? "",
              password: credentials?.password ?? "",
              ip: clientIp((req?.headers ?? {}) as Record<string, string>),
            });
            return { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion };
          } catch (err) {
            if (isAppError(err)) throw new Error(err.code);
            logger.error("password sign-in failed", { err });
            throw new Error("INTERNAL");
          }
        },
      }),
    ],
    events: {
      // Sign-out bumps the session version: a copied session cookie stops working at once.
      async signOut({ token }) {
        await endSessionAtSignOut(await getReadyDb(), token);
      },
    },
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sv?: number }).sv;
          token.amr = "pwd"; // how the session was made: enforcement ends password sessions
          token.auth_time = Math.floor(Date.now() / 1000); // when the person authenticated (OIDC max_age / auth_time)
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.uid as string } };
      },
      async redirect({ url, baseUrl }) {
        // Only same-origin targets.
        if (url.startsWith("/") && !url.startsWith("//")) return `${baseUrl}${url}`;
        try {
          if (new URL(url).origin === baseUrl) return url;
        } catch {
          /* fall through */
        }
        return baseUrl;
      },
    },
  };
}
