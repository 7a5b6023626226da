/**
 * Jest transformer for the ES-module-only packages in node_modules (NestJS 12): rewrites
 * `import.meta` to its CommonJS equivalents, then lets TypeScript turn import/export into
 * require/exports. Node itself loads these packages natively through require(esm); only Jest's
 * loader on Node 20 needs this.
 */
const { createHash } = require('node:crypto');
const ts = require('typescript');

const IMPORT_META = [
  [/import\.meta\.url/g, 'require("node:url").pathToFileURL(__filename).href'],
  [/import\.meta\.dirname/g, '__dirname'],
  [/import\.meta\.filename/g, '__filename'],
  [/import\.meta\.resolve\(/g, 'require.resolve('],
  // `const require = createRequire(import.meta.url)` would shadow CommonJS's own require.
  [/\b(const|let|var)\s+require\s*=/g, '$1 __esmRequire ='],
];

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha256')
      .update('esm-to-cjs-v2')
      .update(filename)
      .update(source)
      .digest('hex');
  },
  process(source, filename) {
    let code = source;
    for (const [pattern, replacement] of IMPORT_META) code = code.replace(pattern, replacement);
    const output = ts.transpileModule(code, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        allowJs: true,
        esModuleInterop: true,
        sourceMap: false,
      },
    });
    return { code: output.outputText };
  },
};
