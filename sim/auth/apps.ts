/** A registered OAuth client (App Key / App Secret from Admin > Group Settings > OAuth Access). */
export interface AppRecord {
  appKey: string;
  appSecret: string;
  name: string;
  revoked: boolean;
}

/** The demo app every simulator has. */
export const DEMO_APP = {
  appKey: 'demo-app-key',
  appSecret: 'demo-app-secret',
  name: 'Seatwise (demo)',
} as const;

/** Registered apps and whether their credentials still work. */
export class AppRegistry {
  private readonly apps = new Map<string, AppRecord>();

  constructor() {
    this.reset();
  }

  /** Restores the initial registry: only the demo app, not revoked. */
  reset(): void {
    this.apps.clear();
    this.apps.set(DEMO_APP.appKey, { ...DEMO_APP, revoked: false });
  }

  /** The app when key and secret match and it is not revoked. */
  authenticate(appKey: string, appSecret: string): AppRecord | undefined {
    const app = this.apps.get(appKey);
    return app && !app.revoked && app.appSecret === appSecret ? app : undefined;
  }

  /** The app by key, revoked or not. */
  get(appKey: string): AppRecord | undefined {
    return this.apps.get(appKey);
  }

  /** Marks an app's credentials revoked; returns false for unknown apps. */
  setRevoked(appKey: string, revoked: boolean): boolean {
    const app = this.apps.get(appKey);
    if (!app) return false;
    app.revoked = revoked;
    return true;
  }
}
