import SCIMMY from "scimmy";

/** RFC 7644 §3.12 error keywords. */
export type ScimType =
  | "uniqueness"
  | "tooMany"
  | "invalidFilter"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive";

export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

export type ScimErrorBody = { schemas: [string]; status: string; scimType?: ScimType; detail: string };

/** An RFC 7644 error body: `status` is a string, `scimType` only where the RFC defines one. */
export function scimErrorBody(status: number, detail: string, scimType?: ScimType | null): ScimErrorBody {
  return { schemas: [SCIM_ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

/** A SCIM protocol error raised by Gatehouse's own checks (same class SCIMMY throws). */
export function scimError(status: number, scimType: ScimType | null, detail: string): Error {
  return new SCIMMY.Types.Error(status, scimType as string, detail);
}

export function isScimmyError(e: unknown): e is { status: number; scimType?: string; message: string } {
  return e instanceof SCIMMY.Types.Error;
}

/** The RFC 7644 keyword for Gatehouse error codes answered on the SCIM API. */
export const SCIM_TYPE_OF_CODE: Record<string, ScimType> = {
  SCIM_EMAIL_MISSING: "invalidValue",
  SCIM_EMAIL_OUTSIDE_DOMAINS: "invalidValue",
  SCIM_UNKNOWN_MEMBER: "invalidValue",
  SCIM_USER_NAME_TAKEN: "uniqueness",
  SCIM_ACCOUNT_TAKEN: "uniqueness",
  SCIM_LAST_OWNER: "mutability",
  VALIDATION_FAILED: "invalidValue",
  BAD_REQUEST: "invalidSyntax",
};
