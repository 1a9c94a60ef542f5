import SCIMMY from "scimmy";

/**
 * SCIMMY, configured once for Gatehouse: Users (with the enterprise extension Entra sends) and Groups,
 * PATCH and filters on, no bulk/sort/etag/password change, bearer-token authentication. Resource
 * locations are written against BASE_PLACEHOLDER and replaced with the directory's own base URL when a
 * response is serialised (SCIMMY keeps one base path per process; Gatehouse has one per directory).
 */
export const BASE_PLACEHOLDER = "urn:gatehouse:scim-base";

let configured = false;

export function scimmy(): typeof SCIMMY {
  if (!configured) {
    SCIMMY.Config.set({
      patch: true,
      filter: { supported: true, maxResults: 200 },
      bulk: false,
      sort: false,
      etag: false,
      changePassword: false,
      authenticationSchemes: [
        {
          type: "oauthbearertoken",
          name: "OAuth Bearer Token",
          description: "The directory's bearer token from Gatehouse (Settings → Directory sync), sent as Authorization: Bearer scim_…",
          specUri: "https://www.rfc-editor.org/info/rfc6750",
          primary: true,
        },
      ],
    });
    SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false));
    SCIMMY.Resources.declare(SCIMMY.Resources.Group);
    for (const R of [
      SCIMMY.Resources.User,
      SCIMMY.Resources.Group,
      SCIMMY.Resources.Schema,
      SCIMMY.Resources.ResourceType,
      SCIMMY.Resources.ServiceProviderConfig,
    ])
      R.basepath(BASE_PLACEHOLDER);
    configured = true;
  }
  return SCIMMY;
}

export type ScimmyFilter = InstanceType<typeof SCIMMY.Types.Filter>;
