/**
 * One error type and one catalogue of stable codes. Tests assert codes, never message text.
 * `fixer` says who must act: the IdP admin, the workspace admin, the user, or the operator.
 */

export type Fixer = "idp_admin" | "workspace_admin" | "user" | "operator";

type Entry = { status: number; message: string; hint: string; fixer: Fixer };

const catalogue = {
  // ── generic ──────────────────────────────────────────────────────────────
  VALIDATION_FAILED: {
    status: 422,
    message: "Some fields are invalid.",
    hint: "Correct the fields listed in `fields` and try again.",
    fixer: "user",
  },
  BAD_REQUEST: {
    status: 400,
    message: "The request could not be read.",
    hint: "Send a JSON body that matches the documented schema.",
    fixer: "user",
  },
  UNAUTHORIZED: {
    status: 401,
    message: "Authentication is required.",
    hint: "Sign in, or send `Authorization: Bearer <API key>`.",
    fixer: "user",
  },
  INVALID_API_KEY: {
    status: 401,
    message: "The API key is missing, invalid or revoked.",
    hint: "Create a key in Settings → API keys and send it as `Authorization: Bearer gh_live_…`.",
    fixer: "user",
  },
  FORBIDDEN: { status: 403, message: "Your role does not allow this.", hint: "Ask a workspace owner or admin.", fixer: "workspace_admin" },
  SETUP_LINK_INVALID: {
    status: 404,
    message: "This setup link is not valid.",
    hint: "It may have expired or been revoked. Ask the person who sent it for a new link.",
    fixer: "workspace_admin",
  },
  SETUP_LINK_OUT_OF_SCOPE: {
    status: 403,
    message: "A setup link cannot do this.",
    hint: "A setup link may only set up its own purpose in its own workspace. Ask a workspace owner to make this change.",
    fixer: "workspace_admin",
  },
  OPERATOR_KEY_REQUIRED: {
    status: 403,
    message: "This part of the API is for the operator of this Gatehouse instance.",
    hint: "Use an operator key (`npm run gatehouse -- operator-keys:create --name N`, `gh_op_…`); a workspace key only reaches its own workspace at /api/v1/….",
    fixer: "operator",
  },
  ORGANIZATION_REQUIRED: {
    status: 400,
    message: "An operator key acts on one organization at a time.",
    hint: "Put the organization in the path: /api/v1/organizations/{id}/… (e.g. /api/v1/organizations/{id}/connections).",
    fixer: "user",
  },
  NOT_FOUND: { status: 404, message: "Not found.", hint: "Check the identifier; it may have been deleted.", fixer: "user" },
  CONFLICT: { status: 409, message: "This conflicts with the current state.", hint: "Reload and try again.", fixer: "user" },
  VERSION_CONFLICT: {
    status: 409,
    message: "Someone else changed this since you loaded it.",
    hint: "Reload to see the newer version, then apply your change again.",
    fixer: "user",
  },
  SLUG_TAKEN: {
    status: 409,
    message: "That slug is already taken.",
    hint: "Pick another slug; slugs are unique across Gatehouse.",
    fixer: "user",
  },
  CONNECTION_NAME_TAKEN: {
    status: 409,
    message: "Another connection of this workspace already has that name.",
    hint: "People see the name on the login page (“Continue with <name>”): give each connection a name they can tell apart, e.g. “Okta (contractors)”.",
    fixer: "user",
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: "This Idempotency-Key was used with a different request.",
    hint: "Use a new Idempotency-Key for a different request.",
    fixer: "user",
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    message: "A request with this Idempotency-Key is still in progress.",
    hint: "Retry after the first request finishes.",
    fixer: "user",
  },
  RATE_LIMITED: { status: 429, message: "Too many requests.", hint: "Wait for the time in Retry-After, then try again.", fixer: "user" },
  INTERNAL: {
    status: 500,
    message: "Something went wrong on our side.",
    hint: "Try again; if it persists, give the operator the request ID.",
    fixer: "operator",
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: "The request body is too large.",
    hint: "Send a smaller body (the REST API accepts up to 1 MB, SSO discovery 4 KB).",
    fixer: "user",
  },
  DB_UNAVAILABLE: {
    status: 503,
    message: "The database is unreachable.",
    hint: "Check DATABASE_URL and that Postgres is running.",
    fixer: "operator",
  },
  CLI_SERVER_UNREACHABLE: {
    status: 503,
    message: "The server that owns the embedded database did not take the CLI command.",
    hint: "Stop the server and run the command again, or run the server and the CLI on real Postgres with DATABASE_URL.",
    fixer: "operator",
  },

  // ── sign-in and membership ───────────────────────────────────────────────
  INVALID_CREDENTIALS: {
    status: 401,
    message: "Wrong email or password.",
    hint: "Check both and try again, or use “Forgot password” with your admin.",
    fixer: "user",
  },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    message: "Too many failed sign-in attempts.",
    hint: "Wait a few minutes before trying again.",
    fixer: "user",
  },
  SSO_REQUIRED: {
    status: 403,
    message: "Your organization requires single sign-on.",
    hint: "Sign in with your company's identity provider: enter your email and choose “Continue with SSO”.",
    fixer: "user",
  },
  PASSWORD_RESET_INVALID: {
    status: 410,
    message: "This password reset link is no longer valid.",
    hint: "Links work once and expire after 30 minutes: ask for a new one with “Forgot password?” on the sign-in page.",
    fixer: "user",
  },
  EMAIL_NOT_CONFIGURED: {
    status: 503,
    message: "This server does not send email.",
    hint: "Ask your Gatehouse operator to set SMTP_URL, or to set a new password for you (gatehouse users:set-password).",
    fixer: "operator",
  },
  IP_NOT_ALLOWED: {
    status: 403,
    message: "This workspace does not allow access from your network.",
    hint: "Connect from your company network or VPN and try again. If you should have access from here, ask an owner of the workspace to add your network to its IP allowlist (Settings → Security).",
    fixer: "workspace_admin",
  },
  IP_ALLOWLIST_CONFIRMATION_REQUIRED: {
    status: 409,
    message: "These ranges do not include the address you are using now: saving them would lock you out.",
    hint: "Add your current address (`detail.address`) to the ranges, or confirm by typing the workspace's slug (console) / sending it as `confirm_lockout`.",
    fixer: "workspace_admin",
  },
  LAST_OWNER: {
    status: 409,
    message: "A workspace needs at least one owner.",
    hint: "Make another member owner first.",
    fixer: "workspace_admin",
  },
  INVITATION_INVALID: {
    status: 410,
    message: "This invitation is no longer valid.",
    hint: "Ask a workspace admin to send a new invitation.",
    fixer: "workspace_admin",
  },
  ALREADY_MEMBER: {
    status: 409,
    message: "This person is already a member.",
    hint: "Change their role on the Members page instead.",
    fixer: "workspace_admin",
  },

  // ── domains ──────────────────────────────────────────────────────────────
  DOMAIN_INVALID: {
    status: 422,
    message: "That is not a valid registrable domain.",
    hint: "Enter a domain like example.com, without @, scheme or path.",
    fixer: "user",
  },
  DOMAIN_TAKEN: {
    status: 409,
    message: "This domain is verified by another workspace.",
    hint: "Contact your Gatehouse operator if your organization owns this domain.",
    fixer: "operator",
  },
  DOMAIN_NOT_VERIFIED: {
    status: 409,
    message: "The domain is not verified.",
    hint: "Create the TXT record and click Verify.",
    fixer: "workspace_admin",
  },
  DNS_RECORD_MISSING: {
    status: 422,
    message: "No verification TXT record was found.",
    hint: "Create the TXT record shown, wait for DNS to propagate, then verify again.",
    fixer: "workspace_admin",
  },
  DNS_RECORD_MISMATCH: {
    status: 422,
    message: "The TXT record has a different value.",
    hint: "Copy the value exactly as shown into the TXT record.",
    fixer: "workspace_admin",
  },
  DNS_ERROR: {
    status: 502,
    message: "The DNS lookup failed.",
    hint: "Try again in a minute; check that the domain's name servers answer.",
    fixer: "workspace_admin",
  },
  ENFORCEMENT_LOCKS_YOU_OUT: {
    status: 409,
    message: "This change would end your own access: you would have to sign in with SSO, which you have not done in this workspace yet.",
    hint: "Sign in once with SSO (test the connection with your own account) first, or keep owners break-glass; then try again.",
    fixer: "workspace_admin",
  },
  CONNECTION_NOT_READY: {
    status: 409,
    message: "That connection cannot sign anyone in yet.",
    hint: "Add the IdP metadata and turn the connection on in Settings → SSO, then route the domain to it.",
    fixer: "workspace_admin",
  },
  ENFORCEMENT_CONFIRMATION_REQUIRED: {
    status: 409,
    message: "Enforcing SSO now could lock people out.",
    hint: 'Review the warnings in `detail.warnings`, then confirm (console) or resend with `"confirm": true`.',
    fixer: "workspace_admin",
  },

  // ── directory sync (SCIM; answered as RFC 7644 errors) ──────────────────
  SCIM_UNAUTHORIZED: {
    status: 401,
    message: "The bearer token is missing, wrong or expired for this directory.",
    hint: "Copy the directory's token from Settings → Directory sync (rotate it if it was lost) into the IdP's provisioning settings.",
    fixer: "idp_admin",
  },
  SCIM_DIRECTORY_INACTIVE: {
    status: 403,
    message: "This directory is turned off.",
    hint: "A workspace admin can turn it back on in Settings → Directory sync.",
    fixer: "workspace_admin",
  },
  SCIM_EMAIL_MISSING: {
    status: 400,
    message: "The user has no usable email address.",
    hint: "Send the work email in `emails` (type work or primary) or as the userName.",
    fixer: "idp_admin",
  },
  SCIM_EMAIL_OUTSIDE_DOMAINS: {
    status: 400,
    message: "The user's email is not in a verified domain of this workspace.",
    hint: "Verify the domain in Settings → Domains, or assign only people with addresses in verified domains to the app.",
    fixer: "workspace_admin",
  },
  SCIM_USER_NAME_TAKEN: {
    status: 409,
    message: "Another user of this directory already has this userName.",
    hint: 'Look the user up by userName (GET /Users?filter=userName eq "…") and update it instead of creating it again.',
    fixer: "idp_admin",
  },
  SCIM_ACCOUNT_TAKEN: {
    status: 409,
    message: "This email belongs to an account this directory does not manage.",
    hint: "The address is used by another person or another directory; check the email in the IdP.",
    fixer: "idp_admin",
  },
  SCIM_LAST_OWNER: {
    status: 400,
    message: "This person is the workspace's last owner: the directory cannot deprovision them.",
    hint: "Make another member owner in Gatehouse (Settings → Members) first, then retry the change in the IdP.",
    fixer: "workspace_admin",
  },
  SCIM_UNKNOWN_MEMBER: {
    status: 400,
    message: "A group member is not a user of this directory.",
    hint: "Provision the user (assign them to the app) before adding them to a group.",
    fixer: "idp_admin",
  },

  // ── SAML (browser endpoints render these as a page) ─────────────────────
  SAML_NOT_FOUND: {
    status: 404,
    message: "No SSO connection exists at this address.",
    hint: "Copy the URL again from Settings → SSO; the slug may be misspelled or the connection deleted.",
    fixer: "workspace_admin",
  },
  SAML_INACTIVE: {
    status: 410,
    message: "This SSO connection is turned off.",
    hint: "A workspace admin can turn it back on in Settings → SSO (the Active switch).",
    fixer: "workspace_admin",
  },
  SAML_NOT_CONFIGURED: {
    status: 409,
    message: "This SSO connection has no identity provider configured yet.",
    hint: "Add the IdP metadata (URL or XML) on the connection page.",
    fixer: "workspace_admin",
  },
  SAML_BODY_TOO_LARGE: {
    status: 413,
    message: "The SAML response is too large.",
    hint: "The IdP sent more than the allowed size; reduce the attributes (for example group claims) it sends.",
    fixer: "idp_admin",
  },
  SAML_MALFORMED: {
    status: 400,
    message: "The SAML response could not be read.",
    hint: "Make sure the IdP posts a base64-encoded SAMLResponse with the HTTP-POST binding to the ACS URL.",
    fixer: "idp_admin",
  },
  SAML_DOCTYPE_FORBIDDEN: {
    status: 400,
    message: "The SAML response contains a DOCTYPE or entity declaration.",
    hint: "SAML responses must not contain DTDs; this is refused for security.",
    fixer: "idp_admin",
  },
  SAML_STATUS_NOT_SUCCESS: {
    status: 401,
    message: "The identity provider reported that sign-in failed.",
    hint: "Check the user's assignment to the app in the IdP and the IdP's logs.",
    fixer: "idp_admin",
  },
  SAML_NO_ASSERTION: {
    status: 400,
    message: "The SAML response carries no assertion.",
    hint: "Configure the IdP to include a (signed) assertion.",
    fixer: "idp_admin",
  },
  SAML_MULTIPLE_ASSERTIONS: {
    status: 400,
    message: "The SAML response carries more than one assertion.",
    hint: "Exactly one assertion is accepted.",
    fixer: "idp_admin",
  },
  SAML_ENCRYPTED_UNSUPPORTED: {
    status: 400,
    message: "The assertion is encrypted, but this connection has no encryption key.",
    hint: "Turn on “Encrypted assertions” on the connection page and give the IdP the encryption certificate shown there, or turn off assertion encryption for this app in the IdP.",
    fixer: "idp_admin",
  },
  SAML_ENCRYPTION_REQUIRED: {
    status: 400,
    message: "This connection requires encrypted assertions, and the IdP sent a plaintext one.",
    hint: "Turn on assertion encryption for this app in the IdP with the encryption certificate from the connection page (or the SP metadata), or turn off “Require encrypted assertions”.",
    fixer: "idp_admin",
  },
  SAML_ENCRYPTION_ALGORITHM_NOT_ALLOWED: {
    status: 400,
    message: "The assertion is encrypted with an algorithm that is not accepted.",
    hint: "Use RSA-OAEP for key transport (RSA 1.5 is refused) and AES-256-GCM or AES-128-GCM for the content (AES-CBC only when the assertion itself is signed).",
    fixer: "idp_admin",
  },
  SAML_ENCRYPTION_CBC_NEEDS_SIGNED_ASSERTION: {
    status: 400,
    message: "The assertion is encrypted with AES-CBC but is not signed itself.",
    hint: "AES-CBC has no integrity of its own: have the IdP sign the assertion (not only the response), or switch the content encryption to AES-256-GCM.",
    fixer: "idp_admin",
  },
  SAML_ENCRYPTED_TOO_LARGE: {
    status: 400,
    message: "The encrypted assertion is larger than accepted.",
    hint: "Send fewer or shorter attributes in the assertion (group lists are the usual cause).",
    fixer: "idp_admin",
  },
  SAML_DECRYPTION_FAILED: {
    status: 400,
    message: "The encrypted assertion could not be decrypted and verified.",
    hint: "Make sure the IdP encrypts to this connection's current encryption certificate (download it again after a rotation) and signs with its registered certificate.",
    fixer: "idp_admin",
  },
  SAML_SIGNATURE_MISSING: {
    status: 401,
    message: "The SAML response is not signed.",
    hint: "Configure the IdP to sign the assertion (or the response).",
    fixer: "idp_admin",
  },
  SAML_SIGNATURE_INVALID: {
    status: 401,
    message: "The signature does not verify with the IdP certificate.",
    hint: "The IdP certificate on the connection does not match the one that signed. Refresh the metadata, or paste the new certificate.",
    fixer: "workspace_admin",
  },
  SAML_WEAK_ALGORITHM: {
    status: 401,
    message: "The response is signed with an algorithm that is not allowed.",
    hint: "Configure the IdP to sign with RSA-SHA256 and digest SHA-256.",
    fixer: "idp_admin",
  },
  SAML_WRONG_ISSUER: {
    status: 401,
    message: "The response comes from a different identity provider than configured.",
    hint: "The Issuer must equal the IdP entity ID on the connection. Re-import the IdP metadata.",
    fixer: "workspace_admin",
  },
  SAML_AUDIENCE_MISMATCH: {
    status: 401,
    message: "The assertion is meant for a different service provider.",
    hint: "Set the Audience URI / Entity ID in the IdP to exactly the SP Entity ID shown in Gatehouse.",
    fixer: "idp_admin",
  },
  SAML_RECIPIENT_MISMATCH: {
    status: 401,
    message: "The assertion was sent to a different ACS URL.",
    hint: "Set the Single sign-on / Reply / ACS URL in the IdP to exactly the ACS URL shown in Gatehouse.",
    fixer: "idp_admin",
  },
  SAML_DESTINATION_MISMATCH: {
    status: 401,
    message: "The response names a different destination.",
    hint: "Set the ACS URL in the IdP to exactly the ACS URL shown in Gatehouse.",
    fixer: "idp_admin",
  },
  SAML_EXPIRED: {
    status: 401,
    message: "The assertion has expired.",
    hint: "Start the sign-in again. If it keeps happening, check the IdP server's clock.",
    fixer: "user",
  },
  SAML_NOT_YET_VALID: {
    status: 401,
    message: "The assertion is not valid yet.",
    hint: "The IdP's clock is ahead of ours; check NTP on the IdP.",
    fixer: "idp_admin",
  },
  SAML_MISSING_CONDITIONS: {
    status: 401,
    message: "The assertion lacks its validity window.",
    hint: "The IdP must send Conditions with NotBefore/NotOnOrAfter and a bearer SubjectConfirmation.",
    fixer: "idp_admin",
  },
  SAML_BEARER_MISSING: {
    status: 401,
    message: "The assertion has no bearer subject confirmation.",
    hint: "Configure the IdP for Web Browser SSO (bearer).",
    fixer: "idp_admin",
  },
  SAML_IN_RESPONSE_TO_INVALID: {
    status: 401,
    message: "This response does not answer a sign-in we started.",
    hint: "Start the sign-in again from the login page; links from old tabs expire after 10 minutes.",
    fixer: "user",
  },
  SAML_UNSOLICITED: {
    status: 401,
    message: "IdP-initiated sign-in is turned off for this connection.",
    hint: "Start from the Gatehouse login page, or turn on IdP-initiated sign-in on the connection.",
    fixer: "workspace_admin",
  },
  SAML_REPLAY: {
    status: 401,
    message: "This sign-in response was already used.",
    hint: "Start a fresh sign-in; the browser re-sent an old response (e.g. after pressing Back).",
    fixer: "user",
  },
  SAML_MISSING_EMAIL: {
    status: 401,
    message: "The assertion carries no email address.",
    hint: "Send the email as NameID (format emailAddress) or as an `email` attribute.",
    fixer: "idp_admin",
  },
  SAML_EMAIL_OUTSIDE_DOMAINS: {
    status: 403,
    message: "This email address is outside the workspace's verified domains.",
    hint: "Use an address in a verified domain, or verify this domain in Settings → Domains.",
    fixer: "workspace_admin",
  },
  SAML_ACCOUNT_NOT_LINKABLE: {
    status: 403,
    message: "An account with this email exists and cannot be signed in by this connection.",
    hint: "Verify the email's domain in this workspace (and allow account linking), or sign in as before.",
    fixer: "workspace_admin",
  },
  SAML_USER_NOT_PROVISIONED: {
    status: 403,
    message: "You do not have access to this workspace yet.",
    hint: "Ask the workspace admin to invite you (just-in-time provisioning is off for this connection).",
    fixer: "workspace_admin",
  },
  SAML_PRIVILEGED_ACCOUNT: {
    status: 403,
    message: "This connection may not sign in this owner or admin account.",
    hint: "Owners and admins sign in only through an owner-approved SSO connection of their own workspace. Sign in with your password, or ask an owner to approve the connection.",
    fixer: "workspace_admin",
  },
  SAML_USER_DISABLED: {
    status: 403,
    message: "This account is disabled.",
    hint: "Ask the workspace admin to re-enable your account.",
    fixer: "workspace_admin",
  },
  SAML_METADATA_INVALID: {
    status: 422,
    message: "The IdP metadata could not be used.",
    hint: "Paste the full metadata XML from your IdP, or check the metadata URL.",
    fixer: "workspace_admin",
  },
  SAML_METADATA_FETCH_FAILED: {
    status: 422,
    message: "The IdP metadata URL could not be fetched.",
    hint: "Check the URL is public HTTPS and reachable, then press Refresh.",
    fixer: "workspace_admin",
  },
  SAML_BROWSER_MISMATCH: {
    status: 400,
    message: "This sign-in was started in another browser.",
    hint: "Start the sign-in again in this browser (from the login page or your identity provider's dashboard). A sign-in link cannot be opened in another browser or passed on, and needs cookies to be allowed.",
    fixer: "user",
  },
  SAML_LOGIN_TICKET_INVALID: {
    status: 400,
    message: "This sign-in link has expired or was already used.",
    hint: "Sign in again.",
    fixer: "user",
  },

  // ── SAML single logout (/auth/sso/saml/{slug}/slo) ──────────────────────
  SAML_SLO_MALFORMED: {
    status: 400,
    message: "The logout message could not be read.",
    hint: "The IdP must send a LogoutRequest or LogoutResponse (SAMLRequest or SAMLResponse) with the HTTP-Redirect or HTTP-POST binding to the SP single logout URL.",
    fixer: "idp_admin",
  },
  SAML_SLO_TOO_LARGE: {
    status: 413,
    message: "The logout message is too large.",
    hint: "Logout messages are small; check that the IdP sends a LogoutRequest/LogoutResponse to the single logout URL, not a sign-in response.",
    fixer: "idp_admin",
  },
  SAML_SLO_SIGNATURE_MISSING: {
    status: 401,
    message: "The logout message is not signed.",
    hint: "Configure the IdP to sign single logout messages (in Okta: upload the SP certificate and sign logout requests; in Entra: logout is signed by default).",
    fixer: "idp_admin",
  },
  SAML_SLO_SIGNATURE_INVALID: {
    status: 401,
    message: "The logout message's signature does not verify with the IdP certificate.",
    hint: "The IdP certificate on the connection does not match the one that signed. Refresh the metadata, or paste the new certificate.",
    fixer: "workspace_admin",
  },
  SAML_SLO_WEAK_ALGORITHM: {
    status: 401,
    message: "The logout message is signed with an algorithm that is not allowed.",
    hint: "Configure the IdP to sign with RSA-SHA256 (SHA-1 is accepted only when the connection allows it).",
    fixer: "idp_admin",
  },
  SAML_SLO_WRONG_ISSUER: {
    status: 401,
    message: "The logout message comes from a different identity provider than configured.",
    hint: "The Issuer must equal the IdP entity ID on the connection. Re-import the IdP metadata.",
    fixer: "workspace_admin",
  },
  SAML_SLO_DESTINATION_MISMATCH: {
    status: 401,
    message: "The logout message names a different destination.",
    hint: "Set the single logout URL (SLO URL) in the IdP to exactly the SP single logout URL shown in Gatehouse.",
    fixer: "idp_admin",
  },
  SAML_SLO_EXPIRED: {
    status: 401,
    message: "The logout message is outside its time window.",
    hint: "Sign out again. If it keeps happening, check the IdP server's clock (logout messages are accepted for 5 minutes).",
    fixer: "user",
  },
  SAML_SLO_REPLAY: {
    status: 401,
    message: "This logout message was already used.",
    hint: "Nothing to do: the sign-out it asked for already happened. The browser re-sent an old message.",
    fixer: "user",
  },
  SAML_SLO_IN_RESPONSE_TO_INVALID: {
    status: 401,
    message: "This logout response does not answer a sign-out we started.",
    hint: "Your Gatehouse session has ended anyway. Sign-out links expire after 10 minutes and work once.",
    fixer: "user",
  },
  SAML_SLO_NOT_CONFIGURED: {
    status: 409,
    message: "This connection has no IdP single logout URL.",
    hint: "Add the IdP's single logout URL on the connection page (or re-import metadata that lists a SingleLogoutService).",
    fixer: "workspace_admin",
  },
} satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof catalogue;

export function describeError(code: ErrorCode): Entry {
  return catalogue[code];
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(catalogue, code);
}

/**
 * One invalid field: its dotted path in the operation schema's own names ("manual.certificatePem",
 * "rules.0.role"; "" for the whole input) and what is wrong with it. Edges rename paths for their
 * audience (the REST API: snake_case); services and server actions use these names as they are.
 */
export type FieldError = { path: string; message: string };

type AppErrorOptions = {
  message?: string;
  hint?: string;
  /** Invalid fields (VALIDATION_FAILED, SLUG_TAKEN, SAML_METADATA_INVALID on a typed certificate, …). */
  fields?: FieldError[];
  detail?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly hint: string;
  readonly fixer: Fixer;
  readonly fields?: FieldError[];
  /** Safe, non-secret values (expected/actual). */
  readonly detail?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, opts: AppErrorOptions = {}) {
    const entry = catalogue[code];
    super(opts.message ?? entry.message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.status = entry.status;
    this.hint = opts.hint ?? entry.hint;
    this.fixer = entry.fixer;
    this.fields = opts.fields?.length ? opts.fields : undefined;
    this.detail = opts.detail;
    this.headers = opts.headers;
  }

  /** The same error with its field paths renamed (a use-case reporting a nested call's fields in its own names). */
  renameFields(rename: (path: string) => string): AppError {
    if (!this.fields) return this;
    return new AppError(this.code, {
      message: this.message,
      hint: this.hint,
      fields: this.fields.map((f) => ({ path: rename(f.path), message: f.message })),
      detail: this.detail,
      headers: this.headers,
      cause: this.cause,
    });
  }
}

/** A zod failure (anything with `issues`) as VALIDATION_FAILED, one field per issue. */
export function validationError(
  e: { issues: readonly { path: readonly PropertyKey[]; message: string }[] },
  opts: { message?: string } = {},
): AppError {
  return new AppError("VALIDATION_FAILED", {
    message: opts.message,
    fields: e.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    cause: e,
  });
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Unique-violation from either driver (postgres.js or PGlite). */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const c = cur as { code?: string; constraint?: string; constraint_name?: string; cause?: unknown };
    if (c.code === "23505") {
      return !constraint || c.constraint === constraint || c.constraint_name === constraint;
    }
    cur = c.cause;
  }
  return false;
}
