import { getViewportForBounds } from '@xyflow/system';
import { expect } from 'chai';
import { CARD_ESTIMATE, COMPACT_CARD, DETAIL_ZOOM, fitViewport, isDetailed } from '../../../editor/src/lib/viewport.js';

const options = { minZoom: 0.1, maxZoom: 1 };
const grid = (count: number, columns: number) => Array.from({ length: count }, (_, i) => ({ x: (i % columns) * 260, y: Math.floor(i / columns) * 120 }));

describe('editor: the viewport a flow opens at', () => {
  it('zooms a 500-node flow out far enough to show all of it, below the zoom where cards show their text', () => {
    const pane = { width: 1220, height: 794 };
    const view = fitViewport(grid(500, 25), pane, options);
    const extent = { width: 24 * 260 + CARD_ESTIMATE.width, height: 19 * 120 + CARD_ESTIMATE.height };
    expect(extent.width * view.zoom).to.be.at.most(pane.width);
    expect(extent.height * view.zoom).to.be.at.most(pane.height);
    expect(view.zoom).to.be.closeTo(0.17, 0.01);
    expect(isDetailed(view.zoom)).to.equal(false);
    // Centred: the middle of the nodes is the middle of the pane.
    expect(view.x + (extent.width / 2) * view.zoom).to.be.closeTo(pane.width / 2, 0.001);
    expect(view.y + (extent.height / 2) * view.zoom).to.be.closeTo(pane.height / 2, 0.001);
  });

  it('does not blow a small flow up past the largest zoom, so its cards show in full', () => {
    const view = fitViewport([{ x: 0, y: 0 }, { x: 300, y: 0 }], { width: 1220, height: 794 }, options);
    expect(view.zoom).to.equal(1);
    expect(isDetailed(view.zoom)).to.equal(true);
    expect(view.x).to.equal(1220 / 2 - (300 + CARD_ESTIMATE.width) / 2);
  });

  it('keeps to the smallest zoom for a flow too wide to fit, and takes a node without a position as at 0,0', () => {
    const view = fitViewport([undefined, { x: 100_000, y: 0 }], { width: 1000, height: 800 }, options);
    expect(view.zoom).to.equal(0.1);
  });

  it('opens an empty flow, or a pane not laid out yet, at zoom 1 at the origin', () => {
    expect(fitViewport([], { width: 1000, height: 800 }, options)).to.deep.equal({ x: 0, y: 0, zoom: 1 });
    expect(fitViewport([{ x: 5, y: 5 }], { width: 0, height: 0 }, options)).to.deep.equal({ x: 0, y: 0, zoom: 1 });
  });

  it('fits as React Flow\'s fitView does, so a flow of compact cards (whose size is known) opens already fitted', () => {
    for (const [count, columns, pane] of [[500, 25, { width: 1220, height: 794 }], [40, 4, { width: 1000, height: 900 }], [7, 7, { width: 1333, height: 601 }]] as const) {
      const positions = grid(count, columns);
      const bounds = { x: 0, y: 0, width: (Math.min(count, columns) - 1) * 260 + COMPACT_CARD.width, height: Math.floor((count - 1) / columns) * 120 + COMPACT_CARD.height };
      const theirs = getViewportForBounds(bounds, pane.width, pane.height, options.minZoom, options.maxZoom, 0.1);
      const ours = fitViewport(positions, pane, options);
      expect(ours.zoom).to.be.closeTo(theirs.zoom, 1e-12);
      expect(ours.x).to.be.closeTo(theirs.x, 1e-9);
      expect(ours.y).to.be.closeTo(theirs.y, 1e-9);
    }
  });

  it('takes a sticky note at its own size', () => {
    const view = fitViewport([{ x: 0, y: 0 }, { x: 0, y: 0, width: 2000, height: 140 }], { width: 1000, height: 800 }, options);
    expect(view.zoom).to.be.below(0.5);
  });

  it('shows text from DETAIL_ZOOM up', () => {
    expect(isDetailed(DETAIL_ZOOM)).to.equal(true);
    expect(isDetailed(DETAIL_ZOOM - 0.01)).to.equal(false);
  });
});
