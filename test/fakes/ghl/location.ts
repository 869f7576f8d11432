import { badRequest, locationFor, tokenLocation, unprocessable, type FakeRoute } from './routing.js';
import { ghlId } from './state.js';

const APPOINTMENT_FIELDS = ['calendarId', 'locationId', 'contactId', 'startTime', 'endTime', 'title', 'appointmentStatus', 'assignedUserId', 'address', 'meetingLocationType', 'ignoreDateRange', 'toNotify', 'ignoreFreeSlotValidation'] as const;
const MESSAGE_FIELDS = ['type', 'contactId', 'message', 'html', 'subject', 'emailTo', 'emailFrom', 'emailCc', 'emailBcc', 'attachments', 'templateId', 'threadId', 'scheduledTimestamp', 'fromNumber', 'toNumber', 'appointmentId', 'replyMessageId'] as const;
const MESSAGE_TYPES = ['SMS', 'Email', 'WhatsApp', 'GMB', 'IG', 'FB', 'Custom', 'Live_Chat'];

/** Lists of a location read through `?locationId=`. */
const listRoute = (pattern: RegExp, version: '2021-07-28' | '2021-04-15', key: 'calendars' | 'users' | 'workflows' | 'campaigns'): FakeRoute => ({
  method: 'GET',
  pattern,
  version,
  handle: (call) => ({ status: 200, body: { [key]: locationFor(call, call.query.get('locationId'))[key] } }),
});

export const locationRoutes: FakeRoute[] = [
  {
    method: 'GET',
    pattern: /^\/locations\/([^/]+)$/,
    version: '2021-07-28',
    handle(call) {
      const { id, name, companyId } = locationFor(call, call.params[0]);
      return { status: 200, body: { location: { id, name, companyId, timezone: 'America/New_York' } } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/locations\/([^/]+)\/customFields$/,
    version: '2021-07-28',
    handle(call) {
      const model = call.query.get('model') ?? 'all';
      const fields = locationFor(call, call.params[0]).customFields.filter((f) => model === 'all' || f.model === model);
      return { status: 200, body: { customFields: fields.map(({ id, name, fieldKey, dataType, model: m }) => ({ id, name, fieldKey, dataType, model: m, locationId: call.params[0] })) } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/locations\/([^/]+)\/tags$/,
    version: '2021-07-28',
    handle: (call) => ({ status: 200, body: { tags: locationFor(call, call.params[0]).tags.map((t) => ({ ...t, locationId: call.params[0] })) } }),
  },
  listRoute(/^\/calendars\/?$/, '2021-04-15', 'calendars'),
  listRoute(/^\/users\/?$/, '2021-07-28', 'users'),
  listRoute(/^\/workflows\/?$/, '2021-07-28', 'workflows'),
  listRoute(/^\/campaigns\/?$/, '2021-07-28', 'campaigns'),
  {
    method: 'POST',
    pattern: /^\/calendars\/events\/appointments$/,
    version: '2021-04-15',
    fields: APPOINTMENT_FIELDS,
    required: ['calendarId', 'locationId', 'contactId', 'startTime'],
    handle(call) {
      const location = locationFor(call, call.body.locationId as string);
      if (!location.calendars.some((c) => c.id === call.body.calendarId)) throw badRequest('Calendar not found');
      if (!call.state.contacts.has(call.body.contactId as string)) throw badRequest('Contact not found');
      if (Number.isNaN(Date.parse(String(call.body.startTime)))) throw unprocessable(['startTime must be a valid ISO 8601 date string']);
      const appointment = { id: ghlId(), ...call.body, appointmentStatus: call.body.appointmentStatus ?? 'confirmed' };
      call.state.appointments.push(appointment);
      return { status: 200, body: appointment };
    },
  },
  {
    method: 'POST',
    pattern: /^\/conversations\/messages$/,
    version: '2021-04-15',
    fields: MESSAGE_FIELDS,
    required: ['type', 'contactId'],
    handle(call) {
      if (!MESSAGE_TYPES.includes(call.body.type as string)) throw unprocessable([`type must be one of the following values: ${MESSAGE_TYPES.join(', ')}`]);
      const contact = call.state.contacts.get(call.body.contactId as string);
      if (!contact || (tokenLocation(call) && contact.locationId !== tokenLocation(call))) throw badRequest('Contact not found');
      if (call.body.type === 'SMS' && !contact.phone) throw badRequest('Contact does not have a phone number');
      if (call.body.type === 'Email' && !contact.email && !call.body.emailTo) throw badRequest('Contact does not have an email');
      const sent = { conversationId: ghlId(), messageId: ghlId(), ...(call.body.type === 'Email' ? { emailMessageId: ghlId() } : {}) };
      call.state.messages.push({ ...call.body, ...sent });
      return { status: 201, body: { ...sent, msg: 'Message queued successfully.' } };
    },
  },
];
