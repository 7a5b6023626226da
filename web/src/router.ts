import type { AppContext } from './context.js';
import type { Role } from './types.js';

export interface Page {
  /** Shown in the browser tab: "<title> · Loa xã". */
  title: string;
  node: Node;
}

export interface RouteMatch {
  params: Record<string, string>;
  query: URLSearchParams;
}

export type PageRender = (context: AppContext, match: RouteMatch) => Promise<Page> | Page;

export interface Route {
  /** `/bao-cao/xa/:code`; segments starting with `:` are parameters. */
  pattern: string;
  roles: readonly Role[];
  /** Label in the navigation bar, when the page has an entry there. */
  nav?: string;
  render: PageRender;
}

export interface ParsedHash {
  path: string;
  query: URLSearchParams;
}

export function parseHash(hash: string): ParsedHash {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?', 2);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(search) };
}

export function matchRoute(
  routes: readonly Route[],
  path: string,
): { route: Route; params: Record<string, string> } | null {
  const segments = path.split('/').filter(Boolean);
  for (const route of routes) {
    const parts = route.pattern.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, index) => {
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeURIComponent(segments[index]);
        return true;
      }
      return part === segments[index];
    });
    if (matches) return { route, params };
  }
  return null;
}

/** `href('/bao-cao', {campaign: 'cds-2025'})` → `#/bao-cao?campaign=cds-2025`. */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function navigate(path: string, query: Record<string, string | undefined> = {}): void {
  const target = href(path, query);
  if (window.location.hash === target) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}
