/** The Slack format: a readable message for a Slack incoming-webhook URL (`{"text": ...}`, mrkdwn). */
import type { WebhookEvent } from './events';

function connectionName(e: WebhookEvent): string {
  return e.connection?.enterpriseName ?? e.connection?.enterpriseId ?? 'BlueJeans';
}

export function slackMessage(e: WebhookEvent): { text: string } {
  const d = e.data as Record<string, unknown>;
  const link =
    typeof (d.links as Record<string, string> | undefined)?.dashboard === 'string'
      ? ` <${(d.links as Record<string, string>).dashboard}|Open Seatwise>`
      : '';
  const who = `*${connectionName(e)}*`;
  switch (e.type) {
    case 'sync.completed':
      return {
        text: `:white_check_mark: Seatwise synced ${who}: ${String(d.rowsWritten ?? 0)} rows in ${String(d.requests ?? 0)} requests.${link}`,
      };
    case 'sync.failed':
      return {
        text: `:warning: Seatwise could not sync ${who}: ${String((d.error as { message?: string })?.message ?? 'unknown error')}. It retries automatically.${link}`,
      };
    case 'connection.needs_reauth':
      return {
        text: `:lock: ${who} no longer accepts Seatwise’s credentials. An admin needs to reconnect it.${link}`,
      };
    case 'connection.recovered':
      return {
        text: `:white_check_mark: ${who} syncs again after ${String(d.failures ?? 'earlier')} failed attempt(s).${link}`,
      };
    case 'licences.reclaimable':
      return {
        text: `:chair: ${who}: ${String(d.reclaimable)} seat(s) can now be reclaimed (was ${String(d.previous)}).${link}`,
      };
    case 'reclaim.completed':
      return {
        text: `:chair: ${who}: a seat reclaim approved by ${String(d.approvedBy)} ended (${String(d.status)}): ${String(d.removed ?? 0)} of ${String(d.total ?? 0)} user(s) removed.${link}`,
      };
    default:
      return {
        text: `:wave: Test event from Seatwise for ${who}: this endpoint receives Seatwise events.${link}`,
      };
  }
}
