/** The enterprise registry password every enterprise chart takes as `imageCredentials.password`. */
import { ResolvedPlatform } from '../config/platform';
import { SecretValue } from '../gitops/release-definition';

export function registryPasswordValue(platform: ResolvedPlatform): SecretValue {
  return {
    secret: platform.registryPasswordSecret,
    targetPath: 'imageCredentials.password',
    purpose: 'ClearML enterprise registry token (imageCredentials.password of the enterprise charts)',
  };
}
