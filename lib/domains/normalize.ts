/**
 * Pure and browser-safe (the console form validates with it too): turn what an admin typed ("@Acme.COM", "https://acme.com/x", "bücher.de.") into the stored
 * form (lowercase ASCII/punycode, no trailing dot), and decide whether it is a registrable hostname.
 */

export const CHALLENGE_LABEL = "_gatehouse-challenge";
export const CHALLENGE_PREFIX = "gatehouse-verification=";

/** Hostnames that can never be an organization's email domain. */
const RESERVED_NAMES = new Set(["localhost", "localdomain", "local", "invalid", "internal", "home.arpa", "arpa", "onion", "lan"]);
const RESERVED_TLDS = new Set([
  "localhost",
  "local",
  "invalid",
  "internal",
  "arpa",
  "onion",
  "lan",
  "localdomain",
  "home",
  "corp",
  "intranet",
  "private",
]);

/**
 * Common multi-label public suffixes and shared-hosting suffixes. Without a full public-suffix list
 * this refuses the ones people actually type; anything deeper (acme.co.uk) is still accepted.
 */
const PUBLIC_SUFFIXES = new Set([
  "co.uk",
  "org.uk",
  "me.uk",
  "ltd.uk",
  "plc.uk",
  "ac.uk",
  "gov.uk",
  "net.uk",
  "sch.uk",
  "com.au",
  "net.au",
  "org.au",
  "edu.au",
  "gov.au",
  "co.nz",
  "org.nz",
  "net.nz",
  "co.jp",
  "ne.jp",
  "or.jp",
  "ac.jp",
  "go.jp",
  "co.kr",
  "or.kr",
  "com.cn",
  "net.cn",
  "org.cn",
  "gov.cn",
  "com.br",
  "net.br",
  "org.br",
  "gov.br",
  "com.mx",
  "org.mx",
  "com.ar",
  "com.co",
  "com.tr",
  "com.tw",
  "com.hk",
  "com.sg",
  "com.my",
  "co.in",
  "net.in",
  "org.in",
  "gov.in",
  "co.za",
  "org.za",
  "co.il",
  "org.il",
  "ac.il",
  "com.pl",
  "co.id",
  "or.id",
  "com.ua",
  "com.ru",
  "com.es",
  "com.pt",
  "co.th",
  "in.th",
  "com.vn",
  "com.ph",
  "github.io",
  "gitlab.io",
  "herokuapp.com",
  "vercel.app",
  "netlify.app",
  "pages.dev",
  "workers.dev",
  "appspot.com",
  "web.app",
  "firebaseapp.com",
  "azurewebsites.net",
  "cloudfront.net",
  "amazonaws.com",
  "blogspot.com",
  "wordpress.com",
  "fly.dev",
  "onrender.com",
  "ngrok.io",
  "ngrok-free.app",
]);

export type DomainCheck = { ok: true; domain: string } | { ok: false; reason: DomainInvalidReason; domain: string };
export type DomainInvalidReason =
  | "empty"
  | "invalid_characters"
  | "ip_address"
  | "single_label"
  | "reserved"
  | "public_suffix"
  | "label_too_long"
  | "too_long"
  | "invalid_label"
  | "invalid_tld";

export const DOMAIN_INVALID_MESSAGES: Record<DomainInvalidReason, string> = {
  empty: "Enter a domain, e.g. example.com.",
  invalid_characters: "A domain has only letters, digits, dots and hyphens.",
  ip_address: "Enter a domain name, not an IP address.",
  single_label: "Enter a full domain with a dot, e.g. example.com.",
  reserved: "This name is reserved for local networks and cannot be verified.",
  public_suffix: "This is a public suffix, not a domain an organization can own.",
  label_too_long: "Each part of a domain is at most 63 characters.",
  too_long: "A domain is at most 253 characters.",
  invalid_label: "Parts of a domain cannot start or end with a hyphen.",
  invalid_tld: "The top-level domain is not valid.",
};

/** Lowercase, strip surrounding space, `user@`/`@`, scheme, credentials, path, port and trailing dots; IDN → punycode. */
export function normalizeDomain(input: string): string {
  let s = input.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, ""); // scheme
  s = s.replace(/[/?#].*$/, ""); // path, query, fragment
  const at = s.lastIndexOf("@");
  if (at >= 0) s = s.slice(at + 1); // user@ / credentials@ / leading @
  if (s.startsWith("[")) return s; // bracketed IPv6 literal: left for validation to refuse
  s = s.replace(/:\d*$/, ""); // port
  s = s.replace(/\.+$/, ""); // trailing dot(s)
  s = s.replace(/^\.+/, "");
  if (!s) return "";
  return (domainToAscii(s) || s).replace(/\.+$/, "");
}

/**
 * WHATWG "domain to ASCII" (the algorithm behind node:url domainToASCII, and available in browsers
 * through URL): IDN → punycode, full-width dots mapped, IPv4 shorthands canonicalised. "" when the
 * input is not a valid host.
 */
function domainToAscii(host: string): string {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return "";
  }
}

/** Normalise and validate as a registrable hostname (not an IP, not single-label, not reserved). */
export function checkDomain(input: string): DomainCheck {
  const domain = normalizeDomain(input);
  const fail = (reason: DomainInvalidReason): DomainCheck => ({ ok: false, reason, domain });
  if (!domain) return fail("empty");
  const bare = domain.replace(/^\[|\]$/g, "");
  if (bare.includes(":") || /^\d{1,3}(\.\d{1,3}){3}$/.test(bare) || /^\d+(\.\d+)*$/.test(domain) || /^0x[0-9a-f]+$/i.test(domain))
    return fail("ip_address");
  if (domain.length > 253) return fail("too_long");
  if (!/^[a-z0-9.-]+$/.test(domain)) return fail("invalid_characters");
  const labels = domain.split(".");
  if (labels.some((l) => l.length === 0)) return fail("invalid_characters");
  if (labels.some((l) => l.length > 63)) return fail("label_too_long");
  if (labels.some((l) => l.startsWith("-") || l.endsWith("-"))) return fail("invalid_label");
  if (labels.length < 2) return RESERVED_NAMES.has(domain) ? fail("reserved") : fail("single_label");
  const tld = labels[labels.length - 1]!;
  if (RESERVED_TLDS.has(tld) || RESERVED_NAMES.has(domain)) return fail("reserved");
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)) return fail("invalid_tld");
  if (PUBLIC_SUFFIXES.has(domain)) return fail("public_suffix");
  return { ok: true, domain };
}

/** The email's domain in stored form, or null when there is none. */
export function emailDomain(email: string): string | null {
  const at = email.trim().lastIndexOf("@");
  if (at <= 0) return null;
  const check = checkDomain(email.trim().slice(at + 1));
  return check.ok ? check.domain : null;
}

export function challengeRecordName(domain: string): string {
  return `${CHALLENGE_LABEL}.${domain}`;
}

export function challengeRecordValue(token: string): string {
  return `${CHALLENGE_PREFIX}${token}`;
}
