// Builds the preview page: the real callTimeline (from its TypeScript source), the real
// lightning-* base components from npm, and stubs for the platform modules (@salesforce/apex,
// @salesforce/label, @salesforce/i18n, lightning/empApi).
import fs from 'node:fs';
import path from 'node:path';
import { rollup, type Plugin } from 'rollup';
import lwc from '@lwc/rollup-plugin';
import replace from '@rollup/plugin-replace';
import { transformAsync } from '@babel/core';
import { lwcBundle } from '../../core/paths';

import { BUNDLE_DIR, BUNDLE_FILE, CLIENT_DIR } from './paths';

const APEX_STUBS: Record<string, string> = {
  '@salesforce/apex/CallTimelineController.getCalls': path.join(CLIENT_DIR, 'stubs', 'getCalls.ts'),
  '@salesforce/apex/CallTimelineController.getCall': path.join(CLIENT_DIR, 'stubs', 'getCall.ts'),
  '@salesforce/apex/CallTimelineController.requestLink': path.join(
    CLIENT_DIR,
    'stubs',
    'requestLink.ts'
  ),
  '@salesforce/apex/CallRecordingController.getStreamUrl': path.join(
    CLIENT_DIR,
    'stubs',
    'getStreamUrl.ts'
  ),
  '@salesforce/apex/RinkelDialController.dialCall': path.join(CLIENT_DIR, 'stubs', 'dialCall.ts'),
  '@salesforce/apex/RinkelDialController.dialRecord': path.join(
    CLIENT_DIR,
    'stubs',
    'dialRecord.ts'
  ),
  '@salesforce/apex/RinkelScreenPopController.getAgent': path.join(
    CLIENT_DIR,
    'stubs',
    'popGetAgent.ts'
  ),
  '@salesforce/apex/RinkelScreenPopController.getPop': path.join(
    CLIENT_DIR,
    'stubs',
    'popGetPop.ts'
  ),
  '@salesforce/apex/RinkelScreenPopController.searchRecords': path.join(
    CLIENT_DIR,
    'stubs',
    'popSearch.ts'
  ),
  '@salesforce/apex/RinkelScreenPopController.setAutoOpen': path.join(
    CLIENT_DIR,
    'stubs',
    'popSetAutoOpen.ts'
  )
};
const EMP_STUB = path.join(CLIENT_DIR, 'stubs', 'empApi.ts');
/** Platform services the npm base components do not provide outside Lightning Experience. */
const SERVICE_STUBS: Record<string, string> = {
  'lightning/navigation': path.join(CLIENT_DIR, 'stubs', 'navigation.ts'),
  'lightning/refresh': path.join(CLIENT_DIR, 'stubs', 'refresh.ts'),
  'lightning/actions': path.join(CLIENT_DIR, 'stubs', 'actions.ts'),
  'lightning/platformUtilityBarApi': path.join(CLIENT_DIR, 'stubs', 'utilityBar.ts')
};
const VIRTUAL = '\0rinkel-preview:';

/** Platform modules → stubs; TypeScript → JavaScript before the LWC compiler sees it. */
function platformStubs(): Plugin {
  return {
    name: 'rinkel-platform-stubs',
    resolveId(source, importer) {
      if (APEX_STUBS[source]) {
        return APEX_STUBS[source];
      }
      if (source === 'lightning/empApi') {
        return EMP_STUB;
      }
      if (SERVICE_STUBS[source]) {
        return SERVICE_STUBS[source];
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
      if (id === `${VIRTUAL}gate-off`) {
        return 'export default { isOpen: () => false };';
      }
      if (id.startsWith(`${VIRTUAL}label:`)) {
        const name = id.slice(`${VIRTUAL}label:`.length);
        return `export default (window.__RINKEL__.labels[${JSON.stringify(name)}] ?? ${JSON.stringify(name)});`;
      }
      if (id.startsWith(`${VIRTUAL}permission:`)) {
        const name = id.slice(`${VIRTUAL}permission:`.length);
        return `export default window.__RINKEL__.permissions[${JSON.stringify(name)}] === true;`;
      }
      if (id.startsWith(`${VIRTUAL}i18n:`)) {
        const key = id.slice(`${VIRTUAL}i18n:`.length);
        return `export default window.__RINKEL__.${key === 'locale' ? 'locale' : 'timeZone'};`;
      }
      return null;
    },
    async transform(code, id) {
      // The LWC plugin tags module ids with a query (?specifier=c/callTimeline).
      const file = id.split('?')[0] ?? id;
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) {
        return null;
      }
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

export async function buildPreviewBundle(outDir: string = BUNDLE_DIR): Promise<string> {
  const bundle = await rollup({
    input: path.join(CLIENT_DIR, 'main.ts'),
    plugins: [
      platformStubs(),
      replace({
        preventAssignment: true,
        values: {
          'process.env.NODE_ENV': JSON.stringify('production'),
          'import.meta.env.SSR': 'false'
        }
      }),
      lwc({
        modules: [
          { name: 'c/callTimeline', path: path.join(lwcBundle('callTimeline'), 'callTimeline.ts') },
          {
            name: 'c/callTimelineGroup',
            path: path.join(lwcBundle('callTimelineGroup'), 'callTimelineGroup.ts')
          },
          {
            name: 'c/callTimelineItem',
            path: path.join(lwcBundle('callTimelineItem'), 'callTimelineItem.ts')
          },
          {
            name: 'c/rinkelRecordList',
            path: path.join(lwcBundle('rinkelRecordList'), 'rinkelRecordList.ts')
          },
          {
            name: 'c/rinkelScreenPop',
            path: path.join(lwcBundle('rinkelScreenPop'), 'rinkelScreenPop.ts')
          },
          {
            name: 'c/rinkelCallAction',
            path: path.join(lwcBundle('rinkelCallAction'), 'rinkelCallAction.ts')
          },
          { npm: 'lightning-base-components' }
        ]
      })
    ],
    onwarn(warning, warn) {
      // Base components import optional platform modules they guard at run time.
      // The base components' own template warnings are theirs, not ours.
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
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, BUNDLE_FILE);
  await bundle.write({
    file,
    format: 'iife',
    name: 'rinkelPreview',
    sourcemap: false,
    // Base components load some modules lazily; one file keeps the page a single script.
    inlineDynamicImports: true
  });
  await bundle.close();
  return file;
}
