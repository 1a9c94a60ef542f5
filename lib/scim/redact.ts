/** Request bodies kept in the request log: secrets replaced, large bodies cut. */
const SECRET_KEYS = /^(password|passwd|secret|token|access_?token|refresh_?token|client_?secret)$/i;
const MAX_CHARS = 8 * 1024;

function scrub(value: unknown, key?: string): unknown {
  if (key !== undefined && SECRET_KEYS.test(key)) return "[removed]";
  if (Array.isArray(value)) return value.map((v) => scrub(v));
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    // A PATCH operation whose path names a secret: {"op":"replace","path":"password","value":"…"}.
    const pathIsSecret = typeof obj.path === "string" && SECRET_KEYS.test(obj.path.split(".").pop() ?? "");
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, pathIsSecret && k === "value" ? "[removed]" : scrub(v, k)]));
  }
  return value;
}

export function redactScimBody(text: string): unknown {
  if (!text.trim()) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { unreadable: true, length: text.length };
  }
  const clean = scrub(parsed);
  const json = JSON.stringify(clean);
  return json.length > MAX_CHARS ? { truncated: true, preview: json.slice(0, MAX_CHARS) } : clean;
}
