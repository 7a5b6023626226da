/** Which way a figure rounds to the unit it is shown in. */
export type Rounding = 'nearest' | 'down' | 'up';

const ROUND: Record<Rounding, (value: number) => number> = {
  nearest: Math.round,
  down: Math.floor,
  up: Math.ceil,
};

/**
 * Seconds as minutes to a tenth (six seconds), rounded `rounding`: 2658 → 44.3; 2659 → 44.3 to the
 * nearest or down, 44.4 up. Taken from whole milliseconds, so that a sum's float noise
 * (599.9999999 s) never moves it by a tenth.
 */
export function tenthsOfMinute(seconds: number, rounding: Rounding = 'nearest'): number {
  return ROUND[rounding](Math.round(seconds * 1000) / 6000) / 10;
}

/**
 * Airtime beside its target, both in minutes to a tenth, as the web app's `airtimeAgainst` says
 * them in words: the target rounds up; airtime short of it rounds down, so that it never reads as
 * reaching it; airtime that reaches it rounds to the nearest and never reads below it. A target of
 * 2659 s reads 44.4; 2658 s aired against it 44.3, 2660 s 44.4.
 */
export function minutesAgainst(
  airedSeconds: number,
  requiredSeconds: number,
): { aired: number; required: number } {
  const required = tenthsOfMinute(requiredSeconds, 'up');
  const short = Math.round(airedSeconds * 1000) < Math.round(requiredSeconds * 1000);
  const aired = short
    ? tenthsOfMinute(airedSeconds, 'down')
    : Math.max(tenthsOfMinute(airedSeconds), required);
  return { aired, required };
}
