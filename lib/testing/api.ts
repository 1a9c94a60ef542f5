import type { RouteHandler } from "@/lib/api/handler";

/** REST API route tests: call an exported handler the way Next does, and check for secrets. Workspaces: makeApiWorkspace in ./fixtures. */

export type CallOptions = {
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
};
export type CallResult = { status: number; headers: Headers; text: string; json: ApiJson };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiJson = any;

/** Call an exported route handler the way Next does. */
export async function callRoute(
  handler: RouteHandler,
  method: string,
  path: string,
  key: string | null,
  opts: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const k = opts.key === undefined ? key : opts.key;
  if (k) headers.authorization = `Bearer ${k}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await handler(new Request(`http://localhost:3999${path}`, { method, headers, body }), {
    params: Promise.resolve(opts.params ?? {}),
  });
  const text = await res.text();
  let json: ApiJson = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Strings that must never appear in any API response. */
export const SECRET_MARKERS = [
  "PRIVATE KEY",
  "privateKey",
  "private_key",
  "key_hash",
  "keyHash",
  "token_hash",
  "tokenHash",
  "password",
  "v1:",
];

export function assertNoSecrets(text: string, extra: string[] = []): void {
  for (const marker of [...SECRET_MARKERS, ...extra]) {
    if (text.includes(marker)) throw new Error(`response contains a secret marker: ${marker}`);
  }
}
