/** The Worker's `zod` (see ./external.ts): `import { z } from 'zod'` resolves here in the Worker bundle. */
import * as z from './external';

export * from './external';
export { z, z as default };
