/**
 * Per-IdP setup knowledge for the guided SSO console: each IdP's OWN names for the values Gatehouse
 * shows, the menu path to each screen, the attribute statements to add, the default groups
 * attribute and where the IdP publishes its metadata. Pure data: no db, no env, safe for client code.
 */

export const IDP_TYPES = ["okta", "entra", "google", "onelogin", "jumpcloud", "ping", "auth0", "other", "dev"] as const;
export type IdpType = (typeof IDP_TYPES)[number];

/** The SP values Gatehouse generates for a connection (see lib/services/sp-values.ts). */
export type SpValueKey = "acsUrl" | "entityId" | "metadataUrl" | "loginUrl" | "sloUrl" | "certificate";

export type SpFieldLabel = {
  key: SpValueKey;
  /** The field name exactly as it reads on the IdP's screen. */
  label: string;
  /** Extra guidance shown under the field (checkboxes beside it, optional or not, …). */
  note?: string;
  /** "regex": the IdP wants an anchored regular expression of the value (OneLogin's URL validator). */
  transform?: "regex";
};

export type AttributeStatement = {
  /** The attribute name to type in the IdP (what Gatehouse reads). */
  name: string;
  /** The IdP's own name for the user property to send. */
  source: string;
  purpose: "email" | "firstName" | "lastName" | "groups";
  required: boolean;
};

export type SetupStep = { title: string; menuPath: string[]; instructions: string[] };

export type IdpEntry = {
  type: IdpType;
  displayName: string;
  /** Two-letter monogram and brand colour for the logo tile (dark enough for white text: contrast ≥ 4.5:1). */
  monogram: string;
  color: string;
  /** One sentence under the tile in the picker. */
  tagline: string;
  /** Where the admin creates the app in this IdP. */
  createApp: SetupStep;
  /** Where the SP values go. */
  spFieldsScreen: SetupStep;
  /** The IdP's label for each SP value, in screen order; values not listed are shown under "other values". */
  spFields: SpFieldLabel[];
  /** How to make the NameID the user's email. */
  nameId: string;
  attributesScreen: SetupStep;
  attributes: AttributeStatement[];
  /** Name of the attribute that carries groups by default (for role mapping). */
  defaultGroupsAttribute: string;
  /** Where the IdP metadata is found. */
  metadata: { offersUrl: boolean; urlLabel?: string; where: string[]; hint: string };
  /** Who may sign in: the IdP screen where users/groups are assigned to the app. */
  assignUsers: SetupStep;
  /**
   * SAML single logout (optional): whether the IdP speaks it, the IdP's label for the SP single logout
   * URL (`label`), where that screen is, and where the IdP's own SLO URL comes from.
   */
  slo: { supported: boolean; label?: string; menuPath: string[]; instructions: string[] };
  /** Shown only outside production (the built-in test IdP). */
  devOnly?: boolean;
  /**
   * Assertion encryption in this IdP: whether it offers it, where, and the choices Gatehouse accepts
   * (RSA-OAEP key transport; AES-GCM, or AES-CBC only with the assertion itself signed).
   */
  encryption: string;
};

const ENTRA_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims";

const okta: IdpEntry = {
  type: "okta",
  displayName: "Okta",
  monogram: "Ok",
  color: "#00629b",
  tagline: "Okta Workforce Identity: a custom SAML 2.0 app integration.",
  createApp: {
    title: "Create the app integration",
    menuPath: ["Okta Admin Console", "Applications", "Applications", "Create App Integration"],
    instructions: ["Choose “SAML 2.0” and click Next.", "App name: your product's name (users see it on their Okta dashboard), then Next."],
  },
  spFieldsScreen: {
    title: "Configure SAML",
    menuPath: ["Create SAML Integration", "Configure SAML", "General"],
    instructions: [
      "Paste the values below into the fields of the same name.",
      "Name ID format: EmailAddress. Application username: Email.",
      "Under “Show Advanced Settings”: Response “Signed”, Assertion Signature “Signed”, Signature Algorithm “RSA-SHA256”.",
    ],
  },
  spFields: [
    { key: "acsUrl", label: "Single sign-on URL", note: "Leave “Use this for Recipient URL and Destination URL” checked." },
    { key: "entityId", label: "Audience URI (SP Entity ID)" },
    {
      key: "certificate",
      label: "Signature Certificate",
      note: "Under “Show Advanced Settings”: upload this certificate so Okta accepts our signed AuthnRequests.",
    },
  ],
  nameId: "Name ID format “EmailAddress”, Application username “Email”.",
  attributesScreen: {
    title: "Attribute statements",
    menuPath: ["Configure SAML", "Attribute Statements (optional)"],
    instructions: [
      "Add each attribute statement below (Name format: Unspecified).",
      "For groups use “Group Attribute Statements”: Name “groups”, Filter “Matches regex” with value .* (or narrow it to your app's groups).",
    ],
  },
  attributes: [
    { name: "email", source: "user.email", purpose: "email", required: true },
    { name: "firstName", source: "user.firstName", purpose: "firstName", required: false },
    { name: "lastName", source: "user.lastName", purpose: "lastName", required: false },
    { name: "groups", source: "Group Attribute Statement, filter “Matches regex” .*", purpose: "groups", required: false },
  ],
  defaultGroupsAttribute: "groups",
  metadata: {
    offersUrl: true,
    urlLabel: "Metadata URL",
    where: ["Applications", "your app", "Sign On", "SAML 2.0", "Metadata details", "Metadata URL"],
    hint: "Copy the “Metadata URL”: Gatehouse re-reads it, so Okta certificate rotations need no action.",
  },
  assignUsers: {
    title: "Assign people",
    menuPath: ["Applications", "your app", "Assignments", "Assign"],
    instructions: ["Assign the people or groups who may sign in."],
  },
  slo: {
    supported: true,
    label: "Single Logout URL",
    menuPath: ["Okta Admin Console", "Applications", "(your app)", "General", "SAML Settings", "Edit", "Show Advanced Settings"],
    instructions: [
      "Tick “Enable Single Logout”, paste the value below as Single Logout URL and the SP entity ID as SP Issuer.",
      "Signature Certificate: upload the SP certificate (Okta only accepts signed logout requests).",
      "Save, then refresh the metadata in Gatehouse: Okta lists its SingleLogoutService only once Single Logout is on.",
    ],
  },
  encryption:
    "Okta encrypts assertions: in the app's SAML settings, Show Advanced Settings → Assertion Encryption “Encrypted”, Encryption Algorithm AES256-GCM (AES256-CBC also works, Okta signs the assertion), Key Transport Algorithm RSA-OAEP (not RSA-15), and upload the encryption certificate from this page. Turn on “Require encrypted assertions” here first.",
};

const entra: IdpEntry = {
  type: "entra",
  displayName: "Microsoft Entra ID",
  monogram: "En",
  color: "#0067b8",
  tagline: "Formerly Azure AD: a non-gallery enterprise application.",
  createApp: {
    title: "Create the enterprise application",
    menuPath: ["Microsoft Entra admin center", "Identity", "Applications", "Enterprise applications", "New application"],
    instructions: [
      "Click “Create your own application”.",
      "Name it, choose “Integrate any other application you don't find in the gallery (Non-gallery)”, click Create.",
      "Open “Single sign-on” and choose “SAML”.",
    ],
  },
  spFieldsScreen: {
    title: "Basic SAML Configuration",
    menuPath: ["Enterprise applications", "your app", "Single sign-on", "Basic SAML Configuration", "Edit"],
    instructions: ["Click “Add identifier” and “Add reply URL” and paste the values below, then Save."],
  },
  spFields: [
    { key: "entityId", label: "Identifier (Entity ID)", note: "Tick “Default” beside it." },
    { key: "acsUrl", label: "Reply URL (Assertion Consumer Service URL)", note: "Tick “Default” beside it." },
    { key: "loginUrl", label: "Sign on URL (Optional)", note: "Makes the My Apps tile start a sign-in from Gatehouse." },
  ],
  nameId:
    "Attributes & Claims → “Unique User Identifier (Name ID)”: Name identifier format “Email address”, Source attribute “user.mail” (or user.userprincipalname when it is the email).",
  attributesScreen: {
    title: "Attributes & Claims",
    menuPath: ["Enterprise applications", "your app", "Single sign-on", "Attributes & Claims", "Edit"],
    instructions: [
      "Entra already sends email, given name and surname under claim URIs that Gatehouse reads; nothing to add for them.",
      "For roles: “Add a group claim” → “Groups assigned to the application” (or Security groups), Source attribute “Group ID”. Map groups by their Object ID.",
    ],
  },
  attributes: [
    { name: `${ENTRA_CLAIM}/emailaddress`, source: "user.mail (default claim)", purpose: "email", required: true },
    { name: `${ENTRA_CLAIM}/givenname`, source: "user.givenname (default claim)", purpose: "firstName", required: false },
    { name: `${ENTRA_CLAIM}/surname`, source: "user.surname (default claim)", purpose: "lastName", required: false },
    {
      name: "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
      source: "Add a group claim → Group ID",
      purpose: "groups",
      required: false,
    },
  ],
  defaultGroupsAttribute: "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
  metadata: {
    offersUrl: true,
    urlLabel: "App Federation Metadata Url",
    where: ["Enterprise applications", "your app", "Single sign-on", "SAML Certificates", "App Federation Metadata Url"],
    hint: "Copy the “App Federation Metadata Url”: Gatehouse re-reads it when Entra rolls its signing certificate.",
  },
  assignUsers: {
    title: "Assign users and groups",
    menuPath: ["Enterprise applications", "your app", "Users and groups", "Add user/group"],
    instructions: ["Only assigned users can sign in (unless “Assignment required?” is off under Properties)."],
  },
  slo: {
    supported: true,
    label: "Logout Url (Optional)",
    menuPath: ["Microsoft Entra admin center", "Enterprise applications", "(your app)", "Single sign-on", "Basic SAML Configuration"],
    instructions: [
      "Paste the value below as Logout Url: Entra sends its logout requests there when the person signs out of Microsoft.",
      "Entra's own Logout URL (section “Set up (your app)”) is in its federation metadata; Gatehouse picks it up from there.",
    ],
  },
  encryption:
    "Entra ID calls it token encryption: in the enterprise app, Single sign-on → Token encryption → Import certificate (the encryption certificate from this page), then Activate it. Entra encrypts with AES-256-CBC and RSA-OAEP, so keep the signing option on “Sign SAML assertion” (or response and assertion): Gatehouse accepts CBC only when the assertion itself is signed.",
};

const google: IdpEntry = {
  type: "google",
  displayName: "Google Workspace",
  monogram: "G",
  color: "#c5221f",
  tagline: "A custom SAML app in the Google Admin console.",
  createApp: {
    title: "Add a custom SAML app",
    menuPath: ["Google Admin console", "Apps", "Web and mobile apps", "Add app", "Add custom SAML app"],
    instructions: [
      "App name: your product's name, then Continue.",
      "On “Google Identity Provider details” click “Download metadata” (you paste it in step 3), then Continue.",
    ],
  },
  spFieldsScreen: {
    title: "Service provider details",
    menuPath: ["Add custom SAML app", "Service provider details"],
    instructions: [
      "Paste the values below.",
      "Name ID format: EMAIL. Name ID: Basic Information › Primary email.",
      "Leave “Signed response” unticked (Google signs the assertion).",
    ],
  },
  spFields: [
    { key: "acsUrl", label: "ACS URL" },
    { key: "entityId", label: "Entity ID" },
    { key: "loginUrl", label: "Start URL (optional)", note: "Makes the Google app launcher tile start a sign-in from Gatehouse." },
  ],
  nameId: "Name ID format “EMAIL”, Name ID “Basic Information › Primary email”.",
  attributesScreen: {
    title: "Attribute mapping",
    menuPath: ["Add custom SAML app", "Attribute mapping", "Add mapping"],
    instructions: [
      "Add each Google Directory attribute with the App attribute name below.",
      "For roles: under “Group membership (optional)” pick the Google groups to send and type “groups” as App attribute.",
    ],
  },
  attributes: [
    { name: "email", source: "Basic Information › Primary email", purpose: "email", required: true },
    { name: "firstName", source: "Basic Information › First name", purpose: "firstName", required: false },
    { name: "lastName", source: "Basic Information › Last name", purpose: "lastName", required: false },
    { name: "groups", source: "Group membership › Google groups", purpose: "groups", required: false },
  ],
  defaultGroupsAttribute: "groups",
  metadata: {
    offersUrl: false,
    where: ["Apps", "Web and mobile apps", "your app", "Download metadata"],
    hint: "Google offers no metadata URL: click “Download metadata” and paste the file's XML. When Google's certificate is renewed, paste the new metadata.",
  },
  assignUsers: {
    title: "Turn the app on",
    menuPath: ["Apps", "Web and mobile apps", "your app", "User access"],
    instructions: [
      "Set “Service status” to ON for everyone, or for the organizational units / groups who may sign in. It can take a few minutes to apply.",
    ],
  },
  slo: {
    supported: false,
    menuPath: ["Google Admin console", "Apps", "Web and mobile apps", "(your app)"],
    instructions: [
      "Google Workspace does not offer SAML single logout: leave the IdP single logout URL empty. Signing out of Gatehouse ends the Gatehouse session only.",
    ],
  },
  encryption:
    "Google Workspace custom SAML apps do not offer assertion encryption: leave “Require encrypted assertions” off (the assertion travels over TLS and is signed).",
};

const onelogin: IdpEntry = {
  type: "onelogin",
  displayName: "OneLogin",
  monogram: "1L",
  color: "#1c1f2a",
  tagline: "The “SAML Custom Connector (Advanced)” app.",
  createApp: {
    title: "Add the connector",
    menuPath: ["OneLogin Administration", "Applications", "Applications", "Add App"],
    instructions: ["Search for “SAML Custom Connector (Advanced)”, select it, name it and Save."],
  },
  spFieldsScreen: {
    title: "Configuration",
    menuPath: ["Applications", "your app", "Configuration"],
    instructions: ["Paste the values below.", "SAML nameID format: Email. SAML signature element: Assertion (or Both)."],
  },
  spFields: [
    { key: "entityId", label: "Audience (EntityID)" },
    { key: "acsUrl", label: "Recipient" },
    { key: "acsUrl", label: "ACS (Consumer) URL" },
    { key: "acsUrl", label: "ACS (Consumer) URL Validator", note: "A regular expression: paste it exactly as shown.", transform: "regex" },
    { key: "loginUrl", label: "Login URL" },
  ],
  nameId: "Configuration → “SAML nameID format”: Email; SSO tab → “Credentials are” as configured.",
  attributesScreen: {
    title: "Parameters",
    menuPath: ["Applications", "your app", "Parameters", "+ (Add parameter)"],
    instructions: ["Add each field below with “Include in SAML assertion” ticked (for groups also “Multi-value parameter”)."],
  },
  attributes: [
    { name: "email", source: "Email", purpose: "email", required: true },
    { name: "firstName", source: "First Name", purpose: "firstName", required: false },
    { name: "lastName", source: "Last Name", purpose: "lastName", required: false },
    { name: "groups", source: "User Roles (or MemberOf)", purpose: "groups", required: false },
  ],
  defaultGroupsAttribute: "groups",
  metadata: {
    offersUrl: true,
    urlLabel: "Issuer URL",
    where: ["Applications", "your app", "SSO", "Issuer URL"],
    hint: "Copy the “Issuer URL” (it serves the metadata), or use More Actions → SAML Metadata and paste the XML.",
  },
  assignUsers: {
    title: "Give access",
    menuPath: ["Users", "a user", "Applications", "+"],
    instructions: ["Assign the app to users directly or through Roles."],
  },
  slo: {
    supported: true,
    label: "Single Logout URL",
    menuPath: ["OneLogin Administration", "Applications", "(your app)", "Configuration"],
    instructions: [
      "Paste the value below as Single Logout URL.",
      "OneLogin's own endpoint is “SLO Endpoint (HTTP)” on the SSO tab; it is also in the metadata Gatehouse reads.",
    ],
  },
  encryption:
    "OneLogin can encrypt assertions from the app's Configuration tab (SAML Custom Connector (Advanced)): turn on assertion encryption, give it the encryption certificate from this page, and choose an AES method (AES-256 preferred; never TRIPLEDES). OneLogin uses CBC, so set “SAML signature element” to Assertion or Both.",
};

const jumpcloud: IdpEntry = {
  type: "jumpcloud",
  displayName: "JumpCloud",
  monogram: "JC",
  color: "#17703d",
  tagline: "A custom SAML application in JumpCloud SSO.",
  createApp: {
    title: "Add a custom application",
    menuPath: ["JumpCloud Admin Portal", "SSO Applications", "+ Add New Application", "Custom Application"],
    instructions: ["Choose “Manage Single Sign-On (SSO)” → “Configure SSO with SAML”, name it, then “Configure Application”."],
  },
  spFieldsScreen: {
    title: "SSO tab",
    menuPath: ["SSO Applications", "your app", "SSO"],
    instructions: [
      "IdP Entity ID: any unique value, e.g. your company name (it is in the metadata you export).",
      "SAMLSubject NameID: email; SAMLSubject NameID Format: urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress; Signature: Sign Assertion.",
    ],
  },
  spFields: [
    { key: "entityId", label: "SP Entity ID" },
    { key: "acsUrl", label: "ACS URLs (Default URL)" },
    { key: "loginUrl", label: "Login URL" },
    { key: "certificate", label: "SP Certificate", note: "Upload it only if you turn on “Require signed requests”." },
  ],
  nameId: "SAMLSubject NameID “email”, NameID Format emailAddress.",
  attributesScreen: {
    title: "Attributes",
    menuPath: ["SSO Applications", "your app", "SSO", "Attributes", "User Attributes", "add attribute"],
    instructions: [
      "Add each Service Provider Attribute Name with the JumpCloud Attribute Name below.",
      "For roles: under “Group Attributes” tick “include group attribute” (default name “memberOf”), and bind user groups under “User Groups”.",
    ],
  },
  attributes: [
    { name: "email", source: "email", purpose: "email", required: true },
    { name: "firstName", source: "firstname", purpose: "firstName", required: false },
    { name: "lastName", source: "lastname", purpose: "lastName", required: false },
    { name: "memberOf", source: "include group attribute", purpose: "groups", required: false },
  ],
  defaultGroupsAttribute: "memberOf",
  metadata: {
    offersUrl: false,
    where: ["SSO Applications", "your app", "SSO", "Export Metadata"],
    hint: "Click “Export Metadata” after saving and paste the file's XML.",
  },
  assignUsers: {
    title: "Bind user groups",
    menuPath: ["SSO Applications", "your app", "User Groups"],
    instructions: ["Tick the user groups who may sign in and Save."],
  },
  slo: {
    supported: true,
    label: "SLO URL",
    menuPath: ["JumpCloud Admin Portal", "SSO Applications", "(your app)", "SSO"],
    instructions: [
      "Tick the single logout option and paste the value below as the SP's SLO URL.",
      "Export the metadata again afterwards (or copy JumpCloud's SLO URL onto the connection page).",
    ],
  },
  encryption:
    "JumpCloud's custom SAML connector documents no assertion encryption: leave “Require encrypted assertions” off unless your connector shows the option (then: the encryption certificate from this page, RSA-OAEP, AES-256, and the assertion signed).",
};

const ping: IdpEntry = {
  type: "ping",
  displayName: "PingIdentity",
  monogram: "Pi",
  color: "#b3282d",
  tagline: "PingOne (or PingFederate) SAML application.",
  createApp: {
    title: "Add a SAML application",
    menuPath: ["PingOne admin console", "Applications", "Applications", "+ (Add Application)"],
    instructions: ["Name it, choose “SAML Application”, then Configure.", "Choose “Manually Enter” for the SAML configuration."],
  },
  spFieldsScreen: {
    title: "SAML Configuration",
    menuPath: ["Applications", "your app", "Configuration", "Edit"],
    instructions: [
      "Paste the values below.",
      "Subject NameID Format: urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress. Signing: Sign Assertion, RSA_SHA256.",
    ],
  },
  spFields: [
    { key: "acsUrl", label: "ACS URLs" },
    { key: "entityId", label: "Entity ID" },
    { key: "loginUrl", label: "Initiate Single Sign-On URL" },
    { key: "certificate", label: "Verification Certificate", note: "Upload it when “Enforce signed AuthnRequest” is on." },
  ],
  nameId: "Attribute Mappings → saml_subject: Email Address.",
  attributesScreen: {
    title: "Attribute Mappings",
    menuPath: ["Applications", "your app", "Attribute Mappings", "Edit", "+ Add"],
    instructions: ["Add each attribute below (Attributes = the name Gatehouse reads, PingOne Mappings = the source)."],
  },
  attributes: [
    { name: "email", source: "Email Address", purpose: "email", required: true },
    { name: "firstName", source: "Given Name", purpose: "firstName", required: false },
    { name: "lastName", source: "Family Name", purpose: "lastName", required: false },
    { name: "groups", source: "Group Names", purpose: "groups", required: false },
  ],
  defaultGroupsAttribute: "groups",
  metadata: {
    offersUrl: true,
    urlLabel: "IDP Metadata URL",
    where: ["Applications", "your app", "Configuration", "IDP Metadata URL"],
    hint: "Copy the “IDP Metadata URL”, or “Download Metadata” and paste the XML.",
  },
  assignUsers: {
    title: "Grant access",
    menuPath: ["Applications", "your app", "Access"],
    instructions: ["Pick the groups allowed to use the app, and turn the app on with the toggle at the top."],
  },
  slo: {
    supported: true,
    label: "SLO endpoint",
    menuPath: ["PingOne admin console", "Applications", "(your app)", "Configuration"],
    instructions: [
      "Paste the value below as SLO endpoint (and SLO response endpoint); SLO binding: HTTP Redirect.",
      "PingOne's own “Single Logout Endpoint” is on the same page and in its metadata.",
    ],
  },
  encryption:
    "PingOne and PingFederate can encrypt the assertion: turn on “Encrypt assertion”, upload the encryption certificate from this page (or import our SP metadata), choose AES-256 (AES-GCM where offered; never Triple DES) with RSA-OAEP key transport, and keep the assertion signed.",
};

const auth0: IdpEntry = {
  type: "auth0",
  displayName: "Auth0",
  monogram: "A0",
  color: "#b8410f",
  tagline: "The SAML2 Web App addon on an Auth0 application.",
  createApp: {
    title: "Create an application",
    menuPath: ["Auth0 Dashboard", "Applications", "Applications", "+ Create Application"],
    instructions: ["Choose “Regular Web Applications”.", "Open the “Addons” tab and turn on “SAML2 Web App”."],
  },
  spFieldsScreen: {
    title: "SAML2 Web App settings",
    menuPath: ["Applications", "your app", "Addons", "SAML2 Web App", "Settings"],
    instructions: [
      "Paste the ACS URL into “Application Callback URL”.",
      "In the Settings JSON set “audience” to the SP entity ID, “nameIdentifierFormat” to urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress, “signatureAlgorithm” to rsa-sha256 and “digestAlgorithm” to sha256, then Enable.",
    ],
  },
  spFields: [
    { key: "acsUrl", label: "Application Callback URL" },
    {
      key: "entityId",
      label: "audience (Settings JSON)",
      note: 'Also set "recipient" and "destination" to the ACS URL if you set them at all.',
    },
  ],
  nameId:
    'Settings JSON: "nameIdentifierFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", "nameIdentifierProbes": ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"].',
  attributesScreen: {
    title: "Settings JSON “mappings”",
    menuPath: ["Applications", "your app", "Addons", "SAML2 Web App", "Settings"],
    instructions: [
      'Add a "mappings" object: {"email": "email", "given_name": "firstName", "family_name": "lastName"}.',
      "Groups come from an Action or the Authorization extension; they arrive as http://schemas.xmlsoap.org/claims/Group.",
    ],
  },
  attributes: [
    { name: "email", source: 'mappings: "email": "email"', purpose: "email", required: true },
    { name: "firstName", source: 'mappings: "given_name": "firstName"', purpose: "firstName", required: false },
    { name: "lastName", source: 'mappings: "family_name": "lastName"', purpose: "lastName", required: false },
    {
      name: "http://schemas.xmlsoap.org/claims/Group",
      source: "groups (Action / Authorization extension)",
      purpose: "groups",
      required: false,
    },
  ],
  defaultGroupsAttribute: "http://schemas.xmlsoap.org/claims/Group",
  metadata: {
    offersUrl: true,
    urlLabel: "Identity Provider Metadata",
    where: ["Applications", "your app", "Addons", "SAML2 Web App", "Usage", "Identity Provider Metadata"],
    hint: "Copy the “Identity Provider Metadata” download link (https://YOUR_TENANT.auth0.com/samlp/metadata/CLIENT_ID).",
  },
  assignUsers: {
    title: "Connections",
    menuPath: ["Applications", "your app", "Connections"],
    instructions: ["Enable the user database or enterprise connection whose users may sign in."],
  },
  slo: {
    supported: true,
    label: "logout.callback",
    menuPath: ["Auth0 Dashboard", "Applications", "(your app)", "Addons", "SAML2 Web App", "Settings"],
    instructions: [
      'In the settings JSON add "logout": { "callback": "<the value below>", "slo_enabled": true }.',
      "Auth0's own logout URL is https://<your-domain>/samlp/<client_id>/logout (also in its metadata).",
    ],
  },
  encryption:
    "Auth0 encrypts when the SAML2 Web App add-on settings carry our encryption certificate: set “encryptionCert” to the encryption certificate from this page and “encryptionPublicKey” to its public key. Auth0 encrypts with AES-256-CBC and RSA-OAEP and signs the assertion by default (keep “signResponse” off or sign both).",
};

const other: IdpEntry = {
  type: "other",
  displayName: "Other SAML 2.0",
  monogram: "S2",
  color: "#475569",
  tagline: "Any SAML 2.0 identity provider (ADFS, Keycloak, Shibboleth, …).",
  createApp: {
    title: "Create a SAML service provider",
    menuPath: ["Your IdP's admin console", "Applications / Relying parties / Service providers", "Add"],
    instructions: ["If your IdP can import SP metadata, give it the SP metadata URL and skip to attributes."],
  },
  spFieldsScreen: {
    title: "Service provider settings",
    menuPath: ["Your app", "SAML settings"],
    instructions: ["HTTP-POST binding for the ACS, NameID format emailAddress, sign the assertion (or the response) with RSA-SHA256."],
  },
  spFields: [
    { key: "metadataUrl", label: "SP metadata URL", note: "Many IdPs fill every other field from this." },
    { key: "entityId", label: "SP entity ID (Audience)" },
    { key: "acsUrl", label: "Assertion Consumer Service (ACS) URL", note: "Binding: HTTP-POST. Also the Recipient and Destination." },
    { key: "loginUrl", label: "Login / start URL" },
    { key: "certificate", label: "SP signing certificate", note: "For checking our signed AuthnRequests." },
  ],
  nameId: "NameID format urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress with the user's email.",
  attributesScreen: {
    title: "Attributes / claims",
    menuPath: ["Your app", "Attribute release / Claim rules"],
    instructions: ["Release the attributes below (any name format)."],
  },
  attributes: [
    { name: "email", source: "the user's email address", purpose: "email", required: true },
    { name: "firstName", source: "given name", purpose: "firstName", required: false },
    { name: "lastName", source: "surname", purpose: "lastName", required: false },
    { name: "groups", source: "group memberships (multi-valued)", purpose: "groups", required: false },
  ],
  defaultGroupsAttribute: "groups",
  metadata: {
    offersUrl: true,
    urlLabel: "IdP metadata URL",
    where: ["Your IdP", "SAML / federation metadata"],
    hint: "A metadata URL keeps certificates current; otherwise paste the XML, or enter entity ID, SSO URL and certificate by hand.",
  },
  assignUsers: {
    title: "Give access",
    menuPath: ["Your IdP", "app assignments"],
    instructions: ["Allow the users or groups who may sign in."],
  },
  slo: {
    supported: true,
    label: "Single Logout URL (SLO)",
    menuPath: ["Your IdP", "Application", "SAML settings"],
    instructions: [
      "If the IdP supports SAML single logout, register the value below as the SP's Single Logout (SLO) URL, HTTP-Redirect or HTTP-POST binding.",
      "The IdP's own SLO URL comes from its metadata (SingleLogoutService), or type it on the connection page.",
    ],
  },
  encryption:
    "If your IdP can encrypt assertions, give it the encryption certificate from this page (or our SP metadata, which lists it with use=“encryption” and the accepted methods): RSA-OAEP key transport (RSA 1.5 is refused), AES-256-GCM or AES-128-GCM content; AES-CBC only when the assertion itself is signed.",
};

const dev: IdpEntry = {
  ...other,
  type: "dev",
  displayName: "Built-in test IdP",
  monogram: "T",
  color: "#7c3aed",
  tagline: "Gatehouse's own test identity provider (development only): try SSO end to end in a minute.",
  createApp: {
    title: "Nothing to create",
    menuPath: ["Gatehouse", "/dev/idp"],
    instructions: ["The test IdP accepts any service provider; nothing to register."],
  },
  spFieldsScreen: {
    title: "Nothing to paste",
    menuPath: ["Gatehouse", "/dev/idp"],
    instructions: ["The test IdP reads the ACS URL from the AuthnRequest."],
  },
  metadata: {
    offersUrl: true,
    urlLabel: "Metadata URL",
    where: ["Gatehouse", "/dev/idp/metadata"],
    hint: "Use this app's /dev/idp/metadata URL.",
  },
  devOnly: true,
  slo: {
    supported: true,
    label: "Single Logout URL",
    menuPath: ["Built-in IdP", "/dev/idp"],
    instructions: [
      "Nothing to register: the built-in IdP answers logout requests at /dev/idp/slo (listed in its metadata) and its launcher can send an IdP-initiated logout.",
    ],
  },
  encryption:
    "The built-in test IdP encrypts (AES-256-GCM, RSA-OAEP) whenever our SP metadata publishes an encryption certificate, i.e. once “Require encrypted assertions” has been turned on.",
};

export const IDP_CATALOGUE: Record<IdpType, IdpEntry> = { okta, entra, google, onelogin, jumpcloud, ping, auth0, other, dev };

/** The picker order; the built-in test IdP only when `includeDev`. */
export function listIdps(opts: { includeDev?: boolean } = {}): IdpEntry[] {
  return IDP_TYPES.map((t) => IDP_CATALOGUE[t]).filter((e) => !e.devOnly || opts.includeDev);
}

export function isIdpType(value: string): value is IdpType {
  return (IDP_TYPES as readonly string[]).includes(value);
}

/** Unknown or legacy types fall back to "Other SAML 2.0". */
export function getIdp(type: string | null | undefined): IdpEntry {
  return type && isIdpType(type) ? IDP_CATALOGUE[type] : other;
}

export const SP_VALUE_NAMES: Record<SpValueKey, string> = {
  metadataUrl: "SP metadata URL",
  acsUrl: "ACS URL",
  entityId: "SP entity ID",
  loginUrl: "Login URL",
  sloUrl: "SP single logout URL",
  certificate: "SP certificate",
};

/** The value as the IdP wants it typed (OneLogin's ACS validator is a regex). */
export function formatSpValue(value: string, field?: SpFieldLabel): string {
  if (field?.transform === "regex") return `^${value.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`;
  return value;
}

/** Suggested slug from a connection name: lowercase, ASCII, dash-separated, 2..63 characters (lib/schemas/connections.ts). */
export function suggestSlug(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/g, "");
  return base.length >= 2 ? base : base ? `${base}-sso` : "";
}
