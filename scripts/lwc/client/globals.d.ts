// Browser-side types of the preview page. The platform module declarations of the component are
// pulled in so the stubs can share the component's own DTO types.
/// <reference path="../../../types/salesforce-modules.d.ts" />
import type { CallEntry } from '../../../force-app/timeline/lwc/callTimeline/callView';

declare global {
  /** State of one preview page: injected by the server, read by the stubs, driven by tests. */
  interface RinkelPreviewState {
    recordId: string;
    locale: string;
    timeZone: string;
    labels: Record<string, string>;
    calls: CallEntry[];
    canListen: boolean;
    delayMs: number;
    failWith: string | null;
    pageSize: number | null;
    audioUrl: string;
    requests: Record<string, unknown>[];
    streamRequests: string[];
    getCallRequests: string[];
    getCallResolvedAt: number | null;
    streamResolvedAt: number | null;
    /** The benchmark's hook: called as a stubbed Apex call answers. */
    onAnswer?: () => void;
    linkRequests: Record<string, unknown>[];
    navigations: unknown[];
    refreshHandlers: (() => unknown)[];
    empHandlers: ((message: unknown) => void)[];
    emit: (payload: Record<string, unknown>) => void;
    /** Custom permissions of the agent (@salesforce/customPermission/*). */
    permissions: Record<string, boolean>;
    /** What the stubbed RinkelDialController answers, and what it was asked. */
    dialResult: { placed: boolean; message: string };
    dialRequests: Record<string, unknown>[];
    actionClosed: boolean;
    /** 'call': the Call quick action; 'pop': the screen pop; null: the timeline. */
    action: 'call' | 'pop' | null;
    /** What the stubbed RinkelScreenPopController answers, and what it was asked. */
    screenPop: {
      agent: { rinkelUserId: string | null; autoOpen: boolean };
      pop: Record<string, unknown> | null;
      searchResults: Record<string, unknown>[];
      requests: string[];
      searches: string[];
    };
    mountedAt: number;
    firstRenderMs: number | null;
  }

  interface Window {
    __RINKEL__: RinkelPreviewState;
  }
}

export {};
