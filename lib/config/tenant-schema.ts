/**
 * The format of `tenants/<name>.yaml`, written once.
 *
 * From {@link TENANT_SCHEMA} come the file's TypeScript type ({@link TenantSpec}), its validation
 * (`validateSchema` in tenants.ts) and `schema/tenant.schema.json` (`npm run schema`), which editors
 * use through the `# yaml-language-server: $schema=../schema/tenant.schema.json` line of each file.
 * What a JSON Schema cannot say (e-mail and domain syntax, MIG profiles per GPU model, anything across
 * tenant files) is checked in code, in tenants.ts.
 */
import { DNS_LABEL_PATTERN } from './checks';
import { CLEARML_FEATURES } from './features';
import { GPU_MODELS } from './gpu-models';
import { FromSchema, JsonSchema } from './json-schema';

const DNS_LABEL_MESSAGE = 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';
const IPV4 = '^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$';

/** Kubernetes' default NodePort range (the platform's `network.nodePortRange` may widen it). */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

const featureList = (description: string) =>
  ({
    type: 'array',
    description,
    items: { type: 'string', enum: CLEARML_FEATURES },
    uniqueItems: true,
  }) as const;

export const TENANT_SCHEMA = {
  type: 'object',
  title: 'ClearML tenant',
  description: 'One tenant of the multi-tenant ClearML platform: its company, namespace, agent queues and app gateway. The file is tenants/<name>.yaml.',
  additionalProperties: false,
  required: ['name', 'admin', 'sessions'],
  properties: {
    name: {
      type: 'string',
      description: 'The ClearML company name; also the file name (<name>.yaml). A DNS-1123 label.',
      pattern: DNS_LABEL_PATTERN,
      patternErrorMessage: DNS_LABEL_MESSAGE,
      maxLength: 63,
      examples: ['acme'],
    },
    namespace: {
      type: 'string',
      description: 'The Kubernetes namespace of the tenant. Default: the name.',
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
        name: { type: 'string', description: 'Display name of the admin user.', minLength: 1 },
        email: { type: 'string', description: 'E-mail of the admin user.', minLength: 1 },
      },
    },
    ssoDomains: {
      type: 'array',
      description: 'E-mail domains whose users may log in through SSO (login.set_domains). Default: none.',
      items: { type: 'string' },
      uniqueItems: true,
    },
    features: featureList('Features added to the company (company defaults). Default: the server defaults.'),
    excludeFeatures: featureList('Features removed from the company (company defaults). Default: none.'),
    allowedUsers: { type: 'integer', description: 'Maximum number of users of the company. Default: 10.', minimum: 1, default: 10 },
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
            maxPods: { type: 'integer', description: 'Pods the default queue may run at once. Default: queues.maxPods.', minimum: 1 },
            requiredResources: {
              type: 'number',
              description: 'Value of the required-resources label of its pods (counted by the agent and billing). Default: 0.5, as in the runbook.',
              exclusiveMinimum: 0,
              default: 0.5,
            },
          },
        },
        gpuFractions: {
          type: 'array',
          description: 'One queue per fraction of a GPU, each asking for the MIG device of that size. Fractions: 1, 0.5, 0.25, 0.125. Default: [1, 0.5, 0.25].',
          items: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
          uniqueItems: true,
          default: [1, 0.5, 0.25],
        },
        gpuModel: {
          type: 'string',
          description: "The GPU model of the tenant's nodes; it decides the MIG profile of each fraction. Default: the platform's tenantReleases.defaultGpuModel (A100-40GB).",
          enum: GPU_MODELS,
        },
        maxPods: { type: 'integer', description: 'Pods each GPU-fraction queue may run at once. Default: 10.', minimum: 1, default: 10 },
      },
    },
    sessions: {
      type: 'object',
      description: 'Interactive sessions: the NodePort range [startingPort, startingPort + maxServices) must not overlap another tenant\'s.',
      additionalProperties: false,
      required: ['startingPort'],
      properties: {
        portMode: { type: 'boolean', description: 'Sessions over TCP ports (sessions.portModeEnabled). Default: false.', default: false },
        externalIP: { type: 'string', description: 'IP of a worker node that session clients connect to. Default: 0.0.0.0.', pattern: IPV4, patternErrorMessage: 'must be an IPv4 address such as "10.0.0.12"', default: '0.0.0.0' },
        startingPort: {
          type: 'integer',
          description: `First NodePort of the tenant (npm run tenant:new picks the next free range); inside the platform's network.nodePortRange (default ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}).`,
          minimum: 1,
          maximum: 65535,
        },
        maxServices: { type: 'integer', description: 'Number of NodePorts. Default: 10.', minimum: 1, maximum: 65535, default: 10 },
      },
    },
    router: {
      type: 'object',
      description: 'The app gateway (task traffic router).',
      additionalProperties: false,
      properties: {
        hostName: { type: 'string', description: 'Ingress host of the app gateway, inside the platform\'s base domain. Default: <name>-apps.<baseDomain>.' },
      },
    },
    agent: {
      type: 'object',
      description: 'Settings of the agent release.',
      additionalProperties: false,
      properties: {
        imageTag: { type: 'string', description: "agentk8sglue.image.tag. Default: the platform's tenantReleases.agentImageTag.", minLength: 1 },
        defaultContainerImage: { type: 'string', description: "Image of tasks that name none. Default: the platform's tenantReleases.defaultContainerImage (python:3.9).", minLength: 1 },
        debugMode: { type: 'boolean', description: 'agentk8sglue.debugMode. Default: true, as in the runbook.', default: true },
        maxResources: { type: 'integer', description: 'monitoredResources.maxResources: the most required-resources the tenant may use at once. Default: 3, as in the runbook.', minimum: 1, default: 3 },
      },
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
