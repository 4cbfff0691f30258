/**
 * A second example platform (README "Several clusters"): one control plane, `hq` (the ClearML server,
 * billing, apps upload, the bootstrap program and each tenant's bootstrap Job and ledger), and one GPU
 * worker cluster, `gpu-east` (GPU operator, CDMO, MIG setup, the shared Redis, the tenant namespaces with
 * their policies, quota, agent and app gateway). The tenants are the repository's `tenants/*.yaml`; without
 * `clusters` in their files they run in the default worker cluster, `gpu-east`.
 *
 *   npm run synth -- --platform examples/two-clusters.ts --out /tmp/two-clusters
 *
 * writes `clusters/hq/` and `clusters/gpu-east/`, each with its own Flux root (the folder `flux/`), apply order,
 * Secrets inventory and external objects. The committed `dist/` stays the single-cluster example (main.ts).
 */
import { PlatformProps } from '../lib/platform/platform-props';

export const platform: PlatformProps = {
  baseDomain: 'clearml.example.com',
  // The Flux root of each cluster is ./fleet/clusters/<name>/flux of the fleet repository (README "Several
  // clusters": a Flux Kustomization with that spec.path, committed outside the output).
  gitops: { flavor: 'flux', path: './fleet' },
  sources: {
    // The billing chart tarball from ClearML, in the platform team's OCI registry.
    'platform-charts': { type: 'oci', url: 'oci://registry.example.com/clearml-charts', secretName: 'platform-charts-registry' },
  },
  server: {
    supervisor: { email: 'supervisor@example.com' },
  },
  billing: { chart: { source: 'platform-charts', chart: 'clearml-billing', version: '1.1.0' } },
  clusters: [
    {
      name: 'hq',
      role: 'control-plane',
      // The control plane's own pod and service ranges.
      network: { clusterCidrs: ['10.10.0.0/16', '10.96.0.0/12'] },
    },
    {
      name: 'gpu-east',
      role: 'worker',
      network: {
        clusterCidrs: ['10.20.0.0/16', '10.112.0.0/12'],
        kubernetesApiCidrs: ['10.20.0.1/32'],
        kubernetesApiPorts: [6443],
      },
      // The worker's API server as the control plane reaches it, and the operator's Secrets (in the control
      // plane's server namespace) with the token of the bootstrap's ServiceAccount there and its CA.
      apiServer: { url: 'https://gpu-east.k8s.example.com:6443', cidrs: ['203.0.113.20/32'], tokenSecret: 'gpu-east-bootstrap-token', caSecret: 'gpu-east-ca' },
      migSetup: {
        nodes: [{ name: 'gpu-node-a100-1', gpus: 'all', gpuModel: 'A100-40GB' }],
      },
    },
  ],
};

/** The tenant files of this example. */
export const tenantsDir = 'tenants';
