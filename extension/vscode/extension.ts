// Entry point of the extension. Activation only wires things up; every piece of real work
// (loading policy, starting the gateway, reading the ledger) happens lazily on first need.
import { bundleLoadStarted } from './loadClock';
import { vscodeApiLoaded } from './vscodeLoaded';
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { notifyDecisions } from './decisionNotifier';
import { GatewayService } from './gatewayService';
import { ProtectedIndexService } from './protectedIndex';
import { createLogger } from './log';
import { OverviewTreeProvider } from './overviewView';
import { PolicyService } from './policyService';
import { policyStatusPart } from './policyStatus';
import { CaptureService } from './review/capture';
import { registerReviewCommands } from './review/reviewCommands';
import { registerMarks } from './review/marks';
import { NeedsReviewTreeProvider } from './review/needsReviewView';
import { registerReviewProblems } from './review/reviewProblems';
import { ReviewService } from './review/reviewService';
import { registerReviewStatus } from './review/reviewStatus';
import { createStatusBar } from './statusBar';

// Every module this file imports (statically) has been evaluated by now.
const bundleEvaluated = performance.now();

/** What the extension hands to other extensions and to its own integration tests. */
export interface AirlockApi {
  /** Wall time from loading the bundle to the end of `activate`, in milliseconds. */
  readonly activationTimeMs: number;
  /** Of which, evaluating the bundle's modules. */
  readonly bundleEvalMs: number;
  /** Of which, the extension host creating the `vscode` API object for Airlock. */
  readonly vscodeApiMs: number;
  /** Of which, time inside `activate` itself. */
  readonly activateCallMs: number;
  /** Where activate() spent its time, step by step (ms). */
  readonly activationSteps: readonly string[];
  readonly policies: PolicyService;
  readonly gateway: GatewayService;
  /** Undefined without a workspace folder (nothing to review). */
  readonly reviews: ReviewService | undefined;
  readonly capture: CaptureService | undefined;
  /** The Needs Review tree's provider, once wired (just after activation); it shows `reviews`. */
  readonly needsReview: NeedsReviewTreeProvider | undefined;
}

export function activate(context: vscode.ExtensionContext): AirlockApi {
  const started = performance.now();
  const steps: string[] = [];
  let last = started;
  const step = (name: string) => {
    const now = performance.now();
    steps.push(`${name} ${(now - last).toFixed(1)}`);
    last = now;
  };

  const log = createLogger(context);
  const statusBar = createStatusBar(context);
  step('log+statusBar');
  const policies = new PolicyService(log);
  context.subscriptions.push(policies, policies.onDidChange((state) => statusBar.set('policy', policyStatusPart(state))));
  const protectedIndex = new ProtectedIndexService(policies, log);
  const gateway = new GatewayService(context, policies, statusBar, log, protectedIndex);
  runningGateway = gateway;
  context.subscriptions.push(gateway, protectedIndex);
  notifyDecisions(context, gateway, policies);
  step('policy+gateway');
  // What activation must do synchronously: commands (VS Code runs the one that activated us
  // right after activate returns) and the status bar. Views, marks and problems are wired on
  // the next tick: the extension host's first registrations of each kind are not cheap.
  const wireSoon: (() => void)[] = [];
  wireSoon.push(() => {
    const overview = new OverviewTreeProvider(policies, gateway);
    context.subscriptions.push(overview, vscode.window.registerTreeDataProvider('airlock.overview', overview));
  });
  registerCommands(context, { log, statusBar, policies, gateway, protectedIndex });
  step('commands');
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('airlock.gateway')) void gateway.stop().then(() => gateway.start());
    }),
  );
  const folder = vscode.workspace.workspaceFolders?.[0];
  let reviews: ReviewService | undefined;
  let capture: CaptureService | undefined;
  let needsReviewTree: NeedsReviewTreeProvider | undefined;
  if (folder) {
    reviews = new ReviewService(folder, policies, log);
    step('config');
    capture = new CaptureService(reviews, gateway, log);
    step('reviews+capture');
    context.subscriptions.push(reviews, capture);
    const reviewService = reviews;
    wireSoon.push(() => {
      const needsReview = new NeedsReviewTreeProvider(reviewService);
      needsReviewTree = needsReview;
      context.subscriptions.push(needsReview, vscode.window.registerTreeDataProvider('airlock.needsReview', needsReview));
      registerMarks(context, reviewService);
      registerReviewProblems(context, reviewService);
      registerReviewStatus(context, reviewService, statusBar);
    });
    registerReviewCommands(context, reviews);
    step('reviewCommands');
  }
  // Views and marks first, then the ledger (read off the activation path), so the first
  // review state reaches listeners that are already there.
  const wiring = setTimeout(() => {
    wireSoon.forEach((wire) => wire());
    void reviews?.ready();
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(wiring) });
  // Terminals need the gateway's address before they open, so it starts right after activation
  // (not inside it: loading the engine and binding a port are not activation work).
  const deferred = setTimeout(() => void gateway.start(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(deferred) });

  const ended = performance.now();
  const bundleEvalMs = bundleEvaluated - bundleLoadStarted;
  const activateCallMs = ended - started;
  // Loading plus activating; the wait between the two belongs to the extension host, not us.
  const activationTimeMs = bundleEvalMs + activateCallMs;
  log.info(`activated in ${activationTimeMs.toFixed(1)} ms (bundle evaluation ${bundleEvalMs.toFixed(1)} ms, of which require('vscode') ${(vscodeApiLoaded - bundleLoadStarted).toFixed(1)} ms + activate() ${activateCallMs.toFixed(1)} ms: ${steps.join(', ')})`);
  return {
    activationTimeMs,
    bundleEvalMs,
    vscodeApiMs: vscodeApiLoaded - bundleLoadStarted,
    activateCallMs,
    activationSteps: steps,
    policies,
    gateway,
    reviews,
    capture,
    get needsReview() {
      return needsReviewTree;
    },
  };
}

/** This window's gateway, so deactivate can wait for http.proxy to be put back before the host exits. */
let runningGateway: GatewayService | undefined;

export function deactivate(): Promise<void> | undefined {
  // Everything else is disposed through context.subscriptions; stopping the gateway writes
  // settings (http.proxy), which VS Code only waits for when deactivate returns the promise.
  return runningGateway?.stop();
}
