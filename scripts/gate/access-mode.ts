/**
 * Every database operation in production Apex states its access mode. At API 67.0 and later a
 * query or DML without one runs in user mode (Apex Reference, "Apex Versioned Behavior Changes",
 * 67.0: "Database Operations in User Mode by Default"), so code written for system mode would
 * silently start enforcing the running user's object and field permissions. The check asks for the
 * mode in the statement itself, where a reader sees the choice:
 * - inline SOQL: `WITH USER_MODE` / `WITH SYSTEM_MODE`;
 * - DML statements: `insert as user` / `as system` (and update, upsert, delete, undelete, merge);
 * - `Database.query…`, `getQueryLocator…`, `countQuery…` and `Database.insert/update/upsert/
 *   delete/undelete/merge/convertLead`: an `AccessLevel` argument (or inline SOQL with its mode);
 * - `EventBus.publish`: `EventBus.publishWithAccessLevel` (Apex Reference, "EventBus Class").
 * `Database.emptyRecycleBin`, `setSavepoint` and `rollback` take no access level and are not
 * checked. Test classes are not production code and are skipped.
 */
import { type Finding } from './types';
import { blankCommentsAndStrings, lineAt } from './source-text';

const MODE_IN_SOQL = /\bWITH\s+(USER_MODE|SYSTEM_MODE)\b/i;
const DATABASE_CALL =
  /\bDatabase\s*\.\s*(query|queryWithBinds|countQuery|countQueryWithBinds|getQueryLocator|getQueryLocatorWithBinds|insert|update|upsert|delete|undelete|merge|convertLead)\s*\(/gi;
const DML_STATEMENT =
  /(^|[;{})]|\belse\b)\s*(insert|update|upsert|delete|undelete|merge)\s+(?!as\s+(user|system)\b)(?=[\w([])/gim;
const PUBLISH = /\bEventBus\s*\.\s*publish\s*\(/gi;

/** True for a class whose top-level declaration carries @IsTest. */
export function isTestClass(code: string): boolean {
  const declaration = code.search(/\b(class|interface|enum)\s+\w+/i);
  return /@IsTest\b/i.test(declaration < 0 ? code : code.slice(0, declaration));
}

/** The text between the parenthesis at `open` and its match. */
function argumentsAt(code: string, open: number): string {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    if (code[i] === ')' && --depth === 0) return code.slice(open + 1, i);
  }
  return code.slice(open + 1);
}

/** Inline `[SELECT …]` queries with their offsets. */
function inlineQueries(code: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  const start = /\[\s*SELECT\b/gi;
  for (let m = start.exec(code); m; m = start.exec(code)) {
    let depth = 0;
    let end = m.index;
    for (; end < code.length; end++) {
      if (code[end] === '[') depth++;
      if (code[end] === ']' && --depth === 0) break;
    }
    out.push({ text: code.slice(m.index, end + 1), offset: m.index });
  }
  return out;
}

/** Findings for one Apex source file (`file` as it should be reported). */
export function accessModeFindings(file: string, source: string): Finding[] {
  const code = blankCommentsAndStrings(source, false);
  if (isTestClass(code)) return [];
  const findings: Finding[] = [];
  const report = (offset: number, message: string): void => {
    findings.push({ file, line: lineAt(source, offset), message });
  };
  for (const query of inlineQueries(code)) {
    if (!MODE_IN_SOQL.test(query.text)) {
      report(query.offset, 'SOQL without an access mode: add WITH USER_MODE or WITH SYSTEM_MODE');
    }
  }
  for (let m = DATABASE_CALL.exec(code); m; m = DATABASE_CALL.exec(code)) {
    const args = argumentsAt(code, m.index + m[0].length - 1);
    if (!/\bAccessLevel\s*\.\s*(USER_MODE|SYSTEM_MODE)\b/i.test(args) && !MODE_IN_SOQL.test(args)) {
      report(
        m.index,
        `Database.${m[1]} without an access mode: pass AccessLevel.USER_MODE or AccessLevel.SYSTEM_MODE`
      );
    }
  }
  for (let m = DML_STATEMENT.exec(code); m; m = DML_STATEMENT.exec(code)) {
    const at = m.index + m[0].indexOf(m[2] ?? '');
    report(at, `${m[2]} without an access mode: write ${m[2]} as user … or ${m[2]} as system …`);
  }
  for (let m = PUBLISH.exec(code); m; m = PUBLISH.exec(code)) {
    report(
      m.index,
      'EventBus.publish without an access mode: use EventBus.publishWithAccessLevel(…, AccessLevel.…)'
    );
  }
  return findings.sort((a, b) => a.line - b.line);
}
