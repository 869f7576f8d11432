import { useState } from 'react';
import { api, messageOf } from '../api/client';

/**
 * "Connect with GoHighLevel" (the marketplace app's OAuth), shown when the template carries `oauth` (the
 * server has the app configured; otherwise the start route answers 409 `oauth_not_configured`). The start
 * route wants the bearer token, which a plain browser navigation does not carry, so the editor asks for the
 * consent URL (`format=json`) and sends the browser there; GoHighLevel brings it back to the server's callback.
 */
export function GhlOAuthButton({ sid, startPath, name }: { sid: string; startPath: string; name: string }) {
  const [error, setError] = useState<string | null>(null);
  const path = `${startPath.replace('{sid}', encodeURIComponent(sid))}?format=json${name.trim() ? `&name=${encodeURIComponent(name.trim())}` : ''}`;
  return (
    <div className="oauth">
      <button
        type="button"
        className="primary"
        onClick={async () => {
          setError(null);
          try {
            const { url } = await api<{ url: string }>('GET', path);
            window.location.assign(url);
          } catch (err) {
            setError(messageOf(err));
          }
        }}
      >
        Connect with GoHighLevel
      </button>
      <span className="muted"> or fill in a Private Integration Token below.</span>
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}
