import { createContext } from 'react';

/** What the saved flow says about the selected schedule trigger: the cron it was saved with and its next runs. */
export interface SavedSchedule {
  cron?: string;
  nextRuns?: string[];
}

// Its own module, so the node panel provides it without loading the form's widgets (and cronstrue).
export const SavedScheduleContext = createContext<SavedSchedule>({});
