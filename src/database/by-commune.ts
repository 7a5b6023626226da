/** Commune codes bound in one `IN (…)`. */
const IN_CHUNK = 500;

/**
 * Rows of several communes, read `IN_CHUNK` codes at a time by `read`, by commune: every commune
 * asked for has its list (empty when it has no rows), its rows in the order `read` gave them.
 */
export async function readByCommune<T extends { communeCode: string }>(
  communeCodes: readonly string[],
  read: (codes: string[]) => Promise<T[]>,
): Promise<Map<string, T[]>> {
  const byCommune = new Map<string, T[]>(communeCodes.map((code) => [code, []]));
  for (let start = 0; start < communeCodes.length; start += IN_CHUNK) {
    for (const row of await read(communeCodes.slice(start, start + IN_CHUNK))) {
      byCommune.get(row.communeCode)?.push(row);
    }
  }
  return byCommune;
}
