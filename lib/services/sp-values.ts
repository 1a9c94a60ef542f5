/** The values an IdP admin registers for a connection; all derived from APP_URL and the slug. */
export type SpValues = { entityId: string; acsUrl: string; metadataUrl: string; loginUrl: string; sloUrl: string };

export function spValues(appUrl: string, slug: string): SpValues {
  const entityId = `${appUrl.replace(/\/+$/, "")}/auth/sso/saml/${encodeURIComponent(slug)}`;
  return {
    entityId,
    acsUrl: `${entityId}/acs`,
    metadataUrl: `${entityId}/metadata`,
    loginUrl: `${entityId}/login`,
    sloUrl: `${entityId}/slo`,
  };
}
