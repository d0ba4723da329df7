// What the preview harness and the local org's pages build alike: the project's LWC from their
// TypeScript with the npm lightning-* base components, the platform modules every component
// imports (labels, custom permissions, i18n) read from a page global, and one IIFE file. Each
// caller binds the rest (Apex, empApi, navigation…) its own way: stubs in the preview, the local
// org's endpoints on the local pages.
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'rollup';
import { lwcBundle } from '../../core/paths';

export interface PlatformBinding {
  /** the rollup plugin's name */
  name: string;
  /** prefix of the virtual module ids, unique per caller */
  virtual: string;
  /** the window property the page fills with labels, permissions, locale and time zone */
  pageGlobal: string;
  /** the caller's own modules (Apex, empApi, services): a file or virtual id, else null */
  resolve(source: string): string | null;
  /** the code of a virtual id the caller's resolve returned, else null */
  load?(id: string): string | null;
}

/** Platform modules → the binding; TypeScript → JavaScript before the LWC compiler sees it. */
export function platformModules(binding: PlatformBinding): Plugin {
  const { virtual, pageGlobal } = binding;
  return {
    name: binding.name,
    resolveId(source, importer) {
      const own = binding.resolve(source);
      if (own) {
        return own;
      }
      // The npm package's gate stub turns every gate on; this one needs native shadow, which a
      // page with synthetic shadow (as Lightning Experience) does not have.
      if (source === '@salesforce/gate/bc.260.enableComboboxElementInternals') {
        return `${virtual}gate-off`;
      }
      if (source.startsWith('@salesforce/label/c.')) {
        return `${virtual}label:${source.slice('@salesforce/label/c.'.length)}`;
      }
      if (source.startsWith('@salesforce/customPermission/')) {
        return `${virtual}permission:${source.slice('@salesforce/customPermission/'.length)}`;
      }
      if (source === '@salesforce/i18n/locale' || source === '@salesforce/i18n/timeZone') {
        return `${virtual}i18n:${source.slice('@salesforce/i18n/'.length)}`;
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
      const own = binding.load?.(id);
      if (own) {
        return own;
      }
      if (id === `${virtual}gate-off`) {
        return 'export default { isOpen: () => false };';
      }
      if (id.startsWith(`${virtual}label:`)) {
        const name = JSON.stringify(id.slice(`${virtual}label:`.length));
        return `export default (window.${pageGlobal}.labels[${name}] ?? ${name});`;
      }
      if (id.startsWith(`${virtual}permission:`)) {
        const name = JSON.stringify(id.slice(`${virtual}permission:`.length));
        return `export default window.${pageGlobal}.permissions[${name}] === true;`;
      }
      if (id.startsWith(`${virtual}i18n:`)) {
        const key = id.slice(`${virtual}i18n:`.length);
        return `export default window.${pageGlobal}.${key === 'locale' ? 'locale' : 'timeZone'};`;
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

export interface ComponentBundle {
  /** the page's entry module */
  input: string;
  platform: Plugin;
  /** the project's components, mounted as `c/<name>` from their .ts */
  components: string[];
  /** the project they are read from (the repository by default) */
  root?: string;
  file: string;
  /** the IIFE's global name */
  name: string;
}

/** Builds the components into one IIFE file (rollup, imported when needed: start-up stays light). */
export async function bundleComponents(b: ComponentBundle): Promise<void> {
  const { rollup } = await import('rollup');
  const { default: lwc } = await import('@lwc/rollup-plugin');
  const { default: replace } = await import('@rollup/plugin-replace');
  const bundle = await rollup({
    input: b.input,
    plugins: [
      b.platform,
      replace({
        preventAssignment: true,
        values: {
          'process.env.NODE_ENV': JSON.stringify('production'),
          'import.meta.env.SSR': 'false'
        }
      }),
      lwc({
        modules: [
          ...b.components.map((name) => ({
            name: `c/${name}`,
            path: path.join(lwcBundle(name, b.root), `${name}.ts`)
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
  try {
    await bundle.write({
      file: b.file,
      format: 'iife',
      name: b.name,
      sourcemap: false,
      // Base components load some modules lazily; one file keeps the page a single script.
      inlineDynamicImports: true
    });
  } finally {
    await bundle.close();
  }
}
