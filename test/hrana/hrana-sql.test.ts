import { describe, expect, it } from 'vitest';
import { scanSql } from '../../scripts/hrana/sql';

const contentPieces = (sql: string) =>
  scanSql(sql)
    .segments.filter((s) => s.hasContent)
    .map((s) => sql.slice(s.start, s.end).trim());

describe('scanSql', () => {
  it('splits on top-level semicolons only', () => {
    const sql = `SELECT ';', "a;b", [c;d], \`e;f\`, 'it''s;' -- trailing; comment
      /* block ; comment */ FROM t; INSERT INTO t VALUES (1)`;
    expect(contentPieces(sql)).toHaveLength(2);
    expect(contentPieces('SELECT 1;')).toEqual(['SELECT 1;']);
    expect(contentPieces('SELECT 1; -- only a comment after')).toEqual(['SELECT 1;']);
    expect(contentPieces('  /* nothing */ ; -- here')).toEqual([]);
  });

  it('finds bare ? parameters outside literals', () => {
    expect(scanSql('SELECT ?').hasBareParam).toBe(true);
    expect(scanSql('SELECT ?1, :a, @b, $c').hasBareParam).toBe(false);
    expect(scanSql('SELECT \'?\', "?" -- ?\n').hasBareParam).toBe(false);
    expect(scanSql('SELECT :a, ?').hasBareParam).toBe(true);
  });

  it('names the first keyword after comments', () => {
    expect(scanSql('-- note\n /* x */ explain query plan SELECT 1').firstKeyword).toBe('EXPLAIN');
    expect(scanSql("  'x'").firstKeyword).toBe('');
  });
});
