import { LoudnessSummary } from './loudness';
import {
  bestTrial,
  codecLoss,
  correctedPlan,
  GainTrial,
  initialPlan,
  loudnessWarning,
  LoudnessTarget,
  MAX_GAIN_DB,
  listeningGains,
  nextGainTrial,
  samePlan,
  settledGain,
  predictedLoudness,
  sampleWindows,
} from './normalization-plan';

const target: LoudnessTarget = { integratedLufs: -16, truePeakDbtp: -1.5, lra: 11 };

function measured(integratedLufs: number, truePeakDbtp: number, lra = 4): LoudnessSummary {
  return {
    integratedLufs,
    thresholdLufs: integratedLufs - 10,
    lra,
    lraLowLufs: integratedLufs - 3,
    lraHighLufs: integratedLufs + 1,
    truePeakDbtp,
    samplePeakDbfs: truePeakDbtp - 0.3,
  };
}

describe('initialPlan', () => {
  it('is linear when the gain keeps the peak under the limit with encoder room', () => {
    expect(initialPlan(measured(-23, -12), target)).toEqual({
      path: 'linear',
      gainDb: 7,
      limiterCeilingDbfs: null,
      compressor: null,
    });
  });

  it('lowers a hot recording linearly', () => {
    expect(initialPlan(measured(-6, -0.1), target)).toMatchObject({ path: 'linear', gainDb: -10 });
  });

  it('is dynamic when the peak would pass the limit, with the limiter under it', () => {
    expect(initialPlan(measured(-35.9, -17), target)).toEqual({
      path: 'dynamic',
      gainDb: 19.9,
      limiterCeilingDbfs: -2.5,
      compressor: null,
    });
  });

  it('adds a compressor when the loudness range is wider than the target', () => {
    const plan = initialPlan(measured(-23, -20, 18), target);
    expect(plan.path).toBe('dynamic');
    expect(plan.compressor).toEqual({ thresholdDbfs: -16, ratio: 1.64 });
  });

  it('caps the gain', () => {
    expect(initialPlan(measured(-69, -60), target).gainDb).toBe(40);
  });
});

describe('gain search', () => {
  /** Loudness through a limiter: grows with slope 1 until 14 dB of gain, then with slope 0.5. */
  const limited = (gain: number): number => -30 + Math.min(gain, 14) + Math.max(0, gain - 14) * 0.5;

  function search(first: number): GainTrial[] {
    const trials: GainTrial[] = [{ gainDb: first, integratedLufs: limited(first) }];
    for (let next = nextGainTrial(trials, -16); next !== null; next = nextGainTrial(trials, -16)) {
      trials.push({ gainDb: next, integratedLufs: limited(next) });
    }
    return trials;
  }

  it('lands on the target through the limiter within the tolerance', () => {
    const trials = search(14);
    expect(Math.abs(bestTrial(trials, -16).integratedLufs + 16)).toBeLessThanOrEqual(0.1);
    expect(trials.length).toBeLessThanOrEqual(5);
  });

  it('starts with slope 1 (stays under the target) then uses the secant', () => {
    const trials: GainTrial[] = [{ gainDb: 16, integratedLufs: -17 }];
    expect(nextGainTrial(trials, -16)).toBe(17);
    trials.push({ gainDb: 17, integratedLufs: -16.5 });
    expect(nextGainTrial(trials, -16)).toBe(18);
  });

  it('stops when close enough, when the limiter saturates, and after five trials', () => {
    expect(nextGainTrial([{ gainDb: 10, integratedLufs: -16.05 }], -16)).toBeNull();
    expect(
      nextGainTrial(
        [
          { gainDb: 30, integratedLufs: -20 },
          { gainDb: 34, integratedLufs: -19.99 },
        ],
        -16,
      ),
    ).toBeNull();
    const five = [1, 2, 3, 4, 5].map((gainDb) => ({ gainDb, integratedLufs: -30 + gainDb * 0.1 }));
    expect(nextGainTrial(five, -16)).toBeNull();
  });

  it('draws the secant through the trials around the target when there are such', () => {
    const trials: GainTrial[] = [
      { gainDb: 10, integratedLufs: -17.4 },
      { gainDb: 12, integratedLufs: -16.3 },
      { gainDb: 14, integratedLufs: -15.5 },
    ];
    // Between 12 and 14 (not through the last two by order): 12 + 0.3 / 0.4 × 1 … from the nearest.
    expect(nextGainTrial(trials, -16)).toBe(12.75);
    // All below the target: the two nearest it.
    expect(nextGainTrial(trials.slice(0, 2), -15)).toBe(14.36);
  });

  it('settles the gain from the pass beside the codec check: a trial on target, or the line between two close around it', () => {
    const trials: GainTrial[] = [
      { gainDb: 9.9, integratedLufs: -17.4 },
      { gainDb: 11.9, integratedLufs: -16.35 },
      { gainDb: 13.9, integratedLufs: -15.5 },
    ];
    expect(settledGain(trials, -15.55)).toBe(13.9);
    expect(settledGain(trials, -16)).toBe(12.72);
    // Around the target but 1.05 LU apart: another trial is needed.
    expect(settledGain(trials, -16.9)).toBeNull();
    // Beyond the trials: another trial is needed.
    expect(settledGain(trials, -15)).toBeNull();
    expect(settledGain([], -16)).toBeNull();
  });

  it('tries gains beside the codec check only when a limiter works, spread up to the peak excess', () => {
    const linear = {
      path: 'linear' as const,
      gainDb: 7,
      limiterCeilingDbfs: null,
      compressor: null,
    };
    expect(listeningGains(linear, -10)).toEqual([]);
    const dynamic = {
      path: 'dynamic' as const,
      gainDb: 9.9,
      limiterCeilingDbfs: -2.5,
      compressor: null,
    };
    // True peak −6.4 + 9.9 = 3.5 dBTP, 6 dB over the ceiling.
    expect(listeningGains(dynamic, -6.4)).toEqual([11.9, 13.9]);
    // At least 1 dB apart, at most 4 dB, and never past the maximum gain.
    expect(listeningGains(dynamic, -12)).toEqual([10.9, 11.9]);
    expect(listeningGains(dynamic, 20)).toEqual([13.9, 17.9]);
    expect(listeningGains({ ...dynamic, gainDb: 39.5 }, -30)).toEqual([40]);
  });

  it('tells plans that render alike from those that do not', () => {
    const linear = initialPlan(measured(-23, -12), target);
    const dynamic = initialPlan(measured(-23, -9), target);
    expect(samePlan(linear, { ...linear })).toBe(true);
    expect(samePlan(linear, dynamic)).toBe(false);
    expect(samePlan(dynamic, { ...dynamic, gainDb: dynamic.gainDb + 0.01 })).toBe(false);
    const compressed = { ...dynamic, compressor: { thresholdDbfs: -16, ratio: 2 } };
    expect(
      samePlan(compressed, { ...compressed, compressor: { thresholdDbfs: -16, ratio: 2 } }),
    ).toBe(true);
    expect(
      samePlan(compressed, { ...compressed, compressor: { thresholdDbfs: -16, ratio: 2.5 } }),
    ).toBe(false);
    expect(samePlan(compressed, dynamic)).toBe(false);
  });

  it('picks the trial closest to the target', () => {
    expect(
      bestTrial(
        [
          { gainDb: 1, integratedLufs: -17 },
          { gainDb: 3, integratedLufs: -15.8 },
          { gainDb: 2, integratedLufs: -16.3 },
        ],
        -16,
      ).gainDb,
    ).toBe(3);
  });
});

describe('correctedPlan', () => {
  const plan = { path: 'linear' as const, gainDb: 7, limiterCeilingDbfs: null, compressor: null };

  it('accepts a rendition on target and under the limit', () => {
    expect(correctedPlan(plan, { integratedLufs: -16.3, truePeakDbtp: -1.6 }, target)).toBeNull();
  });

  it('corrects a loudness miss by the difference', () => {
    expect(correctedPlan(plan, { integratedLufs: -16.8, truePeakDbtp: -3 }, target)).toEqual({
      ...plan,
      gainDb: 7.8,
    });
  });

  it('limits below the overshoot when the MP3 passes the true-peak limit', () => {
    expect(correctedPlan(plan, { integratedLufs: -16, truePeakDbtp: -1.2 }, target)).toEqual({
      path: 'dynamic',
      gainDb: 7,
      limiterCeilingDbfs: -3.1,
      compressor: null,
    });
  });

  it('renders no more when a too quiet rendition already has the whole gain', () => {
    const full = { ...plan, gainDb: MAX_GAIN_DB };
    expect(correctedPlan(full, { integratedLufs: -25.1, truePeakDbtp: -20 }, target)).toBeNull();
    // Still corrected when the gain was not at its limit, or the peak is over.
    expect(correctedPlan(plan, { integratedLufs: -25.1, truePeakDbtp: -20 }, target)?.gainDb).toBe(
      16.1,
    );
    expect(correctedPlan(full, { integratedLufs: -25.1, truePeakDbtp: -1 }, target)).not.toBeNull();
  });
});

describe('loudnessWarning', () => {
  it('flags a rendition left below the target beyond the tolerance, nothing else', () => {
    expect(loudnessWarning({ integratedLufs: -25.1, truePeakDbtp: -9 }, target)).toBe('too-quiet');
    expect(loudnessWarning({ integratedLufs: -16.6, truePeakDbtp: -3 }, target)).toBe('too-quiet');
    expect(loudnessWarning({ integratedLufs: -16.4, truePeakDbtp: -3 }, target)).toBeNull();
    expect(loudnessWarning({ integratedLufs: -15.6, truePeakDbtp: -1.6 }, target)).toBeNull();
  });
});

describe('codec compensation', () => {
  it('is what the encoder took away, bounded', () => {
    expect(codecLoss(-16.2, -16.65)).toBe(0.45);
    expect(codecLoss(-16, -14)).toBe(-1);
    expect(codecLoss(-16, -19)).toBe(1.5);
    expect(codecLoss(-70, -70)).toBe(0);
    expect(codecLoss(-16, Number.NaN)).toBe(0);
  });
});

describe('loudness sample', () => {
  it('takes short recordings whole', () => {
    expect(sampleWindows({ startS: 1, endS: 61 })).toEqual([{ startS: 1, endS: 61 }]);
  });

  it('spreads eight 8 s windows over a long recording', () => {
    const windows = sampleWindows({ startS: 0.5, endS: 300.5 });
    expect(windows).toHaveLength(8);
    expect(windows[0]).toEqual({ startS: 15.25, endS: 23.25 });
    expect(windows[7]).toEqual({ startS: 277.75, endS: 285.75 });
    for (const window of windows) {
      expect(window.startS).toBeGreaterThanOrEqual(0.5);
      expect(window.endS).toBeLessThanOrEqual(300.5);
    }
    expect(sampleWindows({ startS: 0, endS: 3600 })).toHaveLength(8);
  });

  it('predicts the file from what the chain did to the sample', () => {
    expect(predictedLoudness(-30, -28, -14.5)).toBe(-16.5);
  });
});
