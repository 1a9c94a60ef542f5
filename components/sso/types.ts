export type { ActionError } from "@/lib/http/action-result";

export type SpValuesProps = {
  entityId: string;
  acsUrl: string;
  metadataUrl: string;
  loginUrl: string;
  /** The SP single logout URL (SAML SLO). */
  sloUrl: string;
  certificateUrl: string | null;
};

/** A parsed IdP metadata preview, as shown in step 3. */
export type MetadataPreview = {
  entityId: string;
  ssoUrlRedirect: string | null;
  ssoUrlPost: string | null;
  certificates: { subject: string; notBefore: string; notAfter: string; fingerprintSha256: string; daysLeft: number }[];
};

/** A sign-in attempt for the event log / result pages. */
export type SsoEventView = {
  id: string;
  outcome: "success" | "failure";
  errorCode: string | null;
  email: string | null;
  flow: "sp" | "idp" | null;
  testMode: boolean;
  createdAt: string;
  detail: Record<string, unknown>;
};
