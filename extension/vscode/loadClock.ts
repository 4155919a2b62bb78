// Imported first by extension.ts so that its timestamp is taken before any other module of
// the bundle is evaluated: activation time then includes loading the bundle itself.
export const bundleLoadStarted = performance.now();
