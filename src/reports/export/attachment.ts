import { StreamableFile } from '@nestjs/common';

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A file the browser saves under `fileName`. */
export function attachment(bytes: Buffer, type: string, fileName: string): StreamableFile {
  return new StreamableFile(bytes, {
    type,
    disposition: `attachment; filename="${fileName}"`,
    length: bytes.length,
  });
}
