import ExcelJS from 'exceljs';
import { columns } from './report-table';
import { xlsxNumberFormat } from './cell-format';
import { documentToXlsx, xlsxCell } from './xlsx-writer';

describe('XLSX export', () => {
  it('types cells: dates at midnight UTC, instants in local wall-clock time', () => {
    expect(xlsxCell('date', '2025-10-01')).toEqual(new Date('2025-10-01T00:00:00.000Z'));
    expect(xlsxCell('instant', '2025-10-01T05:30:00.000+07:00')).toEqual(
      new Date('2025-10-01T05:30:00.000Z'),
    );
    expect(xlsxCell('seconds', 12.5)).toBe(12.5);
    expect(xlsxCell('boolean', false)).toBe(false);
    expect(xlsxCell('text', null)).toBeNull();
  });

  it('writes a sheet per table, keys on row 1, frozen, with typed cells', async () => {
    const bytes = await documentToXlsx(
      {
        fileName: 'x',
        tables: [
          {
            sheet: 'Tuân thủ',
            readers: 'machines',
            columns: columns(['topic', 'text'], ['plays', 'integer'], ['met', 'boolean']),
            rows: [{ topic: 'kinh-te-so', plays: 7, met: true }],
          },
          {
            sheet: 'Theo ngày',
            readers: 'machines',
            columns: columns(['date', 'date'], ['campaignSeconds', 'seconds']),
            rows: [{ date: '2025-10-01', campaignSeconds: 300.25 }],
          },
        ],
      },
      new Date('2025-11-01T00:00:00Z'),
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['Tuân thủ', 'Theo ngày']);
    const first = book.getWorksheet('Tuân thủ') as ExcelJS.Worksheet;
    expect(first.getRow(1).values).toEqual([undefined, 'topic', 'plays', 'met']);
    expect(first.getRow(2).values).toEqual([undefined, 'kinh-te-so', 7, true]);
    expect(first.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const second = book.getWorksheet('Theo ngày') as ExcelJS.Worksheet;
    expect(second.getCell('A2').value).toEqual(new Date('2025-10-01T00:00:00.000Z'));
    expect(second.getCell('A2').numFmt).toBe('yyyy-mm-dd');
    expect(second.getCell('B2').value).toBe(300.25);
    expect(second.getCell('B2').numFmt).toBe('0.0##');
  });

  it('shows numbers as the CSV for people writes them: one decimal, seconds to the millisecond', () => {
    // `0.###` showed a whole number of seconds as "300." (a decimal mark and nothing after it).
    expect(xlsxNumberFormat('seconds')).toBe('0.0##');
    expect(xlsxNumberFormat('minutes')).toBe('0.0');
    expect(xlsxNumberFormat('percent')).toBe('0.0');
    expect(xlsxNumberFormat('integer')).toBe('0');
    expect(xlsxNumberFormat('code')).toBe('@');
    expect(xlsxNumberFormat('text')).toBeUndefined();
  });
});
