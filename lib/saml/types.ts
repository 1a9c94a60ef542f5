/** Public result and input types of lib/saml. */
import type { ErrorCode } from "@/lib/errors";

export type SamlFailure = {
  ok: false;
  code: ErrorCode;
  detail: Record<string, unknown>;
  /** Set when the failure was found after a signature of a configured IdP certificate verified. */
  signatureVerified?: true;
};

export function fail(code: ErrorCode, detail: Record<string, unknown> = {}): SamlFailure {
  return { ok: false, code, detail };
}

export type ExpectedResponse = {
  spEntityId: string;
  acsUrl: string;
  idpEntityId: string;
  /** Every certificate is trusted (IdP rotation: old and new both valid). */
  idpCertificatesPem: string[];
  allowSha1: boolean;
  clockSkewSeconds: number;
  /**
   * PEM private keys that may decrypt an EncryptedAssertion (the connection's encryption keys during a
   * rotation overlap). Absent or empty: an encrypted assertion is refused (SAML_ENCRYPTED_UNSUPPORTED).
   */
  decryptionKeysPem?: string[];
  /** Refuse a plaintext assertion (SAML_ENCRYPTION_REQUIRED). */
  requireEncryptedAssertions?: boolean;
};

export type ValidatedAssertion = {
  id: string;
  issuer: string;
  nameId: string;
  nameIdFormat: string | null;
  /** NameID@NameQualifier and @SPNameQualifier (single logout names the person with them). */
  nameQualifier: string | null;
  spNameQualifier: string | null;
  /** From the signed SubjectConfirmationData; null = unsolicited (IdP-initiated). */
  inResponseTo: string | null;
  /**
   * The earliest of Conditions@NotOnOrAfter and SubjectConfirmationData@NotOnOrAfter. The assertion is
   * accepted until this instant + clockSkewSeconds: keep replay records at least that long.
   */
  notOnOrAfter: Date;
  sessionIndex: string | null;
  attributes: Record<string, string[]>;
  /** Lower-cased email (NameID or an email attribute). */
  email: string | null;
  firstName: string | null;
  lastName: string | null;
};

export type ValidateResult = { ok: true; assertion: ValidatedAssertion } | SamlFailure;

export type CertificateInfo = {
  pem: string;
  subject: string;
  /** ISO 8601 */
  notBefore: string;
  /** ISO 8601 */
  notAfter: string;
  fingerprintSha256: string;
};
