import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './browser';
import { runPython } from './python';

/** Where the tests leave page images of the PDFs they check, to be looked at. */
export const PDF_PAGES_DIR = join(REPO_ROOT, 'test-output', 'pdf-pages');

/**
 * Runs a poppler-utils tool (Debian's package; CI installs it in .ci/run) on a PDF written to a
 * scratch folder; returns its stdout, stderr (where poppler reports syntax errors) and exit status
 * (pdfsig exits non-zero on a bad signature).
 */
function poppler(
  tool: string,
  pdf: Buffer,
  args: (file: string) => string[],
): { stdout: string; stderr: string; status: number } {
  const dir = mkdtempSync(join(tmpdir(), 'loa-xa-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    const run = spawnSync(tool, args(file), { timeout: 30000, encoding: 'utf8' });
    if (run.error) throw run.error;
    return { stdout: run.stdout, stderr: run.stderr, status: run.status ?? 1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `pdftotext -layout`: the text as laid out. */
export function pdfText(pdf: Buffer): string {
  return poppler('pdftotext', pdf, (file) => ['-layout', file, '-']).stdout;
}

export interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
}

/** `pdffonts`: each font, its type and whether it is embedded. */
export function pdfFonts(pdf: Buffer): PdfFont[] {
  const lines = poppler('pdffonts', pdf, (file) => [file])
    .stdout.split('\n')
    .slice(2);
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      // name type [type…] encoding emb sub uni object ID
      const emb = columns[columns.length - 5];
      return { name: columns[0], type: columns[1], embedded: emb === 'yes' };
    });
}

/** `pdfsig`: its report, its complaints and exit status. */
export function pdfSig(pdf: Buffer): { stdout: string; stderr: string; status: number } {
  return poppler('pdfsig', pdf, (file) => [file]);
}

/** What a signature dictionary says in words (ISO 32000-1 table 252), as a reader decodes them. */
export interface PdfSignatureWords {
  field: string;
  name: string | null;
  location: string | null;
  reason: string | null;
  contactInfo: string | null;
}

/**
 * Each signature field's /Name, /Location, /Reason and /ContactInfo, decoded by pypdf (Debian's
 * python3-pypdf; CI installs it in .ci/run) as text strings: poppler's pdfsig prints the
 * certificate's names, none of these. A string pypdf cannot decode as text comes back as the
 * repr of its bytes, so a mis-encoded one shows as what it is.
 */
export async function pdfSignatureWords(pdf: Buffer): Promise<PdfSignatureWords[]> {
  const script = `
import base64, io, json, sys, pypdf
reader = pypdf.PdfReader(io.BytesIO(base64.b64decode(sys.stdin.read())))
def words(value):
    return None if value is None else value if isinstance(value, str) else repr(value)
out = []
for name, field in (reader.get_fields() or {}).items():
    if field.get("/FT") != "/Sig" or field.get("/V") is None:
        continue
    sig = field["/V"].get_object()
    out.append({"field": name, "name": words(sig.get("/Name")), "location": words(sig.get("/Location")),
                "reason": words(sig.get("/Reason")), "contactInfo": words(sig.get("/ContactInfo"))})
print(json.dumps(out, ensure_ascii=False))
`;
  return JSON.parse(await runPython(script, pdf.toString('base64'))) as PdfSignatureWords[];
}

/** `pdfinfo`: the document's information, and on stderr what poppler found malformed. */
export function pdfInfo(pdf: Buffer): { stdout: string; stderr: string; status: number } {
  return poppler('pdfinfo', pdf, (file) => [file]);
}

/** `pdftoppm -png -r 50` of one page, written to PDF_PAGES_DIR/<name>.png; returns the path. */
export function pdfPageImage(pdf: Buffer, page: number, name: string): string {
  mkdirSync(PDF_PAGES_DIR, { recursive: true });
  const prefix = join(PDF_PAGES_DIR, name);
  poppler('pdftoppm', pdf, (file) => [
    '-png',
    '-r',
    '50',
    '-f',
    String(page),
    '-l',
    String(page),
    '-singlefile',
    file,
    prefix,
  ]);
  const path = `${prefix}.png`;
  readFileSync(path);
  return path;
}
