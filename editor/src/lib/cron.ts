import cronstrue from 'cronstrue';

/** A cron expression in plain language, or why it does not read as one. */
export function describeCron(cron: string): { text: string; ok: boolean } {
  if (!cron.trim()) return { text: 'Five fields: minute, hour, day of month, month, day of week (e.g. "0 9 * * 1-5").', ok: false };
  try {
    return { text: cronstrue.toString(cron, { use24HourTimeFormat: true, throwExceptionOnParseError: true }), ok: true };
  } catch (err) {
    return { text: `Not a cron expression: ${String(err).replace(/^Error: /, '')}`, ok: false };
  }
}
