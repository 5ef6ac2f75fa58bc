/**
 * `GET /providers` (0.4: `{providers: [names]}`) and `GET /v1/providers` (details, including
 * whether this server has credentials for each).
 */

import { Hono } from "hono";
import { resolveProviderSettings } from "../../providers/settings.ts";
import { baseUrlOf } from "../provider_lookup.ts";
import type { AppEnv, AppServices } from "../services.ts";

export function createProvidersRoutes(services: AppServices): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get("/providers", function providers(c) {
      return c.json({ providers: services.registry.names() });
    })
    .get("/v1/providers", function providerDetails(c) {
      const origin = baseUrlOf(services, c.req.url);
      return c.json({
        providers: services.registry.list().map((spec) => ({
          name: spec.name,
          displayName: spec.displayName,
          configured: resolveProviderSettings(spec, {
            env: services.config.env,
            origin,
            overrides: services.providerOverrides[spec.name],
          }).ok,
          pkce: spec.pkce,
          refresh: spec.refresh.supported,
          defaultScopes: spec.defaultScopes,
          registerUrl: spec.registerUrl,
        })),
      });
    });
}
