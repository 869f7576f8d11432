import { randomBytes } from 'node:crypto';

/** GoHighLevel ids are 20 alphanumeric characters. */
export const ghlId = (): string => randomBytes(15).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 20);

export interface FakeCustomField {
  id: string;
  name: string;
  fieldKey: string;
  dataType: string;
  model: 'contact' | 'opportunity';
}

export interface FakeContact {
  id: string;
  locationId: string;
  firstName?: string;
  lastName?: string;
  name?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  source?: string;
  tags: string[];
  customFields: { id: string; value: unknown }[];
  dateAdded: string;
  dateUpdated: string;
  [field: string]: unknown;
}

export interface FakeOpportunity {
  id: string;
  locationId: string;
  name: string;
  pipelineId: string;
  pipelineStageId: string;
  status: 'open' | 'won' | 'lost' | 'abandoned';
  contactId: string;
  monetaryValue?: number;
  assignedTo?: string;
  customFields: { id: string; fieldValue: unknown }[];
  createdAt: string;
  updatedAt: string;
}

export interface FakeLocation {
  id: string;
  name: string;
  companyId: string;
  /** "Allow duplicate contacts" off: POST /contacts/ answers the duplicate 400. */
  allowDuplicateContacts: boolean;
  pipelines: { id: string; name: string; stages: { id: string; name: string }[] }[];
  customFields: FakeCustomField[];
  calendars: { id: string; name: string }[];
  users: { id: string; name: string; email: string }[];
  tags: { id: string; name: string }[];
  workflows: { id: string; name: string; status: string }[];
  campaigns: { id: string; name: string; status: string }[];
}

/** What a bearer token may do: the location a Private Integration Token (or a location token) is for. */
export interface FakeToken {
  locationId?: string;
  companyId?: string;
}

/** Everything the fake holds; tests read it to see what arrived, the OAuth handler adds tokens to it. */
export class FakeGhlState {
  readonly locations = new Map<string, FakeLocation>();
  readonly tokens = new Map<string, FakeToken>();
  readonly contacts = new Map<string, FakeContact>();
  readonly opportunities = new Map<string, FakeOpportunity>();
  readonly notes: { id: string; contactId: string; body: string; userId?: string; dateAdded: string }[] = [];
  readonly workflowEnrolments: { contactId: string; workflowId: string; eventStartTime?: string }[] = [];
  readonly campaignEnrolments: { contactId: string; campaignId: string }[] = [];
  readonly appointments: Record<string, unknown>[] = [];
  readonly messages: Record<string, unknown>[] = [];

  /** A location with a sales pipeline, custom fields, a calendar, a user, tags, a workflow and a campaign. */
  addLocation(id: string, name = 'Demo Dental'): FakeLocation {
    const stage = (n: string) => ({ id: ghlId(), name: n });
    const location: FakeLocation = {
      id,
      name,
      companyId: 'company-' + id,
      allowDuplicateContacts: false,
      pipelines: [{ id: ghlId(), name: 'Sales', stages: ['New', 'Qualified', 'Won'].map(stage) }],
      customFields: [
        { id: ghlId(), name: 'Lead score', fieldKey: 'contact.lead_score', dataType: 'NUMERICAL', model: 'contact' },
        { id: ghlId(), name: 'Pincode', fieldKey: 'contact.pincode', dataType: 'TEXT', model: 'contact' },
        { id: ghlId(), name: 'Deal source', fieldKey: 'opportunity.deal_source', dataType: 'TEXT', model: 'opportunity' },
      ],
      calendars: [{ id: ghlId(), name: 'Consultations' }],
      users: [{ id: ghlId(), name: 'Dana Agent', email: 'dana@agency.test' }],
      tags: [{ id: ghlId(), name: 'lead' }, { id: ghlId(), name: 'vip' }],
      workflows: [{ id: ghlId(), name: 'Welcome sequence', status: 'published' }],
      campaigns: [{ id: ghlId(), name: 'Spring offer', status: 'published' }],
    };
    this.locations.set(id, location);
    return location;
  }

  /** A Private Integration Token for one location. */
  addToken(token: string, locationId: string): void {
    this.tokens.set(token, { locationId });
  }

  contactsOf(locationId: string): FakeContact[] {
    return [...this.contacts.values()].filter((c) => c.locationId === locationId);
  }

  findDuplicate(locationId: string, email?: unknown, phone?: unknown): FakeContact | undefined {
    const mail = typeof email === 'string' ? email.toLowerCase() : undefined;
    return this.contactsOf(locationId).find((c) => (mail && c.email?.toLowerCase() === mail) || (phone && c.phone === phone));
  }
}
