import { describe, expect, it } from 'vitest';
import { openImportFile, readCsvRecords } from './csv-reader.js';
import { M365_HEADER } from './user-fields.js';

async function records(chunks: (string | Buffer)[]) {
  const out = [];
  for await (const r of readCsvRecords(chunks)) out.push(r);
  return out;
}

describe('readCsvRecords', () => {
  it('keeps a multi-byte character split across chunks intact', async () => {
    const bytes = Buffer.from('a,Jørgen Ærø\n');
    const [r] = await records([bytes.subarray(0, 4), bytes.subarray(4, 5), bytes.subarray(5)]);
    expect(r!.cells).toEqual(['a', 'Jørgen Ærø']);
  });

  it('strips the BOM and accepts CRLF and LF mixed, numbering rows by their first line', async () => {
    const rs = await records(['\uFEFFh1,h2\r\n"multi\nline",x\n\nlast,y\r\n']);
    expect(rs.map((r) => [r.row, r.cells])).toEqual([
      [1, ['h1', 'h2']],
      [2, ['multi\nline', 'x']],
      [5, ['last', 'y']],
    ]);
  });

  it('names the row holding bytes that are not UTF-8', async () => {
    await expect(records([Buffer.from('ok\n'), Buffer.from([0x61, 0xff, 0x0a])])).rejects.toThrow(/Row 2/);
  });

  it('bounds the upload size', async () => {
    const gen = readCsvRecords([Buffer.alloc(2048, 0x61)], { maxBytes: 1024 });
    await expect(gen.next()).rejects.toThrow(/larger than/);
  });
});

describe('openImportFile', () => {
  it('lists expected and got headings column by column', async () => {
    const header = [...M365_HEADER];
    [header[1], header[2]] = [header[2]!, header[1]!];
    await expect(openImportFile([header.join(',') + '\n'])).rejects.toMatchObject({
      code: 'InvalidCsv',
      problems: [
        { field: 'column 2', message: 'expected "First Name", got "Last Name"' },
        { field: 'column 3', message: 'expected "Last Name", got "First Name"' },
      ],
    });
  });

  it('maps Entra columns by [graphProperty] and ignores extra ones', async () => {
    const opened = await openImportFile([
      'version:v1.0,,\nExtra [other],User name [userPrincipalName] Required,Name [displayName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required\nz,a@contoso.com,A,Passw0rd!,No\n',
    ]);
    expect(opened.layout.format).toBe('entra');
    expect(opened.layout.columns.map((c) => [c.index, c.key])).toEqual([
      [1, 'userPrincipalName'],
      [2, 'displayName'],
      [3, 'password'],
      [4, 'blockSignIn'],
    ]);
    const rows = [];
    for await (const r of opened.records) rows.push(r);
    expect(rows[0]!.row).toBe(3);
  });
});
