import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SCREENSHOT_DIR } from './browser';

/** What a person did on a page: clicks (and taps, checks, choices), typed fields, keys pressed. */
export interface ActionCount {
  clicks: number;
  fields: number;
  keys: number;
  /** Each action in order, e.g. `click getByRole(button, Lưu bản tin)`, to say where they went. */
  log: string[];
}

export function newActionCount(): ActionCount {
  return { clicks: 0, fields: 0, keys: 0, log: [] };
}

/** Methods that give a locator (of a page or of a locator): their result is counted too. */
const LOCATOR_FACTORIES = new Set([
  'getByRole',
  'getByLabel',
  'getByText',
  'getByTestId',
  'getByPlaceholder',
  'getByTitle',
  'getByAltText',
  'locator',
  'first',
  'last',
  'nth',
  'filter',
]);
/** One click each: a box checked or a choice in a list is a click as well. */
const CLICKS = new Set([
  'click',
  'dblclick',
  'tap',
  'check',
  'uncheck',
  'setChecked',
  'selectOption',
  'setInputFiles',
]);
/** One typed field each. */
const FIELDS = new Set(['fill', 'pressSequentially', 'type']);
const KEYS = new Set(['press']);

/** `getByRole(button, Lưu bản tin)`: the method, its strings and an option's name. */
function describe(name: string, args: readonly unknown[]): string {
  const parts = args.flatMap((arg) => {
    if (typeof arg === 'string' || arg instanceof RegExp) return [String(arg)];
    const option = (arg as { name?: unknown } | null)?.name;
    return typeof option === 'string' || option instanceof RegExp ? [String(option)] : [];
  });
  return `${name}(${parts.join(', ')})`;
}

function counted<T extends object>(target: T, count: ActionCount, path: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (LOCATOR_FACTORIES.has(property)) {
        return (...args: unknown[]) =>
          counted(
            method.apply(object, args) as Locator,
            count,
            `${path}.${describe(property, args)}`,
          );
      }
      const kind = CLICKS.has(property)
        ? 'clicks'
        : FIELDS.has(property)
          ? 'fields'
          : KEYS.has(property)
            ? 'keys'
            : null;
      if (!kind) return method.bind(object);
      return (...args: unknown[]) => {
        count[kind] += 1;
        count.log.push(`${property} ${path}`);
        return method.apply(object, args);
      };
    },
  });
}

/**
 * The page as a person uses it: every click, check, choice and typed field made through it (or
 * through the locators it gives) is counted in `count`. Reading the page (waitFor, textContent,
 * count) is not an action and is not counted.
 */
export function countedPage(page: Page, count: ActionCount): Page {
  return counted(page, count, 'page');
}

/** Writes a count beside the screenshots (`<name>.json`), for the record of a run. */
export function writeActionCount(name: string, count: ActionCount, extra: object = {}): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.json`);
  writeFileSync(path, `${JSON.stringify({ ...extra, ...count }, null, 2)}\n`);
  return path;
}
