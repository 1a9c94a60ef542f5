import { siAuth0, siGoogle, siOkta, type SimpleIcon } from "simple-icons";

/**
 * The IdPs' own marks, from simple-icons (CC0), imported one by one so only these reach the bundle.
 * simple-icons carries no mark for Microsoft (Entra ID), OneLogin, JumpCloud or Ping Identity: those,
 * the dev IdP and "other" get the neutral generic mark.
 */
export const IDP_MARKS: Partial<Record<string, Pick<SimpleIcon, "title" | "path" | "hex">>> = {
  okta: siOkta,
  google: siGoogle,
  auth0: siAuth0,
};
