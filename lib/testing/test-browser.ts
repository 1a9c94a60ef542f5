/**
 * A test browser for route-handler tests: it keeps the cookies that responses set and sends them back,
 * like a real browser, so SSO browser binding (login nonce, ticket cookie) is exercised for real.
 * Two TestBrowser objects are two different browsers.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  /** Store (or, with Max-Age=0, drop) every cookie a response sets; returns the response. */
  take<R extends Response>(res: R): R {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  set(name: string, value: string): this {
    this.cookies.set(name, value);
    return this;
  }

  /** A request carrying this browser's cookies. */
  request(url: string, init: RequestInit = {}): Request {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    return new Request(url, { ...init, headers });
  }
}
