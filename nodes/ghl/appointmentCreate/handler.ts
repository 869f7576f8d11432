import type { FromSchema } from 'json-schema-to-ts';
import { NodeError } from '../../contract.js';
import { contactIdField, defined, integrationIdField, stepClient, userIdField } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId', 'startTime'],
  properties: {
    integrationId: integrationIdField,
    contactId: contactIdField,
    calendarId: { type: 'string', minLength: 1, maxLength: 100, title: 'Calendar', description: 'Defaults to the integration\'s calendar.', 'x-ui': { widget: 'options', source: 'calendars' } },
    startTime: { type: 'string', format: 'date-time', title: 'Starts at' },
    endTime: { type: 'string', format: 'date-time', title: 'Ends at', description: 'Defaults to the calendar\'s slot length.' },
    title: { type: 'string', maxLength: 500, title: 'Title' },
    appointmentStatus: { type: 'string', enum: ['new', 'confirmed', 'cancelled', 'showed', 'noshow', 'invalid'], title: 'Status' },
    assignedUserId: { ...userIdField, title: 'Assigned to (user)' },
    address: { type: 'string', maxLength: 1000, title: 'Address or meeting link' },
    ignoreFreeSlotValidation: { type: 'boolean', title: 'Book outside free slots' },
  },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.appointment.create',
  title: 'Book appointment',
  description: 'Books an appointment for a contact in a calendar (the integration\'s calendar when none is given). Emits {appointment}. GoHighLevel takes no idempotency key here: a step re-run after a crash may book twice.',
  configSchema,
  async run(ctx) {
    const { integrationId: _, calendarId, ...fields } = ctx.config;
    const calendar = calendarId ?? (typeof ctx.credentials?.calendarId === 'string' ? ctx.credentials.calendarId : undefined);
    if (!calendar) throw new NodeError('No calendar: choose one in the node, or set a default Calendar ID in the GoHighLevel integration.', 'ghl_no_calendar');
    const client = stepClient(ctx);
    const body = defined({ calendarId: calendar, locationId: client.locationId, ...fields });
    const appointment = await client.request<Record<string, unknown>>({ method: 'POST', path: '/calendars/events/appointments', body, what: 'booking the appointment' });
    return { main: { appointment } };
  },
});
