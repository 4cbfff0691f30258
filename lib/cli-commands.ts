/**
 * The command line of every npm script, described once for {@link runCli} (lib/cli-args.ts): the
 * scripts in `scripts/` and `main.ts` check their arguments against these, answer `--help`, and hand
 * the arguments to the command's own code.
 */
import { CliCommand } from './cli-args';
import { GPU_MODELS } from './config/gpu-models';
import { listText, TENANT_DEFAULT_TEXTS, TENANT_DEFAULTS } from './config/tenant-schema';

export const SYNTH_COMMAND: CliCommand = {
  name: 'synth',
  summary: 'Checks main.ts and tenants/*.yaml, then writes the GitOps output folder.',
  options: [
    { name: '--out', aliases: ['-o', '--output'], value: 'DIR', description: 'output folder (default: $CDK8S_OUTDIR, then dist)' },
    { name: '--allow-removal', value: 'TENANT', description: "let synth remove this tenant's output, move its namespace, take it off a cluster, or give it a name or namespace a removed tenant had (repeatable)" },
    { name: '--profile', value: 'NAME', description: "install profile for this run: runbook or current (default: main.ts's profile, then runbook)" },
    { name: '--platform', value: 'FILE', description: 'platform props module to use instead of main.ts, e.g. examples/two-clusters.ts (it exports `platform`)' },
  ],
  notes: [
    'The folder must be missing, empty, or an output synth wrote before (it holds the marker .clearml-tenancy);',
    'any other folder is refused and left as it is. Inside its own output synth removes only files it wrote.',
  ],
};

export const TENANT_NEW_COMMAND: CliCommand = {
  name: 'tenant:new',
  summary: 'Writes a new tenant file tenants/<name>.yaml with the next free session port range.',
  positionals: '<name>',
  maxPositionals: 1,
  options: [
    { name: '--admin-email', value: 'E-MAIL', description: "the tenant admin's e-mail (required)" },
    { name: '--admin-name', value: 'NAME', description: "the tenant admin's display name (required)" },
    { name: '--namespace', value: 'NS', description: `namespace: <prefix><name> or <prefix><name>-<suffix> (default: ${TENANT_DEFAULT_TEXTS.namespace})` },
    { name: '--sso-domain', value: 'DOMAIN', description: 'an SSO e-mail domain (repeatable)' },
    { name: '--allowed-users', value: 'N', description: `maximum number of users (default: ${TENANT_DEFAULTS.allowedUsers})` },
    { name: '--gpu-model', value: 'MODEL', description: `${listText(GPU_MODELS)} (default: the platform's)` },
    { name: '--gpu-fractions', value: 'LIST', description: `e.g. 1,0.5,0.125 (default: ${TENANT_DEFAULTS.queues.gpuFractions.join(',')})` },
    { name: '--max-services', value: 'N', description: `session ports (default: ${TENANT_DEFAULTS.sessions.maxServices})` },
    { name: '--starting-port', value: 'PORT', description: 'first session port (default: the next free range)' },
    { name: '--router-host', value: 'HOST', description: `app gateway host (default: ${TENANT_DEFAULT_TEXTS.routerHost})` },
    { name: '--quota-cpu', value: 'CPU', description: "quota: CPU requests, e.g. 32 or 500m (default: the platform's tenancy.limits.maxQuota, else none)" },
    { name: '--quota-memory', value: 'MEM', description: 'quota: memory requests, e.g. 128Gi (default: likewise)' },
    { name: '--quota-gpus', value: 'N', description: 'quota: whole GPUs (default: likewise)' },
    { name: '--quota-pods', value: 'N', description: 'quota: pods (default: likewise)' },
    { name: '--dir', value: 'FOLDER', description: 'tenant folder (default: tenants)' },
  ],
};

export const VALIDATE_COMMAND: CliCommand = {
  name: 'validate',
  summary: 'Validates an output folder against the Kubernetes and CRD schemas and checks its references.',
  positionals: '[DIR]',
  maxPositionals: 1,
  options: [{ name: '--crds', value: 'DIR', description: "CRD folder (default: $CRDS_DIR, then the repository's crds/)" }],
  notes: ['DIR is the output folder (default: dist), or the top folder of an output of several clusters: then each', 'cluster\'s tree clusters/<name>/ in turn, every line prefixed with clusters/<name>:, failing when any cluster fails.'],
};

export const CHECK_ISOLATION_COMMAND: CliCommand = {
  name: 'check:isolation',
  summary: 'Proves tenant isolation from the NetworkPolicies of an output folder.',
  positionals: '[DIR]',
  maxPositionals: 1,
  options: [
    { name: '--markdown', value: 'FILE', description: 'also write the matrix to FILE' },
    { name: '--paths', description: 'also list every allowed path between pods' },
    { name: '--full', description: 'one row and column per namespace, however many tenants (default: tenant classes above 20 tenants)' },
  ],
  notes: ['DIR is the output folder (default: dist), or the top folder of an output of several clusters: then each', 'cluster\'s tree clusters/<name>/ in turn, every line prefixed with clusters/<name>:, failing when any cluster fails.'],
};

export const LINT_POLICIES_COMMAND: CliCommand = {
  name: 'lint:policies',
  summary: 'Lints the objects of an output folder (RBAC, pods, policies).',
  positionals: '[DIR]',
  maxPositionals: 1,
  options: [{ name: '--rules', description: 'list the rules and exit' }],
  notes: ['DIR is the output folder (default: dist), or the top folder of an output of several clusters: then each', 'cluster\'s tree clusters/<name>/ in turn, every line prefixed with clusters/<name>:, failing when any cluster fails.'],
};

export const BENCH_COMMAND: CliCommand = {
  name: 'bench',
  summary: 'Measures synth and the checks at growing numbers of tenants.',
  options: [
    { name: '--ci', description: 'small sizes, one run, no targets (for CI)' },
    { name: '--sizes', value: 'LIST', description: 'tenant counts, e.g. 10,100 (default: 10,100,1000,3000)' },
    { name: '--runs', value: 'K', description: 'runs per size' },
    { name: '--json', value: 'FILE', description: 'also write the results as JSON' },
    { name: '--scratch', value: 'DIR', description: 'folder for the tenant files and outputs' },
    { name: '--diff', description: "measure `npm run diff` on two trees that differ in one tenant instead" },
  ],
};

export const DIFF_COMMAND: CliCommand = {
  name: 'diff',
  summary: 'Compares two output trees object by object and names the risks of the change.',
  options: [
    { name: '--base', value: 'REF', description: 'compare dist/ at this git ref with the working tree (default: HEAD)' },
    { name: '--base-dir', value: 'DIR', description: 'the base output folder (instead of --base)' },
    { name: '--head-dir', value: 'DIR', description: 'the head output folder (default: dist)' },
    { name: '--markdown', value: 'FILE', description: 'also write the report as Markdown' },
    { name: '--fail-on', value: 'risk', description: 'exit 3 when any risk is found' },
    { name: '--summary', description: 'print only the summary' },
  ],
  notes: ['Exit 0: no risk (or no --fail-on), 1: bad input, 3: a risk with --fail-on risk.'],
};

export const SCHEMA_COMMAND: CliCommand = {
  name: 'schema',
  summary: 'Writes schema/tenant.schema.json from lib/config/tenant-schema.ts.',
  options: [{ name: '--check', description: 'exit 1 instead of writing when the file is out of date' }],
};

export const IMPORT_COMMAND: CliCommand = {
  name: 'import',
  summary: 'Regenerates imports/ from the CRD files listed in cdk8s.yaml (crds/), one module per API group.',
  options: [],
};

/** Every command, by npm script name. */
export const COMMANDS: readonly CliCommand[] = [
  SYNTH_COMMAND,
  TENANT_NEW_COMMAND,
  VALIDATE_COMMAND,
  CHECK_ISOLATION_COMMAND,
  LINT_POLICIES_COMMAND,
  BENCH_COMMAND,
  SCHEMA_COMMAND,
  IMPORT_COMMAND,
  DIFF_COMMAND,
];
