import { badRequest, FakeHttpError, locationFor, notFound, now, pathObject, unprocessable, type FakeCall, type FakeRoute } from './routing.js';
import { ghlId, type FakeContact, type FakeLocation } from './state.js';

const CONTACT_FIELDS = ['firstName', 'lastName', 'name', 'email', 'phone', 'companyName', 'source', 'tags', 'customFields', 'address1', 'city', 'state', 'postalCode', 'country', 'website', 'timezone', 'dnd', 'gender', 'dateOfBirth', 'assignedTo'] as const;

/** `customFields: [{id | key, field_value}]` in, `[{id, value}]` stored, as GoHighLevel does. */
function customValues(location: FakeLocation, input: unknown, current: FakeContact['customFields'] = []): FakeContact['customFields'] {
  if (input === undefined) return current;
  if (!Array.isArray(input)) throw unprocessable(['customFields must be an array']);
  const out = new Map(current.map((f) => [f.id, f.value]));
  input.forEach((item: Record<string, unknown>, i) => {
    const extra = Object.keys(item ?? {}).filter((k) => !['id', 'key', 'field_value'].includes(k));
    if (extra.length) throw unprocessable(extra.map((k) => `customFields.${i}.property ${k} should not exist`));
    const field = location.customFields.find((f) => f.id === item.id || (item.key !== undefined && (f.fieldKey === item.key || f.fieldKey === `contact.${String(item.key)}`)));
    if (!field) throw unprocessable([`customFields.${i}.id must be the id of a custom field`]);
    out.set(field.id, item.field_value);
  });
  return [...out].map(([id, value]) => ({ id, value }));
}

function write(contact: FakeContact, location: FakeLocation, body: Record<string, unknown>): FakeContact {
  for (const key of CONTACT_FIELDS) if (key !== 'customFields' && body[key] !== undefined) (contact as Record<string, unknown>)[key] = body[key];
  if (body.tags !== undefined && !Array.isArray(body.tags)) throw unprocessable(['tags must be an array']);
  contact.customFields = customValues(location, body.customFields, contact.customFields);
  contact.dateUpdated = now();
  return contact;
}

function blank(locationId: string): FakeContact {
  return { id: ghlId(), locationId, tags: [], customFields: [], dateAdded: now(), dateUpdated: now() };
}

const contactFor = (call: FakeCall): FakeContact => pathObject(call, call.state.contacts, 'Contact');

/** A tags call's contact and the tags its body gives (an array, or GoHighLevel's 422). */
function tagsCall(call: FakeCall): { contact: FakeContact; tags: string[] } {
  const contact = contactFor(call);
  if (!Array.isArray(call.body.tags)) throw unprocessable(['tags must be an array']);
  return { contact, tags: call.body.tags as string[] };
}

export const contactRoutes: FakeRoute[] = [
  {
    method: 'POST',
    pattern: /^\/contacts\/upsert$/,
    version: '2021-07-28',
    fields: ['locationId', ...CONTACT_FIELDS],
    required: ['locationId'],
    handle(call) {
      const location = locationFor(call, call.body.locationId as string);
      const existing = call.state.findDuplicate(location.id, call.body.email, call.body.phone);
      const contact = write(existing ?? blank(location.id), location, call.body);
      call.state.contacts.set(contact.id, contact);
      return { status: 200, body: { new: !existing, contact, traceId: ghlId() } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/contacts\/?$/,
    version: '2021-07-28',
    fields: ['locationId', ...CONTACT_FIELDS],
    required: ['locationId'],
    handle(call) {
      const location = locationFor(call, call.body.locationId as string);
      const duplicate = location.allowDuplicateContacts ? undefined : call.state.findDuplicate(location.id, call.body.email, call.body.phone);
      if (duplicate) {
        const matchingField = call.body.email && duplicate.email?.toLowerCase() === String(call.body.email).toLowerCase() ? 'email' : 'phone';
        throw badRequest('This location does not allow duplicated contacts.', { meta: { contactId: duplicate.id, matchingField } });
      }
      const contact = write(blank(location.id), location, call.body);
      call.state.contacts.set(contact.id, contact);
      return { status: 201, body: { contact } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/contacts\/search\/duplicate$/,
    version: '2021-07-28',
    handle(call) {
      const location = locationFor(call, call.query.get('locationId'));
      const contact = call.state.findDuplicate(location.id, call.query.get('email') ?? undefined, call.query.get('number') ?? undefined);
      return { status: 200, body: { contact: contact ?? null } };
    },
  },
  { method: 'GET', pattern: /^\/contacts\/([^/]+)$/, version: '2021-07-28', handle: (call) => ({ status: 200, body: { contact: contactFor(call) } }) },
  {
    method: 'PUT',
    pattern: /^\/contacts\/([^/]+)$/,
    version: '2021-07-28',
    // Updates take no locationId: the contact already belongs to one.
    fields: CONTACT_FIELDS,
    handle(call) {
      const contact = contactFor(call);
      write(contact, call.state.locations.get(contact.locationId)!, call.body);
      return { status: 200, body: { succeded: true, contact } };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/contacts\/([^/]+)$/,
    version: '2021-07-28',
    handle(call) {
      call.state.contacts.delete(contactFor(call).id);
      return { status: 200, body: { succeded: true } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/contacts\/([^/]+)\/tags$/,
    version: '2021-07-28',
    fields: ['tags'],
    required: ['tags'],
    handle(call) {
      const { contact, tags } = tagsCall(call);
      contact.tags = [...new Set([...contact.tags, ...tags])];
      return { status: 201, body: { tags: contact.tags } };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/contacts\/([^/]+)\/tags$/,
    version: '2021-07-28',
    fields: ['tags'],
    required: ['tags'],
    handle(call) {
      const { contact, tags } = tagsCall(call);
      const gone = new Set(tags);
      contact.tags = contact.tags.filter((t) => !gone.has(t));
      return { status: 200, body: { tags: contact.tags } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/contacts\/([^/]+)\/notes$/,
    version: '2021-07-28',
    fields: ['body', 'userId'],
    required: ['body'],
    handle(call) {
      const contact = contactFor(call);
      const note = { id: ghlId(), contactId: contact.id, body: String(call.body.body), userId: call.body.userId as string | undefined, dateAdded: now() };
      call.state.notes.push(note);
      return { status: 201, body: { note } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/contacts\/([^/]+)\/workflow\/([^/]+)$/,
    version: '2021-07-28',
    fields: ['eventStartTime'],
    handle(call) {
      const contact = contactFor(call);
      const location = call.state.locations.get(contact.locationId)!;
      if (!location.workflows.some((w) => w.id === call.params[1])) throw new FakeHttpError(400, { statusCode: 400, message: 'Workflow not found' });
      call.state.workflowEnrolments.push({ contactId: contact.id, workflowId: call.params[1]!, eventStartTime: call.body.eventStartTime as string | undefined });
      return { status: 200, body: { succeded: true } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/contacts\/([^/]+)\/campaigns\/([^/]+)$/,
    version: '2021-07-28',
    fields: [],
    handle(call) {
      const contact = contactFor(call);
      const location = call.state.locations.get(contact.locationId)!;
      if (!location.campaigns.some((c) => c.id === call.params[1])) throw notFound('Campaign not found');
      call.state.campaignEnrolments.push({ contactId: contact.id, campaignId: call.params[1]! });
      return { status: 200, body: { succeded: true } };
    },
  },
];
