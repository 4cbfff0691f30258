import { SharedRedis } from '../../lib/platform/shared-redis';
import { only, platformWith, synthOf } from '../helpers';

describe('SharedRedis', () => {
  test('snapshot', () => {
    expect(synthOf((s) => new SharedRedis(s, 'redis', { platform: platformWith() }))).toMatchSnapshot();
  });

  test('bitnami redis 17.8.3 in redis-shared with the password from an existing Secret', () => {
    const objects = synthOf((s) => new SharedRedis(s, 'redis', { platform: platformWith() }));
    const release = only(objects, 'HelmRelease');
    expect(release).toHaveProperty('metadata.namespace', 'redis-shared');
    expect(release).toHaveProperty('spec.chart.spec.version', '17.8.3');
    expect(release).toHaveProperty('spec.chart.spec.sourceRef.name', 'bitnami');
    expect(release.spec.values.auth).toEqual({ enabled: true, existingSecret: 'redis-shared-auth', existingSecretPasswordKey: 'redis-password' });
    expect(JSON.stringify(objects)).not.toMatch(/sdkWoq23/);
  });

  test('admits the server namespace and tenant namespaces only', () => {
    const policy = only(synthOf((s) => new SharedRedis(s, 'redis', { platform: platformWith() })), 'NetworkPolicy', 'allow-ingress-from-namespaces');
    expect(policy.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clearml' } } },
      { namespaceSelector: { matchExpressions: [{ key: 'clearml-tenancy/tenant', operator: 'Exists' }] } },
    ]);
  });

  test('exposes the master host the agents use', () => {
    let host = '';
    synthOf((s) => {
      host = new SharedRedis(s, 'redis', { platform: platformWith() }).host;
    });
    expect(host).toBe('redis-master.redis-shared');
  });
});
