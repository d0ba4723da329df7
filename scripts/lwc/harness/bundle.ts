// Builds the preview page: the real callTimeline (from its TypeScript source), the real
// lightning-* base components from npm, and stubs for the platform modules (@salesforce/apex,
// @salesforce/label, @salesforce/i18n, lightning/empApi).
import fs from 'node:fs';
import path from 'node:path';
import { bundleComponents, platformModules } from './lwc-rollup';

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

/** Platform modules → stubs. */
function platformStubs() {
  return platformModules({
    name: 'rinkel-platform-stubs',
    virtual: VIRTUAL,
    pageGlobal: '__RINKEL__',
    resolve: (source) =>
      APEX_STUBS[source] ??
      (source === 'lightning/empApi' ? EMP_STUB : null) ??
      SERVICE_STUBS[source] ??
      null
  });
}

/** The components the preview mounts, and the ones they contain. */
const COMPONENTS = [
  'callTimeline',
  'callTimelineGroup',
  'callTimelineItem',
  'rinkelRecordList',
  'rinkelScreenPop',
  'rinkelCallAction'
];

export async function buildPreviewBundle(outDir: string = BUNDLE_DIR): Promise<string> {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, BUNDLE_FILE);
  await bundleComponents({
    input: path.join(CLIENT_DIR, 'main.ts'),
    platform: platformStubs(),
    components: COMPONENTS,
    file,
    name: 'rinkelPreview'
  });
  return file;
}
