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

  // The article's template (Microsoft's 2020 page) has 15 columns: no "Alternate email address".
  const HEADER_2020 = M365_HEADER.filter((h) => h !== 'Alternate email address');
  // Microsoft: "labels in any language as long as the order stays the same" (German; Fax is the same word).
  const GERMAN = [
    'Benutzername',
    'Vorname',
    'Nachname',
    'Anzeigename',
    'Position',
    'Abteilung',
    'Büronummer',
    'Telefon (geschäftlich)',
    'Mobiltelefon',
    'Fax',
    'Alternative E-Mail-Adresse',
    'Adresse',
    'Ort',
    'Bundesland/Kanton',
    'Postleitzahl',
    'Land/Region',
  ];

  it('reads every era of the Microsoft 365 template and says which', async () => {
    const today = await openImportFile([
      M365_HEADER.join(',') + '\n' + 'a@contoso.com' + ','.repeat(15) + '\n',
    ]);
    expect(today.layout).toMatchObject({ format: 'm365', width: 16 });
    const old = await openImportFile([
      HEADER_2020.join(',') + '\n' + 'a@contoso.com' + ','.repeat(14) + '\n',
    ]);
    expect(old.layout).toMatchObject({ format: 'm365-2020', width: 15 });
    expect(old.layout.columns.map((c) => c.key)).not.toContain('alternateEmail');
    expect(old.layout.columns[10]).toMatchObject({ index: 10, heading: 'Address' });
    const german = await openImportFile([GERMAN.join(',') + '\n' + 'a@contoso.com' + ','.repeat(15) + '\n']);
    expect(german.layout).toMatchObject({ format: 'm365-translated', width: 16 });
    expect(german.layout.columns.map((c) => c.heading)).toEqual(M365_HEADER);
    const german2020 = GERMAN.filter((h) => h !== 'Alternative E-Mail-Adresse');
    const g2020 = await openImportFile([
      german2020.join(',') + '\n' + 'a@contoso.com' + ','.repeat(14) + '\n',
    ]);
    expect(g2020.layout).toMatchObject({ format: 'm365-2020-translated', width: 15 });
  });

  it('still refuses a misspelt or reordered English header, and a translated one of another width', async () => {
    const misspelt = [...M365_HEADER];
    misspelt[2] = 'Last Nmae';
    await expect(openImportFile([misspelt.join(',') + '\n'])).rejects.toMatchObject({
      code: 'InvalidCsv',
      problems: [{ field: 'column 3', message: 'expected "Last Name", got "Last Nmae"' }],
    });
    // 15 headings are compared with the 2020 template.
    const old = [...HEADER_2020];
    old[10] = 'Adress';
    await expect(openImportFile([old.join(',') + '\n'])).rejects.toMatchObject({
      problems: [{ field: 'column 11', message: 'expected "Address", got "Adress"' }],
    });
    // A translated header with an English heading out of its place is not read by position.
    const mixed = [...GERMAN];
    mixed[0] = 'Display Name';
    await expect(openImportFile([mixed.join(',') + '\n'])).rejects.toMatchObject({ code: 'InvalidCsv' });
    await expect(openImportFile([GERMAN.slice(0, 14).join(',') + '\n'])).rejects.toMatchObject({
      code: 'InvalidCsv',
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
