// Colours come from SLDS styling hooks (SLDS 2, dark mode): a literal colour may appear only as
// the fallback inside var(--slds-g-…, fallback), never on its own.
import fs from 'node:fs';
import path from 'node:path';

const LWC = path.resolve(__dirname, '..', '..', '..', 'force-app', 'timeline', 'lwc');
const SHEETS = [
  'callTimeline/callTimeline.css',
  'callTimelineGroup/callTimelineGroup.scoped.css',
  'callTimelineItem/callTimelineItem.scoped.css'
];

/** The stylesheet with every var(--slds-g-…, …) taken out, nested fallbacks included. */
function withoutHooks(css: string): string {
  let out = css.replace(/\/\*[\s\S]*?\*\//g, '');
  let previous = '';
  while (previous !== out) {
    previous = out;
    out = out.replace(/var\(--slds-g-[\w-]+(?:,[^()]*(?:\([^()]*\))?[^()]*)?\)/g, 'HOOK');
  }
  return out;
}

describe('timeline styles', () => {
  it.each(SHEETS)('%s uses SLDS styling hooks for every colour', (sheet) => {
    const css = fs.readFileSync(path.join(LWC, sheet), 'utf8');
    const literal = withoutHooks(css).match(/#[0-9a-f]{3,8}\b|\brgba?\(|\bhsla?\(/gi) ?? [];
    expect(literal).toEqual([]);
    expect(css).toMatch(/var\(--slds-g-color-/);
  });
});
