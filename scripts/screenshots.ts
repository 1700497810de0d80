/**
 * `npm run screenshots`: refreshes docs/screenshots/ (the README's images) in Debian's Chromium, from the
 * browser tests' own setup (test/e2e/screens.ts). Everything runs on 127.0.0.1 and stops at the end.
 */
import { fileURLToPath } from 'node:url';
import { captureScreens } from '../test/e2e/screens';

const dir = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const files = await captureScreens(dir);
console.log(`Saved ${files.length} screenshots in docs/screenshots/: ${files.join(', ')}`);
process.exit(0);
