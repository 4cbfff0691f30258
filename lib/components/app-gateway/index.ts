/** The app gateway component: its release and the tenant NetworkPolicies it needs. */
export * from './app-gateway';
export * from './app-gateway-policies';
