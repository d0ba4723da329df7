// CSV as Bulk API 2.0 reads and writes it (RFC 4180, LF line endings): every value quoted, an
// empty value means "leave the field as it is" on update. The parser is incremental, so result
// files of any size are read with flat memory.

export function csvValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  return `"${String(value).replace(/"/g, '""')}"`;
}

export function csvRow(values: (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvValue).join(',')}\n`;
}

/** Feeds text chunks in, gets complete rows out (as arrays of strings). */
export class CsvParser {
  private field = '';
  private row: string[] = [];
  private inQuotes = false;
  /** A quote inside a quoted field: either an escaped quote or the closing one. */
  private quotePending = false;
  private sawAny = false;

  push(chunk: string): string[][] {
    const rows: string[][] = [];
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i] ?? '';
      this.sawAny = true;
      if (this.quotePending) {
        this.quotePending = false;
        if (ch === '"') {
          this.field += '"';
          continue;
        }
        this.inQuotes = false;
      }
      if (this.inQuotes) {
        if (ch === '"') {
          this.quotePending = true;
        } else {
          this.field += ch;
        }
      } else if (ch === '"') {
        this.inQuotes = true;
      } else if (ch === ',') {
        this.row.push(this.field);
        this.field = '';
      } else if (ch === '\n') {
        this.row.push(this.field);
        rows.push(this.row);
        this.row = [];
        this.field = '';
        this.sawAny = false;
      } else if (ch !== '\r') {
        this.field += ch;
      }
    }
    return rows;
  }

  /** The last row when the text did not end with a line break. */
  end(): string[][] {
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
    }
    if (!this.sawAny && this.row.length === 0 && this.field === '') {
      return [];
    }
    this.row.push(this.field);
    const last = this.row;
    this.row = [];
    this.field = '';
    this.sawAny = false;
    return [last];
  }
}

/** Rows of a CSV text stream as objects keyed by the header row. */
export async function* csvRecords(
  chunks: AsyncIterable<string>
): AsyncGenerator<Record<string, string>> {
  const parser = new CsvParser();
  let header: string[] | undefined;
  const toRecord = (row: string[]): Record<string, string> =>
    Object.fromEntries((header ?? []).map((name, i) => [name, row[i] ?? '']));
  for await (const chunk of chunks) {
    for (const row of parser.push(chunk)) {
      if (!header) {
        header = row;
      } else {
        yield toRecord(row);
      }
    }
  }
  for (const row of parser.end()) {
    if (!header) {
      header = row;
    } else {
      yield toRecord(row);
    }
  }
}
