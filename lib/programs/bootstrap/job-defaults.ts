/**
 * The defaults of the tenant bootstrap Jobs, written once: the platform props (`lib/platform/platform.ts`),
 * the Job construct (`lib/tenant/tenant-bootstrap.ts`) and the program itself (`bootstrap.ts`, for
 * `BOOTSTRAP_DEADLINE_SECONDS`) import them from here. Data only, so the program's bundle stays small.
 */

/**
 * `node:20-alpine` pinned by digest (seen in public pinned Dockerfiles), for the bootstrap Jobs.
 * Refresh it with `crane digest node:20-alpine`.
 */
export const DEFAULT_NODE_IMAGE = 'node:20-alpine@sha256:fb4cd12c85ee03686f6af5362a0b0d56d50c58a04632e6c0fb8363f609372293';

export const BOOTSTRAP_JOB_DEFAULTS = {
  /** The `node` image of the Job, pinned by tag and digest. */
  image: DEFAULT_NODE_IMAGE,
  /** The program's own deadline per run (`BOOTSTRAP_DEADLINE_SECONDS`): no retry starts after it. */
  deadlineSeconds: 300,
  /** Pod retries of a Job. */
  backoffLimit: 4,
  /** Deadline of a whole Job, all pod retries included (at least `deadlineSeconds` + 60). */
  activeDeadlineSeconds: 1800,
  /** Requests and limits of the container. */
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
} as const;
