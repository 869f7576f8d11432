import { expect } from 'chai';
import { createEarlyLoad } from '../../../editor/src/lib/early-load.js';

/** A fetcher that records every key it was asked for and answers `key#n` (n-th request). */
function recording(fail: (key: string, n: number) => boolean = () => false) {
  const asked: string[] = [];
  const fetch = async (key: string) => {
    asked.push(key);
    if (fail(key, asked.length)) throw new Error(`no ${key}`);
    return `${key}#${asked.length}`;
  };
  return { asked, fetch };
}

describe('editor: a flow fetched before its screen has loaded', () => {
  it('hands the early request to the screen that asks for the same flow, without fetching again', async () => {
    const { asked, fetch } = recording();
    const early = createEarlyLoad(fetch);
    early.start('s1/f1');
    expect(asked).to.deep.equal(['s1/f1'], 'the request leaves at once');
    expect(await early.take('s1/f1')).to.equal('s1/f1#1');
    expect(asked).to.have.length(1);
  });

  it('hands it over only once: opening the flow again fetches it anew', async () => {
    const { asked, fetch } = recording();
    const early = createEarlyLoad(fetch);
    early.start('s1/f1');
    await early.take('s1/f1');
    expect(await early.take('s1/f1')).to.equal('s1/f1#2');
    expect(asked).to.deep.equal(['s1/f1', 's1/f1']);
  });

  it('never gives another flow the early answer, and drops it once another flow was opened', async () => {
    const { asked, fetch } = recording();
    const early = createEarlyLoad(fetch);
    early.start('s1/f1');
    expect(await early.take('s1/f2')).to.equal('s1/f2#2');
    expect(await early.take('s1/f1')).to.equal('s1/f1#3', 'the early f1 was dropped when f2 was opened');
    expect(asked).to.deep.equal(['s1/f1', 's1/f2', 's1/f1']);
  });

  it('asks again when the early request failed, instead of showing its error', async () => {
    const { asked, fetch } = recording((_key, n) => n === 1);
    const early = createEarlyLoad(fetch);
    early.start('s1/f1');
    expect(await early.take('s1/f1')).to.equal('s1/f1#2');
    expect(asked).to.have.length(2);
  });

  it('passes on the error of the request a screen asked for itself', async () => {
    const early = createEarlyLoad(recording(() => true).fetch);
    let error: unknown;
    await early.take('s1/f1').catch((err: unknown) => (error = err));
    expect((error as Error).message).to.equal('no s1/f1');
  });

  it('hands over an answer that has already arrived at once, so the screen draws it in its first render', async () => {
    const { asked, fetch } = recording();
    const early = createEarlyLoad(fetch);
    early.start('s1/f1');
    expect(early.takeArrived('s1/f1')).to.equal(undefined, 'still on its way');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(early.takeArrived('s1/f2')).to.equal(undefined, 'never another flow\'s answer');
    expect(early.takeArrived('s1/f1')).to.equal('s1/f1#1');
    expect(early.takeArrived('s1/f1')).to.equal(undefined, 'only once');
    expect(await early.take('s1/f1')).to.equal('s1/f1#2');
    expect(asked).to.deep.equal(['s1/f1', 's1/f1']);
  });

  it('leaves a request still on its way, and one that failed, to take()', async () => {
    const { fetch } = recording((_key, n) => n === 1);
    const early = createEarlyLoad(fetch);
    early.start('s1/f1');
    expect(early.takeArrived('s1/f1')).to.equal(undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(early.takeArrived('s1/f1')).to.equal(undefined, 'a failure has no answer to hand over');
    expect(await early.take('s1/f1')).to.equal('s1/f1#2', 'take() asks again');
  });

  it('starts a request for a flow opened in the app unless one for it is already waiting, and forgets one whose screen closed', async () => {
    const { asked, fetch } = recording();
    const early = createEarlyLoad(fetch);
    early.start('s1/f1');
    early.ensure('s1/f1');
    expect(asked).to.deep.equal(['s1/f1'], 'the page load\'s request is kept');
    early.ensure('s1/f2');
    expect(asked).to.deep.equal(['s1/f1', 's1/f2']);
    early.forget('s1/f1');
    expect(await early.take('s1/f2')).to.equal('s1/f2#2', 'forgetting another flow keeps this one');
    early.ensure('s1/f3');
    early.forget('s1/f3');
    expect(await early.take('s1/f3')).to.equal('s1/f3#4', 'a forgotten answer is never handed over');
  });
});
