// The recordings page's HTML and its script (served as /recordings.js: the CSP allows no inline
// script). The page asks for the admin token once (kept in this tab's sessionStorage only) and
// sends it with every request; the server decides, the page only shows what it was given.

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function recordingsPage(room: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Recordings of ${escapeHtml(room)} · Parley</title>
<script src="/recordings.js" defer></script>
</head>
<body data-room="${escapeHtml(room)}">
<main>
<h1>Recordings of ${escapeHtml(room)}</h1>
<form id="token-form">
<label>Admin token <input id="token" type="password" autocomplete="off" required></label>
<button type="submit">Show recordings</button>
</form>
<p id="status" role="status"></p>
<table id="recordings" hidden>
<thead><tr><th>Started (UTC)</th><th>Duration</th><th>Size</th><th>Participants</th><th>Files</th><th></th></tr></thead>
<tbody></tbody>
</table>
</main>
</body>
</html>
`;
}

export const RECORDINGS_SCRIPT = `'use strict';
(() => {
  const room = document.body.dataset.room;
  const status = document.getElementById('status');
  const table = document.getElementById('recordings');
  const tokenInput = document.getElementById('token');
  const key = 'parley-admin-token';
  const auth = () => ({ Authorization: 'Bearer ' + sessionStorage.getItem(key) });
  const size = (b) => (b > 1048576 ? (b / 1048576).toFixed(1) + ' MiB' : Math.ceil(b / 1024) + ' KiB');
  const duration = (s) => (s === undefined ? '' : Math.floor(s / 60) + ' min ' + (s % 60) + ' s');
  const cell = (row, text) => { const td = row.insertCell(); td.textContent = text; return td; };

  async function download(id, file) {
    const res = await fetch('/recordings-api/' + room + '/' + id + '/' + file, { headers: auth() });
    if (!res.ok) return void (status.textContent = (await res.json()).error);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = room + '-' + id + '-' + file;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  async function remove(id) {
    if (!confirm('Delete the recording of ' + id + '? This cannot be undone.')) return;
    const res = await fetch('/recordings-api/' + room + '/' + id, { method: 'DELETE', headers: auth() });
    status.textContent = res.ok ? 'Deleted ' + id + '.' : (await res.json()).error;
    await load();
  }

  async function load() {
    const res = await fetch('/recordings-api/' + room, { headers: auth() });
    const body = await res.json();
    if (!res.ok) { table.hidden = true; status.textContent = body.error; return; }
    const tbody = table.tBodies[0];
    tbody.replaceChildren();
    for (const r of body.recordings) {
      const row = tbody.insertRow();
      row.dataset.id = r.id;
      cell(row, (r.startedAt || r.id).replace('T', ' ').replace(/\\.\\d+Z$|Z$/, '') + (r.inProgress ? ' (recording)' : ''));
      cell(row, duration(r.durationSeconds));
      cell(row, size(r.bytes));
      cell(row, r.participants.join(', '));
      const files = cell(row, '');
      for (const f of r.files) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = f.name + ' (' + size(f.bytes) + ')';
        b.addEventListener('click', () => void download(r.id, f.name));
        files.append(b, ' ');
      }
      const actions = cell(row, '');
      if (!r.inProgress) {
        const del = document.createElement('button');
        del.type = 'button';
        del.textContent = 'Delete';
        del.addEventListener('click', () => void remove(r.id));
        actions.append(del);
      }
    }
    table.hidden = false;
    status.textContent = body.recordings.length ? body.recordings.length + ' recording(s).' : 'No recordings yet.';
  }

  document.getElementById('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(key, tokenInput.value);
    void load();
  });
  if (sessionStorage.getItem(key)) void load();
})();
`;
