// Label values for the preview page, read from the project's own label and translation files so
// the screenshots show the texts agents will read.
import fs from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { REPO_ROOT, sourceFile, sourceFiles } from '../../core/paths';

const parser = new XMLParser({ isArray: (name) => name === 'labels' || name === 'customLabels' });

export type Language = 'en' | 'nl';

export function loadLabels(language: Language, root: string = REPO_ROOT): Record<string, string> {
  const labels: Record<string, string> = {};
  // One labels file per capability that has its own (platform, telephony): a deploy merges them.
  for (const file of sourceFiles('labels', 'CustomLabels.labels-meta.xml', root)) {
    const master = parser.parse(fs.readFileSync(file, 'utf8')) as {
      CustomLabels: { labels: { fullName: string; value: string | number }[] };
    };
    for (const label of master.CustomLabels.labels) {
      labels[label.fullName] = String(label.value);
    }
  }
  if (language === 'nl') {
    const dutch = parser.parse(
      fs.readFileSync(sourceFile('translations', 'nl_NL.translation-meta.xml', root), 'utf8')
    ) as { Translations: { customLabels?: { name: string; label: string | number }[] } };
    for (const label of dutch.Translations.customLabels ?? []) {
      labels[label.name] = String(label.label);
    }
  }
  return labels;
}
