/** Apex source helpers shared by the project checks. */
export { lineAt } from './project';

/** Replaces comments and string contents with spaces so offsets (and line numbers) stay true. */
export function blankCommentsAndStrings(source: string, keepStrings: boolean): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const two = source.slice(i, i + 2);
    if (two === '//') {
      while (i < source.length && source[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (two === '/*') {
      while (i < source.length && source.slice(i, i + 2) !== '*/') {
        out += source[i] === '\n' ? '\n' : ' ';
        i++;
      }
      out += '  ';
      i += 2;
    } else if (source[i] === "'") {
      out += "'";
      i++;
      while (i < source.length && source[i] !== "'") {
        const ch = source[i] === '\\' ? source.slice(i, i + 2) : (source[i] ?? '');
        out += keepStrings ? ch : ch.replace(/[^\n]/g, ' ');
        i += ch.length;
      }
      out += "'";
      i++;
    } else {
      out += source[i];
      i++;
    }
  }
  return out;
}
