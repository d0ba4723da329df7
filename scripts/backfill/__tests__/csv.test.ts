import { CsvParser, csvRecords, csvRow } from '../csv';

async function* chunks(parts: string[]): AsyncGenerator<string> {
  for (const part of parts) {
    await Promise.resolve();
    yield part;
  }
}

describe('CSV for Bulk API 2.0', () => {
  it('quotes every value, doubles quotes and leaves null empty', () => {
    expect(csvRow(['a', 'say "hi"', null, 42, 'line1\nline2'])).toBe(
      '"a","say ""hi""",,"42","line1\nline2"\n'
    );
  });

  it('parses what it writes, across chunk boundaries at any character', async () => {
    const text =
      csvRow(['sf__Id', 'sf__Error', 'Rinkel_Call_Id__c']) +
      csvRow(['', 'FIELD_CUSTOM_VALIDATION_EXCEPTION:Number, "E.164" please', 'call-1']) +
      csvRow(['00T1', '', 'multi\nline']);
    for (const size of [1, 2, 3, 7, 1000]) {
      const parts: string[] = [];
      for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
      const rows: Record<string, string>[] = [];
      for await (const row of csvRecords(chunks(parts))) rows.push(row);
      expect(rows).toEqual([
        {
          sf__Id: '',
          sf__Error: 'FIELD_CUSTOM_VALIDATION_EXCEPTION:Number, "E.164" please',
          Rinkel_Call_Id__c: 'call-1'
        },
        { sf__Id: '00T1', sf__Error: '', Rinkel_Call_Id__c: 'multi\nline' }
      ]);
    }
  });

  it('reads unquoted values, CRLF and a last row without a line break', () => {
    const parser = new CsvParser();
    expect(parser.push('a,b\r\n1,2\r\n3,')).toEqual([
      ['a', 'b'],
      ['1', '2']
    ]);
    expect(parser.end()).toEqual([['3', '']]);
    expect(new CsvParser().end()).toEqual([]);
  });
});
