import type { FlowGraph } from '../schemas/flow.js';

/** The integrations the bridge uses: a GoHighLevel location and an OpenAI-compatible model. */
export interface GlytchIntegrations {
  ghl: string;
  openai: string;
}

/** The requests the bridge acts on; anything else is answered without acting ("other"). */
export const GLYTCH_INTENTS = ['send_email', 'create_opportunity', 'add_to_campaign'] as const;

/** Stands for the campaign until the user picks one of the location's campaigns in the "campaign" node. */
export const CAMPAIGN_PLACEHOLDER = 'choose-a-campaign';

const OK_EMAIL = "$type($json.body.email) = 'string' and $contains($json.body.email, '@')";
const OK_MESSAGE = "$type($json.body.message) = 'string' and $length($trim($json.body.message)) > 0";

/**
 * The GLYTCH automation bridge of the Cloud Connect brief: a chat message (`{email, message, name?}`)
 * arrives by webhook, a model classifies what it asks for, the bridge does it on GoHighLevel for the
 * sender's contact, and a model writes the chat reply, which answers the waiting request.
 *
 * Why `ghl.message.send` (type Email) for send_email and not `email.send` over SMTP: the email then goes
 * out from the location's own sender and lands in the contact's GoHighLevel conversation, next to the rest
 * of their history, where the agency's team follows up; and the demo needs no mail server of its own.
 */
export function glytchBridgeGraph({ ghl, openai }: GlytchIntegrations): FlowGraph {
  return {
    nodes: [
      { id: 'chat', name: 'Chat message', type: 'trigger.webhook', config: { methods: ['POST'], respond: 'onResponseNode' } },
      {
        id: 'valid',
        name: 'Has an email and a message?',
        type: 'logic.condition',
        config: {
          // Type checks first: the rules stop at the first one that fails, so "contains" never sees a non-text
          // (and the expressions, resolved before any rule runs, call no function that a non-text breaks).
          rules: {
            combinator: 'and',
            rules: [
              { left: '{{ $type($json.body.email) }}', operator: 'equals', right: 'string' },
              { left: '{{ $json.body.email }}', operator: 'contains', right: '@' },
              { left: "{{ $type($json.body.message) = 'string' ? $trim($json.body.message) : '' }}", operator: 'is_not_empty' },
            ],
          },
        },
      },
      {
        id: 'refuse',
        name: 'Answer 400',
        type: 'webhook.respond',
        config: {
          status: 400,
          body: {
            error: {
              code: 'invalid_chat_message',
              message: 'Send a JSON body {"email": "...", "message": "..."}: the sender\'s email address and the chat message (and "name" if known).',
              details: `{{ [$not(${OK_EMAIL}) ? {"path": "/email", "message": "an email address is required"}, $not(${OK_MESSAGE}) ? {"path": "/message", "message": "a non-empty text is required"}] }}`,
            },
          },
        },
      },
      {
        id: 'intent',
        name: 'What is asked?',
        type: 'ai.classify',
        config: {
          integrationId: openai,
          text: '{{ $json.body.message }}',
          labels: [
            { name: 'send_email', description: 'The sender wants something sent to them by email (information, a quote, a summary).' },
            { name: 'create_opportunity', description: 'The sender wants to buy, book or get an offer: a sales opportunity for the team.' },
            { name: 'add_to_campaign', description: 'The sender wants to subscribe to news, offers or a campaign.' },
          ],
          instructions: 'The text is a chat message from a customer of the business.',
        },
      },
      // One contact step for the three actions: the chatter becomes (or is found as) a contact by email.
      { id: 'contact', name: 'Create or update contact', type: 'ghl.contact.upsert', config: { integrationId: ghl, email: '{{ $trigger.body.email }}', name: '{{ $trigger.body.name }}', source: 'GLYTCH chat' } },
      {
        id: 'route',
        name: 'Which action?',
        type: 'logic.switch',
        config: { cases: GLYTCH_INTENTS.map((label) => ({ port: label, rules: { rules: [{ left: '{{ $node.intent.label }}', operator: 'equals', right: label }] } })) },
      },
      {
        id: 'draft',
        name: 'Write the email',
        type: 'ai.chat',
        config: {
          integrationId: openai,
          system: 'You write a short, friendly email from the business to a customer who asked for it in the chat. Answer as JSON {"subject": "...", "body": "..."} with a plain-text body.',
          prompt: 'The customer wrote: {{ $trigger.body.message }}',
          json: true,
        },
      },
      {
        id: 'email',
        name: 'Send the email',
        type: 'ghl.message.send',
        config: { integrationId: ghl, contactId: '{{ $node.contact.contact.id }}', type: 'Email', subject: '{{ $json.json.subject }}', message: '{{ $json.json.body }}' },
      },
      {
        id: 'deal',
        name: 'Open an opportunity',
        type: 'ghl.opportunity.create',
        // The same name each time: a contact who asks again finds their open opportunity, not a second one.
        config: { integrationId: ghl, contactId: '{{ $node.contact.contact.id }}', pipelineName: 'Sales', stageName: 'New', name: '{{ $trigger.body.email }}: chat request' },
      },
      { id: 'campaign', name: 'Add to campaign', type: 'ghl.contact.addToCampaign', config: { integrationId: ghl, contactId: '{{ $node.contact.contact.id }}', campaignId: CAMPAIGN_PLACEHOLDER } },
      {
        id: 'reply',
        name: 'Write the reply',
        type: 'ai.chat',
        config: {
          integrationId: openai,
          system:
            'You are GLYTCH, the chat assistant of the business. Reply to the customer in one to three friendly sentences. ' +
            'Say only what the outcome shows was done; when it could not be done, apologise and say a person will follow up.',
          // Exactly one branch reaches this node, so $json is that branch's output (or its error).
          prompt:
            'The customer wrote: {{ $trigger.body.message }}\nRequest: {{ $node.intent.label }}\n' +
            "Outcome: {{ $exists($json.retryable) ? 'could not be done (' & $json.message & ')' : $node.intent.label = 'other' ? 'nothing to do: answer the message' : 'done' }}",
        },
      },
      { id: 'answer', name: 'Answer the chat', type: 'webhook.respond', config: { status: 200, body: { reply: '{{ $json.content }}', request: '{{ $node.intent.label }}' } } },
    ],
    edges: [
      { source: 'chat', target: 'valid' },
      { source: 'valid', sourcePort: 'false', target: 'refuse' },
      { source: 'valid', sourcePort: 'true', target: 'intent' },
      ...GLYTCH_INTENTS.map((label) => ({ source: 'intent', sourcePort: label, target: 'contact' })),
      { source: 'intent', sourcePort: 'other', target: 'reply' },
      { source: 'contact', target: 'route' },
      { source: 'contact', sourcePort: 'error', target: 'reply' },
      { source: 'route', sourcePort: 'send_email', target: 'draft' },
      { source: 'draft', target: 'email' },
      { source: 'draft', sourcePort: 'error', target: 'reply' },
      { source: 'route', sourcePort: 'create_opportunity', target: 'deal' },
      { source: 'route', sourcePort: 'add_to_campaign', target: 'campaign' },
      // A failed action still gets a reply: the customer hears it did not work instead of waiting.
      ...['email', 'deal', 'campaign'].flatMap((action) => [
        { source: action, target: 'reply' },
        { source: action, sourcePort: 'error', target: 'reply' },
      ]),
      { source: 'reply', target: 'answer' },
    ],
  } as FlowGraph;
}
