import { errorText, get, post } from '../api.js';
import { AppContext, communeCode } from '../context.js';
import { h } from '../dom.js';
import { vietnameseError } from '../errors-vi.js';
import { formatClock, formatTime } from '../format.js';
import { onLeave } from '../lifecycle.js';
import { href, Page } from '../router.js';
import type { Campaign, LiveStatus, OpenedLive } from '../types.js';
import { markCountedTopics } from '../ui/counted-topics.js';
import { checkGroup } from '../ui/form.js';
import { messageBox } from '../ui/notice.js';

type ServerMessage =
  | { type: 'on-air'; startedAt: string; interrupted: string | null }
  | {
      type: 'ended';
      outcome: string;
      playedMs: number;
      reason: string | null;
      recordSeq: number | null;
      /** The recording, kept as an audio asset of the commune. */
      audioId: string | null;
      cutByEmergency: boolean;
      scheduleItemId: string | null;
    }
  | { type: 'error'; statusCode: number; code?: string; message: string };

/** The page sends 40 ms frames of 16-bit mono at 48 kHz, the service's live frame format. */
const SAMPLE_RATE = 48000;
const FRAME_SAMPLES = 1920;

const MIC_ERRORS: Record<string, string> = {
  NotFoundError: 'Không tìm thấy micrô trên máy này. Hãy cắm micrô rồi thử lại.',
  NotAllowedError:
    'Trình duyệt chưa được phép dùng micrô. Hãy cho phép truy cập micrô (biểu tượng ổ khoá trên thanh địa chỉ) rồi thử lại.',
  NotReadableError: 'Micrô đang bị một chương trình khác sử dụng.',
};

/** Float samples (−1…1) to 16-bit little-endian PCM. */
function toPcm16(samples: Float32Array): ArrayBuffer {
  const out = new DataView(new ArrayBuffer(samples.length * 2));
  for (let i = 0; i < samples.length; i++) {
    const value = Math.max(-1, Math.min(1, samples[i]));
    out.setInt16(i * 2, value < 0 ? value * 0x8000 : value * 0x7fff, true);
  }
  return out.buffer;
}

/** Microphone capture: 40 ms frames to `onFrame`, the level (0…1) to `onLevel`. */
interface Capture {
  stop(): void;
}

async function startCapture(
  onFrame: (frame: ArrayBuffer) => void,
  onLevel: (level: number) => void,
): Promise<Capture> {
  const stream = await navigator.mediaDevices.getUserMedia({
    // A broadcast microphone, not a call: the call processing (echo cancelling, noise
    // suppression, automatic gain) would pump and colour the voice on the loudspeakers.
    audio: {
      channelCount: 1,
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    },
  });
  const context = new AudioContext({ sampleRate: SAMPLE_RATE });
  const source = context.createMediaStreamSource(stream);
  // ScriptProcessorNode: enough for speech, and no worklet module to serve.
  const processor = context.createScriptProcessor(2048, 1, 1);
  const pending = new Float32Array(FRAME_SAMPLES);
  let filled = 0;
  processor.onaudioprocess = (event) => {
    const samples = event.inputBuffer.getChannelData(0);
    let sum = 0;
    for (const sample of samples) {
      sum += sample * sample;
      pending[filled++] = sample;
      if (filled === FRAME_SAMPLES) {
        onFrame(toPcm16(pending));
        filled = 0;
      }
    }
    onLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
  };
  source.connect(processor);
  processor.connect(context.destination);
  return {
    stop() {
      processor.disconnect();
      source.disconnect();
      for (const track of stream.getTracks()) track.stop();
      void context.close();
    },
  };
}

/** "Phát trực tiếp": an operator or approver speaks to the commune's loudspeakers. */
export async function livePage(context: AppContext): Promise<Page> {
  const commune = communeCode(context);
  const status = await get<LiveStatus>(`/communes/${commune}/live`);
  const message = messageBox();
  const situation = h('p', { class: 'live-situation' });
  const startButton = h(
    'button',
    { type: 'button', class: 'primary live-button' },
    'BẮT ĐẦU PHÁT TRỰC TIẾP',
  );
  const stopButton = h(
    'button',
    { type: 'button', class: 'danger live-button', hidden: true },
    'DỪNG PHÁT',
  );
  const meterFill = h('div', { class: 'live-level-fill' });
  const meter = h(
    'div',
    {
      class: 'live-level',
      role: 'meter',
      'aria-label': 'Mức âm thanh micrô',
      'aria-valuemin': '0',
      'aria-valuemax': '100',
      'aria-valuenow': '0',
    },
    meterFill,
  );
  const showLevel = (level: number): void => {
    const percent = Math.round(level * 100);
    meterFill.style.width = `${percent}%`;
    meter.setAttribute('aria-valuenow', String(percent));
  };
  // A commune with zones: the speaker may pick some (none ticked: every cluster).
  const zoneBoxes = status.zones.map((zone) =>
    h('input', { type: 'checkbox', name: 'zone', value: zone }),
  );
  const zonePicker =
    zoneBoxes.length > 0
      ? h(
          'fieldset',
          { class: 'live-zones' },
          h('legend', null, 'Phát tới vùng (không chọn: mọi cụm loa của xã)'),
          ...zoneBoxes.map((box) => h('label', null, box, ` ${box.value}`)),
        )
      : null;
  const chosenZones = (): string[] =>
    zoneBoxes.filter((box) => box.checked).map((box) => box.value);
  // A session counts toward a campaign only through its topics, as a bulletin does.
  const topics = checkGroup(
    'Chủ đề của phiên (không bắt buộc; phiên được tính vào chỉ tiêu của các chủ đề đã chọn)',
    context.topics.map((topic) => ({ value: topic.code, label: topic.name })),
  );
  topics.element.classList.add('live-topics');
  markCountedTopics(
    context,
    topics.element,
    () => topics.values(),
    await get<Campaign[]>('/campaigns'),
    'phiên phát trực tiếp này',
  );
  // After a session: where its recording went, and the way to make it a bulletin.
  const recording = h('p', { class: 'live-recording', hidden: true });
  const showRecording = (audioId: string | null): void => {
    recording.hidden = audioId === null;
    recording.replaceChildren(
      ...(audioId === null
        ? []
        : [
            'Bản ghi âm của phiên được lưu thành một tệp âm thanh của xã. ',
            h(
              'a',
              { href: href('/ban-tin/moi', { audio: audioId }) },
              'Tạo bản tin từ bản ghi âm này',
            ),
            ' để phát lại theo lịch (sau khi được duyệt).',
          ]),
    );
  };
  const elapsed = h('p', { class: 'live-elapsed', role: 'timer', 'aria-live': 'off' }, '0:00');
  const onAirLabel = h('p', { class: 'live-on-air', role: 'status' });

  const describe = (current: LiveStatus): void => {
    if (current.emergencyOnAir) {
      situation.textContent =
        'Đang phát bản tin khẩn cấp: hãy chờ bản tin kết thúc rồi mới phát trực tiếp.';
    } else if (current.onAir) {
      situation.textContent = `${current.onAir.speaker} đang phát trực tiếp.`;
    } else if (current.devices) {
      situation.textContent =
        'Xã phát qua cụm loa: lời nói được phát tới các cụm loa đang hoạt động và ngắt bản tin thường đang phát trên đó. Cụm loa mất kết nối sẽ tự vào phiên khi có kết nối trở lại.';
    } else if (current.interrupts) {
      situation.textContent = `Đang phát “${current.interrupts}”. Khi bạn bắt đầu, bản tin này sẽ bị ngắt và ghi vào nhật ký là phát một phần.`;
    } else {
      situation.textContent = 'Loa của xã đang không phát gì: không có bản tin nào bị ngắt.';
    }
    startButton.disabled = !current.available || current.emergencyOnAir || !!current.onAir;
    if (!current.available) {
      message.show('Máy chủ này không chạy bộ phát: chưa thể phát trực tiếp từ trang này.', 'info');
    }
  };
  describe(status);

  let socket: WebSocket | null = null;
  let capture: Capture | null = null;
  let timer: number | null = null;
  let stopping = false;
  let ended = false;

  const reset = (): void => {
    capture?.stop();
    capture = null;
    if (timer !== null) window.clearInterval(timer);
    timer = null;
    showLevel(0);
    startButton.hidden = false;
    stopButton.hidden = true;
    topics.element.disabled = false;
    onAirLabel.textContent = '';
    void get<LiveStatus>(`/communes/${commune}/live`)
      .then(describe)
      .catch(() => undefined);
  };

  const handle = (data: ServerMessage): void => {
    if (data.type === 'on-air') {
      onAirLabel.textContent = `ĐANG PHÁT TRỰC TIẾP từ ${formatTime(data.startedAt)}${data.interrupted ? ` (đã ngắt “${data.interrupted}”)` : ''}`;
      return;
    }
    if (data.type === 'error') {
      ended = true;
      message.show(vietnameseError(data.statusCode, data.code, data.message));
      return;
    }
    ended = true;
    showRecording(data.audioId);
    if (data.cutByEmergency) {
      message.show('Bản tin khẩn cấp bắt đầu phát: phiên phát trực tiếp đã bị ngắt.');
    } else if (data.outcome === 'not-started') {
      message.show('Phiên phát trực tiếp kết thúc trước khi lên sóng.', 'info');
    } else if (data.scheduleItemId) {
      message.show(
        `Đã phát trực tiếp ${formatClock(data.playedMs)} tới các cụm loa; nhật ký phát thanh ghi phiên này theo biên nhận của từng cụm loa.`,
        'success',
      );
    } else {
      message.show(
        `Đã phát trực tiếp ${formatClock(data.playedMs)}; nhật ký phát thanh đã ghi phiên này.`,
        'success',
      );
    }
  };

  const start = async (): Promise<void> => {
    message.show(null);
    showRecording(null);
    startButton.disabled = true;
    stopping = false;
    ended = false;
    let opened: OpenedLive;
    try {
      const zones = chosenZones();
      const chosenTopics = topics.values();
      opened = await post<OpenedLive>(`/communes/${commune}/live`, {
        ...(zones.length > 0 ? { zones } : {}),
        ...(chosenTopics.length > 0 ? { topics: chosenTopics } : {}),
      });
    } catch (error) {
      message.show(errorText(error));
      startButton.disabled = false;
      return;
    }
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(
      `${scheme}//${window.location.host}${opened.socketPath}?ticket=${encodeURIComponent(opened.ticket)}`,
    );
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.addEventListener('message', (event) => {
      if (typeof event.data === 'string') handle(JSON.parse(event.data) as ServerMessage);
    });
    ws.addEventListener('close', () => {
      if (!stopping && !ended) {
        message.show('Mất kết nối tới máy chủ: phiên phát trực tiếp đã tự kết thúc.');
      }
      socket = null;
      reset();
    });
    try {
      await new Promise<void>((resolve, reject) => {
        ws.addEventListener('open', () => resolve(), { once: true });
        ws.addEventListener('error', () => reject(new Error('socket')), { once: true });
      });
      capture = await startCapture((frame) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      }, showLevel);
    } catch (error) {
      const name = error instanceof DOMException ? error.name : '';
      stopping = true;
      ws.close();
      message.show(
        MIC_ERRORS[name] ??
          (name
            ? 'Không mở được micrô. Hãy kiểm tra micrô rồi thử lại.'
            : 'Không kết nối được tới máy chủ để phát trực tiếp.'),
      );
      startButton.disabled = false;
      return;
    }
    const began = Date.now();
    // The session's topics were sent with it: they cannot change while it lasts.
    topics.element.disabled = true;
    startButton.hidden = true;
    stopButton.hidden = false;
    stopButton.focus();
    timer = window.setInterval(() => {
      elapsed.textContent = formatClock(Date.now() - began);
    }, 250);
  };

  const stop = (): void => {
    stopping = true;
    capture?.stop();
    capture = null;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'stop' }));
    stopButton.disabled = true;
    window.setTimeout(() => (stopButton.disabled = false), 1000);
  };

  startButton.addEventListener('click', () => void start());
  stopButton.addEventListener('click', stop);
  onLeave(() => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'stop' }));
    capture?.stop();
    if (timer !== null) window.clearInterval(timer);
  });

  return {
    title: 'Phát trực tiếp',
    node: h(
      'section',
      { class: 'live-page' },
      h('h1', null, 'Phát trực tiếp'),
      h(
        'p',
        null,
        `Nói qua micrô của máy này ra loa của xã (trễ không quá 3 giây). Lời nói được ghi vào nhật ký phát thanh và ghi âm thành một tệp âm thanh của xã, từ đó có thể tạo bản tin để phát lại. Bản tin khẩn cấp luôn được ưu tiên và sẽ ngắt phiên phát trực tiếp; giờ yên tĩnh vẫn áp dụng. Mỗi phiên dài tối đa ${Math.round(status.maxSeconds / 60)} phút.`,
      ),
      situation,
      zonePicker,
      topics.element,
      message.element,
      recording,
      h('div', { class: 'live-controls' }, startButton, stopButton),
      onAirLabel,
      h('div', { class: 'live-meter-row' }, h('span', null, 'Mức micrô'), meter, elapsed),
    ),
  };
}
