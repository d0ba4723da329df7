import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileAll, compileSource, findSources, main, staleOutputs } from '../../build-lwc';

const COMPONENT = `import { LightningElement, api, track } from 'lwc';
import type { Thing } from './thing';
import { helper } from './helper';

interface Local { a: number }

export default class Sample extends LightningElement {
  @api recordId?: string;
  @track items: Local[] = [];
  private count: number = 0;

  get label(): string {
    return helper(this.count as number) satisfies string;
  }
}
`;

function tempLwc(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-lwc-'));
  fs.mkdirSync(path.join(dir, 'sample', '__tests__'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'types'));
  fs.writeFileSync(path.join(dir, 'sample', 'sample.ts'), COMPONENT);
  fs.writeFileSync(
    path.join(dir, 'sample', 'helper.ts'),
    'export const helper = (n: number): string => `${n}`;\n'
  );
  fs.writeFileSync(path.join(dir, 'sample', 'thing.d.ts'), 'export interface Thing { x: 1 }\n');
  fs.writeFileSync(path.join(dir, 'sample', '__tests__', 'sample.test.ts'), 'it("x", () => {});\n');
  fs.writeFileSync(path.join(dir, 'types', 'modules.d.ts'), 'declare module "x";\n');
  return dir;
}

describe('build-lwc', () => {
  let dir: string;
  let stderr: jest.SpyInstance<boolean, Parameters<typeof process.stderr.write>>;
  let stdout: jest.SpyInstance<boolean, Parameters<typeof process.stdout.write>>;

  beforeEach(() => {
    dir = tempLwc();
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    stderr.mockRestore();
    stdout.mockRestore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('compiles component sources only: no declarations, no tests', () => {
    expect(findSources(dir).map((file) => path.relative(dir, file))).toEqual([
      path.join('sample', 'helper.ts'),
      path.join('sample', 'sample.ts')
    ]);
  });

  it('strips the types and keeps the decorators as written', async () => {
    const js = await compileSource('sample.ts', COMPONENT);
    expect(js).toMatch(/@api\s+recordId;/);
    expect(js).toMatch(/@track\s+items = \[\];/);
    expect(js).toContain("import { LightningElement, api, track } from 'lwc';");
    expect(js).toContain("import { helper } from './helper';");
    expect(js).not.toContain('./thing');
    expect(js).not.toMatch(/interface|private|: string|satisfies| as number/);
    expect(js.startsWith('// Compiled from sample.ts')).toBe(true);
  });

  it('--check lists every missing or stale .js and exits 1, and passes after a build', async () => {
    expect(await main(['--check'], dir)).toBe(1);
    const reported = stderr.mock.calls.map(([chunk]) => String(chunk)).join('');
    expect(reported).toContain('missing:');
    expect(reported).toContain('sample.js');
    expect(reported).toContain('helper.js');
    expect(fs.existsSync(path.join(dir, 'sample', 'sample.js'))).toBe(false);

    expect(await main([], dir)).toBe(0);
    expect(await main(['--check'], dir)).toBe(0);

    fs.appendFileSync(path.join(dir, 'sample', 'helper.ts'), 'export const extra = 1;\n');
    expect(staleOutputs(await compileAll(dir))).toEqual([
      { target: path.join(dir, 'sample', 'helper.js'), reason: 'stale' }
    ]);
    expect(await main(['--check'], dir)).toBe(1);
  });

  it('the committed components are up to date', async () => {
    expect(staleOutputs(await compileAll())).toEqual([]);
  });
});
