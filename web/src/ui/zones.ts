import { get } from '../api.js';
import { h } from '../dom.js';
import type { Device } from '../types.js';
import { checkGroup } from './form.js';

/** The zones of the commune's clusters, sorted; none when it has no clusters. */
export async function communeZones(commune: string): Promise<string[]> {
  const devices = await get<Device[]>(`/communes/${commune}/devices`);
  return [...new Set(devices.flatMap((device) => device.zones))].sort();
}

/**
 * Where an item plays: "Tất cả các vùng" (every cluster: no zones sent), or some zones. Ticking a
 * zone unticks "every zone", and unticking the last zone ticks it again.
 */
export function zoneChoice(zones: readonly string[]): {
  element: HTMLElement;
  zones(): string[] | undefined;
} {
  const all = h('input', { type: 'checkbox', checked: true });
  const group = checkGroup(
    'Vùng phát',
    zones.map((zone) => ({ value: zone, label: zone })),
  );
  group.element
    .querySelector('legend')
    ?.after(h('label', { class: 'check' }, all, ' Tất cả các vùng'));
  group.element.addEventListener('change', (event) => {
    if (event.target === all) group.set([]);
    all.checked = group.values().length === 0;
  });
  return {
    element: group.element,
    zones: () => (all.checked ? undefined : group.values()),
  };
}
