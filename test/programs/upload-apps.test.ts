/**
 * The apps upload program (Python, as synth embeds it) follows the exit-code convention of every in-cluster
 * program: run with `python3` against a local server that serves an archive whose `upload_apps.py` is a stub.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { programText } from '../../lib/programs/program-text';
import { EXIT } from '../../lib/programs/common/exit-codes';

jest.setTimeout(60_000);

let dir: string;
let server: Server;
let base: string;
const archives = new Map<string, Buffer>();

/** A zip holding `files` (made with Python's zipfile, which the program reads back). */
function zip(name: string, files: Record<string, string>): void {
  const file = join(dir, `${name}.zip`);
  const script = `import sys, zipfile, json\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n    for k, v in json.loads(sys.argv[2]).items(): z.writestr(k, v)\n`;
  execFileSync('python3', ['-c', script, file, JSON.stringify(files)]);
  archives.set(`/${name}.zip`, readFileSync(file));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'upload-apps-'));
  writeFileSync(join(dir, 'upload-apps.py'), programText('upload-apps'));
  zip('ok', { 'bundle/upload_apps.py': 'import sys\nprint("stub upload", sys.argv[1:3])\n', 'bundle/apps/x.txt': 'x' });
  zip('failing', { 'bundle/upload_apps.py': 'import sys\nsys.exit(5)\n' });
  zip('two', { 'a/upload_apps.py': '', 'b/upload_apps.py': '' });
  archives.set('/not-a-zip.zip', Buffer.from('hello'));
  server = createServer((req, res) => {
    if (req.url === '/busy.zip') return void res.writeHead(503).end('busy');
    const body = archives.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end('no such archive');
    res.writeHead(200, { 'Content-Type': 'application/zip' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function run(archive: string | undefined, sha256?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', TMPDIR: dir, APISERVER_ADDRESS: 'http://apiserver:8008', APISERVER_USER: 'AK', APISERVER_PASSWORD: 'secret-do-not-print' };
  if (archive !== undefined) env.APPS_ARCHIVE_URL = `${base}/${archive}`;
  if (sha256 !== undefined) env.APPS_ARCHIVE_SHA256 = sha256;
  return new Promise((resolve) => {
    const child = execFile('python3', [join(dir, 'upload-apps.py')], { env }, (_e, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
  });
}

describe('the archive pinned by apps.archiveSha256', () => {
  const digest = (name: string) => createHash('sha256').update(archives.get(`/${name}`)!).digest('hex');

  test('the pinned archive runs (the digest in either case)', async () => {
    const result = await run('ok.zip', digest('ok.zip').toUpperCase());
    expect(result.code).toBe(EXIT.converged);
    expect(result.stdout).toContain('stub upload');
    expect(result.stdout).not.toContain('not pinned');
  });

  test('another archive is refused before anything of it runs: permanent, naming both digests', async () => {
    const result = await run('ok.zip', digest('failing.zip'));
    expect(result.code).toBe(EXIT.permanent);
    expect(result.stdout).not.toContain('stub upload');
    expect(result.stderr).toContain(`the apps archive's SHA-256 is ${digest('ok.zip')}, not ${digest('failing.zip')} (apps.archiveSha256); nothing of it was run`);
  });

  test('unpinned, it runs and says so', async () => {
    expect((await run('ok.zip')).stdout).toContain('the apps archive is not pinned (apps.archiveSha256 unset)');
  });
});

test.each<[string, string | undefined, number, RegExp]>([
  ['uploaded', 'ok.zip', EXIT.converged, /^$/],
  ['a missing setting is permanent', undefined, EXIT.permanent, /APPS_ARCHIVE_URL not set/],
  ['an archive URL refused with 404 is permanent', 'gone.zip', EXIT.permanent, /HTTP 404; check the archive URL Secret/],
  ['a 503 is transient', 'busy.zip', EXIT.transient, /HTTP 503/],
  ['not a zip is permanent', 'not-a-zip.zip', EXIT.permanent, /not a zip file/],
  ['two upload_apps.py is permanent', 'two.zip', EXIT.permanent, /expected one upload_apps\.py in the archive, found 2/],
  ["upload_apps.py failing is transient (its codes are not documented)", 'failing.zip', EXIT.transient, /upload_apps\.py exited 5/],
])('%s', async (_name, archive, code, reason) => {
  const result = await run(archive);
  expect(result.code).toBe(code);
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  expect(lines[lines.length - 1] ?? '').toMatch(reason);
  expect(result.stderr).not.toContain('secret-do-not-print');
});
