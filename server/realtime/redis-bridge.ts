import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ControlMessage, EventBus, ExecutionEvent } from '../runtime/events.js';

const CHANNELS = { event: 'switchboard:events', control: 'switchboard:control' } as const;
type Channel = keyof typeof CHANNELS;
type Message = ExecutionEvent | ControlMessage;

/** Messages one PUBLISH may carry. */
const MAX_BATCH = 500;

/**
 * Queue mode: every process publishes its execution events and control messages to Redis and
 * delivers what arrives from Redis to its own bus. One publishing connection per process keeps each
 * execution's events in order (an execution runs in one process at a time). The messages of one tick go
 * out as one PUBLISH of a JSON array: an execution makes half a dozen events, and a PUBLISH each, fanned
 * out to every process, was most of Redis's work in queue mode. A single message (an object) is still
 * understood, from a process of an earlier version.
 */
export async function bridgeBus(bus: EventBus, publisher: Redis, subscriber: Redis, logger: Logger): Promise<() => Promise<void>> {
  subscriber.on('message', (channel: string, text: string) => {
    let messages: Message[];
    try {
      const parsed = JSON.parse(text) as Message | Message[];
      messages = Array.isArray(parsed) ? parsed : [parsed];
    } catch (err) {
      logger.warn({ err, channel }, 'dropped a malformed bus message');
      return;
    }
    for (const message of messages) {
      try {
        if (channel === CHANNELS.event) bus.deliver(message as ExecutionEvent);
        else if (channel === CHANNELS.control) bus.deliverControl(message as ControlMessage);
      } catch (err) {
        logger.warn({ err, channel }, 'a bus message could not be delivered');
      }
    }
  });
  await subscriber.subscribe(CHANNELS.event, CHANNELS.control);
  const pending: Record<Channel, Message[]> = { event: [], control: [] };
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const channel of Object.keys(pending) as Channel[]) {
      const messages = pending[channel];
      pending[channel] = [];
      for (let i = 0; i < messages.length; i += MAX_BATCH) {
        publisher.publish(CHANNELS[channel], JSON.stringify(messages.slice(i, i + MAX_BATCH))).catch((err: unknown) => logger.error({ err }, 'bus publish failed'));
      }
    }
  };
  bus.remote = {
    publish(channel, message) {
      pending[channel].push(message);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
  return async () => {
    bus.remote = undefined;
    flush();
    await subscriber.unsubscribe().catch(() => undefined);
  };
}
