// Airlock "Connect an Assistant" page: Copy buttons ask the extension to copy the value it
// holds for that index (the page never decides what is copied); write and command buttons
// likewise only name what they want.
// @ts-check
(function () {
  'use strict';
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const b = /** @type {HTMLButtonElement | null} */ (target.closest('button'));
    if (!b) return;
    if (b.dataset.copy !== undefined) vscode.postMessage({ type: 'copy', index: Number(b.dataset.copy) });
    else if (b.dataset.write) vscode.postMessage({ type: 'write', label: b.dataset.write });
    else if (b.dataset.command) vscode.postMessage({ type: 'command', label: b.dataset.command });
  });
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || message.type !== 'copied') return;
    const b = document.querySelector(`button[data-copy="${Number(message.index)}"]`);
    if (!b) return;
    b.textContent = 'Copied';
    setTimeout(() => (b.textContent = 'Copy'), 1500);
  });
})();
