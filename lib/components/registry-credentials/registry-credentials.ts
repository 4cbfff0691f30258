/** The enterprise registry password every enterprise chart takes as `imageCredentials.password`. */
import type { ComponentPlatform } from '../component';
import { SecretValue } from '../../flavors/release-definition';

/** `platform`: its `registryPasswordSecret`. */
export function registryPasswordValue(platform: Pick<ComponentPlatform, 'registryPasswordSecret'>): SecretValue {
  return {
    secret: platform.registryPasswordSecret,
    targetPath: 'imageCredentials.password',
    purpose: 'ClearML enterprise registry token (imageCredentials.password of the enterprise charts)',
    alternative: {
      values: { imageCredentials: { enabled: true, existingSecret: `${platform.registryPasswordSecret.name}-pull` } },
      secret: { name: `${platform.registryPasswordSecret.name}-pull`, keys: ['.dockerconfigjson'], type: 'kubernetes.io/dockerconfigjson' },
      purpose: 'Image pull Secret of the ClearML enterprise registry (imageCredentials.existingSecret of the enterprise charts; Argo CD cannot use valuesFrom)',
    },
  };
}
