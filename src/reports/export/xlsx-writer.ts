import type ExcelJS from 'exceljs';
import { UTC_OFFSET_MS } from '../../common/local-time';
import { xlsxNumberFormat } from './cell-format';
import { CellKind, CellValue, headerOf, ReportDocument, ReportTable } from './report-table';

const WIDTHS: Record<CellKind, number> = {
  text: 18,
  code: 10,
  minutes: 12,
  integer: 12,
  seconds: 14,
  percent: 12,
  date: 12,
  instant: 20,
  boolean: 8,
};

/** A cell as the workbook types it: numbers as numbers, dates as dates, booleans as booleans. */
export function xlsxCell(kind: CellKind, value: CellValue): ExcelJS.CellValue {
  if (value === null) return null;
  switch (kind) {
    case 'date':
      // Midnight UTC of that day: exceljs writes dates as UTC serials, so the day stays the day.
      return new Date(`${String(value)}T00:00:00.000Z`);
    case 'instant':
      // Excel has no time zones: show the local (Asia/Ho_Chi_Minh) wall-clock time.
      return new Date(new Date(String(value)).getTime() + UTC_OFFSET_MS);
    default:
      return value;
  }
}

function numberFormatStyle(kind: CellKind): Partial<ExcelJS.Style> {
  const numFmt = xlsxNumberFormat(kind);
  return numFmt ? { numFmt } : {};
}

function addSheet(workbook: ExcelJS.Workbook, table: ReportTable): void {
  const sheet = workbook.addWorksheet(table.sheet, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
  });
  sheet.columns = table.columns.map((column) => ({
    header: headerOf(column),
    key: column.key,
    width: Math.max(WIDTHS[column.kind], headerOf(column).length + 2),
    style: numberFormatStyle(column.kind),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of table.rows) {
    sheet.addRow(
      Object.fromEntries(
        table.columns.map((column) => [column.key, xlsxCell(column.kind, row[column.key] ?? null)]),
      ),
    );
  }
  if (table.columns.length > 0) {
    sheet.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: 1, column: table.columns.length },
    };
  }
}

/** exceljs, loaded by the first export: at start-up its ~0.4 s of module loading would be spent for nothing. */
function loadExcelJs(): typeof ExcelJS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('exceljs') as typeof ExcelJS;
}

/** One sheet per table; row 1 holds the column headers (or keys), frozen. */
export async function documentToXlsx(document: ReportDocument, created: Date): Promise<Buffer> {
  const workbook = new (loadExcelJs().Workbook)();
  workbook.creator = 'Loa xã';
  workbook.created = created;
  for (const table of document.tables) addSheet(workbook, table);
  const data = await workbook.xlsx.writeBuffer();
  return Buffer.from(data);
}
