/** What the components' namespaces need to know of the cluster network. */
import type { ResolvedPlatform } from '../config/platform';

/** The platform's resolved `network` settings. */
export type PlatformNetwork = ResolvedPlatform['network'];

/**
 * `IsolatedNamespace` (lib/security/isolated-namespace.ts) takes a platform but reads only its `network`;
 * the components hand it just that, so that their constructs need no whole platform. Drop this once
 * `IsolatedNamespace` takes the network itself.
 */
export function networkOnlyPlatform(network: PlatformNetwork): ResolvedPlatform {
  return { network } as unknown as ResolvedPlatform;
}
