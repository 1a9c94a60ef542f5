import { decode } from "next-auth/jwt";
import type { Db } from "@/db";
import { env } from "@/lib/env";
import { sessionCookieName } from "./session-cookie";
import { resolveSessionUser, type SessionUser } from "./session-token";

/**
 * The Gatehouse session of a raw request (outside Next's request scope: the OpenID Connect provider
 * mounted in the Node server reads it). Same rules as getSessionUser(): the JWT is a pointer, checked
 * against the database.
 */
export type GatehouseSignIn = {
  user: SessionUser;
  /** "sso" when an IdP of a connection authenticated the person (`connectionId`), else "pwd". */
  amr: "sso" | "pwd";
  /** When the person authenticated (epoch seconds); 0 for sessions made before this was recorded. */
  authTime: number;
  connectionId: string | null;
};

export function readCookie(cookieHeader: string | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

export async function readGatehouseSession(db: Db, cookieHeader: string | undefined): Promise<GatehouseSignIn | null> {
  const raw = readCookie(cookieHeader, sessionCookieName());
  if (!raw) return null;
  let token: Awaited<ReturnType<typeof decode>>;
  try {
    token = await decode({ token: raw, secret: env().authSecret });
  } catch {
    return null;
  }
  const user = await resolveSessionUser(db, token);
  if (!user || !token) return null;
  const cid = typeof token.cid === "string" && /^[0-9a-f-]{36}$/i.test(token.cid) ? token.cid : null;
  const authTime = typeof token.auth_time === "number" && Number.isFinite(token.auth_time) ? Math.floor(token.auth_time) : 0;
  return { user, amr: cid ? "sso" : "pwd", authTime, connectionId: cid };
}
