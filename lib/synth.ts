/**
 * From platform props (and tenant files) to the files of the output folder.
 *
 * `renderOutput` checks every input first and throws one `ConfigError` listing all problems before
 * anything is rendered; `synthesize` then replaces the output folder whole (see write-tree.ts), so bad
 * input never touches it.
 */
import { ResolvedPlatform, resolvePlatform } from './config/platform';
import { PlatformProps } from './config/platform-props';
import { gitopsOutput } from './gitops/gitops-output';
import { architectureMarkdown } from './output/architecture';
import { OutputFolder, renderFolderObjects, serializeFolders, sortedByPath, writeTree } from './output/write-tree';
import { platformFolders } from './platform/platform-layers';
import { collectSecretRequirements, secretInventoryJson, secretInventoryMarkdown } from './security/secret-reference';

export interface SynthOptions {
  /** The platform's settings. */
  readonly platform: PlatformProps;
  /** More folders after the platform's (e.g. the tenants'). @default - none */
  readonly extraFolders?: (platform: ResolvedPlatform) => OutputFolder[];
}

/** Every file of the output, relative path to content, sorted by path. */
export function renderOutput(options: SynthOptions): Map<string, string> {
  const platform = resolvePlatform(options.platform);
  const folders: OutputFolder[] = [...platformFolders(platform), ...(options.extraFolders?.(platform) ?? [])];
  const rendered = renderFolderObjects(folders);
  const gitops = gitopsOutput(rendered, platform);
  const files = serializeFolders(gitops.folders);
  for (const [name, content] of gitops.files) files.set(name, content);
  files.set('ARCHITECTURE.md', architectureMarkdown(gitops.folders, gitops.nodes));
  const secrets = collectSecretRequirements(folders.map((f) => f.app));
  files.set('SECRETS.md', secretInventoryMarkdown(secrets));
  files.set('secrets-inventory.json', secretInventoryJson(secrets));
  return sortedByPath(files);
}

/** Renders the output and writes it as the whole content of `outdir`. */
export function synthesize(options: SynthOptions, outdir: string): Map<string, string> {
  const files = renderOutput(options);
  writeTree(files, outdir);
  return files;
}
