/**
 * Pod and container settings that meet the Pod Security "restricted" standard, shared by every Job
 * the product writes (except the MIG setup, which must be privileged).
 */
import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-27';

/** Pod-level security context: non-root, RuntimeDefault seccomp. */
export function restrictedPodSecurityContext(uid = 1000): k8s.PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Container-level security context: no escalation, no capabilities, read-only root filesystem. */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Requests and limits of a container, as quantities. */
export function resources(requests: { cpu: string; memory: string }, limits: { cpu: string; memory: string }): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(requests.cpu), memory: k8s.Quantity.fromString(requests.memory) },
    limits: { cpu: k8s.Quantity.fromString(limits.cpu), memory: k8s.Quantity.fromString(limits.memory) },
  };
}

/** The first `length` hex characters of the SHA-256 of the parts (joined with NUL). */
export function contentHash(parts: readonly string[], length = 10): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, length);
}

/** `<prefix>-<hash>` as a DNS label of at most 63 characters (the prefix is shortened if needed). */
export function hashedName(prefix: string, hash: string): string {
  const room = 63 - hash.length - 1;
  return `${prefix.slice(0, room).replace(/-+$/, '')}-${hash}`;
}
