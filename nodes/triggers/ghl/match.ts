import type { GhlTriggerInput, NamedRef } from './change.js';
import type { Config } from './schema.js';

type Change = NonNullable<Config['on']>;
type EventType = NonNullable<Config['events']>[number];

/** The events that can carry each change, when a flow names none. */
export const DEFAULT_EVENTS: Record<Change, readonly EventType[]> = {
  any: [],
  tagAdded: ['ContactTagUpdate', 'ContactUpdate', 'ContactCreate'],
  tagRemoved: ['ContactTagUpdate', 'ContactUpdate'],
  stageChanged: ['OpportunityStageUpdate', 'OpportunityUpdate', 'OpportunityCreate'],
  statusChanged: ['OpportunityStatusUpdate', 'OpportunityUpdate'],
  fieldChanged: ['ContactUpdate', 'ContactTagUpdate', 'ContactDndUpdate', 'OpportunityUpdate', 'OpportunityStageUpdate', 'OpportunityStatusUpdate', 'OpportunityMonetaryValueUpdate', 'OpportunityAssignedToUpdate'],
};

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
/** An empty filter takes anything; otherwise the name or the id, ignoring case. */
const names = (filter: string | undefined, ref: NamedRef | null): boolean => !filter?.trim() || (!!ref && (same(filter, ref.id) || (ref.name !== null && same(filter, ref.name))));
const tagIn = (filter: string | undefined, tags: string[]) => (filter?.trim() ? tags.some((tag) => same(tag, filter)) : tags.length > 0);

/** The event types a trigger listens to. */
export function eventsOf(config: Config): readonly string[] {
  return config.events?.length ? config.events : DEFAULT_EVENTS[config.on ?? 'any'];
}

/** Whether the event is one the trigger listens to and carries the change it waits for (rules aside). */
export function matchesChange(config: Config, input: GhlTriggerInput): boolean {
  if (!eventsOf(config).includes(input.type)) return false;
  if (config.integrationId && config.integrationId !== input.integrationId) return false;
  const { change } = input;
  switch (config.on ?? 'any') {
    case 'any':
      return true;
    case 'tagAdded':
      return tagIn(config.tag, change.tagsAdded);
    case 'tagRemoved':
      return tagIn(config.tag, change.tagsRemoved);
    case 'stageChanged':
      return !!change.stage && names(config.pipeline, change.stage.pipeline) && names(config.fromStage, change.stage.from) && names(config.toStage, change.stage.to);
    case 'statusChanged':
      return !!change.status && (!config.fromStatus || change.status.from === config.fromStatus) && (!config.toStatus || change.status.to === config.toStatus);
    case 'fieldChanged':
      return config.field?.trim() ? change.fields.some((f) => same(f.field, config.field!)) : change.fields.length > 0;
  }
}
