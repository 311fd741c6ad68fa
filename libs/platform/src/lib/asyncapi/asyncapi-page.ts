type Json = Record<string, unknown>;

const escape = (text: unknown) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What a `#/…/<key>` reference points at: its last key, JSON-pointer escapes undone. */
const refKey = ({ $ref }: { $ref: string }) =>
  ($ref.split('/').pop() ?? '').replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * The AsyncAPI document as one self-contained page (no scripts, nothing fetched): its operations
 * with their channels and AMQP bindings, then every message with its payload schema.
 */
export function asyncApiPage(document: Json): string {
  const info = document['info'] as Json;
  const channels = document['channels'] as Record<string, Json>;
  const operations = document['operations'] as Record<string, Json>;
  const messages = (document['components'] as { messages: Record<string, Json> }).messages;
  const rows = Object.entries(operations).map(([id, operation]) => {
    const channel = channels[refKey(operation['channel'] as { $ref: string })] ?? {};
    const names = ((operation['messages'] ?? []) as { $ref: string }[]).map(refKey);
    return `<tr><td>${escape(operation['action'])}</td><td><code>${escape(channel['address'])}</code></td>
<td>${names.map((name) => `<a href="#${escape(name)}">${escape(name)}</a>`).join('<br>')}</td>
<td>${escape(channel['description'] ?? operation['summary'] ?? id)}</td></tr>`;
  });
  const sections = Object.entries(messages).map(
    ([name, message]) => `<h3 id="${escape(name)}">${escape(name)}</h3>
<p>${escape(message['summary'] ?? '')}</p>
<pre>${escape(JSON.stringify(message['payload'], null, 2))}</pre>`,
  );
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escape(info['title'])}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}pre{background:#f6f6f6;padding:.6em}</style>
</head><body>
<h1>${escape(info['title'])} <small>AsyncAPI ${escape(document['asyncapi'])}, version ${escape(info['version'])}</small></h1>
<p>${escape(info['description'])} The document itself: <a href="asyncapi.json">asyncapi.json</a>.</p>
<h2>Operations</h2>
<table><tr><th>action</th><th>address</th><th>messages</th><th>about</th></tr>
${rows.join('\n')}</table>
<h2>Messages</h2>
${sections.join('\n')}
</body></html>`;
}
