/** `npm run org -- add|set|member|list ...` against DATABASE_URL (see src/orgs/cli.ts). */
import { createDb } from '../db/client';
import { ConfigError, parseEnv } from '../src/env';
import { DatabaseOpenError, openDatabase } from '../src/lib/open-database';
import { runOrgCli } from '../src/orgs/cli';

try {
  const config = parseEnv(process.env);
  const client = await openDatabase(config, { migrate: true });
  const { code, lines } = await runOrgCli(createDb(client), process.argv.slice(2), Date.now());
  for (const line of lines) (code === 0 ? console.log : console.error)(line);
  client.close();
  process.exit(code);
} catch (err) {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
