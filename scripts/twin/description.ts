// The Task Description text: a fixed header block, optional media lines, and the AI section.
// Mirrors force-app/call-tasks/classes/CallDescription.cls; both run RinkelMappingVectors.json.
//
//   Richting  : Inkomend
//   Status    : Beantwoord
//   Duur      : 4:32 min
//   Nummer    : 06 12345678
//   Medewerker: Jan de Vries
//
//   Opname (beschikbaar tot 2026-05-01)
//
//   --- AI Inzichten ---
//   Samenvatting:
//   ...
//   Sentiment: Positief
//   Onderwerpen: levering, product

import { formatLabel, LABEL_LANGUAGES, type LabelCatalog, type LabelLanguage } from './labels';
import { SENTIMENT_LABELS } from './rules.generated';

export interface DescriptionHeader {
  direction: string;
  status: string;
  duration: string;
  number: string;
  agent: string;
}

export interface CallInsights {
  summary: string | null;
  /** Raw Rinkel value: POSITIVE, NEUTRAL, NEGATIVE (others are shown as sent). */
  sentiment: string | null;
  topics: string[];
}

export const NO_INSIGHTS: CallInsights = { summary: null, sentiment: null, topics: [] };

const BLOCK_SEPARATOR = '\n\n';
const TRAILING_WHITESPACE = /[ \t\r\n]+$/;

// rules/call-status.json, generated into ./rules.generated.ts and RinkelRules.cls.
export { SENTIMENT_LABELS };

export function hasInsights(insights: CallInsights): boolean {
  return insights.summary !== null || insights.sentiment !== null || insights.topics.length > 0;
}

export function sentimentText(
  sentiment: string | null,
  labels: LabelCatalog,
  language: LabelLanguage
): string | null {
  if (sentiment === null) {
    return null;
  }
  const name = SENTIMENT_LABELS[sentiment.toUpperCase()];
  return name ? labels.get(name, language) : sentiment;
}

/** The five "Label: value" lines, labels padded to the longest one so the colons line up. */
export function headerBlock(
  header: DescriptionHeader,
  labels: LabelCatalog,
  language: LabelLanguage
): string {
  const rows: [string, string][] = [
    [labels.get('Rinkel_Desc_Direction', language), header.direction],
    [labels.get('Rinkel_Desc_Status', language), header.status],
    [labels.get('Rinkel_Desc_Duration', language), header.duration],
    [labels.get('Rinkel_Desc_Number', language), header.number],
    [labels.get('Rinkel_Desc_Agent', language), header.agent]
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}: ${value}`).join('\n');
}

/** The AI section, or '' when there is nothing to show. */
export function aiSection(
  insights: CallInsights,
  labels: LabelCatalog,
  language: LabelLanguage
): string {
  if (!hasInsights(insights)) {
    return '';
  }
  const lines = [labels.get('Rinkel_Desc_AI_Header', language)];
  if (insights.summary !== null) {
    lines.push(`${labels.get('Rinkel_Desc_Summary', language)}:`, insights.summary);
  }
  const sentiment = sentimentText(insights.sentiment, labels, language);
  if (sentiment !== null) {
    lines.push(`${labels.get('Rinkel_Desc_Sentiment', language)}: ${sentiment}`);
  }
  if (insights.topics.length > 0) {
    lines.push(`${labels.get('Rinkel_Desc_Topics', language)}: ${insights.topics.join(', ')}`);
  }
  return lines.join('\n');
}

/** Header, media lines and AI section, separated by blank lines; empty parts are left out. */
export function composeDescription(header: string, mediaLines: string[], ai: string): string {
  return [header, mediaLines.join('\n'), ai].filter((block) => block !== '').join(BLOCK_SEPARATOR);
}

/** "Opname (beschikbaar tot 2026-05-01)", or "Opname" when Rinkel sent no date. */
export function recordingLine(
  availableUntil: string | null,
  labels: LabelCatalog,
  language: LabelLanguage
): string {
  return availableUntil === null
    ? labels.get('Rinkel_Desc_Recording', language)
    : formatLabel(labels.get('Rinkel_Desc_Recording_Until', language), availableUntil);
}

export function voicemailLine(
  duration: string | null,
  labels: LabelCatalog,
  language: LabelLanguage
): string {
  const label = labels.get('Rinkel_Desc_Voicemail', language);
  return duration === null ? label : `${label} (${duration})`;
}

/** "4:32 min" below an hour, "1:02:03 uur" from an hour on. */
export function formatDuration(
  seconds: number,
  labels: LabelCatalog,
  language: LabelLanguage
): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  if (seconds < 3600) {
    return formatLabel(
      labels.get('Rinkel_Duration_Minutes', language),
      `${Math.floor(seconds / 60)}:${pad(seconds % 60)}`
    );
  }
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return formatLabel(
    labels.get('Rinkel_Duration_Hours', language),
    `${hours}:${pad(minutes)}:${pad(seconds % 60)}`
  );
}

/** The AI headers of every shipped language: a Description may predate a language switch. */
function aiHeaders(labels: LabelCatalog): Set<string> {
  return new Set(LABEL_LANGUAGES.map((language) => labels.get('Rinkel_Desc_AI_Header', language)));
}

function splitAtAiHeader(
  description: string,
  labels: LabelCatalog
): { before: string; section: string | null } {
  const lines = description.split(/\r?\n/);
  const headers = aiHeaders(labels);
  const index = lines.findIndex((line) => headers.has(line.trim()));
  if (index < 0) {
    return { before: description.replace(TRAILING_WHITESPACE, ''), section: null };
  }
  return {
    before: lines.slice(0, index).join('\n').replace(TRAILING_WHITESPACE, ''),
    section: lines.slice(index).join('\n').replace(TRAILING_WHITESPACE, '')
  };
}

/** The AI section of an existing Description (from its header to the end), or null. */
export function extractAiSection(description: string | null, labels: LabelCatalog): string | null {
  return description === null ? null : splitAtAiHeader(description, labels).section;
}

/**
 * Replaces the AI section of an existing Description (everything from its header line to the
 * end) with a new one, keeping the text above it. An empty section removes the old one.
 */
export function replaceAiSection(
  description: string | null,
  section: string,
  labels: LabelCatalog
): string {
  const before = description === null ? '' : splitAtAiHeader(description, labels).before;
  return [before, section].filter((block) => block !== '').join(BLOCK_SEPARATOR);
}
