import { Foundation1764100000000 } from './1764100000000-foundation';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [Foundation1764100000000];
