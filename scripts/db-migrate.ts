/**
 * `npm run db:migrate`: applies db/migrations to the database named by
 * DATABASE_URL (+ DATABASE_AUTH_TOKEN for Turso). The same migrator the Node
 * and Deno entries run at start-up.
 */
import { ConfigError, parseEnv } from '../src/env';
import { DatabaseOpenError, displayUrl, openDatabase } from '../src/lib/open-database';

try {
  const config = parseEnv(process.env);
  const client = await openDatabase(config, { migrate: true });
  const { rows } = await client.execute('select count(*) as n from __drizzle_migrations');
  console.log(
    `Migrated ${displayUrl(config.DATABASE_URL)}: ${rows[0]?.n ?? 0} migration(s) applied in total.`,
  );
  client.close();
} catch (err) {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
