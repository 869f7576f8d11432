import { expect } from 'chai';
import { nextInCycle, tabAfterKey } from '../../../editor/src/lib/focus-order.js';

describe('Editor keyboard focus order', () => {
  describe('a modal’s Tab cycle', () => {
    it('goes from the last control to the first, and from the first back to the last with Shift+Tab', () => {
      expect(nextInCycle(2, 3, false)).to.equal(0);
      expect(nextInCycle(0, 3, true)).to.equal(2);
    });
    it('leaves the moves inside the modal to the browser', () => {
      expect(nextInCycle(0, 3, false)).to.equal(null);
      expect(nextInCycle(1, 3, true)).to.equal(null);
    });
    it('brings a focus that is outside the modal to its first (or last) control, and does nothing without controls', () => {
      expect(nextInCycle(-1, 3, false)).to.equal(0);
      expect(nextInCycle(-1, 3, true)).to.equal(2);
      expect(nextInCycle(-1, 0, false)).to.equal(null);
    });
    it('keeps a modal of one control on it', () => {
      expect(nextInCycle(0, 1, false)).to.equal(0);
      expect(nextInCycle(0, 1, true)).to.equal(0);
    });
  });

  describe('a tab list’s arrow keys', () => {
    it('move to the next and previous tab, wrapping at the ends', () => {
      expect(tabAfterKey(0, 3, 'ArrowRight')).to.equal(1);
      expect(tabAfterKey(2, 3, 'ArrowRight')).to.equal(0);
      expect(tabAfterKey(0, 3, 'ArrowLeft')).to.equal(2);
    });
    it('go to the first and last tab with Home and End', () => {
      expect(tabAfterKey(1, 3, 'Home')).to.equal(0);
      expect(tabAfterKey(1, 3, 'End')).to.equal(2);
    });
    it('ignore other keys and empty lists', () => {
      expect(tabAfterKey(1, 3, 'Enter')).to.equal(null);
      expect(tabAfterKey(1, 3, 'ArrowDown')).to.equal(null);
      expect(tabAfterKey(0, 0, 'ArrowRight')).to.equal(null);
    });
  });
});
