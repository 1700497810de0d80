/** `import { z } from '../lib/zlite'`: Seatwise's validation, zod 4's classic API in small (./schemas.ts). */
import * as z from './schemas';

export type { Issue, RefinementCtx, SafeParseResult } from './schemas';
export { ZodError } from './schemas';
export { z };
