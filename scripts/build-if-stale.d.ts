/** The types of scripts/build-if-stale.js, for the TypeScript that uses it (the tests). */
export const STAMP: string;
export function latestChange(path: string): number;
export function staleReason(root: string): string | null;
export function writeStamp(root: string, startedAt: number): void;
export function buildIfStale(root: string, always?: boolean): boolean;
