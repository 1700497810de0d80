/**
 * An organization's settings (the `settings` JSON column). Unknown or malformed
 * values read as absent, so a bad row can never break a page.
 */

import type { Config } from '../env';
import { z } from '../lib/zlite';

const Origin = z.string().regex(/^https?:\/\/[^/\s]+$/, 'expected an origin like https://portal.example.com');

export const OrgSettingsSchema = z.object({
  /** Origins allowed to frame this organization's embedded card (default: EMBED_ALLOWED_ORIGINS). */
  embedAllowedOrigins: z.array(Origin).max(20).optional(),
});
export type OrgSettings = z.infer<typeof OrgSettingsSchema>;

export function parseOrgSettings(json: string): OrgSettings {
  try {
    const parsed = OrgSettingsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** The origins that may frame this organization's card. */
export function frameOrigins(settingsJson: string, config: Config): string[] {
  return parseOrgSettings(settingsJson).embedAllowedOrigins ?? config.EMBED_ALLOWED_ORIGINS;
}

/** Parses an origin list as typed on the command line (comma or space separated). */
export function parseOriginList(text: string): string[] {
  const origins = text.split(/[\s,]+/).filter(Boolean);
  for (const o of origins) Origin.parse(o);
  return origins;
}
