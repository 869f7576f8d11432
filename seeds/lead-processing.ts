import type { FlowGraph } from '../schemas/flow.js';

/**
 * The example flow of the product brief: a lead arrives by webhook, is checked, looked up in
 * GoHighLevel (duplicate check), scored, created or updated and tagged, and a high score opens an
 * opportunity in the "Sales" pipeline. Every GoHighLevel node uses `integrationId`.
 */
export function leadProcessingGraph(integrationId: string): FlowGraph {
  return {
    nodes: [
      { id: 'lead', type: 'trigger.webhook', config: {} },
      {
        id: 'validate',
        type: 'logic.condition',
        config: {
          rules: {
            combinator: 'and',
            rules: [
              { left: '{{ $json.body.email }}', operator: 'contains', right: '@' },
              { left: '{{ $json.body.firstName }}', operator: 'is_not_empty' },
            ],
          },
        },
      },
      { id: 'find', type: 'ghl.contact.find', config: { integrationId, email: '{{ $trigger.body.email }}' } },
      {
        id: 'score',
        type: 'logic.set',
        config: {
          value: {
            email: '{{ $trigger.body.email }}',
            firstName: '{{ $trigger.body.firstName }}',
            lastName: '{{ $trigger.body.lastName }}',
            phone: '{{ $trigger.body.phone }}',
            budget: '{{ $trigger.body.budget }}',
            returning: '{{ $json.found }}',
            // Budget counts most, a phone number helps, and a new contact is worth more than a known one.
            score: '{{ ($trigger.body.budget >= 5000 ? 50 : 10) + ($exists($trigger.body.phone) ? 20 : 0) + ($json.found ? 0 : 30) }}',
          },
        },
      },
      {
        id: 'upsert',
        type: 'ghl.contact.upsert',
        config: { integrationId, email: '{{ $json.email }}', firstName: '{{ $json.firstName }}', lastName: '{{ $json.lastName }}', phone: '{{ $json.phone }}', source: 'Website form' },
      },
      { id: 'tag', type: 'ghl.contact.addTags', config: { integrationId, contactId: '{{ $json.contact.id }}', tags: ['lead', 'website'] } },
      { id: 'hot', type: 'logic.condition', config: { rules: { rules: [{ left: '{{ $node.score.score }}', operator: 'gte', right: 80 }] } } },
      {
        id: 'deal',
        type: 'ghl.opportunity.create',
        config: {
          integrationId,
          contactId: '{{ $node.upsert.contact.id }}',
          pipelineName: 'Sales',
          stageName: 'New',
          name: '{{ $node.score.firstName }} {{ $node.score.lastName }}: website lead',
          monetaryValue: '{{ $node.score.budget }}',
        },
      },
    ],
    edges: [
      { source: 'lead', target: 'validate' },
      { source: 'validate', sourcePort: 'true', target: 'find' },
      { source: 'find', target: 'score' },
      { source: 'score', target: 'upsert' },
      { source: 'upsert', target: 'tag' },
      { source: 'tag', target: 'hot' },
      { source: 'hot', sourcePort: 'true', target: 'deal' },
    ],
  } as FlowGraph;
}
