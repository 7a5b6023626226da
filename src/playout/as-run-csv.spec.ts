import {
  CSV_COLUMNS,
  decodeUtf8,
  importRowsFromCsv,
  parseCsv,
  parseInstantCell,
} from './as-run-csv';

describe('as-run CSV', () => {
  it('parses RFC 4180 quoting, CRLF, and tells the line each record starts on', () => {
    const text = 'a,b\r\n"x, y","he said ""hi"""\r\n\r\n"two\nlines",z\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'he said "hi"'] },
      { line: 4, cells: ['two\nlines', 'z'] },
    ]);
  });

  it('detects ; and tab as the delimiter from the header', () => {
    expect(parseCsv('a;b\n1,5;2')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1,5', '2'] },
    ]);
    expect(parseCsv('a\tb\n1\t2')[1].cells).toEqual(['1', '2']);
  });

  it('reads instants with an offset as written and without one as Vietnam time', () => {
    expect(parseInstantCell('2025-10-01T05:30:00.5+07:00')).toBe('2025-10-01T05:30:00.5+07:00');
    expect(parseInstantCell('2025-10-01 05:30')).toBe('2025-09-30T22:30:00.000Z');
    expect(parseInstantCell('2025-10-01T05:30:07.25')).toBe('2025-09-30T22:30:07.250Z');
    expect(parseInstantCell('1/10/2025 05:30:00')).toBe('2025-09-30T22:30:00.000Z');
    expect(parseInstantCell('31/02/2025 05:30:00')).toBeNull();
    expect(parseInstantCell('2025-10-01 24:00')).toBeNull();
    expect(parseInstantCell('sáng nay')).toBeNull();
  });

  it('refuses text that is not UTF-8 and drops a byte-order mark', () => {
    expect(decodeUtf8(Buffer.from('\ufeffBản tin', 'utf8'))).toBe('Bản tin');
    expect(decodeUtf8(Buffer.from([0x42, 0xe1, 0x6e]))).toBeNull();
  });

  it('turns rows into posts and names every bad line', async () => {
    const { rows, errors } = await importRowsFromCsv(
      [
        'Started_At,ended at,OUTCOME,title,topics,playedMs',
        '2025-10-01 05:30,2025-10-01 05:31,Aired,Bản tin sáng,kinh-te-so | xa-hoi-so,',
        '2025-10-01 06:30,2025-10-01 06:31,aired,Bản tin,kinh-te-so,1.5',
        '2025-10-01 07:30,2025-10-01 07:31,aired',
        '"unterminated',
      ].join('\n'),
    );
    expect(errors).toEqual([
      { line: 5, code: 'CSV_SYNTAX', message: 'A quoted cell is not closed' },
    ]);
    expect(rows).toEqual([]);

    const good = await importRowsFromCsv(
      [
        'Started_At,ended at,OUTCOME,title,topics,playedMs',
        '2025-10-01 05:30,2025-10-01 05:31,Aired,Bản tin sáng,kinh-te-so | xa-hoi-so,',
        '2025-10-01 06:30,2025-10-01 06:31,aired,Bản tin,kinh-te-so,1.5',
        '2025-10-01 07:30,2025-10-01 07:31,aired',
      ].join('\n'),
    );
    expect(good.rows).toHaveLength(1);
    expect(good.rows[0]).toMatchObject({
      place: { line: 2 },
      input: {
        source: 'import',
        outcome: 'aired',
        title: 'Bản tin sáng',
        topics: ['kinh-te-so', 'xa-hoi-so'],
        startedAt: '2025-09-30T22:30:00.000Z',
        endedAt: '2025-09-30T22:31:00.000Z',
      },
    });
    expect(good.errors.map((error) => ['line' in error ? error.line : -1, error.code])).toEqual([
      [3, 'VALIDATION_FAILED'],
      [4, 'CSV_CELLS'],
    ]);
  });

  it('refuses unknown, repeated and missing columns on line 1', async () => {
    const unknown = await importRowsFromCsv('startedAt,outcome,kenh\nx,y,z');
    expect(unknown.errors[0]).toMatchObject({ line: 1, code: 'CSV_HEADER' });
    expect(unknown.errors[0].message).toContain('"kenh"');
    const twice = await importRowsFromCsv('startedAt,outcome,started_at\nx,y,z');
    expect(twice.errors[0].message).toContain('named twice');
    const missing = await importRowsFromCsv('endedAt,title\nx,y');
    expect(missing.errors[0].message).toContain('startedAt, outcome');
    const empty = await importRowsFromCsv('');
    expect(empty.errors[0]).toMatchObject({ line: 1, code: 'CSV_EMPTY' });
  });

  it('gives what is wrong as fields too, for the web app to word in Vietnamese', async () => {
    const header = await importRowsFromCsv('Ngày,Giờ,Tên,startedAt,outcome\nx,y,z,a,b');
    expect(header.errors[0].header).toEqual({
      problem: 'unknown-columns',
      names: ['Ngày', 'Giờ', 'Tên'],
      more: 0,
      columns: CSV_COLUMNS,
    });
    const missing = await importRowsFromCsv('endedAt,title\nx,y');
    expect(missing.errors[0].header).toEqual({
      problem: 'missing-columns',
      names: ['startedAt', 'outcome'],
    });
    const { errors } = await importRowsFromCsv(
      [
        'startedAt,outcome,playedMs,title',
        '31/02/2026 05:30,aired,abc,Bản tin',
        '2026-02-01 05:30,phát rồi,1000,Bản tin',
        '2026-02-01 06:30,aired,1000',
      ].join('\n'),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        line: 2,
        cells: [
          { column: 'startedAt', value: '31/02/2026 05:30', reason: 'not-date-time' },
          { column: 'playedMs', value: 'abc', reason: 'not-whole-number' },
        ],
      }),
      expect.objectContaining({
        line: 3,
        cells: [{ column: 'outcome', value: 'phát rồi', reason: 'isIn' }],
      }),
      expect.objectContaining({ line: 4, code: 'CSV_CELLS', cellCount: 3, columnCount: 4 }),
    ]);
  });

  it('says the unreadable cells in English too, quoting a long one short with its length', async () => {
    const long = '1'.repeat(59) + 'x'.repeat(11);
    const { errors } = await importRowsFromCsv(
      ['startedAt,outcome,playedMs,title', `31/02/2026 05:30,aired,${long},Bản tin`].join('\n'),
    );
    expect(errors).toEqual([
      {
        line: 2,
        code: 'VALIDATION_FAILED',
        message:
          'startedAt "31/02/2026 05:30" is not a date and time; ' +
          `playedMs "${long.slice(0, 60)}…" (70 characters) is not a whole number`,
        cells: [
          { column: 'startedAt', value: '31/02/2026 05:30', reason: 'not-date-time' },
          { column: 'playedMs', value: `${long.slice(0, 60)}…`, reason: 'not-whole-number' },
        ],
      },
    ]);
  });
});
