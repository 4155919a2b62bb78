// Imported second by extension.ts, right after loadClock: its timestamp tells how much of the
// bundle's evaluation is the extension host handing out the `vscode` API object.
import * as vscode from 'vscode';

export const vscodeApiLoaded = performance.now();
export const vscodeVersion = vscode.version;
