import fs from 'node:fs';
import path from 'node:path';
import { sourceFile } from '../../core/paths';
import { formatLabel, loadLabels, parseLabels } from '../labels';

const labels = loadLabels();
const MAPPING_DIR = path.resolve(__dirname, '..');

/** Every 'Rinkel_…' label name the mapping code (TS and Apex) refers to. */
function referencedLabels(): Set<string> {
  const names = new Set<string>();
  const sources = [
    ...fs.readdirSync(MAPPING_DIR).map((f) => path.join(MAPPING_DIR, f)),
    ...['CallTaskMapper.cls', 'CallDescription.cls', 'RinkelRules.cls'].map((f) =>
      sourceFile('classes', f)
    )
  ].filter((file) => /\.(ts|cls)$/.test(file) && fs.existsSync(file));
  for (const file of sources) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(/'(Rinkel_[A-Za-z_]+)'/g)) {
      if (match[1] && !match[1].endsWith('__c')) {
        names.add(match[1]);
      }
    }
  }
  return names;
}

describe('custom labels', () => {
  const referenced = [...referencedLabels()];

  it('finds the label names the mapping uses', () => {
    expect(referenced.length).toBeGreaterThan(25);
  });

  it.each(referenced)('%s exists and has a Dutch translation', (name) => {
    expect(labels.names()).toContain(name);
    expect(labels.isTranslated(name, 'nl_NL')).toBe(true);
  });

  it('reads values exactly as written in the XML', () => {
    expect(labels.get('Rinkel_Desc_Recording_Until', 'nl_NL')).toBe('Opname (beschikbaar tot {0})');
    expect(labels.get('Rinkel_Desc_AI_Header', 'en_US')).toBe('--- AI Insights ---');
  });

  it('falls back to the master language like Salesforce does', () => {
    const catalog = parseLabels(
      '<CustomLabels><labels><fullName>A</fullName><value>Hello &amp; bye</value></labels></CustomLabels>',
      { nl_NL: '<Translations></Translations>' }
    );
    expect(catalog.get('A', 'nl_NL')).toBe('Hello & bye');
    expect(() => catalog.get('B', 'en_US')).toThrow(/B/);
  });

  it('formats placeholders literally', () => {
    expect(formatLabel("{0} o'clock {1}{0}", 'x', 'y')).toBe("x o'clock yx");
  });
});
