// Every HTTP client and fake here reads bodies that may or may not be JSON.

/** The parsed JSON, the text itself when it is not JSON, undefined when empty. */
export function parseJsonOrText(text: string): unknown {
  if (text.length === 0) {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
