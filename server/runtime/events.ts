import { EventEmitter } from 'node:events';
import type { WebhookResponse } from '../../nodes/contract.js';
import type { ExecutionStatus, StepError, StepStatus } from '../db/models/runtime.js';
import type { ListenMessage } from './listening.js';

export type ExecutionEventType =
  | 'execution.started'
  | 'step.started'
  | 'step.succeeded'
  | 'step.failed'
  | 'step.skipped'
  | 'step.waiting'
  | 'execution.finished'
  | 'execution.waiting';

/** One message of CONTRACT §8, plus the sub-account for tenancy checks when relaying. */
export interface ExecutionEvent {
  type: ExecutionEventType;
  executionId: string;
  flowId: string;
  subaccountId: string;
  nodeId?: string;
  status: ExecutionStatus | StepStatus;
  attempt?: number;
  output?: unknown;
  error?: StepError | null;
  /** A test run's step that emitted its pinned output instead of running. */
  pinned?: boolean;
  at: string;
}

/**
 * Credentials or reach changed (server/realtime/socket.ts acts on it in every web process): with
 * `revoked`, sockets of these sessions, API keys and users (and their users' keys) are closed at once;
 * with `changed`, they check again what they may still see.
 */
export interface AccessMessage {
  type: 'access';
  reason: 'revoked' | 'changed';
  sessionIds?: string[];
  apiKeyIds?: string[];
  userIds?: string[];
}

/** Control messages between processes (cancel a running execution wherever it runs; access changes). */
export type ControlMessage = { type: 'cancel'; executionId: string } | { type: 'respond'; executionId: string; response: WebhookResponse } | AccessMessage | ListenMessage;

/**
 * The in-process bus. In queue mode a Redis bridge feeds it what other processes publish, so listeners
 * (socket relay, `?wait=true` waiters) see every execution's events whichever process ran it.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();
  /** Set by a cross-process bridge; publishes leave through it and come back through `deliver`. */
  remote?: { publish(channel: 'event' | 'control', message: ExecutionEvent | ControlMessage): void };

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: ExecutionEvent): void {
    if (this.remote) this.remote.publish('event', event);
    else this.deliver(event);
  }

  control(message: ControlMessage): void {
    if (this.remote) this.remote.publish('control', message);
    else this.deliverControl(message);
  }

  deliver(event: ExecutionEvent): void {
    this.emitter.emit('event', event);
    this.emitter.emit(`execution:${event.executionId}`, event);
  }

  deliverControl(message: ControlMessage): void {
    this.emitter.emit('control', message);
  }

  on(listener: (event: ExecutionEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  onExecution(executionId: string, listener: (event: ExecutionEvent) => void): () => void {
    this.emitter.on(`execution:${executionId}`, listener);
    return () => this.emitter.off(`execution:${executionId}`, listener);
  }

  onControl(listener: (message: ControlMessage) => void): () => void {
    this.emitter.on('control', listener);
    return () => this.emitter.off('control', listener);
  }
}
