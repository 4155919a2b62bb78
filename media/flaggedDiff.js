// Airlock flagged-diff webview. Renders the plain data the extension posts (no diff logic
// here), keeps keyboard focus on one hunk row at a time (roving tabindex), and reports the
// reviewer's keys and clicks back. The extension validates every message it receives.
// @ts-check
(function () {
  'use strict';
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const grid = /** @type {HTMLElement} */ (document.getElementById('hunks'));
  const summary = /** @type {HTMLElement} */ (document.getElementById('summary'));

  /** The hunk to focus after the next render, kept across reloads of the webview. */
  const saved = vscode.getState() || {};
  let focusId = typeof saved.focusId === 'string' ? saved.focusId : undefined;
  let focusIndex = typeof saved.focusIndex === 'number' ? saved.focusIndex : 0;
  let rendered = false;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  /** @returns {HTMLElement[]} */
  function rows() {
    return Array.from(grid.querySelectorAll('.hunk'));
  }

  function remember(row) {
    const all = rows();
    focusId = row ? row.dataset.id : undefined;
    focusIndex = row ? Math.max(0, all.indexOf(row)) : 0;
    vscode.setState({ focusId, focusIndex });
  }

  /** Makes `row` the one focusable row; moves keyboard focus there when `focus` is set. */
  function select(row, focus) {
    for (const r of rows()) {
      const on = r === row;
      r.tabIndex = on ? 0 : -1;
      r.setAttribute('aria-selected', on ? 'true' : 'false');
      // Tab reaches the selected hunk's buttons; the other rows' buttons wait for j/k.
      for (const b of r.querySelectorAll('button')) b.tabIndex = on ? 0 : -1;
    }
    if (!row) return;
    remember(row);
    if (focus) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: 'nearest' });
    }
  }

  function currentRow() {
    const active = document.activeElement;
    const row = active && active.closest ? active.closest('.hunk') : null;
    return /** @type {HTMLElement | null} */ (row) || rows().find((r) => r.tabIndex === 0) || null;
  }

  function move(delta) {
    const all = rows().filter((r) => !r.classList.contains('deciding'));
    if (all.length === 0) return;
    const at = all.indexOf(/** @type {HTMLElement} */ (currentRow()));
    const next = at < 0 ? 0 : Math.min(all.length - 1, Math.max(0, at + delta));
    select(all[next], true);
  }

  const announcer = /** @type {HTMLElement} */ (document.getElementById('announce'));
  /** Says something to the reviewer (and to screen readers) without moving focus. */
  function announce(text) {
    announcer.textContent = text;
  }

  function send(type, row) {
    if (!row || row.classList.contains('deciding')) return;
    if (type === 'approve' && row.classList.contains('forbidden')) {
      // Nothing to approve: the policy forbids AI code here. Focus stays on this hunk.
      announce(`${row.dataset.label}: AI code is forbidden here, so it cannot be approved. Reject it (r) or remove it.`);
      return;
    }
    announce('');
    if (type === 'approve') {
      // Optimistic: dim the row and move on, so the next key acts on the next hunk while the
      // extension records the decision. A failed decision comes back in the next render.
      row.classList.add('deciding');
      row.setAttribute('aria-busy', 'true');
      const all = rows().filter((r) => !r.classList.contains('deciding'));
      const after = all.find((r) => r.compareDocumentPosition(row) & Node.DOCUMENT_POSITION_PRECEDING);
      select(after || all[all.length - 1] || null, true);
    } else if (type === 'reject') {
      // Reject changes the file, so the extension asks first: focus stays here until it is
      // done (the next render moves on), and a cancelled reject leaves everything as it was.
      row.setAttribute('aria-busy', 'true');
    }
    vscode.postMessage({ type, id: row.dataset.id });
  }

  function approveFile(path) {
    if (path) vscode.postMessage({ type: 'approveFile', path });
  }

  function button(label, action, accessibleName, key, primary) {
    const b = el('button', primary ? 'primary' : 'secondary', label);
    b.type = 'button';
    b.dataset.action = action;
    b.setAttribute('aria-label', accessibleName);
    if (key) {
      b.setAttribute('aria-keyshortcuts', key);
      b.title = `${accessibleName} (${key})`;
    }
    return b;
  }

  function sourceText(h) {
    const model = h.model ? ` · ${h.model}` : '';
    return `${h.tool}${model} · ${h.channel} · ${h.confidence}% confidence`;
  }

  function diffLine(row) {
    const line = el('div', `line ${row.kind}`);
    line.append(
      el('span', 'ln', row.oldLine === undefined ? '' : String(row.oldLine)),
      el('span', 'ln', row.newLine === undefined ? '' : String(row.newLine)),
    );
    const sign = el('span', 'sign', row.kind === 'added' ? '+' : row.kind === 'removed' ? '−' : ' ');
    sign.setAttribute('aria-hidden', 'true');
    line.append(sign);
    if (row.kind !== 'context') line.append(el('span', 'sr-only', row.kind === 'added' ? 'added: ' : 'removed: '));
    line.append(el('span', 'text', row.text));
    return line;
  }

  function hunkRow(h) {
    const row = el('div', `hunk ${h.status}`);
    row.setAttribute('role', 'row');
    row.dataset.id = h.id;
    row.dataset.path = h.path;
    row.dataset.label = h.label;
    row.tabIndex = -1;
    row.setAttribute('aria-selected', 'false');
    const status = h.status === 'forbidden' ? 'forbidden by policy' : 'needs approval';
    row.setAttribute('aria-label', `${h.label}, ${status}, ${h.tool}${h.model ? ` ${h.model}` : ''}, ${h.age}, ${h.added} added, ${h.removed} removed`);

    const meta = el('div', 'meta');
    meta.setAttribute('role', 'gridcell');
    const title = el('div', 'title');
    const lines = h.startLine === h.endLine ? `Line ${h.startLine}` : `Lines ${h.startLine}-${h.endLine}`;
    const range = el('span', 'range', lines);
    range.title = h.label;
    title.append(range);
    const badge = el('span', `badge ${h.status}`, h.status === 'forbidden' ? 'Forbidden' : 'Needs approval');
    badge.title = h.status === 'forbidden' ? 'The policy forbids AI-written code here: reject it or remove it.' : 'A human must approve this AI-written code.';
    title.append(badge);
    if (h.mixed) title.append(el('span', 'badge mixed', 'Edited by a human'));
    title.append(el('span', 'age', h.age));
    meta.append(title);
    meta.append(el('div', 'source', sourceText(h)));
    const rule = el('div', 'rule');
    rule.append(el('span', 'rule-name', h.rule), el('span', 'rule-message', h.ruleMessage ? ` — ${h.ruleMessage}` : ''));
    meta.append(rule);
    if (h.status === 'forbidden') meta.append(el('div', 'forbidden-note', 'Forbidden: AI code may not stay here, approved or not; reject it or remove it.'));

    const actions = el('div', 'actions');
    actions.setAttribute('role', 'gridcell');
    const forbidden = h.status === 'forbidden';
    actions.append(
      // A forbidden hunk has nothing to approve: Reject is its primary action.
      ...(forbidden ? [] : [button('Approve', 'approve', `Approve hunk ${h.label}`, 'a', true)]),
      button('Reject', 'reject', `Reject hunk ${h.label}`, 'r', forbidden),
      button('Open', 'open', `Open hunk ${h.label}`, 'o', false),
      button('Diff', 'diff', `Open hunk ${h.label} in the diff editor`, 'd', false),
    );

    const diff = el('div', 'diff');
    diff.setAttribute('role', 'gridcell');
    diff.setAttribute('aria-label', `Diff of ${h.label}`);
    for (const r of h.rows) diff.append(diffLine(r));
    if (h.omitted > 0) diff.append(el('div', 'line omitted', `… ${plural(h.omitted, 'more line', 'more lines')}: press d for the diff editor`));

    row.append(meta, actions, diff);
    return row;
  }

  function fileGroup(f) {
    const group = el('section', 'file');
    group.setAttribute('role', 'rowgroup');
    group.setAttribute('aria-label', `${f.path}, ${plural(f.hunks.length, 'hunk', 'hunks')}`);
    const header = el('div', 'file-header');
    header.setAttribute('role', 'row');
    const name = el('div', 'file-name');
    name.setAttribute('role', 'rowheader');
    name.append(el('span', 'path', f.path), el('span', 'count', plural(f.hunks.length, 'hunk', 'hunks') + (f.forbidden ? ` · ${f.forbidden} forbidden` : '')));
    const cell = el('div', 'file-actions');
    cell.setAttribute('role', 'gridcell');
    const approvable = f.hunks.length - f.forbidden;
    if (approvable > 0) {
      const all = button(f.forbidden ? `Approve ${approvable} in file` : 'Approve all in file', 'approveFile', `Approve ${plural(approvable, 'hunk', 'hunks')} needing approval in ${f.path}`, 'Shift+A', false);
      all.dataset.path = f.path;
      cell.append(all);
    }
    header.append(name, cell);
    group.append(header);
    for (const h of f.hunks) group.append(hunkRow(h));
    return group;
  }

  function render(view) {
    const active = document.activeElement;
    const hadFocus = !rendered || !active || active === document.body || grid.contains(active);
    const files = view.files.length;
    summary.textContent =
      view.total === 0
        ? 'No AI code is waiting for review.'
        : `${plural(view.total, 'AI hunk needs', 'AI hunks need')} review in ${plural(files, 'file', 'files')}` + (view.forbidden ? ` · ${view.forbidden} forbidden` : '');
    grid.replaceChildren(...view.files.map(fileGroup));
    grid.setAttribute('aria-rowcount', String(view.total + files));
    const all = rows();
    const target = all.find((r) => r.dataset.id === focusId) || all[Math.min(focusIndex, all.length - 1)] || null;
    select(target, hadFocus && (rendered || document.hasFocus()));
    if (!rendered && target) remember(target);
    rendered = true;
  }

  grid.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const b = /** @type {HTMLButtonElement | null} */ (target.closest('button'));
    if (b && b.dataset.action === 'approveFile') return approveFile(b.dataset.path);
    const row = /** @type {HTMLElement | null} */ (target.closest('.hunk'));
    if (!row) return;
    if (b && b.dataset.action) return send(b.dataset.action, row);
    select(row, true);
  });

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const row = currentRow();
    let handled = true;
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        move(1);
        break;
      case 'k':
      case 'ArrowUp':
        move(-1);
        break;
      case 'Home':
        move(-Infinity);
        break;
      case 'End':
        move(Infinity);
        break;
      case 'a':
        send('approve', row);
        break;
      case 'r':
        send('reject', row);
        break;
      case 'o':
        send('open', row);
        break;
      case 'd':
        send('diff', row);
        break;
      case 'A':
        approveFile(row && row.dataset.path);
        break;
      case 'Enter':
        // Enter on a focused button presses it; on a row it opens the hunk.
        if (document.activeElement === row) send('open', row);
        else handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'render' && message.view && Array.isArray(message.view.files)) render(message.view);
  });

  vscode.postMessage({ type: 'ready' });
})();
