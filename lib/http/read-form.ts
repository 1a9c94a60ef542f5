import { AppError } from "@/lib/errors";

export const ACS_MAX_BODY_BYTES = 256 * 1024;

/**
 * Read an application/x-www-form-urlencoded body with a hard byte cap, streaming, before any
 * parsing: a body over the cap is abandoned at the cap (413 SAML_BODY_TOO_LARGE).
 */
export async function readFormBody(req: Request, maxBytes = ACS_MAX_BODY_BYTES): Promise<URLSearchParams> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("SAML_BODY_TOO_LARGE", { detail: { maxBytes, actualBytes: declared } });
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new AppError("SAML_MALFORMED", { detail: { expected: "application/x-www-form-urlencoded", actual: type || null } });
  }
  if (!req.body) return new URLSearchParams();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new AppError("SAML_BODY_TOO_LARGE", { detail: { maxBytes } });
    }
    chunks.push(value);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/**
 * The ACS's HTTP-POST fields. A field sent twice is refused (SAML_MALFORMED): with two values, a
 * proxy, a log and this code could each read a different response or RelayState.
 */
export async function readSamlPostForm(
  req: Request,
  maxBytes = ACS_MAX_BODY_BYTES,
): Promise<{ samlResponse: string | null; relayState: string | null }> {
  const form = await readFormBody(req, maxBytes);
  for (const name of ["SAMLResponse", "RelayState"]) {
    const count = form.getAll(name).length;
    if (count > 1) throw new AppError("SAML_MALFORMED", { detail: { reason: `the ${name} field was sent ${count} times`, field: name } });
  }
  return { samlResponse: form.get("SAMLResponse"), relayState: form.get("RelayState") };
}
