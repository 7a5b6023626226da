import type { StopReason } from './commune-outputs';
import type { PlayResult } from './player';

/** What a started play amounts to: the server's as-run record and the edge player's receipt. */
export interface PlayedOutcome {
  outcome: 'aired' | 'partial' | 'failed';
  startedAt: Date;
  endedAt: Date;
  playedMs: number;
  reason: string | null;
}

/** Why a play stopped before its end, as people read it (Vietnamese). */
export function stopReasonText(
  reason: StopReason | undefined,
  error: string | undefined,
): string | null {
  if (reason?.kind === 'preempted' && reason.live) {
    return `Ngắt để phát trực tiếp${reason.title ? ` (${reason.title})` : ''}`;
  }
  if (reason?.kind === 'preempted') {
    return `Ngắt để phát bản tin khẩn cấp${reason.title ? ` "${reason.title}"` : ''}`;
  }
  if (reason?.kind === 'shutdown') return 'Dịch vụ dừng trong khi đang phát';
  if (reason?.kind === 'stopped') {
    return reason.by === 'power-off'
      ? 'Tắt cụm loa theo lệnh trong khi đang phát'
      : 'Dừng phát theo lệnh từ máy chủ';
  }
  return error ? `Lỗi phát: ${error}` : null;
}

/** `aired` when the whole rendition aired, `partial` when some of it did, else `failed`. */
export function playedOutcome(
  result: Extract<PlayResult, { started: true }>,
  reason?: StopReason,
): PlayedOutcome {
  const outcome = result.completed ? 'aired' : result.playedMs > 0 ? 'partial' : 'failed';
  return {
    outcome,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    playedMs: result.playedMs,
    reason:
      outcome === 'aired'
        ? null
        : (stopReasonText(reason, result.error) ?? 'Dừng trước khi hết bản tin'),
  };
}
