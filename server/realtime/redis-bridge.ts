import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ControlMessage, EventBus, ExecutionEvent } from '../runtime/events.js';

const CHANNELS = { event: 'switchboard:events', control: 'switchboard:control' } as const;

/**
 * Queue mode: every process publishes its execution events and control messages to Redis and
 * delivers what arrives from Redis to its own bus. One publishing connection per process keeps each
 * execution's events in order (an execution runs in one process at a time).
 */
export async function bridgeBus(bus: EventBus, publisher: Redis, subscriber: Redis, logger: Logger): Promise<() => Promise<void>> {
  subscriber.on('message', (channel: string, text: string) => {
    try {
      const message = JSON.parse(text) as ExecutionEvent | ControlMessage;
      if (channel === CHANNELS.event) bus.deliver(message as ExecutionEvent);
      else if (channel === CHANNELS.control) bus.deliverControl(message as ControlMessage);
    } catch (err) {
      logger.warn({ err, channel }, 'dropped a malformed bus message');
    }
  });
  await subscriber.subscribe(CHANNELS.event, CHANNELS.control);
  bus.remote = {
    publish(channel, message) {
      publisher.publish(CHANNELS[channel], JSON.stringify(message)).catch((err: unknown) => logger.error({ err }, 'bus publish failed'));
    },
  };
  return async () => {
    bus.remote = undefined;
    await subscriber.unsubscribe().catch(() => undefined);
  };
}
