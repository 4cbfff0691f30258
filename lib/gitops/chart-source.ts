/** Where Helm charts come from: moved to lib/flavors/chart-source.ts (the input every flavor renders from). */
export * from '../flavors/chart-source';
