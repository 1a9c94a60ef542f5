import { renderEmail, secret, type EmailContent } from "./render";

/**
 * Every email Gatehouse sends. Pure functions: names and URLs in, subject + text + HTML out. Links
 * carrying a token are secret placeholders (see render.ts); all other links are APP_URL links.
 */

const FOOTER = "Sent by Gatehouse, single sign-on for your workspace.";

export function invitationEmail(i: {
  workspaceName: string;
  inviter: string | null;
  role: string;
  inviteUrl: string;
  expiresInDays: number;
}): EmailContent {
  const who = i.inviter ?? `An admin of ${i.workspaceName}`;
  return {
    ...renderEmail(
      `You're invited to ${i.workspaceName} on Gatehouse`,
      [
        { p: `${who} invited you to join the workspace ${i.workspaceName} as ${i.role}.` },
        { button: { label: "Accept the invitation", href: secret("invite_url") } },
        { small: `The link works once and expires in ${i.expiresInDays} days. If you did not expect this invitation, ignore this email.` },
      ],
      FOOTER,
    ),
    secrets: { invite_url: i.inviteUrl },
  };
}

export function passwordResetEmail(i: { email: string; resetUrl: string; expiresInMinutes: number; loginUrl: string }): EmailContent {
  return {
    ...renderEmail(
      "Reset your Gatehouse password",
      [
        { p: `Someone asked to reset the password of the Gatehouse account ${i.email}. If it was you, choose a new password:` },
        { button: { label: "Choose a new password", href: secret("reset_url") } },
        {
          small: `The link works once and expires in ${i.expiresInMinutes} minutes. Setting a new password signs you out everywhere else. If you did not ask for this, ignore this email: your password stays as it is. Sign in: ${i.loginUrl}`,
        },
      ],
      FOOTER,
    ),
    secrets: { reset_url: i.resetUrl },
  };
}

/** A reset was asked for an account whose organization requires SSO: no reset, the way in instead. */
export function passwordResetSsoEmail(i: { email: string; workspaces: string[]; loginUrl: string }): EmailContent {
  return renderEmail(
    "Sign in to Gatehouse with single sign-on",
    [
      {
        p: `Someone asked to reset the password of ${i.email}. ${i.workspaces.join(", ")} requires single sign-on, so this account does not sign in with a password and no reset link was made.`,
      },
      { button: { label: "Sign in with SSO", href: i.loginUrl } },
      {
        small:
          "Enter your work email there and choose “Continue with …” to sign in through your company's identity provider. If you did not ask for this, ignore this email.",
      },
    ],
    FOOTER,
  );
}

export function ssoEnforcedEmail(i: { workspaceName: string; modeLabel: string; actor: string | null; settingsUrl: string }): EmailContent {
  return renderEmail(
    `Single sign-on is now required in ${i.workspaceName}`,
    [
      { p: `${i.actor ?? "An owner"} turned on SSO enforcement in ${i.workspaceName}: ${i.modeLabel}.` },
      { p: "People it covers can no longer sign in with a password; break-glass members (owners by default) keep password access." },
      { button: { label: "Review SSO enforcement", href: i.settingsUrl } },
      { small: "You receive this because you are an owner of the workspace." },
    ],
    FOOTER,
  );
}

export function certificateExpiringEmail(i: {
  workspaceName: string;
  connectionName: string;
  connectionSlug: string;
  certificate: "idp" | "sp";
  notAfter: Date;
  daysLeft: number;
  connectionUrl: string;
}): EmailContent {
  const which = i.certificate === "idp" ? "identity provider's signing certificate" : "service provider (Gatehouse) signing certificate";
  const todo =
    i.certificate === "idp"
      ? "Ask your IdP admin for the new certificate (or new metadata) and add it to the connection before this date, or sign-ins through it will fail."
      : "Rotate the connection's SP key (stage, register the new certificate in the IdP, activate) before this date.";
  return renderEmail(
    `${i.connectionName}: certificate expires in ${i.daysLeft} day${i.daysLeft === 1 ? "" : "s"}`,
    [
      {
        p: `The ${which} of the SSO connection ${i.connectionName} (${i.connectionSlug}) in ${i.workspaceName} expires on ${i.notAfter.toUTCString()}.`,
      },
      { p: todo },
      { button: { label: "Open the connection", href: i.connectionUrl } },
      { small: "You receive this because you are an owner of the workspace. Notices go out 30 and 7 days before expiry." },
    ],
    FOOTER,
  );
}

export function setupLinkCompletedEmail(i: {
  workspaceName: string;
  connectionName: string;
  completedBy: string | null;
  connectionUrl: string;
}): EmailContent {
  return renderEmail(
    `${i.connectionName} was set up through your setup link`,
    [
      { p: `${i.completedBy ?? "Your IdP admin"} completed the setup link for ${i.connectionName} in ${i.workspaceName}.` },
      { p: "Test the connection, then route your verified domains to it so people sign in with it." },
      { button: { label: "Review the connection", href: i.connectionUrl } },
      { small: "You receive this because you are an owner of the workspace." },
    ],
    FOOTER,
  );
}
