/**
 * Imported first by `main.ts`, before any library: from here on the modules in
 * DEFERRED_REQUIRES are required when first used (see deferred-requires.ts).
 */
import { deferRequires } from './deferred-requires';

deferRequires();
