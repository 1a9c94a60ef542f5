"use client";

import { createContext, useContext, type ReactNode } from "react";
import {
  latestTestEventAction,
  previewMetadataAction,
  updateConnectionAction,
} from "@/app/(console)/w/[workspace]/settings/sso/[connectionId]/actions";
import { checkSlugAction, createConnectionAction } from "@/app/(console)/w/[workspace]/settings/sso/actions";
import { MAPPABLE_ROLES, type MappableRole } from "@/lib/auth/roles";

/**
 * The server actions and paths the guided connection setup (new-connection form, metadata form, test
 * panel) uses. The console's by default; the setup-link page provides its own (same signatures,
 * scoped to the link), so both run the very same wizard components.
 */
export type SsoWizardActions = {
  checkSlug: typeof checkSlugAction;
  createConnection: typeof createConnectionAction;
  previewMetadata: typeof previewMetadataAction;
  updateConnection: typeof updateConnectionAction;
  latestTestEvent: typeof latestTestEventAction;
  setupPath: (workspace: string, connectionId: string, step: 2 | 3 | 4) => string;
  testResultPath: (workspace: string, connectionId: string, eventId: string) => string;
  /** Default roles the new-connection form offers. */
  roles: readonly MappableRole[];
};

export const consoleWizardActions: SsoWizardActions = {
  checkSlug: checkSlugAction,
  createConnection: createConnectionAction,
  previewMetadata: previewMetadataAction,
  updateConnection: updateConnectionAction,
  latestTestEvent: latestTestEventAction,
  setupPath: (w, id, step) => `/w/${w}/settings/sso/${id}/setup?step=${step}`,
  testResultPath: (w, id, eventId) => `/w/${w}/settings/sso/${id}/test/${eventId}`,
  roles: MAPPABLE_ROLES,
};

const WizardActionsContext = createContext<SsoWizardActions>(consoleWizardActions);

export function SsoWizardActionsProvider({ value, children }: { value: SsoWizardActions; children: ReactNode }) {
  return <WizardActionsContext.Provider value={value}>{children}</WizardActionsContext.Provider>;
}

export function useSsoWizardActions(): SsoWizardActions {
  return useContext(WizardActionsContext);
}
