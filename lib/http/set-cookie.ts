/** What a cookie we set says about itself (the shape of a minted cookie's options). */
export type CookieOptions = { path: string; maxAge: number; httpOnly: boolean; sameSite: "lax" | "strict" | "none"; secure: boolean };

/** A Set-Cookie header value, for responses built as plain Web Responses (maxAge 0 clears the cookie). */
export function setCookieHeader(name: string, value: string, o: CookieOptions): string {
  return [
    `${name}=${value}`,
    `Path=${o.path}`,
    `Max-Age=${o.maxAge}`,
    ...(o.httpOnly ? ["HttpOnly"] : []),
    `SameSite=${o.sameSite[0]!.toUpperCase()}${o.sameSite.slice(1)}`,
    ...(o.secure ? ["Secure"] : []),
  ].join("; ");
}
