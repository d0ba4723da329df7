// Label values for the preview page, read from the project's own label and translation files so
// the screenshots show the texts agents will read.
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { repoRoot } from '../../build-lwc';
import { PLATFORM_DIR } from './paths';

const parser = new XMLParser({ isArray: (name) => name === 'labels' || name === 'customLabels' });

export type Language = 'en' | 'nl';

export function loadLabels(language: Language, root: string = repoRoot()): Record<string, string> {
  const base = path.join(root, path.relative(repoRoot(), PLATFORM_DIR));
  const master = parser.parse(
    fs.readFileSync(path.join(base, 'labels', 'CustomLabels.labels-meta.xml'), 'utf8')
  ) as {
    CustomLabels: { labels: { fullName: string; value: string | number }[] };
  };
  const labels: Record<string, string> = {};
  for (const label of master.CustomLabels.labels) {
    labels[label.fullName] = String(label.value);
  }
  if (language === 'nl') {
    const dutch = parser.parse(
      fs.readFileSync(path.join(base, 'translations', 'nl_NL.translation-meta.xml'), 'utf8')
    ) as { Translations: { customLabels?: { name: string; label: string | number }[] } };
    for (const label of dutch.Translations.customLabels ?? []) {
      labels[label.name] = String(label.label);
    }
  }
  return labels;
}
