import { CodeTotal, DiscrepancyCode, ReconciliationLine } from './reconciliation';

/** `GET /reports/communes/:commune/reconciliation`: the totals, and a page of the lines. */
export class ReconciliationReport {
  communeCode!: string;
  communeName!: string;
  from!: string;
  to!: string;
  /** The tolerance each way, for on time and for short. */
  toleranceSeconds!: number;
  /** Every code, zeros included, over all the lines of the range. */
  totals!: CodeTotal[];
  plannedSeconds!: number;
  airedSeconds!: number;
  /** The lines (of `code` when given) on this page; all of them in the exports. */
  lines!: ReconciliationLine[];
  code!: DiscrepancyCode | null;
  page!: number;
  pageSize!: number;
  /** Lines of `code` (or all) over the range. */
  lineCount!: number;
}
