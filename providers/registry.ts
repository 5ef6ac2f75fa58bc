/**
 * The provider registry: the builtin providers plus operator-defined ones.
 *
 * @see ./builtin.ts
 * @see ./custom.ts
 */

import { BUILTIN_PROVIDERS } from "./builtin.ts";
import type { ProviderSpec } from "./types.ts";

/**
 * Read-only view of the providers one deployment knows.
 *
 * @see ./builtin.ts
 */
export interface ProviderRegistry {
  /** The spec named `name` (exact, lower-case name), or `undefined`. */
  get(name: string): ProviderSpec | undefined;
  /** Every name: builtin order first, then custom-only providers in their config order. */
  names(): string[];
  /** Every spec, in the order of {@linkcode ProviderRegistry.names}. */
  list(): ProviderSpec[];
}

/**
 * Builds a registry from {@linkcode BUILTIN_PROVIDERS} and `custom` specs. A custom spec whose
 * name is a builtin's replaces that builtin in place; later custom entries win over earlier ones.
 *
 * @see ./custom.ts (loadCustomProviders builds the `custom` list)
 */
export function createRegistry(custom: ProviderSpec[] = []): ProviderRegistry {
  const byName = new Map<string, ProviderSpec>();
  for (const spec of BUILTIN_PROVIDERS) byName.set(spec.name, spec);
  for (const spec of custom) byName.set(spec.name, spec);
  const specs = [...byName.values()];
  return {
    get(name: string): ProviderSpec | undefined {
      return byName.get(name);
    },
    names(): string[] {
      return specs.map((spec) => spec.name);
    },
    list(): ProviderSpec[] {
      return [...specs];
    },
  };
}
