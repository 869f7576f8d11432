import { expect } from 'chai';
import { callLimits, codeCeilings, DEFAULT_CODE_CEILINGS } from '../../nodes/code/javascript/limits.js';

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
});
