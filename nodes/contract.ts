import type { HttpAuthorization } from '../schemas/integrations/template.js';

/** A value a port emits; any JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a handler returns: the ports that fire and what each emits. Ports absent from it do not fire. */
export type PortOutputs = Record<string, unknown>;

/** A handler that must wait (delay, approval) returns this instead of port outputs. */
export interface WaitRequest {
  $wait: {
    /** When the step resumes by itself; absent: it waits for a decision (approval). */
    until?: string;
    /** Stored with the waiting step and given back to `resume`. */
    state?: Json;
    approval?: { title: string; description?: string; approvers?: string[] };
    /** Run another flow of the sub-account as a child execution (`flow.call`); `detach`: do not wait for its end. */
    call?: { flowId: string; input: Json; detach?: boolean };
  };
}

/** `logic.stop` returns this: the execution ends here, failed with the message or succeeded. */
export interface StopRequest {
  $stop: { status: 'succeeded' | 'failed'; message?: string };
}

/** The answer to a webhook request waiting with `respond: "onResponseNode"` (`webhook.respond`). */
export interface WebhookResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Json;
}

/**
 * Beside its ports, a handler may return `$respond`: the engine answers the webhook request that is
 * waiting for this execution, and the ports fire as usual.
 */
export const RESPOND_KEY = '$respond';

export type NodeResult = PortOutputs | WaitRequest | StopRequest;

export const isWait = (result: NodeResult): result is WaitRequest => typeof result === 'object' && result !== null && '$wait' in result;
export const isStop = (result: NodeResult): result is StopRequest => typeof result === 'object' && result !== null && '$stop' in result;

export interface ExecutionInfo {
  id: string;
  flowId: string;
  subaccountId: string;
}

/**
 * What the tenant may use of the server's resources, when something (billing's plan) sets less than the
 * server's own ceilings. The engine passes it in the step's context, so a node never asks who the tenant
 * is or what it pays; absent, only the server's ceilings apply.
 */
export interface TenantCeilings {
  /** Heap of a code node's isolate, MB. */
  codeMemoryMb: number;
  /** Wall time of one code node call, ms. */
  codeTimeLimitMs: number;
  /** Who sets them, as an error names it: "the Starter plan". */
  setBy: string;
  /** How to get more, one sentence an error can end with. */
  wayOut: string;
}

export interface NodeContext<Config> {
  /** The node's config, expressions resolved and validated against the schema again. */
  config: Config;
  /** `$json`: the parent's output (or, with several parents, an object keyed by parent id). */
  input: unknown;
  /** `$trigger`: the trigger's output (the code node passes it to the user's code). */
  trigger?: unknown;
  /** `$node`: outputs of the finished nodes by id. */
  nodes?: Record<string, unknown>;
  /** The decrypted config of the integration named by `config.integrationId`, for nodes that declare `integration`. */
  credentials?: Record<string, unknown>;
  /** That integration itself: its id and template, and a way to store a changed config (rotated OAuth tokens). */
  integration?: IntegrationHandle;
  /** Appends a line to the step's logs. */
  log(message: string): void;
  /** Aborted on cancel and on the node's timeout. */
  signal: AbortSignal;
  execution: ExecutionInfo;
  /** Stable per execution + node (+ item): pass it to services that deduplicate. */
  idempotencyKey: string;
  nodeId: string;
  /** 1 for the first try. */
  attempt: number;
  /** Whether outbound calls may reach loopback and private addresses (ALLOW_PRIVATE_NETWORK). */
  allowPrivateNetwork: boolean;
  /** The tenant's own ceilings, where they are lower than the server's (plans, when billing is on). */
  ceilings?: TenantCeilings;
}

/** What a node is told of a template when it decides whether it takes its integrations. */
export interface IntegrationTemplateInfo {
  id: string;
  /** An agency's own template rather than a built-in one. */
  custom: boolean;
  /** The template says how an HTTP request authenticates with its integrations. */
  authenticatesHttp: boolean;
}

/** Whether a node takes integrations of a template: the one it names, or one it accepts. */
export const takesIntegration = (definition: Pick<NodeDefinition<never>, 'integration' | 'acceptsIntegration'>, template: IntegrationTemplateInfo): boolean =>
  definition.integration === template.id || !!definition.acceptsIntegration?.(template);

/** The integration a step uses, as its handler sees it. */
export interface IntegrationHandle {
  id: string;
  template: string;
  /** Replaces the stored config (secrets sealed again), e.g. after an OAuth refresh rotated the tokens. */
  save(config: Record<string, unknown>): Promise<void>;
  /** For templates that say how an HTTP request authenticates (http, custom templates): what to send, and where. */
  http?: HttpAuthorization;
  /**
   * Read-modify-write of the stored config, one process at a time across every process on the database:
   * `change` gets the config as stored once it is this caller's turn (so it sees what another process just
   * wrote) and returns the config to store, or null to keep it; resolves with the config stored afterwards.
   * For OAuth refresh tokens, which rotate on every use and must never be spent twice.
   */
  update?(change: (stored: Record<string, unknown>) => Promise<Record<string, unknown> | null>): Promise<Record<string, unknown>>;
}

export interface ChildOutcome {
  executionId?: string;
  /** `running` while the parent waits for it. */
  status: 'running' | 'started' | 'succeeded' | 'failed' | 'cancelled';
  output?: Json;
  error?: { message: string; code?: string };
}

/** What a waiting step receives when it wakes: the timer fired, or a person decided. */
export interface ResumeEvent {
  kind: 'timer' | 'approval' | 'call';
  /** For `call`: the child execution, and its result once it ended (or `started` when detached). */
  child?: ChildOutcome;
  decision?: 'approved' | 'rejected';
  comment?: string;
  decidedBy?: string;
  state?: Json;
}

/** A JSON Schema (draft 2020-12) written as an `as const` object. */
export type ConfigSchema = { readonly type: 'object' } & Readonly<Record<string, unknown>>;

/**
 * One node type. `Config` is `FromSchema<typeof configSchema>`, computed once in the node's own file
 * (inferring it inside this call instead costs the type checker millions of instantiations per node).
 */
export interface NodeDefinition<Config = unknown> {
  type: string;
  category: string;
  title: string;
  description: string;
  configSchema: ConfigSchema;
  uiSchema?: Record<string, unknown>;
  /** Static ports, or a function of the config for nodes whose ports follow it (a switch's cases). */
  outputs: readonly string[] | ((config: Config) => string[]);
  /** How the catalog explains config-dependent outputs. */
  outputsDescription?: string;
  /** A trigger starts flows; its run() shapes the trigger payload into its output. */
  trigger?: boolean;
  /**
   * A loop: `run` emits the list on `port`; the engine runs the nodes reachable from that port once per
   * element and then emits the collected results on `donePort`.
   */
  loop?: { port: string; donePort: string; concurrency(config: Config): number; continueOnError(config: Config): boolean };
  /**
   * The integration template this node takes credentials from. Its config then names one integration of
   * the flow's sub-account in `integrationId` (checked at save), and `ctx.credentials` holds its config.
   */
  integration?: string;
  /** The node runs without an integration too: with no `integrationId` it gets no credentials. */
  integrationOptional?: boolean;
  /**
   * Integrations of other templates the node also takes, e.g. `http.request` takes every template that
   * says how an HTTP request authenticates (custom templates); `integration` stays the one it names.
   */
  acceptsIntegration?(template: IntegrationTemplateInfo): boolean;
  /** The node may park the execution (delay, approval): not allowed inside a loop's branch. */
  waits?: boolean;
  /** Deterministic and side-effect free: the engine may run it without a commit of its own. */
  pure?: boolean;
  /**
   * Without effect outside the execution, though not deterministic (code that reads the clock): running it
   * again after a crash is harmless and nobody saw the lost result, so its step too is committed with the
   * next side-effecting step or the end. Unlike a pure node it runs in this process, under its deadline.
   */
  replayable?: boolean;
  /**
   * Whether `run` interprets logic the tenant wrote whose cost is not bounded by its size (a regular
   * expression): then the engine runs it in the evaluation sandbox, under its time and memory limits,
   * even when the config holds no expression. Given the config as written (expressions unresolved).
   */
  sandboxed?(config: unknown): boolean;
  /** Config fields whose strings are left as written (not resolved before run), e.g. per-item templates. */
  rawFields?: readonly string[];
  run(ctx: NodeContext<Config>): NodeResult | Promise<NodeResult>;
  /** Called when a waiting step wakes; defaults to emitting the input on `main`. */
  resume?(ctx: NodeContext<Config>, event: ResumeEvent): PortOutputs | Promise<PortOutputs>;
}

/** Declares a node type once: schema, ports and handler: `defineNode<Config>({ configSchema, … })`. */
export function defineNode<Config>(definition: NodeDefinition<Config>): NodeDefinition<Config> {
  return definition;
}

/** A node the registry holds, with its config type erased. */
export type AnyNodeDefinition = NodeDefinition<never>;

export function outputsOf(definition: AnyNodeDefinition, config: unknown): string[] {
  return typeof definition.outputs === 'function' ? (definition.outputs as (c: unknown) => string[])(config) : [...definition.outputs];
}

/** A failure worth trying again: network trouble, 429, 5xx. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly code = 'retryable',
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** A failure that another try will not fix: bad input, 4xx. */
export class NodeError extends Error {
  constructor(
    message: string,
    readonly code = 'node_error',
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

/**
 * The service refused the integration's credentials (401, a revoked token): the step fails, and the
 * integration is marked `error` with this message, which should tell a person what to do.
 */
export class IntegrationAuthError extends Error {
  constructor(
    message: string,
    readonly code = 'integration_auth_failed',
  ) {
    super(message);
    this.name = 'IntegrationAuthError';
  }
}

/**
 * Errors are recognised by name, not `instanceof`: node modules may be loaded through a different
 * module graph than the engine (dynamic import from the registry), which would make two classes.
 */
export const isRetryableError = (err: unknown): err is RetryableError => (err as Error | null)?.name === 'RetryableError';
export const isNodeError = (err: unknown): err is NodeError => (err as Error | null)?.name === 'NodeError';
export const isIntegrationAuthError = (err: unknown): err is IntegrationAuthError => (err as Error | null)?.name === 'IntegrationAuthError';
