/**
 * Kinds of the Kubernetes API groups that have no namespace. One list for the writer (which drops the
 * namespace cdk8s stamps on them), the validator and the policy lint (which adds the cluster-scoped kinds of
 * the CRDs it knows).
 */
export const CORE_CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'RuntimeClass',
  'StorageClass', 'CSIDriver', 'CSINode', 'IngressClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'VolumeAttachment', 'FlowSchema', 'PriorityLevelConfiguration', 'CertificateSigningRequest',
]);
