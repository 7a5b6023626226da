import { csvCell, tableToCsv } from './csv-writer';
import { columns, labelledColumns } from './report-table';

describe('CSV export', () => {
  it('writes a BOM, the keys as header, CRLF lines and RFC 4180 quoting', () => {
    const bytes = tableToCsv({
      sheet: 'Tuân thủ',
      readers: 'machines',
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
      readers: 'people',
      columns: labelledColumns(['code', 'text', 'Mã sai lệch'], ['count', 'integer', 'Số mục']),
      rows: [{ code: 'late', count: 2 }],
    });
    expect(bytes.subarray(3).toString('utf8')).toBe('Mã sai lệch,Số mục\r\nlate,2\r\n');
  });

  it('writes every number as vi-VN reads it, as the XLSX shows it: minutes, percent, seconds, counts', () => {
    const bytes = tableToCsv({
      sheet: 'Tăng thời lượng',
      readers: 'people',
      columns: labelledColumns(
        ['airedSeconds', 'minutes', 'Đã phát (phút)'],
        ['changeSeconds', 'minutes', 'Thay đổi (phút)'],
        ['changePercent', 'percent', 'Thay đổi (%)'],
        ['lateBySeconds', 'seconds', 'Muộn (giây)'],
        ['plannedSeconds', 'seconds', 'Thời lượng theo lịch (giây)'],
        ['plays', 'integer', 'Số lượt phát'],
      ),
      rows: [
        {
          airedSeconds: 315,
          changeSeconds: -3.5,
          changePercent: 116.3,
          lateBySeconds: 2.04,
          plannedSeconds: 300,
          plays: 12,
        },
        {
          airedSeconds: 0,
          changeSeconds: 0,
          changePercent: null,
          lateBySeconds: null,
          plannedSeconds: 59.9999,
          plays: 0,
        },
      ],
    });
    expect(bytes.subarray(3).toString('utf8').split('\r\n').slice(1)).toEqual([
      '"315,0","-3,5","116,3","2,04","300,0",12',
      '"0,0","0,0",,,"60,0",0',
      '',
    ]);
  });

  it('writes an instant as its local date and time, a date as it is', () => {
    const bytes = tableToCsv({
      sheet: 'Đối soát',
      readers: 'people',
      columns: labelledColumns(
        ['plannedStart', 'instant', 'Giờ phát theo lịch'],
        ['date', 'date', 'Ngày'],
      ),
      rows: [
        { plannedStart: '2025-10-01T05:30:00.000+07:00', date: '2025-10-01' },
        { plannedStart: '2025-09-30T23:15:02.500Z', date: null },
      ],
    });
    expect(bytes.subarray(3).toString('utf8')).toBe(
      'Giờ phát theo lịch,Ngày\r\n2025-10-01 05:30:00,2025-10-01\r\n2025-10-01 06:15:02,\r\n',
    );
  });

  it('keeps the JSON values for machines: a decimal point, ISO 8601 instants', () => {
    const bytes = tableToCsv({
      sheet: 'Nhật ký phát thanh',
      readers: 'machines',
      columns: columns(
        ['startedAt', 'instant'],
        ['changePercent', 'percent'],
        ['airedSeconds', 'seconds'],
      ),
      rows: [{ startedAt: '2025-09-30T22:30:00.000Z', changePercent: 116.3, airedSeconds: -2.5 }],
    });
    expect(bytes.subarray(3).toString('utf8')).toBe(
      'startedAt,changePercent,airedSeconds\r\n2025-09-30T22:30:00.000Z,116.3,-2.5\r\n',
    );
  });
});
