"use client";

import type { ReactNode } from "react";
import {
  checkSlugAction,
  createConnectionAction,
  latestTestEventAction,
  previewMetadataAction,
  updateConnectionAction,
} from "@/app/setup/actions";
import { SsoWizardActionsProvider, type SsoWizardActions } from "@/components/sso/wizard-actions";
import { SETUP_LINK_ROLES } from "./types";

/** The console's SSO wizard components, run against the setup link's scoped actions and pages. */
const setupLinkWizardActions: SsoWizardActions = {
  checkSlug: checkSlugAction,
  createConnection: createConnectionAction,
  previewMetadata: previewMetadataAction,
  updateConnection: updateConnectionAction,
  latestTestEvent: latestTestEventAction,
  setupPath: (_w, id, step) => `/setup/sso/${id}?step=${step}`,
  testResultPath: (_w, _id, eventId) => `/setup/test/${eventId}`,
  roles: SETUP_LINK_ROLES,
};

export function SetupLinkWizardProvider({ children }: { children: ReactNode }) {
  return <SsoWizardActionsProvider value={setupLinkWizardActions}>{children}</SsoWizardActionsProvider>;
}
