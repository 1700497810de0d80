import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseExportArgs, runExportCli } from '../../src/export/cli';
import { testDeps } from '../helpers/deps';
import { seed } from '../usage/builders';

describe('npm run export', () => {
  it('writes the archive of the deployment’s organization to --out', async () => {
    const deps = await testDeps();
    const s = await seed(deps.db, deps.clock.now());
    await s.user({ userId: 'ada' });
    const out = join(mkdtempSync(join(tmpdir(), 'seatwise-export-')), 'archive.zip');
    const result = await runExportCli(deps, ['--out', out]);
    expect(result).toEqual({ code: 0, lines: [`Wrote the BlueJeans archive of "local" to ${out}`] });
    expect(existsSync(`${out}.partial`)).toBe(false);
    const files = unzipSync(new Uint8Array(readFileSync(out)));
    expect(new TextDecoder().decode(files['users.csv'])).toContain('\r\nada,ada,');
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    expect(manifest).toMatchObject({ organization: 'local', rowCounts: { 'users.csv': 1 } });
  });

  it('refuses a missing --out, an unknown flag and an unknown organization without writing anything', async () => {
    expect(parseExportArgs([])).toMatchObject({
      ok: false,
      lines: ['--out FILE is required', expect.any(String)],
    });
    expect(parseExportArgs(['--out', 'x.zip', '--all'])).toMatchObject({ ok: false });
    const deps = await testDeps();
    const out = join(mkdtempSync(join(tmpdir(), 'seatwise-export-')), 'archive.zip');
    expect(await runExportCli(deps, ['--out', out, '--org', 'nobody'])).toEqual({
      code: 1,
      lines: ['No organization "nobody" in this database.'],
    });
    expect(existsSync(out)).toBe(false);
    expect((await runExportCli(deps, ['--out'])).code).toBe(2);
  });

  it('leaves no partial file behind when the archive cannot be written', async () => {
    const deps = await testDeps();
    await seed(deps.db, deps.clock.now());
    const out = join(mkdtempSync(join(tmpdir(), 'seatwise-export-')), 'missing-folder', 'archive.zip');
    const result = await runExportCli(deps, ['--out', out]);
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(/^The archive could not be written: /);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
