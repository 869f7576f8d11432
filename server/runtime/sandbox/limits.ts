export interface SandboxLimits {
  /** Evaluation processes kept; each runs one task at a time. */
  processes: number;
  /** CPU time one task may use before its process is killed (and at most ten times it in wall time). */
  timeLimitMs: number;
  /** V8 heap of each evaluation process; past it the process dies and only the task fails. */
  memoryMb: number;
  /** Largest result a task may send back. */
  maxResultBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { processes: 2, timeLimitMs: 1000, memoryMb: 128, maxResultBytes: 16 * 1024 * 1024 };
