// The local org's page bundle: the real compiled components (from their TypeScript sources, as
// the preview harness builds them) with the real lightning-* base components, and the platform
// modules bound to the local org: @salesforce/apex/* posts to /local/aura, lightning/empApi reads
// /local/events, labels, permissions and locale come from the page. Built once per content hash
// of its inputs and cached, so a second start reuses it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'rollup';
import { lwcBundle, walk } from '../core/paths';

const CLIENT_DIR = path.join(__dirname, 'client');
const VIRTUAL = '\0rinkel-local:';

/** The components the pages mount, and the ones they contain. */
export const COMPONENTS = [
  'callTimeline',
  'callTimelineGroup',
  'callTimelineItem',
  'rinkelRecordList',
  'rinkelScreenPop',
  'rinkelCallAction',
  'rinkelOperations'
];

const SERVICES: Record<string, string> = {
  'lightning/empApi': path.join(CLIENT_DIR, 'empApi.ts'),
  'lightning/navigation': path.join(CLIENT_DIR, 'navigation.ts'),
  'lightning/refresh': path.join(CLIENT_DIR, 'refresh.ts'),
  'lightning/actions': path.join(CLIENT_DIR, 'actions.ts'),
  'lightning/platformUtilityBarApi': path.join(CLIENT_DIR, 'utilityBar.ts')
};

/** Every file the bundle is made of (the base components' version comes from the lock file). */
export function bundleInputs(root: string): string[] {
  const sources = COMPONENTS.flatMap((name) =>
    walk(
      lwcBundle(name, root),
      (file) => /\.(ts|html|css)$/.test(file) && !file.includes('__tests__')
    )
  );
  return [
    ...sources,
    ...walk(CLIENT_DIR, (file) => file.endsWith('.ts')),
    __filename,
    path.join(root, 'package-lock.json')
  ];
}

export function bundleHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of bundleInputs(root)) {
    hash.update(path.relative(root, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

function localPlatform(): Plugin {
  return {
    name: 'rinkel-local-platform',
    resolveId(source, importer) {
      if (source.startsWith('@salesforce/apex/')) {
        return `${VIRTUAL}apex:${source.slice('@salesforce/apex/'.length)}`;
      }
      if (SERVICES[source]) {
        return SERVICES[source];
      }
      // The npm package's gate stub turns every gate on; this one needs native shadow, which a
      // page with synthetic shadow (as Lightning Experience) does not have.
      if (source === '@salesforce/gate/bc.260.enableComboboxElementInternals') {
        return `${VIRTUAL}gate-off`;
      }
      if (source.startsWith('@salesforce/label/c.')) {
        return `${VIRTUAL}label:${source.slice('@salesforce/label/c.'.length)}`;
      }
      if (source.startsWith('@salesforce/customPermission/')) {
        return `${VIRTUAL}permission:${source.slice('@salesforce/customPermission/'.length)}`;
      }
      if (source === '@salesforce/i18n/locale' || source === '@salesforce/i18n/timeZone') {
        return `${VIRTUAL}i18n:${source.slice('@salesforce/i18n/'.length)}`;
      }
      const from = importer?.split('?')[0];
      if (from?.endsWith('.ts') && source.startsWith('.') && !path.extname(source)) {
        const candidate = `${path.resolve(path.dirname(from), source)}.ts`;
        if (fs.existsSync(candidate)) {
          return candidate;
        }
      }
      return null;
    },
    load(id) {
      if (id.startsWith(`${VIRTUAL}apex:`)) {
        const [className, method] = id.slice(`${VIRTUAL}apex:`.length).split('.');
        return `import { callApex } from ${JSON.stringify(path.join(CLIENT_DIR, 'apex.ts'))};
export default (params) => callApex(${JSON.stringify(className)}, ${JSON.stringify(method)}, params);`;
      }
      if (id === `${VIRTUAL}gate-off`) {
        return 'export default { isOpen: () => false };';
      }
      if (id.startsWith(`${VIRTUAL}label:`)) {
        const name = id.slice(`${VIRTUAL}label:`.length);
        return `export default (window.__LOCAL__.labels[${JSON.stringify(name)}] ?? ${JSON.stringify(name)});`;
      }
      if (id.startsWith(`${VIRTUAL}permission:`)) {
        const name = id.slice(`${VIRTUAL}permission:`.length);
        return `export default window.__LOCAL__.permissions[${JSON.stringify(name)}] === true;`;
      }
      if (id.startsWith(`${VIRTUAL}i18n:`)) {
        const key = id.slice(`${VIRTUAL}i18n:`.length);
        return `export default window.__LOCAL__.${key === 'locale' ? 'locale' : 'timeZone'};`;
      }
      return null;
    },
    async transform(code, id) {
      // The LWC plugin tags module ids with a query (?specifier=c/callTimeline).
      const file = id.split('?')[0] ?? id;
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) {
        return null;
      }
      const { transformAsync } = await import('@babel/core');
      const result = await transformAsync(code, {
        filename: file,
        babelrc: false,
        configFile: false,
        sourceMaps: false,
        presets: [['@babel/preset-typescript', { allowDeclareFields: true }]],
        plugins: [['@babel/plugin-syntax-decorators', { version: '2023-11' }]]
      });
      return result?.code ? { code: result.code, map: null } : null;
    }
  };
}

async function build(root: string, file: string): Promise<void> {
  const { rollup } = await import('rollup');
  const { default: lwc } = await import('@lwc/rollup-plugin');
  const { default: replace } = await import('@rollup/plugin-replace');
  const bundle = await rollup({
    input: path.join(CLIENT_DIR, 'main.ts'),
    plugins: [
      localPlatform(),
      replace({
        preventAssignment: true,
        values: {
          'process.env.NODE_ENV': JSON.stringify('production'),
          'import.meta.env.SSR': 'false'
        }
      }),
      lwc({
        modules: [
          ...COMPONENTS.map((name) => ({
            name: `c/${name}`,
            path: path.join(lwcBundle(name, root), `${name}.ts`)
          })),
          { npm: 'lightning-base-components' }
        ]
      })
    ],
    onwarn(warning, warn) {
      // Base components import optional platform modules they guard at run time; their own
      // template warnings are theirs, not ours.
      const where = warning.id ?? warning.loc?.file ?? '';
      if (
        warning.code === 'CIRCULAR_DEPENDENCY' ||
        warning.code === 'THIS_IS_UNDEFINED' ||
        where.includes('lightning-base-components')
      ) {
        return;
      }
      warn(warning);
    }
  });
  const partial = `${file}.${process.pid}.tmp`;
  await bundle.write({
    file: partial,
    format: 'iife',
    name: 'rinkelLocalOrg',
    sourcemap: false,
    inlineDynamicImports: true
  });
  await bundle.close();
  // Written aside and renamed, so a start cut off mid-build never leaves half a bundle cached.
  fs.renameSync(partial, file);
}

export interface PageBundle {
  file: string;
  fromCache: boolean;
  ms: number;
}

/** The bundle for the current sources: from `cacheDir` when built before, else built now. */
export async function pageBundle(root: string, cacheDir: string): Promise<PageBundle> {
  const started = performance.now();
  const file = path.join(cacheDir, `pages-${bundleHash(root)}.js`);
  if (fs.existsSync(file)) {
    return { file, fromCache: true, ms: performance.now() - started };
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  for (const old of fs.readdirSync(cacheDir).filter((name) => /^pages-.*\.js$/.test(name))) {
    fs.rmSync(path.join(cacheDir, old), { force: true });
  }
  await build(root, file);
  return { file, fromCache: false, ms: performance.now() - started };
}
