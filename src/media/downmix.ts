import { Downmix } from './ffmpeg-args';
import { LoudnessSummary } from './loudness';

/**
 * The `difference` downmix is taken when it is louder than the `sum` by more than this.
 *
 * For two channels of equal loudness with correlation ρ, the sum (L+R)/2 carries (1+ρ)/2 of a
 * channel's power and the difference (L−R)/2 carries (1−ρ)/2: they are equal for unrelated
 * channels (wide stereo, reverb), the sum wins for anything centred, and the difference is 3 LU
 * louder exactly when ρ < −1/3, i.e. when the channels mostly cancel each other.
 */
export const CANCELLATION_MARGIN_LU = 3;

/**
 * Which mono downmix the loudspeakers get, from the measurements of pass 1.
 *
 * A plain (L+R)/2 erases whatever the two channels carry in opposite polarity: an anti-phase
 * recording (one channel wired or recorded with its polarity reversed, a common fault of
 * balanced cables and of some phone and recorder stereo modes) sums to silence. The principled
 * repair for that fault is to restore the reversed channel's polarity, which is the difference
 * (L−R)/2. So both downmixes are measured in the same decode, and the difference is used when it
 * keeps clearly more of the recording than the sum (see CANCELLATION_MARGIN_LU); in every other
 * case the sum stays, as a listener of the stereo original would expect. Both downmixes are linear
 * and never louder than the louder channel, so the true-peak handling does not change.
 */
export function chooseDownmix(sum: LoudnessSummary, difference: LoudnessSummary): Downmix {
  return difference.integratedLufs - sum.integratedLufs > CANCELLATION_MARGIN_LU
    ? 'difference'
    : 'sum';
}

/**
 * The most the original's samples can reach, from the sample peaks of its two downmixes: with
 * S = (L+R)/2 and D = (L−R)/2, L = S + D and R = S − D, so no channel's sample exceeds
 * |S| + |D|. Pass 1 plans with it until the original's own true peak is measured (that meter
 * runs beside it); the true peak is usually within a fraction of a dB of it. Null when unknown.
 */
export function originalPeakBound(
  sumPeakDbfs: number | null,
  differencePeakDbfs: number | null,
): number | null {
  if (sumPeakDbfs === null || differencePeakDbfs === null) return null;
  const amplitude = 10 ** (sumPeakDbfs / 20) + 10 ** (differencePeakDbfs / 20);
  return amplitude > 0 ? Math.round(2000 * Math.log10(amplitude)) / 100 : Number.NEGATIVE_INFINITY;
}
