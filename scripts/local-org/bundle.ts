// The local org's page bundle: the real compiled components (from their TypeScript sources, as
// the preview harness builds them) with the real lightning-* base components, and the platform
// modules bound to the local org: @salesforce/apex/* posts to /local/aura, lightning/empApi reads
// /local/events, labels, permissions and locale come from the page. Built once per content hash
// of its inputs and cached, so a second start reuses it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { lwcBundle, walk } from '../core/paths';
import { bundleComponents, platformModules } from '../lwc/harness/lwc-rollup';

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
    path.join(__dirname, '..', 'lwc', 'harness', 'lwc-rollup.ts'),
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

function localPlatform() {
  return platformModules({
    name: 'rinkel-local-platform',
    virtual: VIRTUAL,
    pageGlobal: '__LOCAL__',
    resolve: (source) =>
      source.startsWith('@salesforce/apex/')
        ? `${VIRTUAL}apex:${source.slice('@salesforce/apex/'.length)}`
        : (SERVICES[source] ?? null),
    load(id) {
      if (!id.startsWith(`${VIRTUAL}apex:`)) {
        return null;
      }
      const [className, method] = id.slice(`${VIRTUAL}apex:`.length).split('.');
      return `import { callApex } from ${JSON.stringify(path.join(CLIENT_DIR, 'apex.ts'))};
export default (params) => callApex(${JSON.stringify(className)}, ${JSON.stringify(method)}, params);`;
    }
  });
}

async function build(root: string, file: string): Promise<void> {
  const partial = `${file}.${process.pid}.tmp`;
  await bundleComponents({
    input: path.join(CLIENT_DIR, 'main.ts'),
    platform: localPlatform(),
    components: COMPONENTS,
    root,
    file: partial,
    name: 'rinkelLocalOrg'
  });
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
