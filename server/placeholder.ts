/** Shown at `/` until the editor is built. */
export const placeholderPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Switchboard</h1>
<p>The server is running. The visual editor is not built yet; use the HTTP API meanwhile.</p>
<p>API reference: <a href="/api/openapi.json">/api/openapi.json</a> · Health: <a href="/health">/health</a></p>
</body></html>`;
