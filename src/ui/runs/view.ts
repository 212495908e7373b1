/**
 * What the page shows of the runs, apart from the runs themselves: which run the top bar's controls
 * steer (the one last started or reopened), and which runs the charts leave out. Page-only state,
 * never persisted: a reload shows every run again.
 */
import { create } from 'zustand';

export interface RunView {
  current: string | null;
  hidden: ReadonlySet<string>;
  setCurrent(runId: string | null): void;
  setHidden(runId: string, hidden: boolean): void;
}

export const useRunView = create<RunView>()((set) => ({
  current: null,
  hidden: new Set(),
  setCurrent: (current) => set({ current }),
  setHidden: (runId, hide) =>
    set((s) => {
      const hidden = new Set(s.hidden);
      if (hide) hidden.add(runId);
      else hidden.delete(runId);
      return { hidden };
    }),
}));
