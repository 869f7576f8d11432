import { parseRoute } from '../lib/route';
import { openEarly } from './open-flow';
import { useSession } from './session';

/**
 * What a page load asks the server for before anything else runs. main.tsx imports this module first,
 * so the session check (and, on a flow's address, the flow, the catalog and the canvas chunk) leave as
 * soon as the app's script starts, before React DOM and the screens are evaluated and before the app's
 * first render and its effects. The app takes these answers when it asks for the same things.
 */
openEarly(parseRoute(location.pathname, location.search));
// A failure is the app's to show: it asks again, and the session's load shares or repeats this request.
useSession.getState().load().catch(() => undefined);
