import type { DirectoryKind } from "@/lib/schemas/directories";

/** Guided setup per IdP: where the SCIM base URL and token go, in each console's own words. */
export type DirectoryGuide = { kind: DirectoryKind; label: string; urlField: string; tokenField: string; steps: string[] };

export const DIRECTORY_GUIDES: DirectoryGuide[] = [
  {
    kind: "okta",
    label: "Okta",
    urlField: "SCIM connector base URL",
    tokenField: "Bearer token (Authentication Mode: HTTP Header)",
    steps: [
      "In the Okta Admin Console open your Gatehouse app → General → App Settings → Edit, set Provisioning to SCIM, and save.",
      "Provisioning → Integration: paste the SCIM connector base URL, set Unique identifier field for users to userName, tick Push New Users, Push Profile Updates and Push Groups, choose HTTP Header and paste the token, then Test Connector Configuration and save.",
      "Provisioning → To App → Edit: enable Create Users, Update User Attributes and Deactivate Users.",
      "Assign people (and push the groups you want to map to roles under Push Groups).",
    ],
  },
  {
    kind: "entra",
    label: "Microsoft Entra ID",
    urlField: "Tenant URL",
    tokenField: "Secret Token",
    steps: [
      "In the Entra admin center open Enterprise applications → your Gatehouse app → Provisioning → Get started, and set Provisioning Mode to Automatic.",
      "Under Admin Credentials paste the Tenant URL and the Secret Token, then Test Connection.",
      'Mappings: keep userName ← userPrincipalName and emails[type eq "work"].value ← mail; make sure the mail attribute is in a domain you verified in Gatehouse.',
      "Settings: Scope “Sync only assigned users and groups”; assign people and groups under Users and groups; set Provisioning Status to On and save.",
    ],
  },
  {
    kind: "onelogin",
    label: "OneLogin",
    urlField: "SCIM Base URL",
    tokenField: "SCIM Bearer Token",
    steps: [
      "Add the “SCIM Provisioner with SAML (SCIM v2 Enterprise)” app (or use your Gatehouse SAML app) → Configuration.",
      "Paste the SCIM Base URL and the SCIM Bearer Token, set SCIM JSON Template userName to the email, and click Enable under API Connection.",
      "Provisioning: tick Enable provisioning, and choose Delete (or Suspend) when users are removed or suspended.",
      "Assign users (Users tab or roles); push groups with Rules if you map groups to roles.",
    ],
  },
  {
    kind: "jumpcloud",
    label: "JumpCloud",
    urlField: "Base URL",
    tokenField: "Token Key",
    steps: [
      "In the JumpCloud Admin Portal open SSO Applications → your Gatehouse app → Identity Management.",
      "Choose SCIM 2.0, paste the Base URL and the Token Key, and click Test Connection, then Activate.",
      "Enable Group Management if you map groups to roles.",
      "Bind user groups to the application: their members are provisioned; removing them deprovisions them.",
    ],
  },
  {
    kind: "generic",
    label: "Other SCIM 2.0",
    urlField: "SCIM base URL",
    tokenField: "Bearer token (Authorization: Bearer …)",
    steps: [
      "In your identity provider, add a SCIM 2.0 provisioning target with the base URL below and bearer-token authentication.",
      "Send userName and a work email in a domain you verified in Gatehouse; active:false (or DELETE) deprovisions.",
      "Users, Groups, PATCH, filters (userName, externalId, emails, displayName) and startIndex/count pagination are supported; see /ServiceProviderConfig.",
    ],
  },
];

export function directoryGuide(kind: string): DirectoryGuide {
  return DIRECTORY_GUIDES.find((g) => g.kind === kind) ?? DIRECTORY_GUIDES[DIRECTORY_GUIDES.length - 1]!;
}

/** Said plainly in the console: Google Workspace cannot provision custom apps over SCIM. */
export const GOOGLE_WORKSPACE_NOTE =
  "Google Workspace has no SCIM provisioning for custom apps: it provisions only apps from Google's own catalogue. With Google, people are created at their first SSO sign-in (just in time), and removing them in Google does not reach Gatehouse until you remove them here.";
