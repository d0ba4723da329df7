// The custom labels of the org, read from the same metadata files that deploy them, so the
// TypeScript mapping can never drift from the text Apex writes on the Task.
//   labels/CustomLabels.labels-meta.xml        master language en_US
//   translations/<lang>.translation-meta.xml   (both found in the package directories)

import fs from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { REPO_ROOT, sourceFiles } from '../core/paths';

export const LABEL_LANGUAGES = ['en_US', 'nl_NL'] as const;
export type LabelLanguage = (typeof LABEL_LANGUAGES)[number];
export const MASTER_LANGUAGE: LabelLanguage = 'en_US';

export interface LabelCatalog {
  /** Like Apex System.Label.get('', name, language): the translation, else the master value. */
  get(name: string, language: LabelLanguage): string;
  /** Every label name in the master file. */
  names(): string[];
  /** Whether the language has its own translation of the label. */
  isTranslated(name: string, language: LabelLanguage): boolean;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  // Keep "0", "{0} min" etc. as the exact strings the org stores.
  parseTagValue: false,
  isArray: (name) => name === 'labels' || name === 'customLabels'
});

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function records(root: unknown, container: string, item: string): Record<string, unknown>[] {
  if (typeof root !== 'object' || root === null) {
    return [];
  }
  const top = (root as Record<string, unknown>)[container];
  if (typeof top !== 'object' || top === null) {
    return [];
  }
  const items = (top as Record<string, unknown>)[item];
  return Array.isArray(items)
    ? items.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
    : [];
}

/** Builds a catalog from the XML texts of CustomLabels and of one translation file per language. */
export function parseLabels(
  customLabelsXml: string,
  translationsXml: Partial<Record<LabelLanguage, string>>
): LabelCatalog {
  const master = new Map<string, string>();
  for (const label of records(parser.parse(customLabelsXml), 'CustomLabels', 'labels')) {
    const name = text(label.fullName);
    if (name) {
      master.set(name, text(label.value) ?? '');
    }
  }
  const translated = new Map<LabelLanguage, Map<string, string>>();
  for (const language of LABEL_LANGUAGES) {
    const xml = translationsXml[language];
    const values = new Map<string, string>();
    if (xml) {
      for (const entry of records(parser.parse(xml), 'Translations', 'customLabels')) {
        const name = text(entry.name);
        const value = text(entry.label);
        if (name && value !== undefined) {
          values.set(name, value);
        }
      }
    }
    translated.set(language, values);
  }
  return {
    get(name, language) {
      const masterValue = master.get(name);
      if (masterValue === undefined) {
        throw new Error(`Custom label ${name} does not exist`);
      }
      return translated.get(language)?.get(name) ?? masterValue;
    },
    names() {
      return [...master.keys()];
    },
    isTranslated(name, language) {
      return translated.get(language)?.has(name) ?? false;
    }
  };
}

/** Reads the label files of a Salesforce DX project (default: this repository). */
export function loadLabels(projectRoot: string = REPO_ROOT): LabelCatalog {
  const read = (folder: string, name: string): string | undefined => {
    const full = sourceFiles(folder, name, projectRoot)[0];
    return full ? fs.readFileSync(full, 'utf8') : undefined;
  };
  const masterXml = read('labels', 'CustomLabels.labels-meta.xml');
  if (masterXml === undefined) {
    throw new Error(
      `No labels/CustomLabels.labels-meta.xml in the package directories of ${projectRoot}`
    );
  }
  const translations: Partial<Record<LabelLanguage, string>> = {};
  for (const language of LABEL_LANGUAGES) {
    if (language !== MASTER_LANGUAGE) {
      const xml = read('translations', `${language}.translation-meta.xml`);
      if (xml !== undefined) {
        translations[language] = xml;
      }
    }
  }
  return parseLabels(masterXml, translations);
}

/** Custom label placeholders {0}, {1}, ... replaced literally (no MessageFormat quoting rules). */
export function formatLabel(template: string, ...values: string[]): string {
  return values.reduce((result, value, index) => result.split(`{${index}}`).join(value), template);
}
