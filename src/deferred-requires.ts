import Module from 'node:module';

/**
 * Modules that a library requires when it is loaded but uses only on a path this service may
 * not take: once this module is loaded, each is required when one of its exports is first read,
 * not before.
 *
 * - TypeORM's `DriverFactory` requires all eighteen of its drivers (MySQL, SQL Server, Oracle,
 *   SAP, Spanner, MongoDB, React Native…, ~1.3 MB of source) and uses the one the data source
 *   names: with SQLite the PostgreSQL driver waits too, and with PostgreSQL the SQLite one. Its
 *   entity loader requires glob (with minimatch, path-scurry, lru-cache: ~0.3 MB) for entities
 *   named by path, and its SQL logger a formatter and a highlighter.
 * - class-validator requires libphonenumber-js's metadata (~0.4 MB) for `IsPhoneNumber`, which
 *   no DTO of ours uses, and one module of validator.js per decorator (~0.3 MB), of which the
 *   service uses a few.
 *
 * Together ~4 MB of V8 heap in every process (BENCHMARKS.md, Memory). Each parent reads the
 * module's exports only when it calls into it (`new MysqlDriver_1.MysqlDriver(…)`,
 * `(0, isEmail_1.default)(…)`), which is what makes deferring it safe; a module whose exports are
 * copied at load (an ES module's import of it, `__exportStar`) must not be listed.
 */
interface DeferredRequire {
  /** The requiring file, by its path. */
  parent(filename: string): boolean;
  /** Which of its requests wait until used. */
  deferred(request: string): boolean;
  /**
   * The module's `__esModule`, answered without loading it: TypeScript's `__importDefault` and
   * `__importStar` read it at load. Unset: reading it loads the module.
   */
  esModule?: boolean;
}

const DEFERRED_REQUIRES: readonly DeferredRequire[] = [
  {
    parent: (filename) => filename.endsWith('/typeorm/driver/DriverFactory.js'),
    deferred: (request) => request.startsWith('./') && !request.includes('MissingDriverError'),
  },
  {
    parent: (filename) => filename.endsWith('/typeorm/util/DirectoryExportedClassesLoader.js'),
    deferred: (request) => request === 'glob',
    esModule: true,
  },
  {
    parent: (filename) => filename.endsWith('/typeorm/platform/PlatformTools.js'),
    deferred: (request) => request === 'sql-highlight' || request === '@sqltools/formatter',
  },
  {
    parent: (filename) =>
      filename.endsWith('/class-validator/cjs/decorator/string/IsPhoneNumber.js'),
    deferred: (request) => request.startsWith('libphonenumber-js'),
  },
  {
    parent: (filename) => filename.includes('/class-validator/cjs/decorator/'),
    deferred: (request) => request === 'validator' || request.startsWith('validator/'),
    esModule: true,
  },
];

type Load = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
const moduleLoader = Module as unknown as { _load: Load };

/** A stand-in whose first use of any kind requires the real module and answers from it. */
function onFirstUse(load: () => object, esModule: boolean | undefined): object {
  let real: object | undefined;
  const target = (): object => (real ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) =>
        key === '__esModule' && real === undefined && esModule !== undefined
          ? esModule
          : (Reflect.get(target(), key) as unknown),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        // A proxy may not report a property of its (empty) target as non-configurable.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

/**
 * Installs the deferral in Node's CommonJS loader (`Module._load`, the hook that tools such as
 * require-in-the-middle use). Run once, when `main.ts` imports this module before any library:
 * in the process that runs the service, not in the tests, which load modules through Jest's own
 * registry.
 */
function deferRequires(): void {
  const original = moduleLoader._load;
  moduleLoader._load = function deferringLoad(request, parent, isMain) {
    const from = parent?.filename;
    const rule = from
      ? DEFERRED_REQUIRES.find((candidate) => candidate.parent(from) && candidate.deferred(request))
      : undefined;
    if (!rule) return original.call(this, request, parent, isMain);
    return onFirstUse(() => original.call(this, request, parent, isMain) as object, rule.esModule);
  };
}

deferRequires();
