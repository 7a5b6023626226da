import { CANCELLATION_MARGIN_LU, chooseDownmix, originalPeakBound } from './downmix';
import { LoudnessSummary } from './loudness';

function at(integratedLufs: number): LoudnessSummary {
  return {
    integratedLufs,
    thresholdLufs: integratedLufs - 10,
    lra: 0,
    lraLowLufs: integratedLufs,
    lraHighLufs: integratedLufs,
    truePeakDbtp: null,
    samplePeakDbfs: null,
  };
}

/** Loudness of the sum and difference of two equally loud channels with correlation ρ (dB re one channel). */
function downmixes(rho: number): { sum: number; difference: number } {
  const level = (power: number): number => (power <= 0 ? -70 : 10 * Math.log10(power));
  return { sum: -23 + level((1 + rho) / 2), difference: -23 + level((1 - rho) / 2) };
}

describe('chooseDownmix', () => {
  it('keeps the sum for centred, unrelated and mildly opposed channels', () => {
    for (const rho of [1, 0.5, 0, -0.2, -0.3]) {
      const { sum, difference } = downmixes(rho);
      expect(chooseDownmix(at(sum), at(difference))).toBe('sum');
    }
  });

  it('takes the difference when the channels cancel in the sum (anti-phase)', () => {
    for (const rho of [-1, -0.9, -0.5, -0.4]) {
      const { sum, difference } = downmixes(rho);
      expect(chooseDownmix(at(sum), at(difference))).toBe('difference');
    }
    // A sum measured as digital silence (ebur128 reports −70) against an audible difference.
    expect(chooseDownmix(at(-70), at(-26))).toBe('difference');
  });

  it('switches only past the margin', () => {
    expect(chooseDownmix(at(-30), at(-30 + CANCELLATION_MARGIN_LU))).toBe('sum');
    expect(chooseDownmix(at(-30), at(-30 + CANCELLATION_MARGIN_LU + 0.1))).toBe('difference');
    expect(chooseDownmix(at(-70), at(-70))).toBe('sum');
  });
});

describe('originalPeakBound', () => {
  it("bounds the original's samples by the sum of the downmixes' peaks", () => {
    // A centred voice: nothing in the difference, the sum is the channels.
    expect(originalPeakBound(-6.3, Number.NEGATIVE_INFINITY)).toBe(-6.3);
    // Equal peaks add up to 6 dB more.
    expect(originalPeakBound(-12, -12)).toBe(-5.98);
    expect(originalPeakBound(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBe(
      Number.NEGATIVE_INFINITY,
    );
    expect(originalPeakBound(-6, null)).toBeNull();
  });
});
