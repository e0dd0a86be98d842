// Lint configuration. Besides the usual rules it enforces the module boundaries of the architecture
// (docs/architecture.md): `api`, `priority` and `xds` are pure leaves, `federation` never reaches into the embedded
// cluster or mesh, `dataplane` only speaks xDS, and only `src/kube` talks to the Kubernetes client library.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// One place talks to the Kubernetes API (like client-go in a controller): everyone else asks src/kube.
const KUBE_CLIENT = {
  group: ['@kubernetes/client-node', '@kubernetes/client-node/*'],
  message: 'only src/kube talks to the Kubernetes API: use its ClusterClient or KubeRest.',
};

// Other modules use the federation through its public surface (src/federation/index.ts), never its internals.
const FEDERATION_FACADE = {
  group: ['**/federation/*', '!**/federation/index.js'],
  message: 'use the federation through src/federation/index.ts.',
};

// A later config's no-restricted-imports replaces an earlier one for the same file, so every boundary repeats the
// rules that hold everywhere.
const boundary = (files, forbidden, why) => ({
  files,
  ignores: ['src/kube/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          // An entry is a gitignore-style group pattern, or `{ regex }` for what a group cannot say.
          ...forbidden.map((f) => (typeof f === 'string' ? { group: [f], message: why } : { ...f, message: why })),
          KUBE_CLIENT,
          FEDERATION_FACADE,
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'test-artifacts/**', '.meshbridge/**', 'ui/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  boundary(['src/**', 'ui/**', 'bench/**', 'scripts/**'], [], ''),
  // src/api has subfolders (kinds/k8s/...): each depth may climb back to src/api but never out of it.
  boundary(['src/api/*.ts'], ['../*', '!./*'], 'src/api is the pure resource model: it imports nothing internal.'),
  boundary(['src/api/*/*.ts'], ['../../*'], 'src/api is the pure resource model: it imports nothing internal.'),
  boundary(['src/api/*/*/*.ts'], ['../../../*'], 'src/api is the pure resource model: it imports nothing internal.'),
  boundary(['src/api/*/*/*/**'], ['../../../../*'], 'src/api is the pure resource model: it imports nothing internal.'),
  // The priority engine is the one rule both the mesh (EDS) and the federation (explain) call: a pure leaf.
  boundary(
    ['src/priority/**'],
    [{ regex: '^\\.\\./(?!xds/)' }],
    'src/priority is a pure leaf shared by the mesh and the federation: it imports only the xDS contract.',
  ),
  // The xDS contract (contract C) is shared by the mesh, the data plane and the local clusters, so it depends on none.
  boundary(['src/xds/**'], ['../*'], 'src/xds is the shared xDS contract: it imports nothing internal.'),
  boundary(
    ['src/federation/**'],
    ['**/local/**', '**/mesh/**', '**/dataplane/**'],
    'federation depends on api and kube interfaces only, never on the embedded cluster or mesh.',
  ),
  boundary(
    ['src/install/**'],
    ['**/local/**', '**/mesh/**', '**/dataplane/**', '**/mgmt/**', '**/cli/**', '**/kube/**'],
    "install is pure: flags in, manifests out, from the resource model and the federation's kinds.",
  ),
  boundary(['src/dataplane/**'], ['**/mesh/**', '**/local/**'], 'the data plane only speaks xDS to the control plane.'),
  boundary(
    ['src/cli/**', 'ui/**'],
    ['**/mgmt/store*', '**/mgmt/store/**'],
    'the CLI and UI reach mgmt over its API only.',
  ),
);
