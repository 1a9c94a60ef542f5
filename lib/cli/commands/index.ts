import type { Command } from "../command";
import { domainsAdd, domainsRoute, domainsVerify, workspacesEnforce } from "./domains";
import { connectionsApproveTrust, connectionsCreate, connectionsList, connectionsRotateKey } from "./connections";
import { apiKeysCreate, apiKeysList, apiKeysRevoke } from "./api-keys";
import { operatorKeysCreate, operatorKeysList, operatorKeysRevoke } from "./operator-keys";
import { appsCreate, appsDelete, appsList, appsRotateSecret, connectionsSetApp, oidcKeys, oidcRotateKey } from "./apps";
import { connectionsMapRole, membersInvite, membersList } from "./members";
import { directoriesCreate, directoriesList, directoriesRotateToken } from "./directories";
import { usersSetPassword } from "./users";
import { webhooksCreate, webhooksDeliveries, webhooksList } from "./webhooks";
import { workspacesCreate, workspacesIpAllowlist } from "./workspaces";
import { setupLinksCreate, setupLinksRevoke } from "./setup-links";
import { connectionsRotateEncryptionKey, connectionsUpdate } from "./connections-update";

/** Every CLI command. Names are an interface: never rename one. */
export const commands: Command[] = [
  workspacesCreate,
  usersSetPassword,
  apiKeysCreate,
  apiKeysList,
  apiKeysRevoke,
  membersInvite,
  membersList,
  connectionsMapRole,
  domainsAdd,
  domainsVerify,
  domainsRoute,
  workspacesEnforce,
  connectionsCreate,
  connectionsList,
  connectionsRotateKey,
  connectionsApproveTrust,
  connectionsUpdate,
  connectionsRotateEncryptionKey,
  connectionsSetApp,
  appsCreate,
  appsList,
  appsRotateSecret,
  appsDelete,
  oidcRotateKey,
  oidcKeys,
  operatorKeysCreate,
  operatorKeysList,
  operatorKeysRevoke,
  directoriesCreate,
  directoriesList,
  directoriesRotateToken,
  webhooksCreate,
  webhooksList,
  webhooksDeliveries,
  workspacesIpAllowlist,
  setupLinksCreate,
  setupLinksRevoke,
];
