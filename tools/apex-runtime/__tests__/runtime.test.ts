/**
 * The runtime's own tests: a small broken project (logic error, NPE, failed assertion,
 * unsupported API) must be reported with class and line; the CLI's exit codes, --json shape and
 * --junit output; and the inventory of the product's standard-library members.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type TestResult } from '../src/runner';
import { inventory, missing } from '../src/inventory';
import { PART2_MEMBERS } from '../src/part2';

const HERE = __dirname;
const BROKEN = path.join(HERE, '__fixtures__', 'broken');
const REPO = path.resolve(HERE, '..', '..', '..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const CLI = path.join(HERE, '..', 'src', 'cli.ts');

jest.setTimeout(120_000);

function runBroken(): Map<string, TestResult> {
  const rtm = createRuntime(BROKEN, []);
  const report = rtm.run({ root: BROKEN, packageDirs: [], filters: [] });
  return new Map(report.tests.map((t) => [t.method, t]));
}

describe('broken project', () => {
  const results = runBroken();

  test('a logic error surfaces as the failed assertion with class and line', () => {
    const r = results.get('logicError')!;
    expect(r.outcome).toBe('fail');
    expect(r.message).toBe('System.AssertException: Assertion Failed: Expected: 5, Actual: -1');
    expect(r.stack).toBe('Class.BrokenTest.logicError: line 5, column 5');
  });

  test('a null dereference is a NullPointerException at the production line', () => {
    const r = results.get('nullPointer')!;
    expect(r.outcome).toBe('fail');
    expect(r.message).toBe('System.NullPointerException: Attempt to de-reference a null object');
    expect(r.stack.split('\n')).toEqual([
      'Class.Calculator.lengthOf: line 7, column 12',
      'Class.BrokenTest.nullPointer: line 10, column 5'
    ]);
  });

  test('a failed assertion keeps its message', () => {
    const r = results.get('failedAssertion')!;
    expect(r.outcome).toBe('fail');
    expect(r.message).toBe('System.AssertException: Assertion Failed: planted failure');
    expect(r.stack).toBe('Class.BrokenTest.failedAssertion: line 15, column 5');
  });

  test('an unsupported API is its own outcome naming the member and file:line', () => {
    const r = results.get('unsupportedApi')!;
    expect(r.outcome).toBe('unsupported');
    expect(r.message).toBe(
      'unsupported: Approval.lock(1 args) at force-app/classes/BrokenTest.cls:20'
    );
  });

  test('a passing method passes', () => {
    expect(results.get('passes')!.outcome).toBe('pass');
  });
});

describe('command line', () => {
  test('exit 1 with the documented --json shape and unsupported as a junit error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apex-cli-'));
    const json = path.join(dir, 'r.json');
    const junit = path.join(dir, 'r.xml');
    const out = spawnSync(TSX, [CLI, '--project', BROKEN, '--json', json, '--junit', junit], {
      encoding: 'utf8'
    });
    expect(out.status).toBe(1);
    expect(out.stdout).toContain('1 unsupported');
    expect(out.stdout).toContain('1 passed, 4 failed');
    expect(out.stdout).toContain('Calculator: 100% (2/2)');
    const report = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      tests: Record<string, unknown>[];
      coverage: Record<string, number>;
    };
    expect(Object.keys(report)).toEqual(['tests', 'coverage']);
    expect(Object.keys(report.tests[0]!)).toEqual([
      'class',
      'method',
      'outcome',
      'message',
      'stack',
      'durationMs'
    ]);
    expect(report.coverage).toEqual({ Calculator: 100 });
    const xml = fs.readFileSync(junit, 'utf8');
    expect(xml).toContain('<error type="unsupported"');
    expect(xml).not.toContain('<skipped');
  });

  test('a parse error exits 2 and is never reported as a pass', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apex-parse-'));
    fs.writeFileSync(
      path.join(dir, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'src' }] })
    );
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'Bad.cls'), '@IsTest class Bad { void m( { }');
    const out = spawnSync(TSX, [CLI, '--project', dir], { encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('src/Bad.cls:1');
    expect(out.stdout).not.toContain('passed');
  });

  test('--class runs only the named class or method', () => {
    const out = spawnSync(TSX, [CLI, '--project', BROKEN, '--class', 'BrokenTest.passes'], {
      encoding: 'utf8'
    });
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('1 passed, 0 failed');
  });
});

describe('governor limits', () => {
  test('the 101st SOQL query raises an uncatchable LimitException', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apex-limits-'));
    fs.writeFileSync(
      path.join(dir, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'src' }] })
    );
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(
      path.join(dir, 'src', 'LimitsTest.cls'),
      [
        '@IsTest',
        'private class LimitsTest {',
        '  @IsTest',
        '  static void tooManyQueries() {',
        '    try {',
        '      for (Integer i = 0; i < 101; i++) {',
        '        List<Account> a = [SELECT Id FROM Account];',
        '      }',
        '    } catch (Exception e) {',
        '      System.debug(e);',
        '    }',
        '  }',
        '}',
        ''
      ].join('\n')
    );
    const rtm = createRuntime(dir, []);
    const [r] = rtm.run({ root: dir, packageDirs: [], filters: [] }).tests;
    expect(r!.outcome).toBe('fail');
    expect(r!.message).toBe('System.LimitException: Too many SOQL queries: 101');
    expect(r!.stack).toBe('Class.LimitsTest.tooManyQueries: line 7, column 27');
  });
});

describe('standard-library inventory of this project', () => {
  test('every member the project uses is implemented, apart from the part-2 list', () => {
    const rtm = createRuntime(REPO, ['config/dev-org']);
    const inv = inventory(rtm);
    expect(inv.statics.size).toBeGreaterThan(50);
    const lacking = missing(rtm, inv).filter((m) => !PART2_MEMBERS.has(m.member.toLowerCase()));
    expect(lacking).toEqual([]);
  });
});
