import { ghlClient, type GhlClient } from '../../nodes/ghl/lib/client.js';
import type { OptionChoice, OptionContext } from './template.js';

type Loader = (client: GhlClient, params: Record<string, string>) => Promise<OptionChoice[]>;

interface Named {
  id: string;
  name: string;
}

const named = (items: Named[] | undefined, extra: (item: Named & Record<string, unknown>) => Record<string, unknown> = () => ({})): OptionChoice[] =>
  (items ?? []).map((item) => ({ value: item.id, label: item.name, ...extra(item as Named & Record<string, unknown>) }));

const loaders: Record<string, Loader> = {
  pipelines: async (client) => {
    const answer = await client.request<{ pipelines?: (Named & { stages?: Named[] })[] }>({ method: 'GET', path: '/opportunities/pipelines', query: { locationId: client.locationId }, what: 'the pipeline list' });
    return (answer.pipelines ?? []).map((p) => ({ value: p.id, label: p.name, stages: named(p.stages) }));
  },
  calendars: async (client) => {
    const answer = await client.request<{ calendars?: Named[] }>({ method: 'GET', path: '/calendars/', query: { locationId: client.locationId }, what: 'the calendar list' });
    return named(answer.calendars);
  },
  users: async (client) => {
    const answer = await client.request<{ users?: Named[] }>({ method: 'GET', path: '/users/', query: { locationId: client.locationId }, what: 'the user list' });
    return named(answer.users, (u) => ({ email: u.email }));
  },
  // Tags are given to contacts by name, so the name is the value.
  tags: async (client) => {
    const answer = await client.request<{ tags?: Named[] }>({ method: 'GET', path: `/locations/${encodeURIComponent(client.locationId)}/tags`, what: 'the tag list' });
    return (answer.tags ?? []).map((t) => ({ value: t.name, label: t.name, id: t.id }));
  },
  // Nodes name custom fields by key (`contact.pincode`); the id stays beside it.
  customFields: async (client, params) => {
    const answer = await client.request<{ customFields?: (Named & { fieldKey: string; dataType?: string })[] }>({
      method: 'GET',
      path: `/locations/${encodeURIComponent(client.locationId)}/customFields`,
      query: { model: params.model ?? 'contact' },
      what: 'the custom field list',
    });
    return (answer.customFields ?? []).map((f) => ({ value: f.fieldKey, label: f.name, id: f.id, dataType: f.dataType }));
  },
  workflows: async (client) => {
    const answer = await client.request<{ workflows?: Named[] }>({ method: 'GET', path: '/workflows/', query: { locationId: client.locationId }, what: 'the workflow list' });
    return named(answer.workflows, (w) => ({ status: w.status }));
  },
  campaigns: async (client) => {
    const answer = await client.request<{ campaigns?: Named[] }>({ method: 'GET', path: '/campaigns/', query: { locationId: client.locationId }, what: 'the campaign list' });
    return named(answer.campaigns, (c) => ({ status: c.status }));
  },
};

/** The editor's GoHighLevel dropdowns: pipelines with their stages, calendars, users, tags, custom fields, workflows, campaigns. */
export const gohighlevelOptions: Record<string, (ctx: OptionContext) => Promise<OptionChoice[]>> = Object.fromEntries(
  Object.entries(loaders).map(([name, load]) => [name, (ctx: OptionContext) => load(ghlClient(ctx), ctx.params)]),
);
