/**
 * Which edge the pointer is on, outside React state: pointing at an edge re-renders that edge (to show
 * its "+") and the one it left, not the canvas. Leaving hides the "+" a moment later, so the pointer can
 * travel from the line to the "+" without it vanishing on the way.
 */
export function createEdgeHover(hideAfterMs = 250) {
  let hovered: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<() => void>();
  const set = (id: string | null) => {
    if (id === hovered) return;
    hovered = id;
    for (const l of listeners) l();
  };
  return {
    enter(id: string) {
      clearTimeout(timer);
      set(id);
    },
    leave(id: string) {
      clearTimeout(timer);
      timer = setTimeout(() => hovered === id && set(null), hideAfterMs);
    },
    get: () => hovered,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type EdgeHover = ReturnType<typeof createEdgeHover>;
