import { csvCell, tableToCsv } from './csv-writer';
import { columns, labelledColumns } from './report-table';

describe('CSV export', () => {
  it('writes a BOM, the keys as header, CRLF lines and RFC 4180 quoting', () => {
    const bytes = tableToCsv({
      sheet: 'Tuân thủ',
      columns: columns(['communeName', 'text'], ['airedSeconds', 'seconds'], ['met', 'boolean']),
      rows: [
        { communeName: 'Phường Hạc Thành', airedSeconds: 125.5, met: true },
        { communeName: 'Xã "Mới", 2025', airedSeconds: 0, met: false },
        { communeName: null, airedSeconds: -3.25, met: null },
      ],
    });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(
      'communeName,airedSeconds,met\r\n' +
        'Phường Hạc Thành,125.5,true\r\n' +
        '"Xã ""Mới"", 2025",0,false\r\n' +
        ',-3.25,\r\n',
    );
  });

  it('keeps a spreadsheet from running text as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+84 912')).toBe("'+84 912");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(' lề ')).toBe('" lề "');
  });
});

describe('CSV export for people', () => {
  it('writes the columns’ headers when they have them', () => {
    const bytes = tableToCsv({
      sheet: 'Đối soát',
      columns: labelledColumns(['code', 'text', 'Mã sai lệch'], ['count', 'integer', 'Số mục']),
      rows: [{ code: 'late', count: 2 }],
    });
    expect(bytes.subarray(3).toString('utf8')).toBe('Mã sai lệch,Số mục\r\nlate,2\r\n');
  });
});
