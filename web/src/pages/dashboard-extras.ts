import type { AppContext } from '../context.js';
import type { ReportFilter } from './dashboard.js';

/** Chart, uplift and log verification of the province (wired to the reports routes). */
export async function dashboardExtras(
  _context: AppContext,
  _filter: ReportFilter,
  _slot: HTMLElement,
): Promise<void> {
  // Filled in once the reports module serves its series.
}
