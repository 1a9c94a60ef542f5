import { AppError } from "@/lib/errors";

export const ACS_MAX_BODY_BYTES = 256 * 1024;

/**
 * Read a request body as UTF-8 text with a hard byte cap, streaming: a body over the cap (declared or
 * sent) is abandoned at the cap and `tooLarge()` is thrown, before anything is parsed.
 */
export async function readCappedText(req: Request, maxBytes: number, tooLarge: (declared?: number) => Error): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(declared);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Read an application/x-www-form-urlencoded body with a hard byte cap, streaming, before any
 * parsing: a body over the cap is abandoned at the cap (413 SAML_BODY_TOO_LARGE).
 */
export async function readFormBody(req: Request, maxBytes = ACS_MAX_BODY_BYTES): Promise<URLSearchParams> {
  const tooLarge = (declared?: number) =>
    new AppError("SAML_BODY_TOO_LARGE", { detail: declared ? { maxBytes, actualBytes: declared } : { maxBytes } });
  if (Number(req.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge(Number(req.headers.get("content-length")));
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new AppError("SAML_MALFORMED", { detail: { expected: "application/x-www-form-urlencoded", actual: type || null } });
  }
  return new URLSearchParams(await readCappedText(req, maxBytes, tooLarge));
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
