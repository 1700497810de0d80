/** Application version, shown by /health and used to version asset URLs. Keep in step with package.json. */
export const VERSION = '0.1.0';
