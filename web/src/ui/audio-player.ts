import { errorText, getBlob } from '../api.js';
import { h } from '../dom.js';
import { onLeave } from '../lifecycle.js';

/**
 * A player for a processed recording. The API needs the bearer token, which an <audio src> cannot
 * send, so the file is fetched on the first press and played from a blob: URL (allowed by the
 * CSP's media-src), released when the page is left.
 */
export function audioPlayer(audioId: string, label = 'Nghe'): HTMLElement {
  const container = h('div', { class: 'player' });
  const button = h('button', { type: 'button', class: 'secondary small' }, `▶ ${label}`);
  button.setAttribute('aria-label', `${label} bản ghi âm`);
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = 'Đang tải…';
    getBlob(`/audio/${encodeURIComponent(audioId)}/content`)
      .then(({ blob }) => {
        const url = URL.createObjectURL(blob);
        onLeave(() => URL.revokeObjectURL(url));
        const audio = h('audio', { controls: true, preload: 'auto', src: url });
        audio.setAttribute('aria-label', label);
        container.replaceChildren(audio);
        void audio.play().catch(() => undefined);
      })
      .catch((error: unknown) => {
        button.disabled = false;
        button.textContent = `▶ ${label}`;
        container.append(h('span', { class: 'inline-error', role: 'alert' }, errorText(error)));
      });
  });
  container.append(button);
  return container;
}

/** Saves a Blob under a name (exports, calendar), without leaving the page. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
