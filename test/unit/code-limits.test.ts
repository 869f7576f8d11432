import { expect } from 'chai';
import { NodeError, type TenantCeilings } from '../../nodes/contract.js';
import { callLimits, codeCeilings, DEFAULT_CODE_CEILINGS, explainedByCeiling } from '../../nodes/code/javascript/limits.js';

describe('code.javascript limits', () => {
  it('reads the ceilings from the environment, with defaults of 64 MB, 1 s and 8 isolates', () => {
    expect(codeCeilings({})).to.deep.equal({ memoryMb: 64, timeLimitMs: 1000, isolates: 8 });
    expect(codeCeilings({ CODE_MEMORY_MB: '128', CODE_TIME_LIMIT_MS: '5000', CODE_ISOLATES: '2' })).to.deep.equal({ memoryMb: 128, timeLimitMs: 5000, isolates: 2 });
  });

  it('refuses ceilings that are not whole numbers in range, naming the variable', () => {
    for (const [name, value] of [['CODE_MEMORY_MB', 'lots'], ['CODE_MEMORY_MB', '4'], ['CODE_TIME_LIMIT_MS', '1.5'], ['CODE_ISOLATES', '0']]) {
      expect(() => codeCeilings({ [name]: value }), `${name}=${value}`).to.throw(`${name}: must be a whole number`);
    }
  });

  it("gives a node the ceilings by default, its own limits below them, and a clear error above", () => {
    expect(callLimits({}, DEFAULT_CODE_CEILINGS)).to.deep.equal({ memoryMb: 64, timeLimitMs: 1000 });
    expect(callLimits({ memoryMb: 16, timeLimitMs: 200 }, DEFAULT_CODE_CEILINGS)).to.deep.equal({ memoryMb: 16, timeLimitMs: 200 });
    expect(() => callLimits({ timeLimitMs: 2000 }, DEFAULT_CODE_CEILINGS)).to.throw(/timeLimitMs 2000 is above this server's ceiling of 1000 ms \(CODE_TIME_LIMIT_MS\)/);
    expect(() => callLimits({ memoryMb: 65 }, DEFAULT_CODE_CEILINGS)).to.throw(/memoryMb 65 is above this server's ceiling of 64 MB \(CODE_MEMORY_MB\)/);
  });

  const starter: TenantCeilings = { codeMemoryMb: 32, codeTimeLimitMs: 1000, setBy: 'the Starter plan', wayOut: 'upgrade in billing for more.' };

  it('takes the lower of the server’s and the tenant’s ceilings, and names the plan when it is the lower one', () => {
    const server = { memoryMb: 64, timeLimitMs: 5000 };
    expect(callLimits({}, server, starter)).to.deep.equal({
      memoryMb: 32,
      timeLimitMs: 1000,
      cappedBy: {
        memoryMb: 'The ceiling of 32 MB is set by the Starter plan; upgrade in billing for more.',
        timeLimitMs: 'The ceiling of 1000 ms is set by the Starter plan; upgrade in billing for more.',
      },
    });
    // The server's ceiling is the lower one for memory here: only the time is the plan's.
    expect(callLimits({}, { memoryMb: 16, timeLimitMs: 5000 }, starter)).to.deep.equal({ memoryMb: 16, timeLimitMs: 1000, cappedBy: { memoryMb: undefined, timeLimitMs: 'The ceiling of 1000 ms is set by the Starter plan; upgrade in billing for more.' } });
    // A node asking for less than the plan allows is bounded by itself, not by the plan.
    expect(callLimits({ memoryMb: 16, timeLimitMs: 200 }, server, starter)).to.deep.equal({ memoryMb: 16, timeLimitMs: 200 });
    expect(() => callLimits({ timeLimitMs: 2000 }, server, starter)).to.throw(/timeLimitMs 2000 is above the ceiling of 1000 ms\. The ceiling of 1000 ms is set by the Starter plan; upgrade in billing for more\./);
    expect(() => callLimits({ memoryMb: 48 }, server, starter)).to.throw(/memoryMb 48 is above the ceiling of 32 MB\. .*Starter plan/);
    // A plan above the server's ceilings changes nothing: the server's apply, named as before.
    const rich: TenantCeilings = { ...starter, codeMemoryMb: 256, codeTimeLimitMs: 30_000 };
    expect(callLimits({}, server, rich)).to.deep.equal({ memoryMb: 64, timeLimitMs: 5000 });
    expect(() => callLimits({ memoryMb: 128 }, server, rich)).to.throw(/this server's ceiling of 64 MB \(CODE_MEMORY_MB\)/);
  });

  it('adds who set the ceiling to the error of a limit it set, and leaves other errors alone', () => {
    const limits = callLimits({}, { memoryMb: 64, timeLimitMs: 5000 }, starter);
    const timeout = explainedByCeiling(new NodeError('The code ran longer than its time limit of 1000 ms and was stopped.', 'time_limit_exceeded'), limits) as NodeError;
    expect(timeout.code).to.equal('time_limit_exceeded');
    expect(timeout.message).to.equal('The code ran longer than its time limit of 1000 ms and was stopped. The ceiling of 1000 ms is set by the Starter plan; upgrade in billing for more.');
    const syntax = new NodeError('The code does not parse.', 'syntax_error');
    expect(explainedByCeiling(syntax, limits)).to.equal(syntax);
    const own = callLimits({ timeLimitMs: 100 }, { memoryMb: 64, timeLimitMs: 5000 }, starter);
    const ownTimeout = new NodeError('The code ran longer than its time limit of 100 ms.', 'time_limit_exceeded');
    expect(explainedByCeiling(ownTimeout, own)).to.equal(ownTimeout);
  });
});
