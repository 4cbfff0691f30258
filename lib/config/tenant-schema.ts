/**
 * The format of `tenants/<name>.yaml`, written once.
 *
 * From {@link TENANT_SCHEMA} come the file's TypeScript type ({@link TenantSpec}), its validation
 * (`validateSchema` in tenants.ts) and `schema/tenant.schema.json` (`npm run schema`), which editors
 * use through the `# yaml-language-server: $schema=../schema/tenant.schema.json` line of each file.
 * What a JSON Schema cannot say (e-mail and domain syntax, MIG profiles per GPU model, anything across
 * tenant files) is checked in code, in tenants.ts.
 */
import { DNS_LABEL_PATTERN, IMAGE_REFERENCE_MAX_LENGTH, IMAGE_REFERENCE_MESSAGE, IMAGE_REFERENCE_PATTERN, IMAGE_TAG_MESSAGE, IMAGE_TAG_PATTERN } from './checks';
import { CLEARML_FEATURES } from './features';
import { GPU_MODELS } from './gpu-models';
import { FromSchema, JsonSchema } from './json-schema';
import { ALL_MIG_PROFILES, DEFAULT_GPU_MODEL, DEFAULT_TASK_IMAGE } from './mig-profiles';
import { DEFAULT_NODE_PORT_RANGE } from '../core/network-defaults';
import { QUANTITY_MESSAGE, QUANTITY_PATTERN } from '../core/quantity';

const DNS_LABEL_MESSAGE = 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';
const IPV4 = '^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$';

/**
 * The bounds of the tenant file's values: every string, list and number of {@link TENANT_SCHEMA} has
 * one (a test walks the schema), so that no value can grow the output or a chart value without limit.
 */
export const TENANT_BOUNDS = {
  /** Display names. */
  displayName: 128,
  /** RFC 5321: an address is at most 254 characters. */
  email: 254,
  /** A DNS name. */
  dnsName: 253,
  ssoDomains: 50,
  /** E-mails in each list of the login whitelist. */
  loginEmails: 1_000,
  allowedUsers: 100_000,
  maxPods: 1_000,
  requiredResources: 1_000,
  maxResources: 1_000,
  maxServices: 1_000,
  /** Ports of the app gateway's stream sessions (streamSession.portRange). */
  streamPorts: 1_000,
  /** A Kubernetes quantity as text. */
  quantity: 32,
  quotaPods: 1_000_000,
  quotaGpus: 10_000,
  quotaMig: 10_000,
  /** Clusters a tenant runs in. */
  clusters: 64,
  /** Characters of a cluster's name (the platform's clusters, lib/platform/cluster-settings.ts: its Secrets' names carry it). */
  clusterName: 40,
} as const;


const featureList = (description: string) =>
  ({
    type: 'array',
    description,
    items: { type: 'string', enum: CLEARML_FEATURES },
    uniqueItems: true,
    maxItems: CLEARML_FEATURES.length,
  }) as const;

/** A Kubernetes quantity written as a string ("500m", "64", "256Gi"). */
const quantity = (description: string, examples: readonly string[]) =>
  ({ type: 'string', description, pattern: QUANTITY_PATTERN, patternErrorMessage: QUANTITY_MESSAGE, maxLength: TENANT_BOUNDS.quantity, examples }) as const;

/** One count per MIG profile; which profiles a tenant may name depends on its GPU model (checked in tenants.ts). */
const MIG_QUOTA_PROPERTIES: Readonly<Record<string, { readonly type: 'integer'; readonly minimum: 0; readonly maximum: number; readonly description: string }>> = Object.fromEntries(
  ALL_MIG_PROFILES.map((profile) => [profile, { type: 'integer', minimum: 0, maximum: TENANT_BOUNDS.quotaMig, description: `requests.nvidia.com/mig-${profile}: MIG devices of profile ${profile} the pods may request at once.` }]),
);

/** Built-in container defaults: the LimitRange of a tenant whose quota limits CPU or memory and that sets no `limitRange`. */
export const DEFAULT_LIMIT_RANGE = { defaultRequestCpu: '100m', defaultRequestMemory: '256Mi', defaultCpu: '1', defaultMemory: '1Gi' } as const;

/** The lifecycle states of a tenant (BOOTSTRAP-API.md section 6; README "Tenant lifecycle"). */
export const TENANT_STATES = ['active', 'suspended', 'decommissioned'] as const;
/** A tenant's lifecycle state. */
export type TenantState = (typeof TENANT_STATES)[number];

/** Defaults of the lifecycle fields, written once: the schema shows them, `applyTenantDefaults` applies them. */
export const LIFECYCLE_DEFAULTS = { state: 'active', credentialsGeneration: 1 } as const;

/**
 * The defaults of a tenant file's fields, written once: the schema shows them (`default` and the
 * "Default: ..." of each description), `applyTenantDefaults` (tenants.ts) applies them, and the usage of
 * `npm run tenant:new` (cli-commands.ts) names them. Defaults taken from the platform (GPU model, agent
 * image) are the platform's, see platform-props.ts.
 */
export const TENANT_DEFAULTS = {
  ...LIFECYCLE_DEFAULTS,
  allowedUsers: 10,
  queues: { maxPods: 10, gpuFractions: [1, 0.5, 0.25], default: { requiredResources: 0.5 } },
  sessions: { portMode: false, externalIP: '0.0.0.0', maxServices: 10 },
  agent: { debugMode: true, maxResources: 3 },
} as const;

/** The default namespace and router host, in words (computed by tenants.ts from the name and the platform). */
export const TENANT_DEFAULT_TEXTS = {
  namespace: "<prefix><name>, where <prefix> is the platform's tenancy.namespacePrefix (empty by default: the name)",
  routerHost: '<name>-apps.<baseDomain>',
  clusters: "the platform's defaultWorkerCluster (by default its only cluster of role worker or both)",
} as const;

/** A list default as the schema's descriptions and the usage write it: `1, 0.5, 0.25`. */
export const listText = (values: readonly unknown[]): string => values.join(', ');
/** The highest credentialsGeneration accepted (a rotation a day for more than 2700 years). */
export const MAX_CREDENTIALS_GENERATION = 1_000_000;

const emailList = (description: string) =>
  ({ type: 'array', description, items: { type: 'string', minLength: 1, maxLength: TENANT_BOUNDS.email }, uniqueItems: true, maxItems: TENANT_BOUNDS.loginEmails }) as const;

export const TENANT_SCHEMA = {
  type: 'object',
  title: 'ClearML tenant',
  description: 'One tenant of the multi-tenant ClearML platform: its company, namespace, agent queues and app gateway. The file is tenants/<name>.yaml.',
  additionalProperties: false,
  required: ['name', 'admin', 'sessions'],
  properties: {
    name: {
      type: 'string',
      description: 'The ClearML company name; also the file name (<name>.yaml). A DNS-1123 label; never "clearml" (the server\'s own default company) nor a name of the platform\'s tenancy.reservedCompanyNames.',
      pattern: DNS_LABEL_PATTERN,
      patternErrorMessage: DNS_LABEL_MESSAGE,
      maxLength: 63,
      examples: ['acme'],
    },
    namespace: {
      type: 'string',
      description: `The Kubernetes namespace of the tenant. Default: ${TENANT_DEFAULT_TEXTS.namespace}.`,
      pattern: DNS_LABEL_PATTERN,
      patternErrorMessage: DNS_LABEL_MESSAGE,
      maxLength: 63,
    },
    admin: {
      type: 'object',
      description: 'The tenant admin user the bootstrap creates.',
      additionalProperties: false,
      required: ['name', 'email'],
      properties: {
        name: {
          type: 'string',
          description: 'Display name of the admin user: one line of text.',
          minLength: 1,
          maxLength: TENANT_BOUNDS.displayName,
          pattern: '^[^\\u0000-\\u001f\\u007f]*$',
          patternErrorMessage: 'must be one line of text, without control characters',
        },
        email: { type: 'string', description: "E-mail of the admin user; unique across tenants and not the supervisor's.", minLength: 1, maxLength: TENANT_BOUNDS.email },
      },
    },
    state: {
      type: 'string',
      description:
        'Lifecycle state. active: everything deployed. suspended: the agent and app gateway are removed and no logins are routed to the company; namespace, data, quota and keys stay. ' +
        'decommissioned: every key of the company is revoked and its login routing emptied; the workloads are removed, the namespace and data stay, and synth writes the deletion procedure to dist/tenants/<name>/DECOMMISSIONED.md. ' +
        'A decommissioned tenant cannot become active again under the same name.',
      enum: TENANT_STATES,
      default: TENANT_DEFAULTS.state,
    },
    credentialsGeneration: {
      type: 'integer',
      description: "Generation of the admin, agent and app gateway keys. Raise it by one to rotate them: the bootstrap creates new keys, replaces the Secrets, then revokes the old keys, and the agent's pods restart on the new Secret.",
      minimum: 1,
      maximum: MAX_CREDENTIALS_GENERATION,
      default: TENANT_DEFAULTS.credentialsGeneration,
    },
    login: {
      type: 'object',
      description: "Login whitelist: e-mails routed to this tenant's company on login (login.add_whitelist_entries), besides the ssoDomains. An e-mail may be listed by one tenant only. Default: none.",
      additionalProperties: false,
      properties: {
        admins: emailList('E-mails that log in to the company as admins.'),
        users: emailList('E-mails that log in to the company as ordinary users.'),
      },
    },
    ssoDomains: {
      type: 'array',
      description:
        "E-mail domains whose users may log in through SSO (login.set_domains). Each domain belongs to one tenant only: one equal to, inside or a parent of another tenant's SSO domain or of the supervisor's e-mail domain is refused, and so are public webmail domains, public suffixes (co.uk, com.au, ...) and the platform's base domain (and its subdomains). Default: none.",
      items: { type: 'string', maxLength: TENANT_BOUNDS.dnsName },
      uniqueItems: true,
      maxItems: TENANT_BOUNDS.ssoDomains,
    },
    features: featureList('Features added to the company (company defaults). Default: the server defaults.'),
    excludeFeatures: featureList('Features removed from the company (company defaults). Default: none.'),
    allowedUsers: { type: 'integer', description: `Maximum number of users of the company. Default: ${TENANT_DEFAULTS.allowedUsers}.`, minimum: 1, maximum: TENANT_BOUNDS.allowedUsers, default: TENANT_DEFAULTS.allowedUsers },
    queues: {
      type: 'object',
      description: 'The agent queues: a default queue and one queue per GPU fraction (gpu-fraction-1_00, gpu-fraction-0_50, ...).',
      additionalProperties: false,
      properties: {
        default: {
          type: 'object',
          description: 'The queue named "default".',
          additionalProperties: false,
          properties: {
            maxPods: { type: 'integer', description: 'Pods the default queue may run at once. Default: queues.maxPods.', minimum: 1, maximum: TENANT_BOUNDS.maxPods },
            requiredResources: {
              type: 'number',
              description: `Value of the required-resources label of its pods (counted by the agent and billing). Default: ${TENANT_DEFAULTS.queues.default.requiredResources}, as in the runbook.`,
              exclusiveMinimum: 0,
              maximum: TENANT_BOUNDS.requiredResources,
              default: TENANT_DEFAULTS.queues.default.requiredResources,
            },
          },
        },
        gpuFractions: {
          type: 'array',
          description: `One queue per fraction of a GPU, each asking for the MIG device of that size. Fractions: 1, 0.5, 0.25, 0.125. Default: [${listText(TENANT_DEFAULTS.queues.gpuFractions)}].`,
          items: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
          uniqueItems: true,
          maxItems: 4,
          default: TENANT_DEFAULTS.queues.gpuFractions,
        },
        gpuModel: {
          type: 'string',
          description: `The GPU model of the tenant's nodes; it decides the MIG profile of each fraction. Default: the platform's tenantReleases.defaultGpuModel (${DEFAULT_GPU_MODEL}).`,
          enum: GPU_MODELS,
        },
        maxPods: { type: 'integer', description: `Pods each GPU-fraction queue may run at once. Default: ${TENANT_DEFAULTS.queues.maxPods}.`, minimum: 1, maximum: TENANT_BOUNDS.maxPods, default: TENANT_DEFAULTS.queues.maxPods },
      },
    },
    sessions: {
      type: 'object',
      description: "Interactive sessions: the agent chart gives them the NodePorts startingPort+1 ... startingPort+maxServices, which must lie inside the network.nodePortRange of the platform (or of each of the tenant's clusters) and not overlap another tenant's in the same cluster.",
      additionalProperties: false,
      required: ['startingPort'],
      properties: {
        portMode: { type: 'boolean', description: `Sessions over TCP ports (sessions.portModeEnabled). Default: ${TENANT_DEFAULTS.sessions.portMode}.`, default: TENANT_DEFAULTS.sessions.portMode },
        externalIP: { type: 'string', description: `IP of a worker node that session clients connect to. Default: ${TENANT_DEFAULTS.sessions.externalIP}.`, pattern: IPV4, patternErrorMessage: 'must be an IPv4 address such as "10.0.0.12"', maxLength: 15, default: TENANT_DEFAULTS.sessions.externalIP },
        startingPort: {
          type: 'integer',
          description: `First NodePort of the tenant (npm run tenant:new picks the next free range); inside the platform's network.nodePortRange (default ${DEFAULT_NODE_PORT_RANGE.min}-${DEFAULT_NODE_PORT_RANGE.max}).`,
          minimum: 1,
          maximum: 65535,
        },
        maxServices: { type: 'integer', description: `Number of NodePorts, at most the platform's tenancy.maxSessionPorts (default 100). Default: ${TENANT_DEFAULTS.sessions.maxServices}.`, minimum: 1, maximum: TENANT_BOUNDS.maxServices, default: TENANT_DEFAULTS.sessions.maxServices },
      },
    },
    router: {
      type: 'object',
      description: 'The app gateway (task traffic router).',
      additionalProperties: false,
      properties: {
        hostName: { type: 'string', description: `Ingress host of the app gateway: ${TENANT_DEFAULT_TEXTS.routerHost} or <name>-<anything>-apps.<baseDomain>, never a host of the ClearML server. Default: ${TENANT_DEFAULT_TEXTS.routerHost}.`, maxLength: TENANT_BOUNDS.dnsName },
        streamSession: {
          type: 'object',
          description: "TCP/UDP sessions through the app gateway: refused unless the platform deploys it (tenantReleases.routerKind 'app-gateway'; the task traffic router has none).",
          additionalProperties: false,
          properties: {
            routerAddress: {
              type: 'string',
              description: 'streamSession.routerAddress: the address clients connect to for the stream ports (a node or load balancer). Default: the router host name.',
              maxLength: TENANT_BOUNDS.dnsName,
            },
            portRange: {
              type: 'object',
              description: `streamSession.portRange: the NodePorts start ... end (both included, at most the platform's tenancy.maxStreamPorts, default 100); inside the platform's (or each of the tenant's clusters') network.nodePortRange and apart from the session and stream ports of every tenant in the same cluster. Default: none (no stream sessions).`,
              additionalProperties: false,
              required: ['start', 'end'],
              properties: {
                start: { type: 'integer', description: 'First port.', minimum: 1, maximum: 65535 },
                end: { type: 'integer', description: 'Last port (at least start).', minimum: 1, maximum: 65535 },
              },
            },
          },
        },
      },
    },
    agent: {
      type: 'object',
      description: 'Settings of the agent release.',
      additionalProperties: false,
      properties: {
        imageTag: {
          type: 'string',
          description: "agentk8sglue.image.tag (an image tag). Default: the platform's tenantReleases.agentImageTag.",
          pattern: IMAGE_TAG_PATTERN,
          patternErrorMessage: IMAGE_TAG_MESSAGE,
          maxLength: 128,
        },
        defaultContainerImage: {
          type: 'string',
          description: `Image of tasks that name none (an image reference). Default: the platform's tenantReleases.defaultContainerImage (${DEFAULT_TASK_IMAGE}).`,
          pattern: IMAGE_REFERENCE_PATTERN,
          patternErrorMessage: IMAGE_REFERENCE_MESSAGE,
          maxLength: IMAGE_REFERENCE_MAX_LENGTH,
        },
        debugMode: { type: 'boolean', description: `agentk8sglue.debugMode. Default: ${TENANT_DEFAULTS.agent.debugMode}, as in the runbook.`, default: TENANT_DEFAULTS.agent.debugMode },
        maxResources: { type: 'integer', description: `monitoredResources.maxResources: the most required-resources the tenant may use at once. Default: ${TENANT_DEFAULTS.agent.maxResources}, as in the runbook.`, minimum: 1, maximum: TENANT_BOUNDS.maxResources, default: TENANT_DEFAULTS.agent.maxResources },
      },
    },
    quota: {
      type: 'object',
      description:
        'A ResourceQuota "tenant-quota" for the tenant namespace: totals over all its pods at once (agent, app gateway and task pods). Default: none (no ResourceQuota). A field not set is not limited. ' +
        'When cpu, memory, limitsCpu or limitsMemory is set, Kubernetes rejects pods without that request or limit, so the namespace also gets a LimitRange that fills them in (limitRange, or by default ' +
        `requests ${DEFAULT_LIMIT_RANGE.defaultRequestCpu} CPU / ${DEFAULT_LIMIT_RANGE.defaultRequestMemory} and limits ${DEFAULT_LIMIT_RANGE.defaultCpu} CPU / ${DEFAULT_LIMIT_RANGE.defaultMemory} per container).`,
      additionalProperties: false,
      properties: {
        cpu: quantity('requests.cpu: CPU the pods may request in all, e.g. "64" (cores) or "500m".', ['64']),
        memory: quantity('requests.memory: memory the pods may request in all, e.g. "256Gi".', ['256Gi']),
        limitsCpu: quantity('limits.cpu: the sum of the CPU limits of the pods; at least cpu.', ['128']),
        limitsMemory: quantity('limits.memory: the sum of the memory limits of the pods; at least memory.', ['256Gi']),
        pods: { type: 'integer', description: 'pods: pods that may exist at once (not finished).', minimum: 0, maximum: TENANT_BOUNDS.quotaPods, examples: [200] },
        gpus: { type: 'integer', description: 'requests.nvidia.com/gpu: whole GPUs (of nodes without MIG) the pods may request at once.', minimum: 0, maximum: TENANT_BOUNDS.quotaGpus, examples: [8] },
        mig: {
          type: 'object',
          description:
            "requests.nvidia.com/mig-<profile>: MIG devices per profile the pods may request at once, e.g. { 3g.20gb: 4, 2g.10gb: 8 }. Profiles must exist on the tenant's GPU model (queues.gpuModel; checked by synth, which names the model's profiles); profiles not listed are not limited.",
          properties: MIG_QUOTA_PROPERTIES,
          maxProperties: ALL_MIG_PROFILES.length,
        },
      },
    },
    limitRange: {
      type: 'object',
      description:
        'A LimitRange "tenant-limits" for the containers of the tenant namespace: requests and limits for containers that set none, and a maximum per container. ' +
        'Default: none, unless the quota limits CPU or memory (see quota). Must hold: defaultRequest <= default <= max.',
      additionalProperties: false,
      properties: {
        defaultRequestCpu: quantity('CPU request of a container that sets none. Default (Kubernetes): defaultCpu.', ['100m']),
        defaultRequestMemory: quantity('Memory request of a container that sets none. Default (Kubernetes): defaultMemory.', ['256Mi']),
        defaultCpu: quantity('CPU limit of a container that sets none. Default (Kubernetes): maxCpu.', ['1']),
        defaultMemory: quantity('Memory limit of a container that sets none. Default (Kubernetes): maxMemory.', ['1Gi']),
        maxCpu: quantity('The largest CPU limit a container may have. Default: no maximum.', ['16']),
        maxMemory: quantity('The largest memory limit a container may have. Default: no maximum.', ['64Gi']),
      },
    },
    clusters: {
      type: 'array',
      description:
        `The clusters that run the tenant's namespace (with its policies, quota and the bootstrap's access), agent and app gateway: ` +
        `names of the platform's clusters of role worker or both, whose GitOps flavor can install tenants (not k3s); the session and stream ports must lie ` +
        `inside each one's NodePort range and apart from those of the other tenants there. The control plane keeps its bootstrap Job, ledger and admin credentials. ` +
        `On a platform of one cluster, leave it out (or name that cluster, "default"). Default: ${TENANT_DEFAULT_TEXTS.clusters}.`,
      items: {
        type: 'string',
        pattern: DNS_LABEL_PATTERN,
        patternErrorMessage: `must be a DNS-1123 label of at most ${TENANT_BOUNDS.clusterName} characters (a cluster's name): lower-case letters, digits and "-", starting and ending with a letter or digit`,
        minLength: 1,
        maxLength: TENANT_BOUNDS.clusterName,
      },
      uniqueItems: true,
      minItems: 1,
      maxItems: TENANT_BOUNDS.clusters,
    },
  },
} as const satisfies JsonSchema;

/** A tenant file as written (optional fields may be absent). */
export type TenantSpec = FromSchema<typeof TENANT_SCHEMA>;

/** The JSON Schema document of the tenant files (`schema/tenant.schema.json`). */
export function tenantJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...TENANT_SCHEMA };
}

/** The text of `schema/tenant.schema.json`. */
export function tenantJsonSchemaText(): string {
  return `${JSON.stringify(tenantJsonSchema(), null, 2)}\n`;
}
