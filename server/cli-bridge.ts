import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { parseCommandLine, executeCommand, failureFromError, type CliOutput, type FileInputs } from "@/lib/cli/run";
import { env } from "@/lib/env";
import { getReadyDb } from "./bootstrap";
import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import { CLI_TOKEN_HEADER, readServerInfo } from "./server-info";

/**
 * POST /api/internal/cli: the operator CLI's way in while this server owns the embedded database.
 * Answers 404 (as if the route did not exist) unless: embedded mode, this process wrote
 * DATA_DIR/server.json, the socket is loopback (the header our HTTP server sets; never
 * X-Forwarded-For) and x-gatehouse-cli-token equals the token in server.json.
 * The body is { argv, files }: argv is parsed and validated again here exactly as the CLI does;
 * files are the contents the CLI process read for `file: true` flags (the server reads no paths).
 */

const MAX_BODY_BYTES = 10 * 1024 * 1024;

const bodySchema = z.object({
  argv: z.array(z.string().max(MAX_BODY_BYTES)).min(1).max(200),
  files: z.record(z.string(), z.union([z.object({ content: z.string() }), z.object({ error: z.string() })])).default({}),
});

export async function handleCliBridgeRequest(req: Request): Promise<Response> {
  if (!isAuthorizedCliRequest(req.headers)) return new Response("Not found", { status: 404 });
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return Response.json({ error: { code: "PAYLOAD_TOO_LARGE" } }, { status: 413 });
  let body: z.infer<typeof bodySchema>;
  try {
    body = bodySchema.parse(JSON.parse(text));
  } catch {
    return Response.json({ error: { code: "BAD_REQUEST" } }, { status: 400 });
  }
  return Response.json(await runForwardedCommand(body.argv, body.files), { headers: { "Cache-Control": "no-store" } });
}

/** Parse, validate and run a command the CLI forwarded, against this server's database. */
export async function runForwardedCommand(argv: string[], files: FileInputs): Promise<CliOutput> {
  const parsed = parseCommandLine(argv);
  if (parsed.kind === "output") return parsed.output;
  const { command, values, json } = parsed;
  // Only contents for the command's own file flags that were given.
  const own: FileInputs = {};
  for (const [k, f] of Object.entries(command.flags)) {
    if (f.file && typeof values[k] === "string" && files[k]) own[k] = files[k];
  }
  let db;
  try {
    db = await getReadyDb();
  } catch (err) {
    return failureFromError(json, err);
  }
  return executeCommand(command, values, { db, appUrl: env().appUrl, json, files: own });
}

export function isAuthorizedCliRequest(headers: Headers): boolean {
  const e = env();
  if (e.databaseUrl) return false;
  const remote = headers.get(REMOTE_ADDR_HEADER);
  if (!remote || !isLoopbackAddress(remote)) return false;
  const info = readServerInfo(e.dataDir);
  if (!info || info.pid !== process.pid) return false;
  const given = headers.get(CLI_TOKEN_HEADER);
  return given !== null && tokensEqual(given, info.token);
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x (as a dual-stack socket reports it). */
export function isLoopbackAddress(address: string): boolean {
  const a = address.trim().toLowerCase();
  if (a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
  const v4 = a.startsWith("::ffff:") ? a.slice("::ffff:".length) : a;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function tokensEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}
