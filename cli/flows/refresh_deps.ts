/**
 * What only a running refresh needs, in one module that cli/flows/refresh.ts imports on
 * demand: `token get` of a valid token loads none of it (tweetnacl, the provider registry,
 * the token request, the server client).
 */
export { default as nacl } from "tweetnacl";
export { loadCustomProviders } from "../../providers/custom.ts";
export { createRegistry } from "../../providers/registry.ts";
export { resolveProviderSettings } from "../../providers/settings.ts";
export { tokenRequest } from "../../providers/token_request.ts";
export { openSealedJson } from "../../shared/seal.ts";
export { createServerClient } from "../server_client.ts";
export { writeRecoveryFile } from "../store/recovery.ts";
export { readLocalClient } from "./local_client.ts";
export { needsLoginReason, refreshThroughServer } from "./delegated_refresh.ts";
export { refreshAtProvider } from "./local_refresh.ts";
