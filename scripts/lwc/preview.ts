// npm run preview: the call timeline with sample calls on http://127.0.0.1:4173, the same page the
// browser test drives. Query: ?calls=N (default 25) &lang=nl &listen=0 &delay=ms &fail=message
import { buildPreviewBundle } from './harness/bundle';
import { startPreviewServer } from './harness/server';

async function main(): Promise<void> {
  process.stdout.write('building the preview (real base components, stubbed platform modules)…\n');
  await buildPreviewBundle();
  const port = Number(process.env.PORT ?? '4173');
  const server = await startPreviewServer({ port });
  const lines = [
    `call timeline preview on ${server.url}`,
    `  ${server.url}/?calls=25              sample calls, paged by 20`,
    `  ${server.url}/?calls=3&lang=nl       Dutch labels`,
    `  ${server.url}/?calls=0               empty state`,
    `  ${server.url}/?calls=3&delay=1500    slow Apex (loading state)`,
    `  ${server.url}/?calls=3&fail=Oops     Apex error`,
    `  ${server.url}/?calls=3&listen=0      without Rinkel_Listen_Recordings`,
    'live update from the browser console: window.__RINKEL__.emit({ Record_Id__c: window.__RINKEL__.recordId })',
    'Ctrl-C stops.'
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `preview failed: ${error instanceof Error ? error.message : String(error)}\n`
  );
  process.exit(1);
});
