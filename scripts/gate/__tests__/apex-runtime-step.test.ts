/**
 * The Apex runtime gate step on the product itself: a planted logic change (calls mapped the
 * wrong way round) makes the step name the Apex test method that catches it, at its file; the
 * untouched project passes the same test class. Coverage below the floor is a finding too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIN_COVERAGE, productFindings, runApex } from '../apex-runtime-step';

const REPO = path.join(__dirname, '..', '..', '..');
const MAPPER = path.join('force-app', 'call-tasks', 'classes', 'CallTaskMapper.cls');

function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apex-plant-'));
  for (const entry of ['force-app', 'config', 'sfdx-project.json'])
    fs.cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
  return dir;
}

async function mapperFindings(root: string): Promise<string[]> {
  const run = await runApex(root, ['config/dev-org'], ['CallTaskMapperTest']);
  expect(run.report?.tests.length).toBeGreaterThan(0);
  return productFindings(root, { ...run.report!, coverage: {} }).map(
    (f) => `${f.file}:${f.line}: ${f.message}`
  );
}

test('a call direction mapped the wrong way fails the gate, naming the Apex test method', async () => {
  const root = copyProject();
  const file = path.join(root, MAPPER);
  const source = fs.readFileSync(file, 'utf8');
  const planted = source.replace("return 'Inbound';", "return 'Outbound';");
  expect(planted).not.toBe(source);
  fs.writeFileSync(file, planted);

  const findings = await mapperFindings(root);

  expect(findings).toEqual([
    expect.stringMatching(
      /^force-app\/call-tasks\/classes\/CallTaskMapperTest\.cls:\d+: Apex test CallTaskMapperTest\.cdrsMapToTheExpectedTasks failed: System\.AssertException/
    )
  ]);
}, 120_000);

test('the same test class passes on the project as it is', async () => {
  expect(await mapperFindings(copyProject())).toEqual([]);
}, 120_000);

test('a production class below the coverage floor is a finding at its file', () => {
  const findings = productFindings(REPO, {
    tests: [],
    coverage: { CallTaskMapper: MIN_COVERAGE - 0.1, WeborderTrigger: 0, CallDescription: 100 }
  });
  expect(findings.map((f) => [f.file, f.message])).toEqual([
    [
      MAPPER,
      `CallTaskMapper is covered ${MIN_COVERAGE - 0.1}% by the Apex tests, below the 90% floor`
    ],
    [
      path.join('force-app', 'call-tasks', 'triggers', 'WeborderTrigger.trigger'),
      'WeborderTrigger is covered 0% by the Apex tests, below the 90% floor'
    ]
  ]);
});
