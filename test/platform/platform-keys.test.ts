/**
 * Unknown keys in the platform props (lib/platform/platform-keys.ts): the runtime description of the keys
 * compared with the TypeScript interfaces themselves, and what a misspelled key gives.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { Problem, Problems } from '../../lib/core/problems';
import { KeyShape, PLATFORM_KEYS, checkPlatformKeys } from '../../lib/platform/platform-keys';
import { editDistance, nearestName } from '../../lib/core/typos';
import { resolvePlatform } from '../../lib/platform/platform';
import { PlatformProps } from '../../lib/platform/platform-props';
import { PROFILES, profileDefaults } from '../../lib/platform/profiles/profile';
import { platform as fixture } from '../fixtures/platform';
import { platform as mainPlatform } from '../../main';
import { platform as twoClusters } from '../../examples/two-clusters';
import { MINIMAL_PLATFORM, configProblems } from '../helpers';

const PROPS_FILE = join(__dirname, '..', '..', 'lib', 'platform', 'platform-props.ts');

/** What a TypeScript type allows at one place, in the terms of {@link KeyShape}. */
type TypeShape =
  | { kind: 'leaf' }
  | { kind: 'object'; fields: Map<string, TypeShape> }
  | { kind: 'list'; of: TypeShape }
  | { kind: 'map'; of: TypeShape }
  | { kind: 'union'; discriminant: string; variants: Map<string, TypeShape> };

/** The shape of `PlatformProps` as the compiler sees lib/platform/platform-props.ts and every type it uses. */
function platformPropsShape(): TypeShape {
  const program = ts.createProgram([PROPS_FILE], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(PROPS_FILE);
  if (!source) throw new Error(`cannot read ${PROPS_FILE}`);
  const declaration = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'PlatformProps');
  if (!declaration) throw new Error('no interface PlatformProps in lib/platform/platform-props.ts');
  const root = checker.getTypeAtLocation(declaration.name);

  const isObject = (t: ts.Type) => (t.flags & ts.TypeFlags.Object) !== 0;
  const arrayElement = (t: ts.Type): ts.Type | undefined => {
    if (!isObject(t)) return undefined;
    if (checker.isTupleType(t)) throw new Error(`tuple ${checker.typeToString(t)}: not described`);
    return checker.isArrayType(t) ? checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
  };
  const stack: ts.Type[] = [];
  const shapeOf = (input: ts.Type): TypeShape => {
    const type = checker.getNonNullableType(input);
    if (stack.includes(type)) throw new Error(`recursive type ${checker.typeToString(type)}`);
    stack.push(type);
    try {
      const parts = type.isUnion() ? type.types : [type];
      const shapes: TypeShape[] = [];
      const objects: ts.Type[] = [];
      for (const part of parts) {
        const element = arrayElement(part);
        if (element !== undefined) shapes.push({ kind: 'list', of: shapeOf(element) });
        else if (isObject(part)) objects.push(part);
      }
      if (objects.length === 1) shapes.push(objectShape(objects[0]));
      else if (objects.length > 1) shapes.push(unionShape(objects));
      // A list of plain values is a plain value here; a value that may be a list or an object has no single shape.
      const structured = shapes.filter((s) => !(s.kind === 'list' && s.of.kind === 'leaf'));
      if (structured.length === 0) return { kind: 'leaf' };
      if (structured.length > 1) throw new Error(`${checker.typeToString(type)} is several kinds of structure at once`);
      return structured[0];
    } finally {
      stack.pop();
    }
  };
  const objectShape = (type: ts.Type): TypeShape => {
    const properties = checker.getPropertiesOfType(type);
    const index = checker.getIndexInfosOfType(type);
    if (index.length > 0) {
      if (properties.length > 0) throw new Error(`${checker.typeToString(type)} has both fields and an index signature`);
      return { kind: 'map', of: shapeOf(index[0].type) };
    }
    return { kind: 'object', fields: new Map(properties.map((p) => [p.name, shapeOf(checker.getTypeOfSymbol(p))])) };
  };
  const unionShape = (types: readonly ts.Type[]): TypeShape => {
    const literal = (t: ts.Type, name: string): string | undefined => {
      const property = checker.getPropertyOfType(t, name);
      const value = property && checker.getNonNullableType(checker.getTypeOfSymbol(property));
      return value?.isStringLiteral() ? value.value : undefined;
    };
    const candidates = checker.getPropertiesOfType(types[0]).map((p) => p.name);
    const discriminant = candidates.find((name) => types.every((t) => literal(t, name) !== undefined));
    if (discriminant === undefined) throw new Error(`${types.map((t) => checker.typeToString(t)).join(' | ')} has no field telling its members apart`);
    return { kind: 'union', discriminant, variants: new Map(types.map((t) => [literal(t, discriminant)!, objectShape(t)])) };
  };
  return shapeOf(root);
}

/** Where the runtime description and the interfaces differ, one line each. */
function differences(runtime: KeyShape, typed: TypeShape, path: string, out: string[]): string[] {
  const at = path === '' ? '(the props)' : path;
  const kindText = (k: string) => (k === 'leaf' ? 'a plain value' : k === 'free' ? 'a free-form map' : `a ${k}`);
  if (runtime.kind === 'free') {
    // A free-form map stands for any map of the interfaces, or for an object whose keys are checked elsewhere.
    if (typed.kind !== 'map' && !(typed.kind === 'object' && runtime.checkedBy !== undefined)) out.push(`${at}: PLATFORM_KEYS has a free-form map, the interfaces ${kindText(typed.kind)}`);
    return out;
  }
  if (runtime.kind !== typed.kind) {
    out.push(`${at}: PLATFORM_KEYS has ${kindText(runtime.kind)}, the interfaces ${kindText(typed.kind)}`);
    return out;
  }
  if (runtime.kind === 'object' && typed.kind === 'object') {
    for (const key of typed.fields.keys()) {
      const child = path === '' ? key : `${path}.${key}`;
      if (!Object.prototype.hasOwnProperty.call(runtime.fields, key)) out.push(`${child}: missing from PLATFORM_KEYS`);
      else differences(runtime.fields[key], typed.fields.get(key)!, child, out);
    }
    for (const key of Object.keys(runtime.fields)) {
      if (!typed.fields.has(key)) out.push(`${path === '' ? key : `${path}.${key}`}: in PLATFORM_KEYS but no field of the interfaces`);
    }
    for (const key of runtime.refusedElsewhere ?? []) {
      if (typed.fields.has(key)) out.push(`${path === '' ? key : `${path}.${key}`}: refused elsewhere in PLATFORM_KEYS but a field of the interfaces`);
    }
  } else if ((runtime.kind === 'list' || runtime.kind === 'map') && (typed.kind === 'list' || typed.kind === 'map')) {
    differences(runtime.of, typed.of, `${path}${runtime.kind === 'list' ? '[]' : '.<name>'}`, out);
  } else if (runtime.kind === 'union' && typed.kind === 'union') {
    if (runtime.discriminant !== typed.discriminant) out.push(`${at}: PLATFORM_KEYS tells the members apart by ${runtime.discriminant}, the interfaces by ${typed.discriminant}`);
    const names = new Set([...Object.keys(runtime.variants), ...typed.variants.keys()]);
    for (const name of names) {
      const r = runtime.variants[name];
      const t = typed.variants.get(name);
      if (r === undefined) out.push(`${at} (${typed.discriminant}: ${name}): missing from PLATFORM_KEYS`);
      else if (t === undefined) out.push(`${at} (${runtime.discriminant}: ${name}): in PLATFORM_KEYS but no member of the interfaces`);
      else differences(r, t, path, out);
    }
  }
  return out;
}

const keyProblems = (props: unknown): Problem[] => {
  const problems = new Problems('test');
  checkPlatformKeys(props, problems);
  return [...problems.all];
};
const unknownKeys = (problems: readonly Problem[]) => problems.filter((p) => p.message.startsWith('is not a field here'));

describe('the runtime description of the platform props', () => {
  const typed = platformPropsShape();

  test('has exactly the fields of PlatformProps and of every interface it uses, at every depth', () => {
    expect(differences(PLATFORM_KEYS, typed, '', [])).toEqual([]);
  });

  test('the comparison itself finds a missing, an extra and a misplaced key', () => {
    // The description with server.sso.clientId taken out and a field added to network: both named.
    const server = PLATFORM_KEYS.fields.server as Extract<KeyShape, { kind: 'object' }>;
    const sso = server.fields.sso as Extract<KeyShape, { kind: 'object' }>;
    const { clientId: _clientId, ...ssoFields } = sso.fields;
    void _clientId;
    const changed: KeyShape = {
      kind: 'object',
      fields: {
        ...PLATFORM_KEYS.fields,
        server: { kind: 'object', fields: { ...server.fields, sso: { kind: 'object', fields: ssoFields } } },
        network: { kind: 'object', fields: { ...(PLATFORM_KEYS.fields.network as Extract<KeyShape, { kind: 'object' }>).fields, netwrok: { kind: 'leaf' } } },
        baseDomain: { kind: 'free' },
      },
    };
    expect(differences(changed, typed, '', [])).toEqual([
      'baseDomain: PLATFORM_KEYS has a free-form map, the interfaces a plain value',
      'network.netwrok: in PLATFORM_KEYS but no field of the interfaces',
      'server.sso.clientId: missing from PLATFORM_KEYS',
    ]);
  });

  test('sees the nested interfaces of the components, the clusters and the secrets', () => {
    const t = typed as Extract<TypeShape, { kind: 'object' }>;
    expect([...t.fields.keys()]).toEqual(expect.arrayContaining(['server', 'network', 'clusters', 'secrets', 'tenancy', 'profile']));
    const clusters = t.fields.get('clusters')!;
    expect(clusters.kind).toBe('list');
    expect(clusters.kind === 'list' && clusters.of.kind === 'object' && [...clusters.of.fields.keys()].sort()).toEqual(['apiServer', 'gitops', 'migSetup', 'name', 'network', 'role']);
    expect(t.fields.get('secrets')?.kind).toBe('union');
    expect(t.fields.get('sources')).toMatchObject({ kind: 'map', of: { kind: 'union', discriminant: 'type' } });
  });
});

describe('fully populated props have no unknown key', () => {
  test.each([
    ['test/fixtures/platform.ts', fixture],
    ['main.ts', mainPlatform],
    ['examples/two-clusters.ts', twoClusters],
  ] as const)('%s', (_name, props) => {
    expect(keyProblems(props)).toEqual([]);
  });

  test.each(PROFILES)('the defaults of the %s profile', (profile) => {
    for (const props of [mainPlatform, twoClusters]) expect(keyProblems(profileDefaults(profile, props))).toEqual([]);
  });

  test('a props object setting every field of the description', () => {
    // Built from the description itself, so that every key it lists is accepted where it lists it.
    const fill = (shape: KeyShape): unknown => {
      switch (shape.kind) {
        case 'leaf':
          return 'x';
        case 'free':
          return { anything: { at: ['any', 'depth'] } };
        case 'object':
          return Object.fromEntries(Object.entries(shape.fields).map(([k, s]) => [k, fill(s)]));
        case 'list':
          return [fill(shape.of), fill(shape.of)];
        case 'map':
          return { one: fill(shape.of), two: fill(shape.of) };
        case 'union': {
          const [name, variant] = Object.entries(shape.variants).at(-1)!;
          return { ...(fill(variant) as object), [shape.discriminant]: name };
        }
      }
    };
    const full = fill(PLATFORM_KEYS) as Record<string, unknown>;
    expect(keyProblems(full)).toEqual([]);
    expect(Object.keys(full).length).toBeGreaterThan(20);
  });
});

describe('a misspelled key in the platform props', () => {
  const minimal = MINIMAL_PLATFORM as unknown as Record<string, any>;

  test('a top-level key: named with its value, what is allowed and the key meant', () => {
    const problems = configProblems(() => resolvePlatform({ ...minimal, netwrok: { nodePortRange: { min: 30000, max: 32767 } } } as unknown as PlatformProps));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'main.ts (platform props)', path: 'netwrok', value: { nodePortRange: { min: 30000, max: 32767 } } });
    expect(problems[0].message).toMatch(/^is not a field here; did you mean network\? allowed: profile, baseDomain, .*network/);
  });

  test('a key differing only in case: server.sso.clientID', () => {
    const sso = { clientID: 'web', clientSecret: { name: 'sso', key: 'secret' }, baseUrl: 'https://login.example.com', authorizeUrl: 'https://login.example.com/a', accessTokenUrl: 'https://login.example.com/t', audience: 'x' };
    const problems = unknownKeys(configProblems(() => resolvePlatform({ ...minimal, server: { ...minimal.server, sso } } as unknown as PlatformProps)));
    expect(problems).toEqual([
      { file: 'main.ts (platform props)', path: 'server.sso.clientID', value: 'web', message: 'is not a field here; did you mean clientId? allowed: clientId, baseUrl, authorizeUrl, accessTokenUrl, audience, clientSecret' },
    ]);
  });

  test('every unknown key at once, with the other problems of the props', () => {
    const problems = configProblems(() =>
      resolvePlatform({
        ...minimal,
        baseDomain: 'not a domain',
        netwrok: {},
        server: { ...minimal.server, hostz: {}, supervisor: { email: 'root@example.com', emial: 'x' } },
        tenancy: { limits: { requireQuota: true, maxQutoa: { cpu: '4' } } },
        gpuOperator: { values: { anyKey: { deep: true } }, chart: { source: 's', chart: 'c', version: '1.0.0', verison: '1' } },
      } as unknown as PlatformProps),
    );
    const unknown = unknownKeys(problems).map((p) => `${p.path}: ${p.message.replace(/^.*; (did you mean \S+\?) allowed: .*$/, '$1')}`);
    expect(unknown.sort()).toEqual([
      'netwrok: did you mean network?',
      'server.hostz: did you mean hosts?',
      'server.supervisor.emial: did you mean email?',
      'gpuOperator.chart.verison: did you mean version?',
      'tenancy.limits.maxQutoa: did you mean maxQuota?',
    ].sort());
    expect(problems.some((p) => p.path === 'baseDomain')).toBe(true);
  });

  test('a key far from every known one gets the allowed keys but no guess', () => {
    const [problem] = keyProblems({ ...minimal, bootstrap: { timeoutMinutes: 5 } });
    expect(problem).toEqual({ file: 'test', path: 'bootstrap.timeoutMinutes', value: 5, message: 'is not a field here; allowed: image, deadlineSeconds, backoffLimit, activeDeadlineSeconds, adminInternal' });
  });

  test('inside a list, a map of chart sources (by type) and the external secrets settings', () => {
    const problems = keyProblems({
      ...minimal,
      server: { ...minimal.server, groups: [{ key: 'a', id: 'b', features: [] }, { key: 'c', id: 'd', feature: [] }] },
      sources: { mine: { type: 'helm', url: 'https://charts.example.com', tag: 'v1' }, git: { type: 'git', url: 'https://example.com/x.git', tag: 'v1' } },
      secrets: { provider: 'external-secrets', store: { kind: 'ClusterSecretStore', name: 'vault' }, remoteKeys: { 'clearml-sso': { remoteKey: 'sso', propertes: {} } } },
      migSetup: { nodes: [{ name: 'n', gpuModle: 'A100-40GB' }] },
    });
    expect(problems.map((p) => [p.path, p.message.split(';')[0]])).toEqual([
      ['server.groups[1].feature', 'is not a field here'],
      ['sources.mine.tag', 'is not a field here (with type: "helm")'],
      ['secrets.remoteKeys.clearml-sso.propertes', 'is not a field here'],
      ['migSetup.nodes[0].gpuModle', 'is not a field here'],
    ]);
    expect(problems[0].message).toBe('is not a field here; did you mean features? allowed: key, id, name, features, assignable');
  });

  test('free-form maps (Helm values, labels, environment, UI features) are not checked inside', () => {
    expect(
      keyProblems({
        ...minimal,
        network: { dnsPodLabels: { anyLabel: 'x' } },
        server: { ...minimal.server, values: { netwrok: 1, apiserver: { extraEnvs: [{ name: 'A' }] } }, extraApiserverEnv: { NETWROK: 'x' }, uiFeaturesPerRole: { admin: { anything: true } }, defaultGroupFeatures: { g: [] } },
        redis: { values: { auth: { enabled: true } } },
        tenancy: { limits: { maxQuota: { cpu: '4' } } },
      }),
    ).toEqual([]);
  });

  test('a custom group\'s system flag: refused once, by the server\'s own check', () => {
    const groups = [{ key: 'ops', id: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', features: [], system: true, sytem: true }];
    const problems = configProblems(() => resolvePlatform({ ...minimal, server: { ...minimal.server, groups } } as unknown as PlatformProps));
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['server.groups[0].sytem', 'is not a field here; allowed: key, id, name, features, assignable'],
      ['server.groups[0].system', 'cannot be set: custom groups are always system=false'],
    ]);
  });

  test('a key that is an own key of Object.prototype is still unknown', () => {
    const props = JSON.parse('{"baseDomain":"example.com","server":{"supervisor":{"email":"a@b.c"}},"constructor":1,"__proto__":{"x":1}}');
    expect(keyProblems(props).map((p) => p.path)).toEqual(['constructor', '__proto__']);
  });

  test('in a cluster: its own keys and those of its network, each once, under clusters[<i>]', () => {
    const clusters = (twoClusters.clusters ?? []).map((c, i) => (i === 1 ? { ...c, netwrok: {}, network: { ...c.network, nodePortRnage: { min: 30000, max: 32767 } }, gitops: { flavor: 'flux', pth: 'x' } } : c));
    const problems = unknownKeys(configProblems(() => resolvePlatform({ ...twoClusters, clusters } as unknown as PlatformProps)));
    expect(problems.map((p) => `${p.path}: ${p.message.replace(/^.*; did you mean (\S+)\? allowed: .*$/, '$1')}`).sort()).toEqual([
      'clusters[1].gitops.pth: path',
      'clusters[1].network.nodePortRnage: nodePortRange',
      'clusters[1].netwrok: network',
    ]);
  });

  test('in a cluster with a bad role (not resolved on its own), its network keys still', () => {
    const clusters = [...(twoClusters.clusters ?? []), { name: 'third', role: 'wroker', network: { clusterCidr: ['10.0.0.0/8'] } }];
    const problems = configProblems(() => resolvePlatform({ ...twoClusters, clusters } as unknown as PlatformProps));
    const index = clusters.length - 1;
    expect(unknownKeys(problems).map((p) => p.path)).toEqual([`clusters[${index}].network.clusterCidr`]);
    expect(problems.some((p) => p.path === `clusters[${index}].role`)).toBe(true);
  });

  test('the synth command exits non-zero naming the key', () => {
    // resolvePlatform is what the synth calls first (lib/synth.ts); its ConfigError stops the run.
    expect(() => resolvePlatform({ ...fixture, server: { ...fixture.server, sso: { ...fixture.server.sso!, clientID: 'x' } } } as unknown as PlatformProps)).toThrow(/server\.sso\.clientID: "x": is not a field here; did you mean clientId\? allowed: /);
  });
});

describe('the near-miss guess', () => {
  test('edit distance with swaps', () => {
    expect(editDistance('clientId', 'clientId')).toBe(0);
    expect(editDistance('netwrok', 'network')).toBe(1);
    expect(editDistance('nodePortRnage', 'nodePortRange')).toBe(1);
    expect(editDistance('abc', 'abcde')).toBe(2);
    expect(editDistance('abc', 'abcdef')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  test('same but for case wins; nearest else; none beyond 2 edits', () => {
    expect(nearestName('CLIENTID', ['clientSecret', 'clientId'])).toBe('clientId');
    expect(nearestName('hots', ['hosts', 'hostz'])).toBe('hosts');
    expect(nearestName('timeoutMinutes', ['deadlineSeconds'])).toBeUndefined();
  });
});
